"""The shipped pytest plugin collects golden case files by itself: one item per case."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from lss_sol_rules.casefile import load_cases

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]
CASE_DIRS = [
    ROOT / "tests" / "cases",
    ROOT / "plugins" / "stockholm" / "tests" / "cases",
    ROOT / "plugins" / "example-kommun" / "tests" / "cases",
]

PASSING = """
[[cases]]
name = "25 hours: Försäkringskassan"
question = "personlig_assistans.huvudman"
on = 2026-01-01
facts = { grundlaggande_behov_timmar_per_vecka = 25 }
expect = "forsakringskassan"
"""

FAILING = """
[[cases]]
name = "fine"
question = "personlig_assistans.huvudman"
on = 2026-01-01
facts = { grundlaggande_behov_timmar_per_vecka = 25 }
expect = "forsakringskassan"

# a comment between cases
[[cases]]
name = "wrong on purpose"
question = "personlig_assistans.huvudman"
on = 2026-01-01
facts = { grundlaggande_behov_timmar_per_vecka = 25 }
expect = "kommunen"
"""


def _write(pytester: pytest.Pytester, rel: str, text: str) -> Path:
    path = pytester.path / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def test_every_shipped_case_is_one_item_with_a_readable_id(pytester: pytest.Pytester) -> None:
    """No case is lost: the project's and both plugins' case folders, as pytest collects them."""
    expected: list[str] = []
    for i, folder in enumerate(CASE_DIRS):
        target = pytester.path / f"suite{i}" / "cases"
        shutil.copytree(folder, target)
        for case in load_cases([target]):
            rel = Path(case.file).relative_to(pytester.path).as_posix()
            expected.append(f"{rel}::{case.index}:{case.name}")
    result = pytester.runpytest("--collect-only", "-q")
    collected = [line for line in result.outlines if "::" in line]
    assert sorted(collected) == sorted(expected)
    assert len(expected) >= 250
    run = pytester.runpytest("-q")
    run.assert_outcomes(passed=len(expected))


def test_a_failure_says_expected_and_got_with_the_case_and_its_line(
    pytester: pytest.Pytester,
) -> None:
    _write(pytester, "tests/cases/huvudman.toml", FAILING)
    result = pytester.runpytest("-q")
    result.assert_outcomes(passed=1, failed=1)
    out = result.stdout.str()
    assert "huvudman.toml::2:wrong on purpose" in out
    assert "golden case failed: wrong on purpose" in out
    assert "expected 'kommunen', got 'forsakringskassan'" in out
    assert "at:           tests/cases/huvudman.toml:9" in out  # the line of its [[cases]] header
    assert '"grundlaggande_behov_timmar_per_vecka": 25' in out
    assert "question:     personlig_assistans.huvudman" in out
    assert "the decision it got:" in out  # the explanation, to see why
    assert "Traceback" not in out


def test_undetermined_status_missing_rules_and_errors(pytester: pytest.Pytester) -> None:
    _write(
        pytester,
        "cases/kinds.toml",
        """
        [[cases]]
        name = "no facts: undetermined, naming the hours"
        question = "personlig_assistans.huvudman"
        on = 2026-01-01
        facts = {}
        expect_status = "undetermined"
        expect_missing = ["grundlaggande_behov_timmar_per_vecka"]

        [[cases]]
        name = "a bad fact raises FactError"
        question = "personlig_assistans.huvudman"
        on = 2026-01-01
        facts = { grundlaggande_behov_timmar_per_vecka = "many" }
        expect_error = "FactError"

        [[cases]]
        name = "expects a decision but gets undetermined"
        question = "personlig_assistans.huvudman"
        on = 2026-01-01
        facts = {}
        expect = "kommunen"
        """,
    )
    result = pytester.runpytest("-q", "-rf")
    out = result.stdout.str()
    result.assert_outcomes(passed=2, failed=1)
    assert "expected 'kommunen', got undetermined (missing" in out


def test_a_broken_case_file_is_a_collection_error_that_teaches(
    pytester: pytest.Pytester,
) -> None:
    _write(
        pytester,
        "tests/cases/broken.toml",
        """
        [[cases]]
        name = "typo"
        question = "personlig_assistans.huvudman"
        on = 2026-01-01
        expekt = "kommunen"
        """,
    )
    result = pytester.runpytest("-q")
    out = result.stdout.str()
    assert result.ret != 0
    assert "unknown key 'expekt'" in out
    assert "did you mean" in out.lower()
    assert "lss_sol_rules_cases" in out
    assert "Traceback" not in out


def test_a_toml_file_under_cases_without_cases_is_an_error_not_skipped(
    pytester: pytest.Pytester,
) -> None:
    _write(pytester, "cases/notes.toml", 'title = "not a case file"\n')
    result = pytester.runpytest("-q")
    assert result.ret != 0
    assert "needs [[cases]]" in result.stdout.str()


def test_which_files_are_case_files(pytester: pytest.Pytester) -> None:
    _write(pytester, "anywhere/huvudman.cases.toml", PASSING)
    _write(pytester, "rules/own.toml", '[rulebook]\nid = "own"\n')  # a rule file: not collected
    _write(pytester, "deep/cases/sub/more.toml", PASSING)
    result = pytester.runpytest("--collect-only", "-q")
    ids = [line for line in result.outlines if "::" in line]
    assert ids == [
        "anywhere/huvudman.cases.toml::1:25 hours: Försäkringskassan",
        "deep/cases/sub/more.toml::1:25 hours: Försäkringskassan",
    ]


def test_the_ini_option_names_the_case_folders(pytester: pytest.Pytester) -> None:
    _write(pytester, "golden/huvudman.toml", PASSING)
    _write(pytester, "cases/not_cases.toml", 'title = "data, not cases"\n')
    pytester.makeini("[pytest]\nlss_sol_rules_cases = golden\n")
    result = pytester.runpytest("-q")
    result.assert_outcomes(passed=1)


def test_collection_can_be_switched_off(pytester: pytest.Pytester) -> None:
    _write(pytester, "cases/huvudman.toml", PASSING)
    pytester.makeini("[pytest]\nlss_sol_rules_collect_cases = false\n")
    result = pytester.runpytest("-q")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_extra_rules_and_no_plugins(pytester: pytest.Pytester) -> None:
    _write(
        pytester,
        "own_rules/egen.toml",
        """
        [questions."egen.fraga"]
        type = "bool"
        label = { sv = "Egen fråga", en = "Own question" }

        [[rules]]
        id = "egen.ja"
        question = "egen.fraga"
        when = "alder >= 18"
        value = true
        citations = ["Egen riktlinje"]
        explain = { sv = "vuxen", en = "adult" }

        [[rules]]
        id = "egen.nej"
        question = "egen.fraga"
        default = true
        value = false
        citations = ["Egen riktlinje"]
        explain = { sv = "inte vuxen", en = "not adult" }
        """,
    )
    _write(
        pytester,
        "cases/egen.toml",
        """
        [[cases]]
        name = "adult"
        question = "egen.fraga"
        on = 2026-01-01
        facts = { alder = 40 }
        expect = true
        """,
    )
    _write(
        pytester,
        "cases/stockholm.toml",
        """
        [[cases]]
        name = "a Stockholm question"
        question = "delegation.beslutsniva"
        on = 2026-01-01
        jurisdiction = "se/stockholm"
        facts = { insats = "hemtjanst", hemtjanst_timmar_per_manad = 110 }
        expect = "sarskild_delegation"
        """,
    )
    pytester.makeini("[pytest]\nlss_sol_rules_rules = own_rules\n")
    pytester.runpytest("-q").assert_outcomes(passed=2)
    pytester.makeini(
        "[pytest]\nlss_sol_rules_rules = own_rules\nlss_sol_rules_plugins = false\n"
    )
    result = pytester.runpytest("-q")
    result.assert_outcomes(passed=1, failed=1)
    assert "QuestionError" in result.stdout.str()


def test_items_carry_the_golden_case_marker(pytester: pytest.Pytester) -> None:
    _write(pytester, "cases/huvudman.toml", PASSING)
    pytester.makepyfile(test_other="def test_other():\n    pass\n")
    result = pytester.runpytest("-q", "-m", "golden_case")
    result.assert_outcomes(passed=1, deselected=1)


def test_the_documented_case_examples_pass(tmp_path: Path) -> None:
    """Every case example in docs/rule-format.md ("Golden cases") runs and passes."""
    import re

    import lss_sol_rules as lsr
    from lss_sol_rules.casefile import run_case

    text = (ROOT / "docs" / "rule-format.md").read_text(encoding="utf-8")
    section = text.split("## Golden cases", 1)[1]
    blocks = re.findall(r"^```toml\n(.*?)^```", section, re.MULTILINE | re.DOTALL)
    examples = [b for b in blocks if "[[cases]]" in b]
    assert len(examples) >= 6
    engine = lsr.load()
    keys_shown: set[str] = set()
    for i, block in enumerate(examples):
        path = tmp_path / f"example_{i}.toml"
        path.write_text(block, encoding="utf-8")
        for case in load_cases([path]):
            result = run_case(engine, case)
            assert result.passed, (case.name, result.message)
        keys_shown |= set(re.findall(r"^(\w+) =", block, re.MULTILINE))
    from lss_sol_rules.casefile import _KEYS

    assert keys_shown == _KEYS  # every key has an example


def test_hostile_case_files(pytester: pytest.Pytester) -> None:
    """Names that would break node ids, duplicate names, an oversized file, bad bytes."""
    case = PASSING.replace('name = "25 hours: Försäkringskassan"', 'name = "a::b [x] ö"')
    _write(pytester, "cases/odd.toml", case + "\n" + case)
    (pytester.path / "cases" / "huge.toml").write_text(
        "# " + "x" * 2_100_000 + "\n" + PASSING, encoding="utf-8"
    )
    (pytester.path / "cases" / "latin1.toml").write_bytes(
        PASSING.replace("Försäkringskassan", "F\xf6rs\xe4kringskassan").encode("latin-1")
    )
    result = pytester.runpytest("-q", "--continue-on-collection-errors")
    out = result.stdout.str()
    result.assert_outcomes(passed=2, errors=2)
    assert "larger than" in out
    assert "not UTF-8" in out
    ids = [
        line
        for line in pytester.runpytest("--collect-only", "-q").outlines
        if line.startswith("cases/odd.toml")
    ]
    assert ids == ["cases/odd.toml::1:a: :b [x] ö", "cases/odd.toml::2:a: :b [x] ö"]
    # each is selectable by its id
    pytester.runpytest("-q", ids[1]).assert_outcomes(passed=1)
