"""The golden-case pytest plugin speaks both languages: a broken case file's collection
error carries the library's Swedish and English texts (the ini option
``lss_sol_rules_lang`` chooses which comes first, and the language of failure reports)."""

from __future__ import annotations

import textwrap

import pytest

pytest_plugins = ["pytester"]

BROKEN = """
[[cases]]
name = "typo"
question = "personlig_assistans.huvudman"
on = 2026-01-01
expekt = "kommunen"
"""

WRONG = """
[[cases]]
name = "wrong on purpose"
question = "personlig_assistans.huvudman"
on = 2026-01-01
facts = { grundlaggande_behov_timmar_per_vecka = 25 }
expect = "kommunen"
"""


def _write(pytester: pytest.Pytester, rel: str, text: str) -> None:
    path = pytester.path / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def _library_texts() -> tuple[str, str]:
    """What the library itself says about BROKEN, in English and Swedish."""
    import tempfile
    from pathlib import Path

    from lss_sol_rules.casefile import load_cases
    from lss_sol_rules.errors import LssSolRulesError

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "broken.toml"
        path.write_text(textwrap.dedent(BROKEN).lstrip(), encoding="utf-8")
        with pytest.raises(LssSolRulesError) as info:
            load_cases([path])
    return info.value.problem_en, str(info.value.problem_sv)


@pytest.mark.parametrize("lang", ["", "en", "sv"])
def test_a_collection_error_carries_both_texts_of_the_library_error(
    pytester: pytest.Pytester, lang: str
) -> None:
    _write(pytester, "tests/cases/broken.toml", BROKEN)
    if lang:
        pytester.makeini(f"[pytest]\nlss_sol_rules_lang = {lang}\n")
    result = pytester.runpytest("-q")
    out = result.stdout.str()
    assert result.ret != 0
    en, sv = _library_texts()
    assert en in out
    assert sv in out
    assert "unknown key 'expekt'" in out  # English
    assert "menade du" in out  # Swedish: the suggestion too
    assert "lss_sol_rules_cases" in out
    assert "ini-inställningen lss_sol_rules_cases" in out
    assert "Traceback" not in out
    first_sv, first_en = out.find(sv), out.find(en)
    assert (first_sv < first_en) == (lang == "sv")


def test_a_toml_file_without_cases_is_refused_in_both_languages(
    pytester: pytest.Pytester,
) -> None:
    _write(pytester, "cases/notes.toml", 'title = "not a case file"\n')
    out = pytester.runpytest("-q").stdout.str()
    assert "a case file needs [[cases]] tables" in out
    assert "en ärendefil ska ha tabeller [[cases]]" in out
    _write(pytester, "cases/notes.toml", "cases = []\n")  # read, but no case in it
    out = pytester.runpytest("-q").stdout.str()
    assert "needs at least one [[cases]]" in out
    assert "behöver minst ett [[cases]]" in out


def test_failure_reports_in_swedish_when_asked(pytester: pytest.Pytester) -> None:
    _write(pytester, "tests/cases/huvudman.toml", WRONG)
    pytester.makeini("[pytest]\nlss_sol_rules_lang = sv\n")
    result = pytester.runpytest("-q")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "testfallet gav fel svar: wrong on purpose" in out
    assert "var:          tests/cases/huvudman.toml:1" in out
    assert "fråga:        personlig_assistans.huvudman" in out
    assert "beslutet det fick:" in out
    assert "väntade 'kommunen', men fick 'forsakringskassan'" in out
    assert "Svar: Försäkringskassan" in out  # the explanation in Swedish
    assert "expected 'kommunen'" not in out


def test_a_bad_language_option_is_a_usage_error_in_both_languages(
    pytester: pytest.Pytester,
) -> None:
    _write(pytester, "tests/cases/huvudman.toml", WRONG)
    pytester.makeini("[pytest]\nlss_sol_rules_lang = de\n")
    result = pytester.runpytest("-q")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    err = result.stderr.str()
    assert "must be 'sv' or 'en', got 'de'" in err
    assert "ska vara 'sv' eller 'en', men är 'de'" in err
