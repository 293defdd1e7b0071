"""Caseloads: evaluate_many, diff between settings, CSV input, and the batch/diff commands."""

from __future__ import annotations

import csv
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

ENGINE = lsr.load()
ON = date(2026, 1, 1)
Q = "personlig_assistans.huvudman"
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
        ENGINE.evaluate_many(Q, cases, on=ON)
    result = ENGINE.evaluate_many(Q, cases, on=ON, errors="collect")
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
    facts = [{"fodelsedatum": "1959-06-01"}, {"fodelsedatum": "1950-06-01"}]
    report = ENGINE.diff(
        "personlig_assistans.aldersgrans_datum",
        facts,
        on=date(2025, 12, 31),
        against_on=date(2026, 1, 1),
    )
    assert report.changed == 0  # the transitional rule keeps both persons' limits
    facts = [{"fodelsedatum": "1960-06-01"}]
    report = ENGINE.diff(
        "personlig_assistans.aldersgrans_datum",
        facts,
        on=date(2025, 12, 31),
        against_on=date(2026, 1, 1),
    )
    (change,) = report.changes
    assert (change.old, change.new) == ("2026-06-01", "2027-06-01")


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
    with pytest.raises(lsr.FactError, match="row 2: 'tre'"):
        read_csv(ENGINE, write_csv(tmp_path / "b.csv", [{"alder": "tre"}]))
    with pytest.raises(lsr.FactError, match="row 2: 'kanske'"):
        read_csv(ENGINE, write_csv(tmp_path / "d.csv", [{"skolungdom": "kanske"}]))


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
