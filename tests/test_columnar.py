"""The compiled batch path answers exactly as the single-case evaluator, for every input kind."""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lss_sol_rules as lsr
import lss_sol_rules.testing as lst

pa = pytest.importorskip("pyarrow")
pd = pytest.importorskip("pandas")
pl = pytest.importorskip("polars")

# National law and the Stockholm plugins, plus a threshold question of the tests' own (the
# 20-hour line alone), so that these tests do not depend on how national questions grow.
THRESHOLD_RULES = Path(__file__).parent / "caseload_rules" / "troskel.toml"
ENGINE = lsr.load(paths=[THRESHOLD_RULES])
RULES = ["--rules", str(THRESHOLD_RULES)]
ON = date(2026, 1, 1)
Q = "batchtest.huvudman"
H = "grundlaggande_behov_timmar_per_vecka"


def _where(question: str) -> list[str]:
    return sorted({r.jurisdiction for r in ENGINE.rulebook.rules if r.question == question})


QUESTIONS = sorted(q.name for q in ENGINE.questions(include_internal=True))


def _run(question: str, cases: Any, on: date, jurisdiction: str, method: str) -> Any:
    try:
        return ENGINE.evaluate_many(
            question, cases, on=on, jurisdiction=jurisdiction, errors="collect", method=method
        )
    except lsr.LssSolRulesError as exc:  # a rule conflict etc.: both paths must raise it
        return type(exc), str(exc)


def _same(a: Any, b: Any) -> None:
    if isinstance(a, tuple) or isinstance(b, tuple):
        assert a == b
        return
    assert a.values == b.values
    assert [type(v) for v in a.values] == [type(v) for v in b.values]
    assert a.statuses == b.statuses
    assert a.missing == b.missing
    assert a.errors == b.errors


@st.composite
def caseloads(draw: st.DrawFn) -> tuple[str, str, date, list[dict[str, Any]]]:
    question = draw(st.sampled_from(QUESTIONS))
    jurisdiction = draw(st.sampled_from(_where(question)))
    on = draw(lst.evaluation_dates(question, ENGINE, jurisdiction))
    good = lst.facts(question, on, ENGINE, jurisdiction)
    partial = good.flatmap(
        lambda f: st.sets(st.sampled_from(sorted(f) or ["-"])).map(
            lambda drop: {k: v for k, v in f.items() if k not in drop}
        )
    )
    bad = lst.invalid_facts(ENGINE, on, jurisdiction)
    one = st.one_of(good, good, partial, partial, bad, st.just({}))
    return question, jurisdiction, on, draw(st.lists(one, min_size=1, max_size=12))


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(caseloads())
def test_columnar_equals_row_by_row_for_every_question(
    load: tuple[str, str, date, list[dict[str, Any]]],
) -> None:
    question, jurisdiction, on, cases = load
    _same(
        _run(question, cases, on, jurisdiction, "columnar"),
        _run(question, cases, on, jurisdiction, "row"),
    )


# -- typed tables: the fast column readers --------------------------------------------------
def _arrow_type(decl: lsr.FactDecl) -> Any:
    return {
        "bool": pa.bool_(),
        "int": pa.int64(),
        "number": pa.float64(),
        "date": pa.date32(),
        "text": pa.string(),
    }.get(decl.type, pa.list_(pa.string()))


def _table(cases: list[dict[str, Any]]) -> Any:
    names = sorted({k for c in cases for k in c})
    decls = ENGINE.rulebook.facts
    cols = {}
    for name in names:
        decl = decls[name]
        cells = [c.get(name) for c in cases]
        if decl.type == "number":
            cells = [None if v is None else float(v) for v in cells]
        cols[name] = pa.array(cells, type=_arrow_type(decl))
    return pa.table(cols) if cols else pa.table({H: pa.array([None] * len(cases), pa.float64())})


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_tables_and_frames_answer_as_their_rows(data: st.DataObject) -> None:
    question = data.draw(st.sampled_from(QUESTIONS))
    jurisdiction = data.draw(st.sampled_from(_where(question)))
    on = data.draw(lst.evaluation_dates(question, ENGINE, jurisdiction))
    good = lst.facts(question, on, ENGINE, jurisdiction)
    cases = data.draw(st.lists(good, min_size=1, max_size=10))
    table = _table(cases)
    if data.draw(st.booleans()):  # text facts as Arrow dictionaries, as Parquet often has them
        for i, field in enumerate(table.schema):
            if pa.types.is_string(field.type):
                table = table.set_column(i, field.name, table.column(i).dictionary_encode())
    kind = data.draw(st.sampled_from(["arrow", "pandas", "polars"]))
    frame = {"arrow": table, "pandas": table.to_pandas(), "polars": pl.from_arrow(table)}[kind]
    columnar = _run(question, frame, on, jurisdiction, "columnar")
    rows = _run(question, frame, on, jurisdiction, "row")
    _same(columnar, rows)


def test_dicts_tables_and_frames_give_the_same_answers() -> None:
    cases = [{H: 5.0}, {H: 20.0}, {H: 20.5}, {}, {H: 100.25}]
    table = pa.table({H: pa.array([c.get(H) for c in cases], pa.float64())})
    expected = ENGINE.evaluate_many(Q, cases, on=ON, method="row")
    for frame in (table, table.to_pandas(), pl.from_arrow(table)):
        got = ENGINE.evaluate_many(Q, frame, on=ON)
        assert got.values == expected.values
        assert got.missing == expected.missing
    assert expected.values == ("kommun", "kommun", "forsakringskassan", None, "forsakringskassan")


def test_nan_is_refused_in_arrow_and_missing_in_pandas() -> None:
    table = pa.table({H: pa.array([math.nan, 30.0], pa.float64())})
    got = ENGINE.evaluate_many(Q, table, on=ON, errors="collect")
    assert got.statuses == ("error", "decided")
    assert "nan" in (got.errors[0] or "").lower()
    frame = pd.DataFrame({H: [math.nan, 30.0]})
    got = ENGINE.evaluate_many(Q, frame, on=ON)
    assert got.statuses == ("undetermined", "decided")
    assert got.missing[0] == (H,)
    with pytest.raises(lsr.FactError, match="row 1"):
        ENGINE.evaluate_many(Q, table, on=ON, errors="raise")


def test_timestamps_at_midnight_are_dates_others_are_refused() -> None:
    q = "lss.personkrets"
    births = ["1990-05-01", "1991-06-02"]
    frame = pd.DataFrame({"fodelsedatum": pd.to_datetime(births), "diagnoser": [["autism"]] * 2})
    got = ENGINE.evaluate_many(q, frame, on=ON, errors="collect")
    assert got.statuses == ("decided", "decided")
    assert got.facts(0)["fodelsedatum"] == date(1990, 5, 1)
    # One value with a time of day: the column is timestamps, refused as case by case.
    frame["fodelsedatum"] = pd.to_datetime(["1990-05-01", "1991-06-02 12:30"], format="ISO8601")
    got = ENGINE.evaluate_many(q, frame, on=ON, errors="collect")
    assert got.statuses == ("error", "error")
    assert "time of day" in (got.errors[1] or "")


def test_unknown_columns_and_bad_enum_values_are_errors_per_row() -> None:
    table = pa.table({"insats": ["ledsagarservice", "flygresa"]})
    got = ENGINE.evaluate_many("lss.ratt_till_insats", table, on=ON, errors="collect")
    assert got.statuses[1] == "error"
    assert "flygresa" in (got.errors[1] or "")
    # A column that is not a fact is refused before any work (never silently dropped).
    table = pa.table({"timmar": [1, 2]})
    with pytest.raises(lsr.FactError, match="'timmar'"):
        ENGINE.evaluate_many(Q, table, on=ON)
    # In plain fact dicts an unknown name stays that row's error, as in engine.evaluate.
    got = ENGINE.evaluate_many(Q, [{"timmar": 1}, {H: 3}], on=ON)
    assert got.statuses == ("error", "decided")
    assert "unknown fact" in (got.errors[0] or "")


def test_explanations_on_demand_for_a_table_row() -> None:
    table = pa.table({H: pa.array([12.5, 30.0], pa.float64())})
    got = ENGINE.evaluate_many(Q, table, on=ON)
    d = got.decision(1)
    assert d.value == "forsakringskassan"
    assert got.facts(1) == {H: 30.0}
    assert any("SFB 51 kap. 3 §" in c.text for r in d.reasons for c in r.citations)


def test_decimal_exactness_at_the_line() -> None:
    # 20.000000000000001 is above the line; as a float it would equal 20.
    cases = [{H: Decimal("20.000000000000001")}, {H: Decimal("20")}]
    got = ENGINE.evaluate_many(Q, cases, on=ON, method="columnar")
    assert got.values == ("forsakringskassan", "kommun")


def test_a_question_not_in_force_is_refused_before_any_row_on_both_paths() -> None:
    old = date(1990, 1, 1)
    a = _run(Q, [{H: 30}], old, "se", "columnar")
    b = _run(Q, [{H: 30}], old, "se", "row")
    _same(a, b)
    assert isinstance(a, tuple)


def test_method_is_checked() -> None:
    with pytest.raises(ValueError, match="method"):
        ENGINE.evaluate_many(Q, [{}], on=ON, method="fast")
    with pytest.raises(TypeError, match="not one dict"):
        ENGINE.evaluate_many(Q, {H: 3}, on=ON)


def test_datetime_cells_in_dicts_are_refused_like_single_cases() -> None:
    cases = [{"fodelsedatum": datetime(1990, 1, 1, 0, 0)}]
    got = ENGINE.evaluate_many("lss.personkrets", cases, on=ON, errors="collect")
    assert got.statuses == ("error",)


def test_batch_command_reads_and_writes_parquet(tmp_path: Any) -> None:
    import pyarrow.parquet as pq
    from click.testing import CliRunner

    from lss_sol_rules.cli import main

    cases = tmp_path / "cases.parquet"
    pq.write_table(pa.table({H: pa.array([10.0, None, 35.5, -1.0], pa.float64())}), cases)
    out = tmp_path / "out.parquet"
    result = CliRunner().invoke(
        main,
        ["batch", Q, "--cases", str(cases), "--out", str(out), "--on", "2026-01-01", *RULES],
    )
    assert result.exit_code == 0, result.output
    table = pq.read_table(out).to_pylist()
    assert [r["value"] for r in table] == ["kommun", None, "forsakringskassan", None]
    assert [r["status"] for r in table] == ["decided", "undetermined", "decided", "error"]
    assert table[1]["missing"] == [H]
    assert "at least 0" in table[3]["error"]
    csv_out = tmp_path / "out.csv"
    result = CliRunner().invoke(
        main,
        ["batch", Q, "--cases", str(cases), "--out", str(csv_out), "--on", "2026-01-01", *RULES],
    )
    assert result.exit_code == 0, result.output
    assert "forsakringskassan" in csv_out.read_text(encoding="utf-8")


def test_diff_takes_a_table_and_groups_the_changes() -> None:
    table = pa.table(
        {
            "insats": ["hemtjanst"] * 4,
            "hemtjanst_timmar_per_manad": pa.array([50.0, 85.0, 99.0, 120.0], pa.float64()),
        }
    )
    report = ENGINE.diff(
        "delegation.beslutsniva",
        table,
        on=ON,
        jurisdiction="se/stockholm",
        against_jurisdiction="se/stockholm/exempel",  # the example district: line at 120
    )
    assert report.total == 4
    assert [(c.old, c.new, c.count) for c in report.changes] == [
        ("sarskild_delegation", "handlaggare", 1)
    ]
    assert report.changes[0].rows == (3,)


# -- the same, with id columns and bad cells ----------------------------------------------------
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(caseloads(), st.data())
def test_columnar_equals_row_by_row_with_ids_and_bad_cells(
    load: tuple[str, str, date, list[dict[str, Any]]], data: st.DataObject
) -> None:
    question, jurisdiction, on, cases = load
    # Each case gets an id; some get a hostile cell (text where a number belongs, a NaN).
    bad_cell = st.sampled_from([{H: "abc"}, {H: math.nan}, {"alder": -3}, {}])
    with_ids = [{"case_id": f"A-{i}", **c, **data.draw(bad_cell)} for i, c in enumerate(cases)]

    def run(method: str) -> Any:
        try:
            return ENGINE.evaluate_many(
                question, with_ids, on=on, jurisdiction=jurisdiction, method=method, id="case_id"
            )
        except lsr.LssSolRulesError as exc:  # e.g. a key that is no fact: refused up front
            return type(exc), str(exc)

    runs = [run("columnar"), run("row")]
    _same(*runs)
    for got in runs:
        if isinstance(got, tuple):
            continue
        assert len(got) == len(cases)  # rows in == rows out
        assert got.ids == {"case_id": [f"A-{i}" for i in range(len(cases))]}
        for err in got.row_errors:
            assert err.ids == (("case_id", f"A-{err.row - 1}"),)
            assert got.statuses[err.row - 1] == "error"
        assert got.to_arrow().column("case_id").to_pylist() == got.ids["case_id"]


@pytest.mark.parametrize(
    "question",
    ["personlig_assistans.aldersgrans_datum", "personlig_assistans.huvudman", "lss.personkrets"],
)
def test_many_cases_sharing_few_dates_answer_as_row_by_row(question: str) -> None:
    # Past 4,096 cases with few distinct dates, date arithmetic runs once per distinct date
    # (columnar._distinct); the hypothesis tests above never reach that size.
    import numpy as np

    n = 5000
    rng = np.random.default_rng(12)
    births = [date(1940 + k, 1 + k % 12, 1 + k % 28) for k in range(40)] + [date(1960, 2, 29)]
    table = pa.table(
        {
            "fodelsedatum": pa.array(
                [births[i] for i in rng.integers(0, len(births), n)], pa.date32()
            ),
            H: pa.array(rng.integers(0, 400, n) / 10),
            "diagnoser": pa.array([["autism"]] * n, pa.list_(pa.string())),
        }
    )
    for on in (date(2026, 1, 1), date(2031, 6, 30)):
        _same(_run(question, table, on, "se", "columnar"), _run(question, table, on, "se", "row"))
