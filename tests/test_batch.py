"""Caseloads: evaluate_many, diff between settings, CSV input, and the batch/diff commands."""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import lss_sol_rules as lsr
import lss_sol_rules.testing as lst
from lss_sol_rules.batch import read_csv
from lss_sol_rules.cli import main

# National law and the Stockholm plugins, plus a threshold question of the tests' own (the
# 20-hour line alone), so that these tests do not depend on how national questions grow.
THRESHOLD_RULES = Path(__file__).parent / "caseload_rules" / "troskel.toml"
ENGINE = lsr.load(paths=[THRESHOLD_RULES])
ON = date(2026, 1, 1)
Q = "batchtest.huvudman"
H = "grundlaggande_behov_timmar_per_vecka"


@given(data=st.data())
def test_batch_answers_equal_single_case_answers(data: st.DataObject) -> None:
    question = data.draw(
        st.sampled_from(["lss.ratt_till_insats", "lss.personkrets", Q, "levnadsniva"])
    )
    on = data.draw(lst.evaluation_dates(question, ENGINE))
    cases = data.draw(st.lists(lst.facts(question, on, ENGINE), min_size=1, max_size=8))
    result = ENGINE.evaluate_many(question, cases, on=on)
    for i, facts in enumerate(cases):
        single = ENGINE.evaluate(question, facts, on=on)
        assert result.values[i] == single.value
        assert result.statuses[i] == single.status
        assert result.missing[i] == single.missing
        assert result.decision(i) == single


def test_errors_raise_with_the_row_or_are_collected() -> None:
    cases = [{H: 5}, {H: -1}, {}]
    with pytest.raises(lsr.FactError, match="row 2"):
        ENGINE.evaluate_many(Q, cases, on=ON, errors="raise")
    result = ENGINE.evaluate_many(Q, cases, on=ON)  # collect is the default
    assert result.statuses == ("decided", "error", "undetermined")
    assert result.errors[1] is not None
    assert "at least 0" in result.errors[1]
    assert result.counts() == {"error": 1, "kommun": 1, "undetermined": 1}
    with pytest.raises(ValueError, match="errors"):
        ENGINE.evaluate_many(Q, cases, on=ON, errors="ignore")


def test_progress_is_reported() -> None:
    seen: list[int] = []
    from lss_sol_rules.batch import evaluate_many

    cases = [{H: h % 40} for h in range(2500)]
    evaluate_many(ENGINE, Q, cases, on=ON, progress=seen.append, method="row")
    assert seen == [1000, 2000, 2500]
    seen.clear()
    evaluate_many(ENGINE, Q, cases, on=ON, progress=seen.append, method="columnar")
    assert seen == [2500]


HOURS = [Decimal(h) for h in ("50", "81", "99.5", "110", "130")]
HEMTJANST = [{"insats": "hemtjanst", "hemtjanst_timmar_per_manad": h} for h in HOURS]


def test_diff_between_jurisdictions() -> None:
    report = ENGINE.diff(
        "delegation.beslutsniva",
        HEMTJANST,
        on=ON,
        jurisdiction="se/stockholm",
        against_jurisdiction="se/stockholm/exempel",
    )
    assert report.total == 5
    (change,) = report.changes
    assert (change.old, change.new, change.rows) == ("sarskild_delegation", "handlaggare", (2, 3))
    assert change.example_new is not None
    assert change.example_new.jurisdiction == "se/stockholm/exempel"
    assert "2 av 5 ärenden" in report.render("sv")


def test_diff_against_a_proposed_rulebook(tmp_path: Path) -> None:
    proposal = tmp_path / "forslag.toml"
    proposal.write_text(
        """
[rulebook]
jurisdiction = "se/stockholm/forslag"
[parameters.hemtjanst_delegationsgrans_timmar]
type = "number"
label = { sv = "Gräns", en = "Line" }
[[parameters.hemtjanst_delegationsgrans_timmar.values]]
value = 80
valid_from = 2021-01-01
citations = ["förslag till ny delegationsordning"]
""",
        encoding="utf-8",
    )
    proposed = lsr.load(paths=[proposal])
    report = ENGINE.diff(
        "delegation.beslutsniva",
        HEMTJANST,
        on=ON,
        jurisdiction="se/stockholm",
        against=proposed,
        against_jurisdiction="se/stockholm/forslag",
    )
    (change,) = report.changes
    assert (change.old, change.new, change.count) == ("handlaggare", "sarskild_delegation", 1)
    assert "80" in report.render("en")


def test_diff_between_dates() -> None:
    # The tests' own dated rule: the limit age is 65 until 2025 and 66 from 2026.
    facts = [{"fodelsedatum": "1959-06-01"}, {}]
    report = ENGINE.diff(
        "batchtest.gransdatum", facts, on=date(2024, 12, 31), against_on=date(2025, 12, 31)
    )
    assert report.changed == 0  # the same parameter value on both dates
    report = ENGINE.diff(
        "batchtest.gransdatum", facts, on=date(2025, 12, 31), against_on=date(2026, 1, 1)
    )
    (change,) = report.changes
    assert (change.old, change.new) == ("date", "date")  # dates are summarised, not listed
    assert change.shift is not None
    assert (change.shift.moved, change.shift.later, change.shift.min_days) == (1, 1, 365)
    assert report.shift == change.shift
    assert [d.render("en") for d in change.because] == ["parameter batchtest_gransalder: 65 → 66"]


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_read_csv_types_cells_from_the_schema(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "c.csv",
        [
            {
                H: "20,5",
                "diagnoser": "autism; fysisk_funktionsnedsattning",
                "skolungdom": "ja",
                "fodelsedatum": "2010-05-01",
                "alder": "",
            },
            {H: "", "diagnoser": "", "skolungdom": "false", "fodelsedatum": "", "alder": "15"},
        ],
    )
    rows = read_csv(ENGINE, path)
    assert rows[0] == {
        H: Decimal("20.5"),
        "diagnoser": ["autism", "fysisk_funktionsnedsattning"],
        "skolungdom": True,
        "fodelsedatum": "2010-05-01",
    }
    assert rows[1] == {"skolungdom": False, "alder": 15}


def test_read_csv_errors_name_column_and_row(tmp_path: Path) -> None:
    with pytest.raises(lsr.FactError, match="did you mean 'alder'"):
        read_csv(ENGINE, write_csv(tmp_path / "a.csv", [{"aldr": "3"}]))
    with pytest.raises(lsr.FactError, match=r"fact 'alder': row 1 \(line 2\): 'tre' is not"):
        read_csv(ENGINE, write_csv(tmp_path / "b.csv", [{"alder": "tre"}]), errors="raise")
    cases = read_csv(ENGINE, write_csv(tmp_path / "d.csv", [{"skolungdom": "kanske"}]))
    assert cases.records == [{}]
    (err,) = cases.errors.values()
    assert (err.row, err.line, err.fact) == (1, 2, "skolungdom")
    assert "'kanske' is not true/false" in err.message


def test_batch_and_diff_commands(tmp_path: Path) -> None:
    cases = write_csv(
        tmp_path / "cases.csv",
        [{"insats": "hemtjanst", "hemtjanst_timmar_per_manad": str(h)} for h in HOURS],
    )
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(
        main,
        [
            "batch",
            "delegation.beslutsniva",
            "--cases",
            str(cases),
            "--out",
            str(out),
            "--on",
            "2026-01-01",
            "--jurisdiction",
            "se/stockholm",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["value"] for r in rows] == [
        "handlaggare",
        "handlaggare",
        "sarskild_delegation",
        "sarskild_delegation",
        "sarskild_delegation",
    ]
    result = CliRunner().invoke(
        main,
        [
            "diff",
            "delegation.beslutsniva",
            "--cases",
            str(cases),
            "--on",
            "2026-01-01",
            "--jurisdiction",
            "se/stockholm",
            "--against-jurisdiction",
            "se/stockholm/exempel",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "sarskild_delegation → handlaggare: 2" in result.output


# -- a municipality's own export ------------------------------------------------------------
# What a real export looks like: a case id, a stray column naming the officer, a decimal
# comma, a cell typed by hand, an empty line, a row with one cell too many.
EXPORT = (
    "case_id,handlaggare,grundlaggande_behov_timmar_per_vecka\n"
    "A-1,Eva,12\n"
    'A-2,Eva,"25,5"\n'
    "\n"
    "A-3,Olle,abc\n"
    "A-4,Olle,30,extra\n"
    "A-5,Eva,-4\n"
    "A-6,Olle,20\n"
)


def export(tmp_path: Path, text: str = EXPORT, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def invoke(*args: str) -> tuple[int, str, str]:
    if Q in args:  # the tests' own threshold question
        args = (*args, "--rules", str(THRESHOLD_RULES))
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def test_a_stray_column_is_named_before_any_work(tmp_path: Path) -> None:
    out = tmp_path / "svar.csv"
    code, _, err = invoke(
        "batch",
        Q,
        "--cases",
        str(export(tmp_path)),
        "--out",
        str(out),
        "--id",
        "case_id",
        "--on",
        "2026-01-01",
    )
    assert code == 1
    assert "'handlaggare'" in err
    assert "--ignore-column" in err
    assert "--id" in err
    assert not out.exists()
    # Without --id the id column is refused too, with the same advice.
    code, _, err = invoke("batch", Q, "--cases", str(export(tmp_path)), "--out", str(out))
    assert code == 1
    assert "'case_id'" in err


def test_a_municipal_export_goes_through_batch_with_every_row_accounted_for(
    tmp_path: Path,
) -> None:
    out = tmp_path / "svar.csv"
    code, stdout, err = invoke(
        "batch",
        Q,
        "--cases",
        str(export(tmp_path)),
        "--out",
        str(out),
        "--on",
        "2026-01-01",
        "--id",
        "case_id",
        "--ignore-column",
        "handlaggare",
    )
    assert code == 0, err
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["case_id"] for r in rows] == ["A-1", "A-2", "A-3", "A-4", "A-5", "A-6"]
    assert [r["row"] for r in rows] == ["1", "2", "3", "4", "5", "6"]
    assert [r["status"] for r in rows] == [
        "decided",
        "decided",
        "error",
        "error",
        "error",
        "decided",
    ]
    assert [r["value"] for r in rows] == ["kommun", "forsakringskassan", "", "", "", "kommun"]
    assert "'abc' is not a number" in rows[2]["error"]
    assert rows[2]["error_fact"] == H
    assert "4 cells, more than the header's 3" in rows[3]["error"]
    assert "export.csv:6" in rows[3]["error"]  # the file's line, blank line counted
    assert "at least 0" in rows[4]["error"]
    # The summary on standard error names row, line, id and fact (in Swedish by default).
    assert "3 av 6 ärenden kunde inte besvaras" in err
    assert "ärende 3 (rad 5, case_id=A-3): uppgiften 'grundlaggande" in err
    assert "ärende 5 (rad 7, case_id=A-5)" in err
    assert "6 ärenden" in stdout


def test_fail_fast_stops_at_the_first_bad_row_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "svar.csv"
    code, _, err = invoke(
        "batch",
        Q,
        "--cases",
        str(export(tmp_path)),
        "--out",
        str(out),
        "--on",
        "2026-01-01",
        "--id",
        "case_id",
        "--ignore-unknown-columns",
        "--fail-fast",
    )
    assert code == 1
    assert "ärende 3 (rad 5, case_id=A-3)" in err
    assert not out.exists()


@pytest.mark.parametrize("ending", ["parquet", "arrow", "json", "jsonl"])
def test_every_output_format_keeps_ids_and_errors(tmp_path: Path, ending: str) -> None:
    pa = pytest.importorskip("pyarrow")
    out = tmp_path / f"svar.{ending}"
    code, _, err = invoke(
        "batch",
        Q,
        "--cases",
        str(export(tmp_path)),
        "--out",
        str(out),
        "--on",
        "2026-01-01",
        "--id",
        "case_id",
        "--ignore-column",
        "handlaggare",
    )
    assert code == 0, err
    if ending == "parquet":
        import pyarrow.parquet as pq

        rows = pq.read_table(out).to_pylist()
    elif ending == "arrow":
        with pa.memory_map(str(out)) as src:
            rows = pa.ipc.open_file(src).read_all().to_pylist()
    elif ending == "json":
        rows = json.loads(out.read_text(encoding="utf-8"))
    else:
        rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["case_id"] for r in rows] == ["A-1", "A-2", "A-3", "A-4", "A-5", "A-6"]
    assert rows[2]["status"] == "error"
    assert rows[2]["error_fact"] == H
    assert rows[1]["value"] == "forsakringskassan"


def test_the_output_path_is_checked_before_any_work(tmp_path: Path) -> None:
    cases = export(tmp_path)
    common = ["--id", "case_id", "--ignore-column", "handlaggare"]
    code, _, err = invoke("batch", Q, "--cases", str(cases), "--out", str(tmp_path), *common)
    assert code == 1
    assert "är en mapp" in err
    missing = tmp_path / "no" / "such" / "svar.csv"
    code, _, err = invoke("batch", Q, "--cases", str(cases), "--out", str(missing), *common)
    assert code == 1
    assert "finns inte" in err
    code, _, err = invoke("batch", Q, "--cases", str(cases), "--out", str(tmp_path / "a.xlsx"))
    assert code == 1
    assert "okänt format för svaren" in err
    # Dates, question and jurisdiction too — before the file is even read.
    code, _, err = invoke("batch", Q, "--cases", "nope.csv", "--out", "x.csv", "--on", "2026-02-30")
    assert code == 2
    assert "inte ett datum" in err
    code, _, err = invoke("batch", "no.such", "--cases", str(cases), "--out", "x.csv")
    assert code == 1
    assert "finns inte i regelverket" in err
    code, _, err = invoke(
        "batch", Q, "--cases", str(cases), "--out", "x.csv", "--jurisdiction", "se/stokholm"
    )
    assert code == 1
    assert "regelverket 'se/stokholm' finns inte" in err
    code, _, err = invoke("batch", Q, "--cases", str(cases), "--out", "x.csv", "--on", "1990-01-01")
    assert code == 1
    assert "gäller den 1990-01-01" in err


def test_writes_are_atomic_no_truncated_file_ever(tmp_path: Path) -> None:
    from lss_sol_rules.batch import CaseFileError, atomic_write

    target = tmp_path / "svar.csv"
    target.write_text("the old answers\n", encoding="utf-8")

    def half_then_fail(fh: object) -> None:
        fh.write("row,value\n1,kom")  # type: ignore[attr-defined]
        raise OSError(28, "No space left on device")

    with pytest.raises(CaseFileError, match="No space left on device"):
        atomic_write(target, half_then_fail, binary=False)
    assert target.read_text(encoding="utf-8") == "the old answers\n"
    assert [p.name for p in tmp_path.iterdir()] == ["svar.csv"]  # no temporary file left


def test_read_csv_lines_blank_lines_extra_cells_and_separators(tmp_path: Path) -> None:
    cases = read_csv(ENGINE, export(tmp_path), id="case_id", ignore_columns=["handlaggare"])
    assert len(cases) == 6
    assert cases.lines == [2, 3, 5, 6, 7, 8]
    assert cases.ids == {"case_id": ["A-1", "A-2", "A-3", "A-4", "A-5", "A-6"]}
    assert sorted(cases.errors) == [2, 3]  # 'abc' and the extra cell (-4 is checked later)
    assert cases.errors[3].line == 6
    # A Swedish spreadsheet's export: ';' between cells, decimal comma.
    semi = export(tmp_path, "case_id;grundlaggande_behov_timmar_per_vecka\nB-1;20,5\n", "s.csv")
    cases = read_csv(ENGINE, semi, id="case_id")
    assert cases.records == [{H: Decimal("20.5")}]
    short = export(tmp_path, "case_id,alder,skolungdom\nC-1,4\n", "short.csv")
    cases = read_csv(ENGINE, short, id="case_id")
    assert "2 cells, fewer than the header's 3" in cases.errors[0].message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"grundlaggande_behov_timmar_per_vecka": 3}', "looks like JSON"),
        ("", "is empty"),
        ("alder,alder\n3,4\n", "appears twice"),
        ("alder,\n3,4\n", "column 2 of the header has no name"),
        ('alder\n"3\n', "not valid CSV"),
    ],
)
def test_files_that_are_not_caseloads_are_refused_clearly(
    tmp_path: Path, text: str, message: str
) -> None:
    from lss_sol_rules.batch import CaseFileError

    with pytest.raises(CaseFileError, match=message):
        read_csv(ENGINE, export(tmp_path, text))


def test_non_utf8_and_missing_files(tmp_path: Path) -> None:
    from lss_sol_rules.batch import CaseFileError

    latin = tmp_path / "latin1.csv"
    latin.write_bytes("alder,insats\n3,hemtjänst\n".encode("latin-1"))
    with pytest.raises(CaseFileError, match=r"latin1.csv:2: is not UTF-8.*CSV UTF-8"):
        read_csv(ENGINE, latin)
    with pytest.raises(CaseFileError, match="no such case file"):
        read_csv(ENGINE, tmp_path / "nope.csv")
    with pytest.raises(CaseFileError, match="is a directory"):
        read_csv(ENGINE, tmp_path)


# -- ids and columns through the API ---------------------------------------------------------
def test_ids_travel_through_dicts_and_unknown_keys_are_refused_up_front() -> None:
    cases = [
        {"case_id": "A-1", H: 5},
        {"case_id": "A-2", H: -1},
        {"case_id": "A-3", "handlaggare": "Eva"},
    ]
    with pytest.raises(lsr.FactError, match="'handlaggare'"):
        ENGINE.evaluate_many(Q, cases, on=ON, id="case_id")
    result = ENGINE.evaluate_many(Q, cases, on=ON, id="case_id", ignore_columns=["handlaggare"])
    assert result.ids == {"case_id": ["A-1", "A-2", "A-3"]}
    assert result.statuses == ("decided", "error", "undetermined")
    (err,) = result.row_errors
    assert (err.row, err.ids, err.fact) == (2, (("case_id", "A-2"),), H)
    assert str(err).startswith("row 2 (case_id=A-2): FactError")
    assert result.to_records()[1]["case_id"] == "A-2"
    with pytest.raises(lsr.FactError, match="id column 'caseid' is not in the caseload"):
        ENGINE.evaluate_many(Q, cases, on=ON, id="caseid", ignore_unknown_columns=True)
    with pytest.raises(lsr.FactError, match="did you mean 'alder'"):
        ENGINE.evaluate_many(Q, [{"case_id": 1, "aldr": 3}], on=ON, id="case_id")


def test_ids_travel_through_tables_and_frames_into_every_output() -> None:
    pa = pytest.importorskip("pyarrow")
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    table = pa.table(
        {
            "kommun": ["0180", "0180", "0180"],
            "case_id": [11, 12, 13],
            H: [5.0, -2.0, 30.0],
            "handlaggare": ["Eva", "Olle", "Eva"],
        }
    )
    for frame in (table, table.to_pandas(), pl.from_arrow(table)):
        with pytest.raises(lsr.FactError, match="'handlaggare'"):
            ENGINE.evaluate_many(Q, frame, on=ON, id=["kommun", "case_id"])
        got = ENGINE.evaluate_many(
            Q, frame, on=ON, id=["kommun", "case_id"], ignore_unknown_columns=True
        )
        assert got.statuses == ("decided", "error", "decided")
        arrow = got.to_arrow()
        assert arrow.column_names[:3] == ["kommun", "case_id", "row"]
        assert arrow.column("case_id").to_pylist() == [11, 12, 13]
        assert arrow.column("error_fact").to_pylist() == [None, H, None]
        frame_out = got.to_pandas()
        assert isinstance(frame_out, pd.DataFrame)
        assert list(frame_out["case_id"]) == [11, 12, 13]
        assert got.to_polars()["value"].to_list() == ["kommun", None, "forsakringskassan"]
        assert got.row_errors[0].ids == (("kommun", "0180"), ("case_id", 12))


def test_a_bad_cell_in_a_pandas_frame_is_that_rows_error() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"case_id": ["A", "B", "C"], H: [12, "abc", 30]})
    got = ENGINE.evaluate_many(Q, frame, on=ON, id="case_id")
    assert len(got) == 3
    assert got.statuses == ("decided", "error", "decided")
    assert got.row_errors[0].ids == (("case_id", "B"),)
    assert "must be a number" in got.row_errors[0].message


def test_a_rule_gap_for_one_row_is_that_rows_error_not_the_batchs() -> None:
    # Rows in == rows out, whatever happens to one row.
    cases = [{H: 5}, {H: float("nan")}, {H: 40}]
    got = ENGINE.evaluate_many(Q, cases, on=ON)
    assert got.statuses == ("decided", "error", "decided")
    assert len(got) == len(cases)


# -- diff you can trust ------------------------------------------------------------------------
PROPOSAL = """
[rulebook]
jurisdiction = "se/stockholm/forslag"
[parameters.hemtjanst_delegationsgrans_timmar]
type = "number"
label = { sv = "Gräns", en = "Line" }
[[parameters.hemtjanst_delegationsgrans_timmar.values]]
value = 80
valid_from = 2021-01-01
citations = ["förslag till ny delegationsordning"]
"""


def hemtjanst_export(tmp_path: Path) -> Path:
    lines = ["arende,insats,hemtjanst_timmar_per_manad"]
    lines += [f"H-{i},hemtjanst,{h}" for i, h in enumerate((50, 81, 85, 99.5, 110, 130))]
    return export(tmp_path, "\n".join(lines) + "\n", "hemtjanst.csv")


def test_diff_refuses_what_cannot_be_a_comparison(tmp_path: Path) -> None:
    cases = hemtjanst_export(tmp_path)
    proposal = tmp_path / "forslag.toml"
    proposal.write_text(PROPOSAL, encoding="utf-8")
    base = ["diff", "delegation.beslutsniva", "--cases", str(cases), "--id", "arende"]
    code, _, err = invoke(*base, "--jurisdiction", "se/stockholm")
    assert code == 2
    assert "inget att jämföra" in err
    # The proposal is for se/stockholm/forslag: comparing in se/stockholm would say "0 change".
    code, out, err = invoke(
        *base, "--jurisdiction", "se/stockholm", "--against-rules", str(proposal)
    )
    assert code == 1, out
    assert "--against-jurisdiction se/stockholm/forslag" in err
    assert "0 of" not in out
    with pytest.raises(lsr.LssSolRulesError, match="nothing to compare"):
        ENGINE.diff(Q, [{H: 3}], on=ON)


def test_diff_groups_by_value_and_by_the_rules_and_parameters_that_differ(
    tmp_path: Path,
) -> None:
    cases = hemtjanst_export(tmp_path)
    proposal = tmp_path / "forslag.toml"
    proposal.write_text(PROPOSAL, encoding="utf-8")
    args = [
        "diff",
        "delegation.beslutsniva",
        "--cases",
        str(cases),
        "--id",
        "arende",
        "--on",
        "2026-01-01",
        "--jurisdiction",
        "se/stockholm",
        "--against-rules",
        str(proposal),
        "--against-jurisdiction",
        "se/stockholm/forslag",
    ]
    code, out, err = invoke(*args, "--lang", "en")
    assert code == 0, err
    assert "2 of 6 cases get another answer" in out
    assert "handlaggare → sarskild_delegation: 2" in out
    assert "because parameter hemtjanst_delegationsgrans_timmar: 99 → 80" in out
    assert "example: row 2 (arende=H-1)" in out
    code, out, _ = invoke(*args, "--format", "json")
    report = json.loads(out)
    (group,) = report["changes"]
    assert group["count"] == 2
    assert group["rows"] == [2, 3]
    assert group["example"]["ids"] == {"arende": "H-1"}
    assert group["example"]["new"]["value"] == "sarskild_delegation"
    code, out, _ = invoke(*args, "--format", "csv")
    rows = list(csv.DictReader(out.splitlines()))
    assert [(r["arende"], r["old"], r["new"]) for r in rows] == [
        ("H-1", "handlaggare", "sarskild_delegation"),
        ("H-2", "handlaggare", "sarskild_delegation"),
    ]


def test_diff_as_a_data_frame_with_ids_and_date_shifts() -> None:
    pytest.importorskip("pandas")
    people = [
        {"id": "P1", "fodelsedatum": "1960-06-01"},
        {"id": "P2", "fodelsedatum": "1962-03-01"},  # the year moved over has a 29 February
        {"id": "P4"},
        {"id": "P5", "fodelsedatum": "2030-01-01"},
    ]
    report = ENGINE.diff(
        "batchtest.gransdatum",
        people,
        on=date(2025, 12, 31),
        against_on=date(2026, 1, 1),
        id="id",
    )
    assert report.changed == 2
    assert report.shift is not None
    assert (report.shift.moved, report.shift.min_days, report.shift.max_days) == (2, 365, 366)
    frame = report.to_pandas()
    assert list(frame["id"]) == ["P1", "P2"]
    assert list(frame["shift_days"]) == [365, 366]
    assert report.errors_old == report.errors_new == 1  # P5: born after the date, both sides
    text = report.render("en")
    assert "2 dates move (2 later, 0 earlier): min 365, median 365.5, max 366 days" in text
    assert "2026-06-01" not in text.split("example")[0]  # not listed pair by pair
    assert "datum → datum: 2" in report.render("sv")


def test_diff_shows_progress_on_long_runs() -> None:
    seen: list[tuple[int, int]] = []
    cases = [{H: h % 40} for h in range(500)]
    ENGINE.diff(
        Q, cases, on=ON, against_on=date(2026, 6, 1), progress=lambda d, t: seen.append((d, t))
    )
    assert seen
    assert seen[-1][0] == seen[-1][1]


# -- hostile case files: only the library's own errors, and rows in == rows out --------------
CELLS = st.sampled_from(
    [
        "",
        "12",
        "20,5",
        "-4",
        "abc",
        "ja",
        "nej",
        "1e-999999999",
        "9" * 400,
        '"',
        '""',
        "\u00e5",
        "2026-02-30",
        "autism;annan",
        " ",
        "\t",
        "NaN",
        "inf",
    ]
)


@given(
    header=st.lists(
        st.sampled_from([H, "alder", "skolungdom", "diagnoser", "case_id", "x", ""]),
        min_size=1,
        max_size=4,
    ),
    rows=st.lists(st.lists(CELLS, min_size=0, max_size=5), max_size=8),
    sep=st.sampled_from([",", ";"]),
)
def test_hostile_csv_text_gives_typed_errors_or_one_answer_per_row(
    tmp_path_factory: pytest.TempPathFactory, header: list[str], rows: list[list[str]], sep: str
) -> None:
    from lss_sol_rules.batch import CaseFileError

    path = tmp_path_factory.mktemp("fuzz") / "cases.csv"
    text = sep.join(header) + "\n" + "".join(sep.join(r) + "\n" for r in rows)
    path.write_text(text, encoding="utf-8")
    try:
        cases = read_csv(
            ENGINE,
            path,
            id=["case_id"] if "case_id" in header else None,
            ignore_unknown_columns=True,
        )
    except (CaseFileError, lsr.FactError):
        return
    result = ENGINE.evaluate_many(Q, cases, on=ON)
    assert len(result) == len(cases) == len(cases.lines)
    for err in result.row_errors:
        assert result.statuses[err.row - 1] == "error"
        assert err.line is not None


@given(data=st.binary(max_size=300))
def test_hostile_bytes_give_a_case_file_error_or_cases(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    from lss_sol_rules.batch import CaseFileError

    path = tmp_path_factory.mktemp("bytes") / "cases.csv"
    path.write_bytes(data)
    try:
        cases = read_csv(ENGINE, path, ignore_unknown_columns=True)
    except (CaseFileError, lsr.FactError):
        return
    assert len(ENGINE.evaluate_many(Q, cases, on=ON)) == len(cases)


def test_the_row_path_without_numpy_gives_the_same_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from lss_sol_rules import batch

    cases = [{"case_id": "A", H: 5}, {"case_id": "B", H: -1}, {"case_id": "C"}]
    with_numpy = ENGINE.evaluate_many(Q, cases, on=ON, id="case_id")
    monkeypatch.setattr(batch, "_have_numpy", lambda: False)
    without = ENGINE.evaluate_many(Q, cases, on=ON, id="case_id", method="row")
    assert type(without._codes).__module__ == "array"
    assert without.values == with_numpy.values
    assert without.statuses == with_numpy.statuses
    assert without.missing == with_numpy.missing
    assert without.row_errors == with_numpy.row_errors
    assert without.counts() == with_numpy.counts()
    assert without.to_records() == with_numpy.to_records()
    with pytest.raises(ImportError, match="batch"):
        ENGINE.evaluate_many(Q, cases, on=ON, method="columnar")


def test_arguments_are_checked_with_typed_errors() -> None:
    cases = [{"case_id": "A", "handlaggare": "Eva", H: 5}]
    # One column left aside, given as text, is one name (not its letters).
    got = ENGINE.evaluate_many(Q, cases, on=ON, id="case_id", ignore_columns="handlaggare")
    assert got.values == ("kommun",)
    with pytest.raises(lsr.ArgumentError, match="`id` must be a column name"):
        ENGINE.evaluate_many(Q, cases, on=ON, id=5)
    with pytest.raises(lsr.ArgumentError, match="`ignore_columns`"):
        ENGINE.evaluate_many(Q, cases, on=ON, id="case_id", ignore_columns=[3])
    with pytest.raises(lsr.ArgumentError, match=r"`on` must be a datetime\.date"):
        ENGINE.evaluate_many(Q, cases, on="2026-01-01")
