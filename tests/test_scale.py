"""The Dask adapter against a real LocalCluster gives the single-process answers."""

from __future__ import annotations

from datetime import date

import pytest

import lss_sol_rules as lsr

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")

from lss_sol_rules.scale import EngineSpec, evaluate_dask  # noqa: E402

ON = date(2026, 1, 1)


def _caseload(n: int) -> pd.DataFrame:
    import numpy as np

    rng = np.random.default_rng(7)
    hours = rng.uniform(0, 60, n).round(1)
    hours[rng.random(n) < 0.1] = np.nan  # not given
    births = pd.to_datetime("1940-01-01") + pd.to_timedelta(rng.integers(0, 30000, n), "D")
    insatser = rng.choice(["personlig_assistans", "ledsagarservice", "daglig_verksamhet"], n)
    diagnoser = [["autism"] if x < 0.5 else ["psykisk_funktionsnedsattning"] for x in rng.random(n)]
    frame = pd.DataFrame(
        {
            "grundlaggande_behov_timmar_per_vecka": hours,
            "fodelsedatum": births,
            "insats": insatser,
            "diagnoser": diagnoser,
        }
    )
    frame.loc[5, "grundlaggande_behov_timmar_per_vecka"] = -3.0  # a bad row: reported, not fatal
    return frame


@pytest.fixture(scope="module")
def client():  # type: ignore[no-untyped-def]
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


@pytest.mark.parametrize(
    "question", ["personlig_assistans.huvudman", "lss.ratt_till_insats", "lss.personkrets"]
)
def test_dask_on_a_local_cluster_equals_the_single_process_path(client, question) -> None:  # type: ignore[no-untyped-def]
    import dask

    frame = _caseload(3000)
    # Dask would turn the list column into text; lists must stay lists (see docs/scale.md).
    with dask.config.set({"dataframe.convert-string": False}):
        ddf = dd.from_pandas(frame, npartitions=6)
    got = evaluate_dask(ddf, question, on=ON).compute()
    expected = lsr.load().evaluate_many(question, frame, on=ON, errors="collect")
    assert list(got.index) == list(frame.index)

    def plain(column: str) -> list[object]:
        return [None if pd.isna(v) else v for v in got[column]]

    texts = [
        None if v is None else t
        for v, t in zip(expected.values, expected.value_texts(), strict=True)
    ]
    assert plain("value") == texts
    assert plain("status") == list(expected.statuses)
    assert plain("missing") == [";".join(m) for m in expected.missing]
    assert plain("error") == list(expected.errors)
    if question == "personlig_assistans.huvudman":
        assert got.loc[5, "status"] == "error"


def test_a_wrong_question_fails_before_scheduling() -> None:
    ddf = dd.from_pandas(_caseload(10), npartitions=1)
    with pytest.raises(lsr.QuestionError):
        evaluate_dask(ddf, "no.such.question", on=ON)
    with pytest.raises(TypeError, match="on"):
        evaluate_dask(ddf, "personlig_assistans.huvudman", on="2026-01-01")  # type: ignore[arg-type]


def test_engine_spec_resolves_paths_and_builds_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    spec = EngineSpec(paths=[], plugins=False)
    assert spec.build() is spec.build()
    assert "se/stockholm" not in spec.build().jurisdictions()


def test_ids_travel_through_the_workers_and_stray_columns_are_refused_first(client) -> None:  # type: ignore[no-untyped-def]
    frame = _caseload(400)
    frame.insert(0, "case_id", [f"K-{i:04d}" for i in range(len(frame))])
    frame["handlaggare"] = "Eva"
    ddf = dd.from_pandas(frame.drop(columns=["diagnoser"]), npartitions=4)
    q = "personlig_assistans.huvudman"
    with pytest.raises(lsr.FactError, match="'handlaggare'"):
        evaluate_dask(ddf, q, on=ON, id="case_id")  # before anything is scheduled
    got = evaluate_dask(ddf, q, on=ON, id="case_id", ignore_columns=["handlaggare"]).compute()
    assert list(got.columns[:2]) == ["case_id", "value"]
    assert list(got["case_id"]) == list(frame["case_id"])  # every row, in order, ids kept
    assert got.loc[5, "status"] == "error"
    assert got.loc[5, "error_fact"] == "grundlaggande_behov_timmar_per_vecka"
    expected = lsr.load().evaluate_many(
        q, frame.drop(columns=["diagnoser"]), on=ON, id="case_id", ignore_columns=["handlaggare"]
    )
    assert [None if pd.isna(v) else v for v in got["status"]] == list(expected.statuses)
