"""The lss-sol-rules command line."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from lss_sol_rules import load
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
    assert "ska vara minst 0" in out  # the language of --lang (sv by default)
    code, out = run(
        "evaluate",
        "personlig_assistans.huvudman",
        "--facts",
        "-",
        "--on",
        "2026-01-01",
        "--lang",
        "en",
        stdin='{"grundlaggande_behov_timmar_per_vecka": -2}',
    )
    assert code == 1
    assert "at least 0" in out
    code, out = run(
        "evaluate", "personlig_assistans.huvudman", "--facts", "-", "--on", "2026-13-01", stdin="{}"
    )
    assert code == 2
    assert "inte ett datum" in out
    code, out = run("evaluate", "personlig_assistans.huvudman", "--facts", "-", stdin="{no")
    assert code == 1
    assert "inte giltig JSON" in out


def test_questions_and_facts() -> None:
    code, out = run("questions")
    assert code == 0
    assert "personlig_assistans.huvudman" in out
    code, out = run("questions", "--format", "json")
    assert any(q["name"] == "personlig_assistans.huvudman" for q in json.loads(out))
    code, out = run("facts", "--lang", "en")
    assert code == 0
    assert "grundlaggande_behov_timmar_per_vecka  (number; hours per week; 0..168)" in out
    code, out = run("facts", "--format", "json")
    assert any(f["name"] == "diagnoser" and f["of"] == "text" for f in json.loads(out))


def test_check_passes_national_rules_and_fails_with_file_line(
    rule_file: Callable[..., Path],
) -> None:
    code, out = run("check", "--lang", "en", str(ROOT / "rules"))
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
    code, out = run("check", "--lang", "en", str(bad))
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
    code, out = run("test", str(cases), *RULES, "--lang", "en")
    assert code == 1
    assert "FAIL cases.toml::2:wrong on purpose: expected 'forsakringskassan', got 'kommun'" in out
    assert "1 passed, 1 failed" in out
    code, out = run("test", str(cases), *RULES)  # Swedish by default
    assert code == 1
    assert "FEL cases.toml::2:wrong on purpose: väntade 'forsakringskassan', men fick 'kommun'" in out
    assert "1 godkända, 1 underkända" in out


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


# -- evaluate (brief) against explain (full, or the decision letter) -----------------------
README_CASE = ("--facts", str(ROOT / "examples" / "personlig_assistans.json"), "--on", "2026-01-01")


def test_evaluate_is_brief_and_explain_gives_the_full_reasons() -> None:
    code, brief = run("evaluate", "personlig_assistans.huvudman", *README_CASE)
    assert code == 0, brief
    assert "Svar: Försäkringskassan" in brief
    assert "Status: avgjord" in brief
    assert "bor_i_gruppbostad" in brief  # the assumption, named
    assert "SFB 51 kap. 3 §" in brief  # the sources, in one line
    assert "Regler som prövades" not in brief
    assert "lss-sol-rules explain personlig_assistans.huvudman" in brief
    code, full = run("explain", "personlig_assistans.huvudman", *README_CASE)
    assert code == 0, full
    assert "Regler som prövades men inte ledde till svaret" in full
    assert full != brief


def test_explain_style_beslut_is_the_decision_letter() -> None:
    facts = json.loads((ROOT / "examples" / "personlig_assistans.json").read_text())
    d = load().evaluate("personlig_assistans.huvudman", facts, on=date(2026, 1, 1))
    for lang in ("sv", "en"):
        code, out = run(
            "explain",
            "personlig_assistans.huvudman",
            *README_CASE,
            "--style",
            "beslut",
            "--lang",
            lang,
        )
        assert code == 0, out
        assert out.rstrip("\n") == d.explain(lang, style="beslut")
    code, out = run("explain", "personlig_assistans.huvudman", *README_CASE, "--style", "x")
    assert code == 2
    assert "beslut" in out
    code, out = run("evaluate", "personlig_assistans.huvudman", *README_CASE, "--style", "beslut")
    assert code == 2  # evaluate is the short answer; the letter is explain's


def test_evaluate_names_the_missing_facts_with_labels_and_status(tmp_path: Path) -> None:
    facts = tmp_path / "case.json"
    facts.write_text("{}")
    code, out = run("evaluate", THRESHOLD, "--facts", str(facts), "--on", "2026-01-01", *RULES)
    assert code == 0, out
    assert "Status: kan inte avgöras" in out
    assert "grundlaggande_behov_timmar_per_vecka" in out
    code, out = run(
        "evaluate",
        THRESHOLD,
        "--facts",
        str(facts),
        "--on",
        "2026-01-01",
        "--lang",
        "en",
        *RULES,
    )
    assert "Status: undetermined" in out
    assert "Missing facts" in out
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
    data = json.loads(out)
    assert data["status"] == "undetermined"
    assert data["missing"] == ["grundlaggande_behov_timmar_per_vecka"]


def test_a_question_of_another_jurisdiction_gets_a_cli_hint(tmp_path: Path) -> None:
    facts = tmp_path / "case.json"
    facts.write_text("{}")
    for command in ("evaluate", "explain"):
        code, out = run(command, "delegation.beslutsniva", "--facts", str(facts))
        assert code == 1, out
        assert "--jurisdiction se/stockholm" in out
        assert "jurisdiction=" not in out
    cases = tmp_path / "cases.csv"
    cases.write_text("id\n1\n")
    code, out = run(
        "batch",
        "delegation.beslutsniva",
        "--cases",
        str(cases),
        "--out",
        str(tmp_path / "out.csv"),
    )
    assert code == 1
    assert "--jurisdiction se/stockholm" in out
    assert "jurisdiction=" not in out


# -- parameters ------------------------------------------------------------------------------
def test_parameters_as_of_a_date_with_sources_and_readers() -> None:
    code, out = run("parameters", "--on", "2025-06-01", *RULES)
    assert code == 0, out
    line = next(x for x in out.splitlines() if x.startswith("batchtest_gransalder"))
    assert "65 år" in line
    assert "2000-01-01" in line
    assert "batchtest.gransdatum" in out  # the rule that reads it
    code, out = run("parameters", "--on", "2026-06-01", "--lang", "en", *RULES)
    line = next(x for x in out.splitlines() if x.startswith("batchtest_gransalder"))
    assert "66" in line
    assert "2026-01-01" in line
    code, out = run("parameters", "--on", "1990-01-01", *RULES)
    line = next(x for x in out.splitlines() if x.startswith("batchtest_gransalder"))
    assert "inget värde" in line


def test_parameters_history_and_json() -> None:
    code, out = run("parameters", "--history", *RULES)
    assert code == 0, out
    block = out.split("batchtest_gransalder", 1)[1].split("\n\n", 1)[0]
    assert "2000-01-01 – 2025-12-31" in block
    assert "65 år" in block
    assert "2026-01-01 –" in block
    assert "66 år" in block
    assert "test" in block  # the citation
    code, out = run("parameters", "--format", "json", "--on", "2025-01-01", *RULES)
    data = {p["name"]: p for p in json.loads(out)}
    p = data["batchtest_gransalder"]
    assert p["unit"] == "år"
    assert p["jurisdiction"] == "se"
    assert [v["value"] for v in p["values"]] == [65, 66]
    assert p["values"][0]["citations"][0]["text"] == "test"
    assert p["in_force"]["value"] == 65
    assert p["read_by"] == ["batchtest.gransdatum"]
    code, out = run("parameters", "--format", "json", "--history", *RULES)
    assert "in_force" not in json.loads(out)[0]


def test_parameters_of_a_municipality_and_errors() -> None:
    code, out = run("parameters", "--jurisdiction", "se/stockholm", "--format", "json")
    assert code == 0, out
    where = {p["name"]: p["jurisdiction"] for p in json.loads(out)}
    assert where["genomforandeplan_dagar"] == "se/stockholm"
    assert "se" in where.values()
    code, out = run("parameters", "--format", "json")
    assert "genomforandeplan_dagar" not in {p["name"] for p in json.loads(out)}
    code, out = run("parameters", "--jurisdiction", "se/stockholmm")
    assert code == 1
    assert "se/stockholm" in out
    assert "Traceback" not in out
    code, out = run("parameters", "--on", "2026-13-01")
    assert code == 2
    code, out = run("parameters", "--on", "2026-01-01", "--history")
    assert code == 2
    assert "--history" in out
    code, out = run("parameters", "batchtest_gransalder", "--history", *RULES)
    assert code == 0
    assert out.count("\n\n") == 0
    assert "batchtest_gransalder" in out
    code, out = run("parameters", "batchtest_gransaldr", *RULES)
    assert code == 1
    assert "batchtest_gransalder" in out


# -- shell completion, wired into the real commands ----------------------------------------
def _complete(args: list[str], incomplete: str) -> list[str]:
    from click.shell_completion import BashComplete

    shell = BashComplete(main, {}, "lss-sol-rules", "_LSS_SOL_RULES_COMPLETE")
    return [c.value for c in shell.get_completions(args, incomplete)]


def test_the_commands_complete_questions_facts_parameters_and_jurisdictions() -> None:
    for command in ("evaluate", "explain", "batch", "diff"):
        assert "personlig_assistans.huvudman" in _complete([command], "personlig_ass"), command
        assert "se/stockholm" in _complete([command, "--jurisdiction"], "se/"), command
    assert _complete(["evaluate", *RULES], "batchtest.h") == ["batchtest.huvudman"]
    assert "delegation.beslutsniva" not in _complete(["evaluate", "--no-plugins"], "delegation")
    assert "alder" in _complete(["facts"], "ald")
    assert "batchtest_gransalder" in _complete(["parameters", *RULES], "batchtest_")
    assert "se/stockholm" in _complete(["parameters", "--jurisdiction"], "se/")
    assert "se/stockholm" in _complete(["watchlist", "--jurisdiction"], "se/")
    assert "se/stockholm" in _complete(["diff", "q", "--against-jurisdiction"], "se/")


def test_facts_picks_named_facts() -> None:
    code, out = run("facts", "alder")
    assert code == 0
    assert out.startswith("alder  (heltal; år")  # the type and unit in Swedish by default
    assert len(out.splitlines()) == 1
    code, out = run("facts", "alder", "--lang", "en")
    assert out.startswith("alder  (int; years")
    code, out = run("facts", "aldr")
    assert code == 1
    assert "alder" in out
