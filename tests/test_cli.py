"""The lss-sol-rules command line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from lss_sol_rules.cli import main

ROOT = Path(__file__).resolve().parents[1]


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
        "personlig_assistans.huvudman",
        "--facts",
        str(facts),
        "--on",
        "2026-01-01",
        "--format",
        "json",
    )
    assert code == 0
    assert json.loads(out)["value"] == "kommun"
    code, out = run(
        "explain",
        "personlig_assistans.huvudman",
        "--facts",
        str(facts),
        "--on",
        "2026-01-01",
        "--lang",
        "en",
    )
    assert "Answer: the municipality" in out


def test_evaluate_reads_standard_input() -> None:
    code, out = run(
        "evaluate",
        "personlig_assistans.huvudman",
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
question = "personlig_assistans.huvudman"
on = 2026-01-01
facts = { grundlaggande_behov_timmar_per_vecka = 20.01 }
expect = "forsakringskassan"

[[cases]]
name = "wrong on purpose"
question = "personlig_assistans.huvudman"
on = 2026-01-01
facts = { grundlaggande_behov_timmar_per_vecka = 20 }
expect = "forsakringskassan"
""",
        encoding="utf-8",
    )
    code, out = run("test", str(cases))
    assert code == 1
    assert "FAIL cases.toml::2:wrong on purpose: expected 'forsakringskassan', got 'kommun'" in out
    assert "1 passed, 1 failed" in out


def test_version() -> None:
    code, out = run("--version")
    assert code == 0
    assert "version" in out
