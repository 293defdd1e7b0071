"""The errors the static check in test_errors_bilingual.py found English-only, tried as a
caller meets them: each is the library's own error with a Swedish and an English text (and,
where there is one, a hint worded for where the caller is)."""

from __future__ import annotations

import copy
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lss_sol_rules as lsr
from lss_sol_rules.errors import ArgumentError, EventError, LssSolRulesError, PluginError

ENGINE = lsr.load(plugins=False)
QUESTION = "personlig_assistans.huvudman"


def _both(err: LssSolRulesError, en: str, sv: str) -> None:
    """*err* says *en* in English and *sv* in Swedish, and no English is left in Swedish."""
    assert en in err.message("en"), err.message("en")
    assert sv in err.message("sv"), err.message("sv")
    assert err.problem_sv
    assert "(texten finns bara på engelska)" not in err.message("sv")


# -- explain: lang and style --------------------------------------------------------------
def test_explain_refuses_an_unknown_language_or_style_in_both_languages() -> None:
    from lss_sol_rules.explain import format_value, render

    d = ENGINE.evaluate(QUESTION, {"grundlaggande_behov_timmar_per_vecka": 25})
    for call in (lambda: d.explain("de"), lambda: render(d, "fr"), lambda: format_value(1, "de")):
        with pytest.raises(ArgumentError) as info:
            call()
        assert info.value.argument == "lang"
        _both(
            info.value, "`lang` must be 'sv' or 'en'", "argumentet `lang` ska vara 'sv' eller 'en'"
        )
        assert isinstance(info.value, ValueError)  # as before: except ValueError still works
    with pytest.raises(ArgumentError) as info:
        format_value(1, ["sv"])  # type: ignore[arg-type]  # unhashable: no TypeError leaks
    assert info.value.argument == "lang"
    with pytest.raises(ArgumentError) as info:
        d.explain("sv", style="letter")
    assert info.value.argument == "style"
    _both(info.value, "'text' or 'beslut'", "'text' eller 'beslut'")


# -- watch: quarters, the durable extra, a case the rules cannot compute with ----------------
@pytest.mark.parametrize("quarter", ["2026Q5", "2026-Q3", "0000Q1", "٢٠٢٦Q1", "", None, 2026])
def test_quarter_bounds_refuses_in_both_languages(quarter: Any) -> None:
    from lss_sol_rules.watch import quarter_bounds

    with pytest.raises(ArgumentError) as info:
        quarter_bounds(quarter)
    assert info.value.argument == "quarter"
    _both(
        info.value,
        "must be a quarter written like 2026Q3",
        "ska vara ett kvartal skrivet som 2026Q3",
    )


def test_quarter_bounds_still_reads_every_quarter() -> None:
    from lss_sol_rules.watch import quarter_bounds

    assert quarter_bounds(" 2026q1 ") == (date(2026, 1, 1), date(2026, 3, 31))
    assert quarter_bounds("0001Q4") == (date(1, 10, 1), date(1, 12, 31))
    assert quarter_bounds("9999Q4") == (date(9999, 10, 1), date(9999, 12, 31))


def test_durable_watch_without_its_extra_is_a_missing_extra_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from lss_sol_rules.extras import MissingExtraError
    from lss_sol_rules.watch import durable_backend

    monkeypatch.setitem(sys.modules, "durable", None)  # import durable -> ImportError
    monkeypatch.setattr(durable_backend, "_HOST", None)
    with pytest.raises(MissingExtraError) as info:
        durable_backend.DurableWatch(ENGINE, "se")
    err = info.value
    assert isinstance(err, ImportError)
    assert err.extra == "durable"
    _both(
        err,
        "DurableWatch needs durable-rules: pip install 'lss-sol-rules[durable]'",
        "DurableWatch kräver paketet durable-rules: installera det med pip install",
    )
    assert "lss_sol_rules.watch.watchlist" in str(err)  # Python: the pure path
    assert "watchlist, som inte kräver något mer" in err.message("sv", "python")
    assert "--backend pure" in err.message("en", "cli")
    assert "--backend pure" in err.message("sv", "cli")
    assert "watchlist" not in err.message("en", "cli")


def test_a_case_the_watch_rules_cannot_compute_with_is_named_in_both_languages() -> None:
    pytest.importorskip("durable")
    from lss_sol_rules.watch import Caseload, DurableWatch, Event, watchlist

    end = date(9999, 12, 1)  # three months on lies past the calendar
    events = [Event("a", "beslut", end, {"insats": "ledsagarservice", "lag": "LSS"})]
    cl = Caseload(ENGINE)
    cl.apply_all(events)
    dw = DurableWatch(ENGINE, "se")
    dw.post_all(events)
    for call in (lambda: watchlist(ENGINE, cl, end, "se"), lambda: dw.tick(end)):
        with pytest.raises(EventError) as info:
            call()
        assert info.value.case_id == "a"
        _both(
            info.value,
            "watch 'ej_verkstallt' (question ej_verkstallt.ska_rapporteras) could not be tried",
            "bevakningen 'ej_verkstallt' (frågan ej_verkstallt.ska_rapporteras) kunde inte prövas",
        )


# -- columnar, schema, the national rules --------------------------------------------------
def test_columns_from_one_dict_is_an_argument_error_with_the_hint_per_caller() -> None:
    pytest.importorskip("numpy")
    from lss_sol_rules.columnar import columns_from

    with pytest.raises(ArgumentError) as info:
        columns_from({"alder": 40}, ENGINE.rulebook.facts, date(2026, 1, 1))
    err = info.value
    assert err.argument == "cases"
    assert isinstance(err, TypeError)
    _both(err, "not one dict", "inte ett enda ärende")
    assert "engine.evaluate" in err.message("en", "python")
    assert "lss-sol-rules evaluate --facts" in err.message("sv", "cli")
    assert "POST /evaluate" in err.message("en", "http")


def test_an_unknown_schema_is_an_argument_error_in_both_languages() -> None:
    from lss_sol_rules import schema

    with pytest.raises(ArgumentError) as info:
        schema.schema_path("other.json")
    _both(info.value, "'rule-file.schema.json' or", "'rule-file.schema.json' eller")


def test_missing_national_rule_files_are_a_plugin_error_in_both_languages(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from lss_sol_rules.builtin import national

    fake = tmp_path / "a" / "b" / "site" / "lss_sol_rules" / "builtin" / "national.py"
    monkeypatch.setattr(national, "__file__", str(fake))
    for call in (national.rules_dir, lambda: lsr.load(plugins=False)):
        with pytest.raises(PluginError) as info:
            call()
        err = info.value
        assert err.plugin == "national"
        _both(
            err,
            "the national rule files are missing: reinstall lss-sol-rules",
            "de nationella regelfilerna saknas: installera om lss-sol-rules",
        )
        assert "pip install --force-reinstall lss-sol-rules" in err.message("sv")
        assert "PluginError" not in err.message("sv")  # not wrapped in a second PluginError


# -- a stored decision read back -----------------------------------------------------------
def _stored() -> dict[str, Any]:
    d = ENGINE.evaluate(QUESTION, {"grundlaggande_behov_timmar_per_vecka": 25})
    raw: dict[str, Any] = json.loads(json.dumps(d.to_dict()))
    assert lsr.Decision.from_dict(raw) == d
    return raw


STORED = _stored()


def _set(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    raw = copy.deepcopy(STORED)
    node: Any = raw
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return raw


@pytest.mark.parametrize(
    ("path", "value", "field", "en", "sv"),
    [
        (("on",), "2026-13-01", "raw['on']", "a date written YYYY-MM-DD", "ett datum skrivet ÅÅÅÅ-MM-DD"),
        (("on",), "20260101", "raw['on']", "a date written YYYY-MM-DD", "ett datum skrivet ÅÅÅÅ-MM-DD"),
        (("value_type",), "text", "raw['value_type']", "a pair [type, element type]", "ett par [typ, elementtyp]"),
        (("value",), 7, "raw['value']", "a text", "en text"),
        (("status",), "maybe", "raw['status']", "'decided' or 'undetermined'", "'decided' eller 'undetermined'"),
        (("missing",), "alder", "raw['missing']", "a list of texts", "en lista med texter"),
        (("label",), {"sv": "x"}, "raw['label']", "a dict with the key 'en'", "en ordbok med nyckeln 'en'"),
        (("reasons", 0), 7, "raw['reasons'][0]", "a dict (a JSON object)", "en ordbok (ett JSON-objekt)"),
        (("reasons", 0, "outcome"), "won", "raw['reasons'][0]['outcome']", "'fired', 'not_fired'", "'fired', 'not_fired'"),
        (("parameters_used", 0, "value"), "NaN", "raw['parameters_used'][0]['value']", "a whole number", "ett heltal"),
        (("parameters_used", 0, "value"), None, "raw['parameters_used'][0]['value']", "a whole number (a parameter always has a value)", "ett heltal (en parameter har alltid ett värde)"),
        (("parameters_used", 0, "valid_from"), "2026-02-30", "raw['parameters_used'][0]['valid_from']", "a date", "ett datum"),
        (("parameters_used", 0, "citations", 0, "sfs"), 2010, "raw['parameters_used'][0]['citations'][0]['sfs']", "a text (str) or null", "en text (str) eller null"),
        (("internal",), "no", "raw['internal']", "true or false", "true eller false"),
    ],
)  # fmt: skip
def test_a_stored_decision_with_a_bad_field_names_it_in_both_languages(
    path: tuple[Any, ...], value: Any, field: str, en: str, sv: str
) -> None:
    with pytest.raises(ArgumentError) as info:
        lsr.Decision.from_dict(_set(path, value))
    err = info.value
    assert err.argument == field
    _both(err, f"`{field}` must be {en}", f"argumentet `{field}` ska vara {sv}")


def test_a_stored_decision_missing_a_field_or_not_a_dict() -> None:
    raw = copy.deepcopy(STORED)
    del raw["reasons"][0]["citations"]
    with pytest.raises(ArgumentError) as info:
        lsr.Decision.from_dict(raw)
    _both(
        info.value,
        "`raw['reasons'][0]` must be a dict with the key 'citations'",
        "ska vara en ordbok med nyckeln 'citations'",
    )
    for bad in ([], "decision", None):
        with pytest.raises(ArgumentError) as info:
            lsr.Decision.from_dict(bad)  # type: ignore[arg-type]
        _both(info.value, "`raw` must be a dict", "argumentet `raw` ska vara en ordbok")


def test_to_dicts_own_output_reads_back_without_json() -> None:
    """Tuples where JSON has lists (value_type, a list value): what to_dict gives itself."""
    d = ENGINE.evaluate(QUESTION, {"grundlaggande_behov_timmar_per_vecka": 25})
    assert lsr.Decision.from_dict(d.to_dict()) == d
    undetermined = ENGINE.evaluate(QUESTION, {})
    assert lsr.Decision.from_dict(undetermined.to_dict()) == undetermined


def test_fields_written_before_they_existed_still_read() -> None:
    raw = copy.deepcopy(STORED)
    for key in ("internal", "missing_labels", "subject", "refusal", "assumptions", "value_label"):
        raw.pop(key, None)
    for reason in raw["reasons"]:
        reason.pop("default", None)
    assert lsr.Decision.from_dict(raw).question == QUESTION


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


PATHS = _paths(STORED)


@given(st.sampled_from(PATHS), _JSON | st.just("\ud800") | st.just(10**1000), st.booleans())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_mangled_field_is_read_or_refused_by_the_library(
    path: tuple[Any, ...], value: Any, delete: bool
) -> None:
    """A stored decision with one field replaced (or removed) by any JSON value, a lone
    surrogate or a huge number: read back, or an ArgumentError naming a field in both
    languages -- never a KeyError, a TypeError of Python's, or an English ValueError."""
    raw = copy.deepcopy(STORED)
    node: Any = raw
    for step in path[:-1]:
        node = node[step]
    if delete and isinstance(node, dict):
        del node[path[-1]]
    else:
        node[path[-1]] = value
    refused: ArgumentError | None = None
    try:
        decision = lsr.Decision.from_dict(raw)
    except ArgumentError as err:
        refused = err
    if refused is None:
        assert decision.to_dict()["question"] == decision.question
        return
    assert refused.argument.startswith("raw")
    assert refused.problem_sv
    assert "ska vara" in refused.message("sv")


def test_supporting_decisions_nested_absurdly_deep_are_refused_not_a_recursion_error() -> None:
    leaf = copy.deepcopy(STORED)
    leaf["supporting"] = []
    top = copy.deepcopy(leaf)
    node = top
    for _ in range(3000):
        child = copy.deepcopy(leaf)
        node["supporting"] = [child]
        node = child
    with pytest.raises(ArgumentError) as info:
        lsr.Decision.from_dict(top)
    _both(info.value, "nest too deep to read", "för djupt inbäddade för att läsas")
