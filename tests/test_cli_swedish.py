"""The command line speaks the language of ``--lang`` (Swedish by default) in every command,
for every mistake a user can make: no English text and no Python traceback reach a Swedish
user; hints name flags and commands, never Python keywords. And ``check --format json``."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from lss_sol_rules.cli import main

Q = "personlig_assistans.huvudman"

# Words that mark an English sentence (or a Python hint) in a Swedish message. A message
# may quote English only where it says so ("på engelska"), e.g. a JSON parser's wording.
_ENGLISH = re.compile(
    r"\b(must|should|got|is not|not a|unknown|missing|invalid|cannot|no such|expected|"
    r"error|usage|try|pass|give|lists? them|did you mean|jurisdiction=|engine\.)\b",
    re.IGNORECASE,
)


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def english_in(text: str) -> list[str]:
    """The lines of *text* that read as English (the quoted-English parts excepted)."""
    out = []
    for line in text.splitlines():
        own = line.split("på engelska", 1)[0]
        own = re.sub(r"'[^']*'|`[^`]*`|\"[^\"]*\"", "", own)  # quoted names and values
        own = re.sub(r"--[\w-]+", "", own)  # flags
        if _ENGLISH.search(own):
            out.append(line)
    return out


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    def write(name: str, text: str | bytes) -> Path:
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    (tmp_path / "mapp").mkdir()
    return {
        "bad_json": write("bad.json", "{bad"),
        "list_json": write("list.json", "[1, 2]"),
        "latin1": write("latin1.json", b'{"alder": "\xe5r"}'),
        "too_much": write("too_much.json", '{"grundlaggande_behov_timmar_per_vecka": 168.5}'),
        "unknown_fact": write("unknown.json", '{"aldr": 40}'),
        "csv_bad_cell": write("cases.csv", "alder\nabc\n"),
        "csv_stray": write("stray.csv", "alder,handlaggare\n40,Anna\n"),
        "events_bad": write("events.jsonl", '{"case_id": "A", "kind": "ansokan"\n'),
        "events_early": write(
            "early.jsonl",
            '{"case_id": "A", "kind": "verkstallt", "on": "2026-01-05", "data": {}}\n',
        ),
        "case_bad": write("cases.toml", "[[cases]]\nname = 1\n"),
        "rules_bad": write("rules.toml", '[[rules]]\nid = "x.y"\nvaldi_from = 2020-01-01\n'),
        "folder": tmp_path / "mapp",
    }


# One bad input per command, as a user would make it. Each must fail cleanly in Swedish.
CASES: list[tuple[str, Callable[[dict[str, Path]], list[str]]]] = [
    (
        "evaluate: unknown question",
        lambda f: ["evaluate", "no.such", "--facts", str(f["too_much"])],
    ),
    ("evaluate: out of range", lambda f: ["evaluate", Q, "--facts", str(f["too_much"])]),
    ("evaluate: unknown fact", lambda f: ["evaluate", Q, "--facts", str(f["unknown_fact"])]),
    ("evaluate: not JSON", lambda f: ["evaluate", Q, "--facts", str(f["bad_json"])]),
    ("evaluate: not an object", lambda f: ["evaluate", Q, "--facts", str(f["list_json"])]),
    ("evaluate: not UTF-8", lambda f: ["evaluate", Q, "--facts", str(f["latin1"])]),
    ("evaluate: a folder", lambda f: ["evaluate", Q, "--facts", str(f["folder"])]),
    ("evaluate: no file", lambda f: ["evaluate", Q, "--facts", str(f["folder"] / "x.json")]),
    ("evaluate: bad date", lambda f: ["evaluate", Q, "--facts", "-", "--on", "2026-02-30"]),
    ("evaluate: before the rules", lambda f: ["evaluate", Q, "--facts", "-", "--on", "1900-01-01"]),
    (
        "evaluate: unknown jurisdiction",
        lambda f: ["evaluate", Q, "--facts", "-", "--jurisdiction", "se/stokholm"],
    ),
    ("evaluate: missing --facts", lambda f: ["evaluate", Q]),
    ("explain: bad style", lambda f: ["explain", Q, "--facts", "-", "--style", "brev"]),
    (
        "batch: bad cell, fail fast",
        lambda f: ["batch", Q, "--cases", str(f["csv_bad_cell"]), "--out", "o.csv", "--fail-fast"],
    ),
    (
        "batch: stray column",
        lambda f: ["batch", Q, "--cases", str(f["csv_stray"]), "--out", "o.csv"],
    ),
    (
        "batch: unknown output format",
        lambda f: ["batch", Q, "--cases", str(f["csv_bad_cell"]), "--out", "o.xlsx"],
    ),
    ("batch: misspelt flag", lambda f: ["batch", Q, "--cases", "x.csv", "--output", "o.csv"]),
    ("diff: nothing to compare", lambda f: ["diff", Q, "--cases", str(f["csv_bad_cell"])]),
    (
        "diff: bad date",
        lambda f: ["diff", Q, "--cases", str(f["csv_bad_cell"]), "--against-on", "2026-13-01"],
    ),
    ("check: not a rule file", lambda f: ["check", "--no-plugins", str(f["rules_bad"])]),
    ("test: bad case file", lambda f: ["test", str(f["case_bad"])]),
    ("watchlist: not JSON", lambda f: ["watchlist", "--events", str(f["events_bad"])]),
    (
        "watchlist: event out of order",
        lambda f: [
            "watchlist",
            "--events",
            str(f["events_early"]),
            "--jurisdiction",
            "se",
        ],
    ),
    (
        "ivo-report: bad quarter",
        lambda f: ["ivo-report", "--events", str(f["events_early"]), "--quarter", "2026Q5"],
    ),
    ("parameters: --on and --history", lambda f: ["parameters", "--on", "2026-01-01", "--history"]),
    ("parameters: unknown", lambda f: ["parameters", "gransalder_xyz"]),
    ("parameters: bad date", lambda f: ["parameters", "--on", "igår"]),
    ("facts: unknown", lambda f: ["facts", "aldr"]),
    ("questions: bad format", lambda f: ["questions", "--format", "xml"]),
    ("serve: bad port", lambda f: ["serve", "--port", "åttatusen"]),
    ("no such command", lambda f: ["evaluera"]),
]


@pytest.mark.parametrize(("what", "args"), CASES, ids=[c[0] for c in CASES])
def test_every_command_fails_cleanly_in_swedish(
    what: str, args: Callable[[dict[str, Path]], list[str]], files: dict[str, Path]
) -> None:
    argv = args(files)
    code, out, err = run(*argv, stdin="{}")
    assert code in (1, 2), (what, code, out, err)
    assert "Traceback" not in out + err
    assert "Fel" in err or "fel" in err, (what, err)
    assert not english_in(err), (what, err)
    # The same mistake with --lang en is told in English (no Swedish prefix).
    if argv[0] in ("evaluera",):
        return
    code_en, _, err_en = run(*argv, "--lang", "en", stdin="{}")
    assert code_en == code, (what, err_en)
    assert "Fel:" not in err_en, (what, err_en)
    assert "Error" in err_en or "error" in err_en, (what, err_en)


def test_numbers_in_errors_read_as_each_language_writes_them(files: dict[str, Path]) -> None:
    code, _, err = run("evaluate", Q, "--facts", str(files["too_much"]))
    assert code == 1
    assert "får vara högst 168 timmar per vecka, men är 168,5" in err
    code, _, err = run(
        "evaluate", Q, "--facts", "-", stdin='{"grundlaggande_behov_timmar_per_vecka": 1000000}'
    )
    assert "men är 1 000 000" in err
    code, _, err = run("evaluate", Q, "--facts", str(files["too_much"]), "--lang", "en")
    assert "must be at most 168 hours per week, got 168.5" in err


def test_hints_on_the_command_line_name_flags_not_python_keywords() -> None:
    code, _, err = run("evaluate", Q, "--facts", "-", "--on", "1990-01-01", stdin="{}")
    assert code == 1
    assert "--on DATUM" in err
    assert "jurisdiction=" not in err
    code, _, err = run("evaluate", "no.such", "--facts", "-", stdin="{}")
    assert "`lss-sol-rules questions` listar frågorna" in err
    assert "engine." not in err


def test_golden_cases_report_in_the_language_of_lang(tmp_path: Path) -> None:
    cases = tmp_path / "cases.toml"
    cases.write_text(
        '[[cases]]\nname = "fel med flit"\nquestion = "personlig_assistans.huvudman"\n'
        "on = 2026-01-01\nfacts = { grundlaggande_behov_timmar_per_vecka = 30, alder = 40 }\n"
        'expect = "kommun"\n',
        encoding="utf-8",
    )
    code, out, _ = run("test", str(cases))
    assert code == 1
    assert "FEL cases.toml::1:fel med flit: väntade 'kommun'" in out
    assert "0 godkända, 1 underkända" in out
    code, out, _ = run("test", str(cases), "--lang", "en")
    assert "FAIL cases.toml::1:fel med flit: expected 'kommun'" in out


# -- check --format json ------------------------------------------------------------------
GAP_RULES = """
[rulebook]
id = "test.json"

[questions."test.j"]
type = "bool"
label = { sv = "F", en = "Q" }

[[rules]]
id = "test.j.ja"
question = "test.j"
when = "alder >= test_jgrans"
value = true
valid_from = 2020-01-01
citations = ["x"]
explain = { sv = "x", en = "x" }

[[rules]]
id = "test.j.nej"
question = "test.j"
when = "alder < test_jgrans"
value = false
valid_from = 2020-01-01
citations = ["x"]
explain = { sv = "x", en = "x" }

[parameters.test_jgrans]
type = "int"
label = { sv = "G", en = "L" }

[[parameters.test_jgrans.values]]
value = 65
valid_from = 2021-01-01
citations = ["x"]
"""

BAD_RULES = """
[rulebook]
id = "test.jbad"

[questions."test.k"]
type = "bool"
label = { sv = "F", en = "Q" }

[[rules]]
id = "test.k.ja"
question = "test.k"
value = true
valid_from = 2020-01-01
valdi_to = 2021-01-01
citations = ["x"]
explain = { sv = "x", en = "x" }
titel = "x"
"""


def test_check_json_reports_every_file_with_errors_warnings_and_totals(tmp_path: Path) -> None:
    gap = tmp_path / "gap.toml"
    gap.write_text(GAP_RULES, encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(BAD_RULES, encoding="utf-8")
    code, out, err = run("check", "--no-plugins", "--format", "json", str(gap), str(bad))
    assert code == 1  # as for text: a file with an error fails
    assert err == ""  # the whole report is the JSON on standard output
    report = json.loads(out)
    assert report["totals"] == {"files": 2, "errors": 2, "warnings": 2, "failed": 1}
    by_file = {Path(f["file"]).name: f for f in report["files"]}
    assert by_file["gap.toml"]["ok"] is True
    assert by_file["bad.toml"]["ok"] is False
    warning = by_file["gap.toml"]["warnings"][0]
    assert warning["severity"] == "warning"
    assert warning["rule_id"] == "test.j.ja"
    assert warning["parameter"] == "test_jgrans"
    assert isinstance(warning["line"], int)
    assert "saknar värde" in warning["message_sv"]
    assert "has no value" in warning["message_en"]
    assert warning["message_en"].endswith(warning["problem_en"])
    assert not warning["problem_en"].startswith(str(gap))
    errors = by_file["bad.toml"]["errors"]
    assert [e["severity"] for e in errors] == ["error", "error"]
    lines = BAD_RULES.splitlines()  # written as is: line 1 is the empty first line
    assert {e["key"] for e in errors} == {"valdi_to", "titel"}
    for e in errors:
        assert e["file"] == str(bad)
        assert e["rule_id"] == "test.k.ja"
        assert lines[e["line"] - 1].startswith(e["key"])  # at the line of the offending key
        assert e["message_sv"].startswith(f"{bad}:{e['line']}: regel 'test.k.ja': okänd nyckel")
        assert e["message_en"].startswith(f"{bad}:{e['line']}: rule 'test.k.ja': unknown key")
        assert e["problem_sv"].startswith("okänd nyckel")
        assert set(e) >= {"file", "line", "rule_id", "key", "severity", "message_sv", "message_en"}
    # --strict: warnings fail too, and the report says which files did not pass.
    code, out, _ = run("check", "--no-plugins", "--format", "json", "--strict", str(gap))
    assert code == 1
    assert json.loads(out)["totals"]["failed"] == 1
    code, out, _ = run("check", "--no-plugins", "--format", "json", str(gap))
    assert code == 0
    assert json.loads(out)["files"][0]["ok"] is True
