"""The lss-sol-rules command line."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from lss_sol_rules.cli import main

ROOT = Path(__file__).resolve().parents[1]
# A threshold question of the tests' own (the 20-hour line alone), so that these tests do not
# depend on how the national questions grow.
THRESHOLD = "batchtest.huvudman"
RULES = ("--rules", str(ROOT / "tests" / "caseload_rules" / "troskel.toml"))


def run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    return result.exit_code, result.output


def test_evaluate_the_readme_example() -> None:
    code, out = run(
        "evaluate",
        "personlig_assistans.huvudman",
        "--facts",
        str(ROOT / "examples" / "personlig_assistans.json"),
        "--on",
        "2026-01-01",
    )
    assert code == 0, out
    assert "Svar: Försäkringskassan" in out
    assert "SFB 51 kap. 3 §" in out


def test_evaluate_json_and_english(tmp_path: Path) -> None:
    facts = tmp_path / "case.json"
    facts.write_text(json.dumps({"grundlaggande_behov_timmar_per_vecka": 12}))
    code, out = run(
        "evaluate",
        THRESHOLD,
        "--facts",
        str(facts),
        "--on",
        "2026-01-01",
        "--format",
        "json",
        *RULES,
    )
    assert code == 0
    assert json.loads(out)["value"] == "kommun"
    code, out = run(
        "explain", THRESHOLD, "--facts", str(facts), "--on", "2026-01-01", "--lang", "en", *RULES
    )
    assert "Answer: kommun" in out
    assert "at most 20" in out


def test_evaluate_reads_standard_input() -> None:
    code, out = run(
        "evaluate",
        THRESHOLD,
        *RULES,
        "--facts",
        "-",
        "--on",
        "2026-01-01",
        "--format",
        "json",
        stdin='{"grundlaggande_behov_timmar_per_vecka": 21}',
    )
    assert code == 0
    assert json.loads(out)["value"] == "forsakringskassan"


def test_evaluate_bad_facts_and_dates() -> None:
    code, out = run(
        "evaluate",
        "personlig_assistans.huvudman",
        "--facts",
        "-",
        "--on",
        "2026-01-01",
        stdin='{"grundlaggande_behov_timmar_per_vecka": -2}',
    )
    assert code == 1
    assert "at least 0" in out
    code, out = run(
        "evaluate", "personlig_assistans.huvudman", "--facts", "-", "--on", "2026-13-01", stdin="{}"
    )
    assert code == 2
    assert "not a date" in out
    code, out = run("evaluate", "personlig_assistans.huvudman", "--facts", "-", stdin="{no")
    assert code == 1
    assert "not valid JSON" in out


def test_questions_and_facts() -> None:
    code, out = run("questions")
    assert code == 0
    assert "personlig_assistans.huvudman" in out
    code, out = run("questions", "--format", "json")
    assert any(q["name"] == "personlig_assistans.huvudman" for q in json.loads(out))
    code, out = run("facts", "--lang", "en")
    assert code == 0
    assert "grundlaggande_behov_timmar_per_vecka  (number; timmar per vecka; 0..168)" in out
    code, out = run("facts", "--format", "json")
    assert any(f["name"] == "diagnoser" and f["of"] == "text" for f in json.loads(out))


def test_check_passes_national_rules_and_fails_with_file_line(
    rule_file: Callable[..., Path],
) -> None:
    code, out = run("check", str(ROOT / "rules"))
    assert code == 0, out
    bad = rule_file("""
    [questions."x.y"]
    type = "bool"
    label = { sv = "x", en = "x" }

    [[rules]]
    id = "x.y.ja"
    question = "x.y"
    when = "alder >> 3"
    value = true
    citations = ["x"]
    explain = { sv = "x", en = "x" }
    """)
    code, out = run("check", str(bad))
    assert code == 1
    assert f"{bad}:8: rule 'x.y.ja':" in out


def test_test_command_runs_case_files(tmp_path: Path) -> None:
    cases = tmp_path / "cases.toml"
    cases.write_text(
        """
[[cases]]
name = "ok"
question = "batchtest.huvudman"
on = 2026-01-01
facts = { grundlaggande_behov_timmar_per_vecka = 20.01 }
expect = "forsakringskassan"

[[cases]]
name = "wrong on purpose"
question = "batchtest.huvudman"
on = 2026-01-01
facts = { grundlaggande_behov_timmar_per_vecka = 20 }
expect = "forsakringskassan"
""",
        encoding="utf-8",
    )
    code, out = run("test", str(cases), *RULES)
    assert code == 1
    assert "FAIL cases.toml::2:wrong on purpose: expected 'forsakringskassan', got 'kommun'" in out
    assert "1 passed, 1 failed" in out


def test_version() -> None:
    code, out = run("--version")
    assert code == 0
    assert "version" in out


# -- files that cannot be read: one clear message, a non-zero exit, never a traceback ------------
def _bad_files(tmp: Path) -> dict[str, Path]:
    latin = tmp / "latin1.csv"
    latin.write_bytes("alder,insats\n3,hemtjänst\n".encode("latin-1"))
    unreadable = tmp / "unreadable.csv"
    unreadable.write_text("alder\n3\n", encoding="utf-8")
    unreadable.chmod(0)
    as_json = tmp / "case.json"
    as_json.write_text('{"alder": 3}', encoding="utf-8")
    as_csv = tmp / "cases.csv"
    as_csv.write_text("alder,insats\n3,hemtjanst\n", encoding="utf-8")
    folder = tmp / "folder"
    folder.mkdir()
    return {
        "missing": tmp / "missing.csv",
        "directory": folder,
        "non-utf8": latin,
        "unreadable": unreadable,
        "json-as-csv": as_json,  # for the commands that read JSON: a CSV file instead
        "csv-as-json": as_csv,
    }


def _command(name: str, path: Path, tmp: Path) -> list[str]:
    q = THRESHOLD
    return {
        "evaluate": ["evaluate", q, "--facts", str(path), *RULES],
        "explain": ["explain", q, "--facts", str(path), *RULES],
        "batch": ["batch", q, "--cases", str(path), "--out", str(tmp / "out.csv"), *RULES],
        "diff": ["diff", q, "--cases", str(path), "--against-on", "2027-01-01", *RULES],
        "check": ["check", str(path)],
        "test": ["test", str(path)],
        "watchlist": ["watchlist", "--events", str(path), "--jurisdiction", "se"],
        "ivo-report": [
            *("ivo-report", "--events", str(path), "--quarter", "2026Q1"),
            *("--jurisdiction", "se"),
        ],
        "questions": ["questions", "--rules", str(path)],
        "facts": ["facts", "--rules", str(path)],
    }[name]


COMMANDS = [
    "evaluate",
    "explain",
    "batch",
    "diff",
    "check",
    "test",
    "watchlist",
    "ivo-report",
    "questions",
    "facts",
]
BAD = ["missing", "directory", "non-utf8", "unreadable", "wrong-format"]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("bad", BAD)
def test_a_file_that_cannot_be_read_gives_one_clear_message(
    tmp_path: Path, command: str, bad: str
) -> None:
    files = _bad_files(tmp_path)
    if bad == "wrong-format":
        reads_json = command in ("evaluate", "explain", "watchlist", "ivo-report")
        path = files["csv-as-json"] if reads_json else files["json-as-csv"]
    else:
        path = files[bad]
    if bad == "directory" and command in ("check", "test", "questions", "facts"):
        pytest.skip("a folder of rule or case files is what these commands take")
    result = CliRunner().invoke(main, _command(command, path, tmp_path))
    out = result.output
    assert "Traceback" not in out
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{type(result.exception).__name__}: {result.exception}"
    )
    if bad == "unreadable" and os.geteuid() == 0:
        # root may read a 000 file: then it is read (and refused or answered) like any other.
        assert result.exit_code in (0, 1, 2), out
        return
    assert result.exit_code != 0, out
    message = out.strip().splitlines()
    assert message, "an error must say something"
    assert len(message) <= 4, out  # one message (click's usage errors add two lines of usage)
    words = (path.name, "does not exist", "JSON", "UTF-8", "TOML")
    assert any(word in out for word in words), out


def test_batch_refuses_an_unreadable_file_even_as_root(tmp_path: Path) -> None:
    # The reader's own check (os.access) cannot be exercised as root; the message is.
    from lss_sol_rules.batch import CaseFileError, _read_text

    with pytest.raises(CaseFileError, match="is a directory"):
        _read_text(tmp_path)
