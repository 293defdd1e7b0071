"""The shipped strategies draw only dates on which the question can be answered.

Every rule and parameter the question reads (through other questions and derived facts)
must be in force in the chosen jurisdiction on the drawn date: a plugin parameter that
starts later than the national rule reading it, a parameter with a gap or an end, a rule
that reads a parameter only from a later version — no drawn date may fall outside.
"""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lss_sol_rules as lsr
import lss_sol_rules.testing as lst

# A municipal layer whose guideline parameter starts on 2025-01-01, read by a rule with no
# start date of its own (the rule is "always" in force, its parameter is not).
LAYER = """
[rulebook]
id = "testkommun"
jurisdiction = "se/testkommun"

[parameters.tak_timmar]
type = "int"
unit = "timmar per månad"
label = { sv = "Tak", en = "Ceiling" }

[[parameters.tak_timmar.values]]
value = 100
valid_from = 2025-01-01
citations = ["Riktlinje 2025"]

[parameters.gles]
type = "int"
label = { sv = "Gles", en = "Sparse" }

[[parameters.gles.values]]
value = 5
valid_from = 2020-01-01
valid_to = 2020-12-31
citations = ["Riktlinje 2020"]

[[parameters.gles.values]]
value = 7
valid_from = 2023-01-01
valid_to = 2030-12-31
citations = ["Riktlinje 2023"]

[questions."testkommun.over_taket"]
type = "bool"
label = { sv = "Över taket", en = "Over the ceiling" }

[[rules]]
id = "testkommun.over"
question = "testkommun.over_taket"
when = "hemtjanst_timmar_per_manad > tak_timmar"
value = true
citations = ["Riktlinje 2025"]
explain = { sv = "över taket", en = "over the ceiling" }

[[rules]]
id = "testkommun.inte_over"
question = "testkommun.over_taket"
default = true
value = false
citations = ["Riktlinje 2025"]
explain = { sv = "inte över taket", en = "not over the ceiling" }

[questions."testkommun.gles_fraga"]
type = "bool"
label = { sv = "Gles fråga", en = "Sparse question" }

[[rules]]
id = "testkommun.gles.tidig"
question = "testkommun.gles_fraga"
valid_to = 2015-12-31
when = "hemtjanst_timmar_per_manad > 1"
value = true
citations = ["Riktlinje 2010"]
explain = { sv = "tidig", en = "early" }

[[rules]]
id = "testkommun.gles.sen"
question = "testkommun.gles_fraga"
valid_from = 2016-01-01
when = "hemtjanst_timmar_per_manad > gles"
value = true
citations = ["Riktlinje 2020"]
explain = { sv = "sen", en = "late" }

[[rules]]
id = "testkommun.gles.annars"
question = "testkommun.gles_fraga"
default = true
value = false
citations = ["Riktlinje 2010"]
explain = { sv = "annars", en = "otherwise" }

[questions."testkommun.via_fraga"]
type = "bool"
label = { sv = "Via en annan fråga", en = "Through another question" }

[[rules]]
id = "testkommun.via"
question = "testkommun.via_fraga"
compute = "testkommun.over_taket"
citations = ["Riktlinje 2025"]
explain = { sv = "via", en = "through" }
"""

NEVER = """
[rulebook]
id = "aldrig"
jurisdiction = "se/aldrig"

[parameters.forr]
type = "int"
label = { sv = "Förr", en = "Formerly" }

[[parameters.forr.values]]
value = 1
valid_from = 1990-01-01
valid_to = 1990-12-31
citations = ["Gammal riktlinje"]

[questions."aldrig.fraga"]
type = "bool"
label = { sv = "Aldrig", en = "Never" }

[[rules]]
id = "aldrig.regel"
question = "aldrig.fraga"
valid_from = 2000-01-01
compute = "forr > 0"
citations = ["Gammal riktlinje"]
explain = { sv = "aldrig", en = "never" }
"""


def _engine(tmp: Path, text: str) -> lsr.Engine:
    path = tmp / "layer.toml"
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return lsr.load(paths=[path], plugins=False)


@pytest.fixture(scope="module")
def layered(tmp_path_factory: pytest.TempPathFactory) -> lsr.Engine:
    return _engine(tmp_path_factory.mktemp("layer"), LAYER)


J = "se/testkommun"


def test_cases_never_draw_a_date_before_a_plugin_parameter_starts(layered: lsr.Engine) -> None:
    """The issue's report: cases() drew dates before the parameter, and evaluate() raised."""

    @settings(max_examples=150, derandomize=True, deadline=None)
    @given(lst.cases("testkommun.over_taket", engine=layered, jurisdiction=J))
    def prop(case: lst.GeneratedCase) -> None:
        assert case.on >= date(2025, 1, 1)
        case.evaluate()  # no ParameterNotInForceError

    prop()


def test_through_another_question_too(layered: lsr.Engine) -> None:
    @settings(max_examples=80, derandomize=True, deadline=None)
    @given(lst.cases("testkommun.via_fraga", engine=layered, jurisdiction=J))
    def prop(case: lst.GeneratedCase) -> None:
        assert case.on >= date(2025, 1, 1)
        case.evaluate()

    prop()


def test_gaps_and_ends_of_a_parameter_are_never_drawn(layered: lsr.Engine) -> None:
    """Before 2016 the rule in force reads no parameter; from 2016 it reads one that has
    values only in 2020 and 2023–2030."""
    assert lst.answerable_periods(layered, "testkommun.gles_fraga", J) == (
        (date(1994, 1, 1), date(2015, 12, 31)),
        (date(2020, 1, 1), date(2020, 12, 31)),
        (date(2023, 1, 1), date(2030, 12, 31)),
    )

    @settings(max_examples=200, derandomize=True, deadline=None)
    @given(lst.evaluation_dates("testkommun.gles_fraga", engine=layered, jurisdiction=J))
    def prop(on: date) -> None:
        assert on <= date(2015, 12, 31) or date(2020, 1, 1) <= on <= date(2020, 12, 31) or (
            date(2023, 1, 1) <= on <= date(2030, 12, 31)
        )
        layered.evaluate(
            "testkommun.gles_fraga", {"hemtjanst_timmar_per_manad": 6}, on=on, jurisdiction=J
        )

    prop()


def test_every_period_of_each_part_is_reachable(layered: lsr.Engine) -> None:
    """The dates are spread over every period, not only the first."""
    seen: set[int] = set()

    @settings(max_examples=300, derandomize=True, deadline=None)
    @given(lst.evaluation_dates("testkommun.gles_fraga", engine=layered, jurisdiction=J))
    def prop(on: date) -> None:
        seen.add(0 if on.year < 2016 else 1 if on.year == 2020 else 2)

    prop()
    assert seen == {0, 1, 2}


def test_a_question_never_answerable_is_a_clear_error(tmp_path: Path) -> None:
    engine = _engine(tmp_path, NEVER)
    assert lst.answerable_periods(engine, "aldrig.fraga", "se/aldrig") == ()
    with pytest.raises(ValueError, match=r"'se/aldrig'.*parameter 'forr'") as info:
        lst.evaluation_dates("aldrig.fraga", engine=engine, jurisdiction="se/aldrig")
    assert "'aldrig.fraga'" in str(info.value)
    assert "'forr'" in info.value.message("sv")  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="parameter 'forr'"):
        lst.cases("aldrig.fraga", engine=engine, jurisdiction="se/aldrig")


def test_the_national_rules_in_every_jurisdiction() -> None:
    """For every question in every installed jurisdiction: each period's first and last day
    evaluate without a parameter or rule out of force (facts from the strategy)."""
    engine = lsr.load()
    checked = 0
    for jurisdiction in engine.jurisdictions():
        view = engine.rulebook.view(jurisdiction)
        for question in sorted(view.rules):
            periods = lst.answerable_periods(engine, question, jurisdiction)
            assert periods, (question, jurisdiction)
            for first, last in periods:
                for on in (first, last):
                    facts = lst.facts(question, on, engine=engine, jurisdiction=jurisdiction)
                    example = _example(facts)
                    try:
                        engine.evaluate(question, example, on=on, jurisdiction=jurisdiction)
                    except (lsr.ParameterNotInForceError, lsr.NoRuleInForceError):
                        raise
                    except lsr.EvaluationError:  # "does not apply to this case": an answer
                        pass
                    checked += 1
    assert checked > 50


def _example(strategy: st.SearchStrategy[dict[str, object]]) -> dict[str, object]:
    """One full example of *strategy*, drawn deterministically."""
    found: list[dict[str, object]] = []

    @settings(max_examples=1, derandomize=True, deadline=None, database=None)
    @given(strategy)
    def take(facts: dict[str, object]) -> None:
        found.append(facts)

    take()
    return found[0]
