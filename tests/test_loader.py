"""Rule-file errors: every one names the file, the line and the rule, and says what to fix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import lss_sol_rules as lsr
from lss_sol_rules.errors import RuleFileError

HEAD = """
[rulebook]
id = "test"
jurisdiction = "se"

[questions."test.svar"]
type = "text"
values = ["ja", "nej"]
label = { sv = "Svar", en = "Answer" }
"""

RULE = """
[[rules]]
id = "test.{id}"
question = "test.svar"
when = "{when}"
value = "{value}"
citations = ["LSS 1 §"]
explain = {{ sv = "Svar {{value}}", en = "Answer {{value}}" }}
"""


def load_text(rule_file: Callable[..., Path], text: str) -> lsr.Engine:
    return lsr.load(paths=[rule_file(text)], plugins=False)


def error(rule_file: Callable[..., Path], text: str) -> RuleFileError:
    with pytest.raises(RuleFileError) as info:
        load_text(rule_file, text)
    return info.value


def test_a_valid_file_loads(rule_file: Callable[..., Path]) -> None:
    engine = load_text(
        rule_file,
        HEAD
        + RULE.format(id="a", when="skolungdom", value="ja")
        + RULE.format(id="b", when="not skolungdom", value="nej"),
    )
    assert engine.evaluate("test.svar", {"skolungdom": True}).value == "ja"


def test_bad_toml_names_the_line(rule_file: Callable[..., Path]) -> None:
    err = error(rule_file, HEAD + "\n[[rules]]\nid = \n")
    assert err.line == 11  # the `id =` line
    assert "not valid TOML" in str(err)
    assert err.file.endswith(".toml")


def test_duplicate_keys_are_rejected(rule_file: Callable[..., Path]) -> None:
    err = error(rule_file, HEAD + "[rulebook]\nid = 'x'\n")
    assert "not valid TOML" in str(err)


def test_expression_error_names_file_line_rule_and_column(rule_file: Callable[..., Path]) -> None:
    text = HEAD + RULE.format(id="a", when="skolungdom = true", value="ja")
    err = error(rule_file, text)
    assert err.rule_id == "test.a"
    assert err.line == 13  # the `when =` line
    assert "compare with '=='" in str(err)
    assert "column 12" in str(err)
    assert f"{err.file}:13: rule 'test.a':" in str(err)


def test_unknown_name_suggests_the_spelling(rule_file: Callable[..., Path]) -> None:
    err = error(rule_file, HEAD + RULE.format(id="a", when="skolungdomm", value="ja"))
    assert "did you mean 'skolungdom'" in str(err)


def test_unknown_key_in_a_rule(rule_file: Callable[..., Path]) -> None:
    err = error(
        rule_file, HEAD + RULE.format(id="a", when="true", value="ja") + "valid_form = 2020-01-01\n"
    )
    assert "unknown key 'valid_form'" in str(err)
    assert "did you mean 'valid_from'" in str(err)
    assert err.line == 17  # the line of the key, not the [[rules]] header (#16)


def test_a_rule_needs_citations(rule_file: Callable[..., Path]) -> None:
    text = HEAD + RULE.format(id="a", when="true", value="ja").replace(
        'citations = ["LSS 1 §"]\n', ""
    )
    err = error(rule_file, text)
    assert "citations" in str(err)
    assert err.rule_id == "test.a"


def test_a_rule_needs_both_languages(rule_file: Callable[..., Path]) -> None:
    text = HEAD + RULE.format(id="a", when="true", value="ja").replace(
        ', en = "Answer {value}"', ""
    )
    assert "Swedish and English" in str(error(rule_file, text))


def test_value_must_be_allowed_by_the_question(rule_file: Callable[..., Path]) -> None:
    err = error(rule_file, HEAD + RULE.format(id="a", when="true", value="kanske"))
    assert "'kanske' is not a text answer" in str(err)


def test_unknown_question(rule_file: Callable[..., Path]) -> None:
    text = HEAD + RULE.format(id="a", when="true", value="ja").replace(
        'question = "test.svar"', 'question = "test.svr"'
    )
    assert "did you mean 'test.svar'" in str(error(rule_file, text))


def test_template_placeholders_are_checked(rule_file: Callable[..., Path]) -> None:
    text = HEAD + RULE.format(id="a", when="true", value="ja").replace(
        "Svar {value}", "Svar {vaule}"
    )
    assert "did you mean 'value'" in str(error(rule_file, text))


def test_rules_that_can_collide_are_a_load_error(rule_file: Callable[..., Path]) -> None:
    text = (
        HEAD
        + RULE.format(id="a", when="skolungdom", value="ja")
        + RULE.format(id="b", when="utbildar_sig", value="nej")
    )
    err = error(rule_file, text)
    assert "'test.a'" in str(err)
    assert "'test.b'" in str(err)
    assert "overrides" in str(err)


def test_overrides_resolve_a_collision(rule_file: Callable[..., Path]) -> None:
    text = (
        HEAD
        + RULE.format(id="a", when="skolungdom", value="ja")
        + RULE.format(id="b", when="utbildar_sig", value="nej")
        + 'overrides = ["test.a"]\n'
    )
    engine = load_text(rule_file, text)
    d = engine.evaluate("test.svar", {"skolungdom": True, "utbildar_sig": True})
    assert d.value == "nej"
    assert [r.outcome for r in d.considered] == ["overridden"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("grundlaggande_behov_timmar_per_vecka > 20", "grundlaggande_behov_timmar_per_vecka <= 20"),
        ("alder < 18", "alder >= 21"),
        ("insats == 'hemtjanst'", "insats in ['servicehus', 'korttidsvard']"),
        ("skolungdom and alder > 12", "not skolungdom"),
        ("lag == 'LSS'", "lag != 'LSS'"),
    ],
)
def test_provably_exclusive_rules_need_no_overrides(
    rule_file: Callable[..., Path], a: str, b: str
) -> None:
    load_text(
        rule_file,
        HEAD + RULE.format(id="a", when=a, value="ja") + RULE.format(id="b", when=b, value="nej"),
    )


def test_rules_with_the_same_value_may_overlap(rule_file: Callable[..., Path]) -> None:
    load_text(
        rule_file,
        HEAD
        + RULE.format(id="a", when="skolungdom", value="ja")
        + RULE.format(id="b", when="utbildar_sig", value="ja"),
    )


def test_rules_in_force_at_different_times_may_differ(rule_file: Callable[..., Path]) -> None:
    text = (
        HEAD
        + RULE.format(id="a", when="true", value="ja")
        + "valid_to = 2022-12-31\n"
        + RULE.format(id="b", when="true", value="nej")
        + "valid_from = 2023-01-01\n"
    )
    engine = load_text(rule_file, text)
    from datetime import date

    assert engine.evaluate("test.svar", {}, on=date(2022, 12, 31)).value == "ja"
    assert engine.evaluate("test.svar", {}, on=date(2023, 1, 1)).value == "nej"


def test_override_cycle(rule_file: Callable[..., Path]) -> None:
    text = (
        HEAD
        + RULE.format(id="a", when="skolungdom", value="ja")
        + 'overrides = ["test.b"]\n'
        + RULE.format(id="b", when="utbildar_sig", value="nej")
        + 'overrides = ["test.a"]\n'
    )
    assert "cycle" in str(error(rule_file, text))


def test_overrides_must_name_a_rule_of_the_same_question(rule_file: Callable[..., Path]) -> None:
    text = HEAD + RULE.format(id="a", when="true", value="ja") + 'overrides = ["test.x"]\n'
    assert "not a rule answering 'test.svar'" in str(error(rule_file, text))


def test_duplicate_rule_ids(rule_file: Callable[..., Path]) -> None:
    text = HEAD + RULE.format(id="a", when="true", value="ja") * 2
    err = error(rule_file, text)
    assert "used twice" in str(err)
    assert "first at line 10" in str(err)
    assert err.line == 18


def test_question_cycle(rule_file: Callable[..., Path]) -> None:
    text = """
    [questions."q.a"]
    type = "bool"
    label = { sv = "A", en = "A" }
    [questions."q.b"]
    type = "bool"
    label = { sv = "B", en = "B" }
    [[rules]]
    id = "a"
    question = "q.a"
    when = "q.b"
    value = true
    citations = ["x"]
    explain = { sv = "a", en = "a" }
    [[rules]]
    id = "b"
    question = "q.b"
    when = "q.a"
    value = true
    citations = ["x"]
    explain = { sv = "b", en = "b" }
    """
    assert "cycle" in str(error(rule_file, text))


def test_overlapping_parameter_values(rule_file: Callable[..., Path]) -> None:
    text = """
    [parameters.grans]
    type = "number"
    label = { sv = "G", en = "G" }
    [[parameters.grans.values]]
    value = 20
    valid_from = 2020-01-01
    citations = ["x"]
    [[parameters.grans.values]]
    value = 30
    valid_from = 2021-01-01
    citations = ["x"]
    """
    err = error(rule_file, text)
    assert "overlaps" in str(err)
    assert "valid_to = 2020-12-31" in str(err)
    assert err.line == 1


def test_parameter_value_of_the_wrong_type(rule_file: Callable[..., Path]) -> None:
    text = """
    [parameters.grans]
    type = "number"
    label = { sv = "G", en = "G" }
    [[parameters.grans.values]]
    value = "tjugo"
    valid_from = 2020-01-01
    citations = ["x"]
    """
    assert "must be a number" in str(error(rule_file, text))


def test_dates_must_be_toml_dates(rule_file: Callable[..., Path]) -> None:
    text = HEAD + RULE.format(id="a", when="true", value="ja") + 'valid_from = "2020-01-01"\n'
    assert "TOML date" in str(error(rule_file, text))


def test_unknown_top_level_key(rule_file: Callable[..., Path]) -> None:
    assert "did you mean 'rules'" in str(error(rule_file, "[[rule]]\nid='x'\n"))


def test_redeclaring_a_national_fact(rule_file: Callable[..., Path]) -> None:
    text = '[facts.alder]\ntype = "int"\nlabel = { sv = "a", en = "a" }\n'
    assert "already declared" in str(error(rule_file, text))


def test_unreadable_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError, match="cannot read"):
        lsr.load(paths=[tmp_path / "missing.toml"], plugins=False)
    bad = tmp_path / "latin1.toml"
    bad.write_bytes("id = 'å'".encode("latin-1"))
    with pytest.raises(RuleFileError, match="UTF-8"):
        lsr.load(paths=[bad], plugins=False)


def test_an_error_names_the_key_it_is_about(tmp_path: Path) -> None:
    """RuleFileError.key: the TOML key the problem is about (editors and `check --format
    json` point at it)."""
    path = tmp_path / "r.toml"
    path.write_text(
        '[[rules]]\nid = "x"\nquestion = "lss.personkrets"\nwhen = "true"\nvalue = 1\n'
        'bogus = 3\ncitations = ["LSS 1 §"]\nexplain = { sv = "a", en = "b" }\n',
        encoding="utf-8",
    )
    with pytest.raises(RuleFileError) as info:
        lsr.load(paths=[path], plugins=False)
    assert info.value.key == "bogus"
    assert info.value.line == 6
