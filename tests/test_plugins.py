"""The plugin hooks, with throwaway plugins: rule files, functions, decision observers."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import lss_sol_rules as lsr
from lss_sol_rules.expr import Function
from lss_sol_rules.plugins import get_plugin_manager

ON = date(2026, 1, 1)

LOCAL = """
[rulebook]
id = "kommunen"
jurisdiction = "se/kommunen"

[parameters.pa_timgrans]
type = "number"
label = { sv = "Lokal gräns", en = "Local line" }
[[parameters.pa_timgrans.values]]
value = 30
valid_from = 2026-03-01
citations = ["lokal rutin"]

[questions."kommunen.svar"]
type = "bool"
label = { sv = "Svar", en = "Answer" }

[[rules]]
id = "kommunen.ja"
question = "kommunen.svar"
when = "dubbla(alder) > 100"
value = true
citations = ["lokal rutin"]
explain = { sv = "Dubbla åldern är över 100.", en = "Twice the age is over 100." }

[[rules]]
id = "kommunen.nej"
question = "kommunen.svar"
default = true
value = false
citations = ["lokal rutin"]
explain = { sv = "Nej.", en = "No." }
"""


def make_plugin(
    tmp_path: Path, text: str, layer: str = "kommunen", functions: list[Function] | None = None
) -> Any:
    path = tmp_path / f"{layer}.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")

    class Plugin:
        @lsr.hookimpl
        def lss_sol_rules_rule_files(self) -> list[lsr.RuleSource]:
            return [lsr.RuleSource(path, layer)]

        @lsr.hookimpl
        def lss_sol_rules_functions(self) -> list[Function]:
            return functions or []

    return Plugin()


DOUBLE = Function("dubbla", ("int",), "int", lambda n: 2 * n, "dubbla(n): twice n")


def test_hook_rule_files_and_functions(tmp_path: Path) -> None:
    engine = lsr.load(plugins=[make_plugin(tmp_path, LOCAL, functions=[DOUBLE])])
    assert "se/kommunen" in engine.jurisdictions()
    d = engine.evaluate("kommunen.svar", {"alder": 51}, on=ON, jurisdiction="se/kommunen")
    assert d.value is True
    assert d.reasons[0].layer == "kommunen"
    assert "(nivå: kommunen)" in d.explain("sv")


def test_unknown_function_without_the_plugin_that_provides_it(tmp_path: Path) -> None:
    with pytest.raises(lsr.RuleFileError, match="'dubbla' is not a function"):
        lsr.load(plugins=[make_plugin(tmp_path, LOCAL)])


def test_a_deeper_jurisdiction_overrides_a_parameter_from_its_date(tmp_path: Path) -> None:
    engine = lsr.load(plugins=[make_plugin(tmp_path, LOCAL, functions=[DOUBLE])])
    q, facts = "personlig_assistans.huvudman", {"grundlaggande_behov_timmar_per_vecka": 25}
    assert (
        engine.evaluate(q, facts, on=date(2026, 3, 1), jurisdiction="se").value
        == "forsakringskassan"
    )
    before = engine.evaluate(q, facts, on=date(2026, 2, 28), jurisdiction="se/kommunen")
    after = engine.evaluate(q, facts, on=date(2026, 3, 1), jurisdiction="se/kommunen")
    assert before.value == "forsakringskassan"
    assert before.parameters_used[0].layer == "national"
    assert after.value == "kommun"
    assert (after.parameters_used[0].value, after.parameters_used[0].layer) == (30, "kommunen")
    assert "(layer: kommunen)" in after.explain("en")


def test_hook_decision_observes_every_decision(tmp_path: Path) -> None:
    seen: list[lsr.Decision] = []

    class Audit:
        @lsr.hookimpl
        def lss_sol_rules_decision(self, decision: lsr.Decision) -> None:
            seen.append(decision)

    engine = lsr.load(plugins=[Audit()])
    d = engine.evaluate(
        "personlig_assistans.huvudman", {"grundlaggande_behov_timmar_per_vecka": 3}, on=ON
    )
    assert seen == [d]


LOCAL_HUVUDMAN = """
[rulebook]
jurisdiction = "se/kommunen"
[[rules]]
id = "kommunen.huvudman"
question = "personlig_assistans.huvudman"
when = "grundlaggande_behov_timmar_per_vecka > 10"
value = "forsakringskassan"
citations = ["x"]
explain = {{ sv = "x", en = "x" }}
{overrides}
"""


def test_layer_conflict_names_both_layers(tmp_path: Path) -> None:
    text = LOCAL_HUVUDMAN.format(overrides="")
    with pytest.raises(lsr.RuleFileError) as info:
        lsr.load(plugins=[make_plugin(tmp_path, text)])
    message = str(info.value)
    assert "layer 'national'" in message
    assert "layer 'kommunen'" in message
    assert "lss.9.2.kommun" in message


def test_a_local_exception_may_override_national_rules_in_its_jurisdiction(tmp_path: Path) -> None:
    text = LOCAL_HUVUDMAN.format(
        overrides='overrides = ["lss.9.2.kommun", "sfb.51.8.efter_aldersgransen", '
        '"sfb.51.10.ingen_utokning", "sfb.106.24.gruppbostad"]'
    )
    engine = lsr.load(plugins=[make_plugin(tmp_path, text)])
    facts = {"grundlaggande_behov_timmar_per_vecka": 15}
    assert engine.evaluate("personlig_assistans.huvudman", facts, on=ON).value == "kommun"
    local = engine.evaluate(
        "personlig_assistans.huvudman", facts, on=ON, jurisdiction="se/kommunen"
    )
    assert local.value == "forsakringskassan"


def test_a_plugin_whose_hook_fails_is_named() -> None:
    class Broken:
        @lsr.hookimpl
        def lss_sol_rules_rule_files(self) -> list[lsr.RuleSource]:
            raise OSError("disk gone")

    with pytest.raises(lsr.PluginError, match=r"Broken.*disk gone"):
        lsr.load(plugins=[Broken()])


def test_a_plugin_returning_junk_is_named() -> None:
    class Junk:
        @lsr.hookimpl
        def lss_sol_rules_rule_files(self) -> list[str]:
            return ["not a source"]

    with pytest.raises(lsr.PluginError, match="RuleSource"):
        lsr.load(plugins=[Junk()])


def test_a_function_name_taken_twice_is_an_error(tmp_path: Path) -> None:
    clash = Function("age", ("date", "date"), "int", lambda a, b: 0, "age")
    with pytest.raises(lsr.PluginError, match="already provided"):
        lsr.load(plugins=[make_plugin(tmp_path, "", functions=[clash])])


def test_entry_point_that_fails_to_import_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom() -> None:
        raise ImportError("no module named lost")

    ep = SimpleNamespace(name="lost", value="lost_plugin", load=boom)
    monkeypatch.setattr("lss_sol_rules.plugins.entry_points", lambda group: [ep])
    with pytest.raises(lsr.PluginError, match="plugin 'lost': failed to import 'lost_plugin'"):
        get_plugin_manager(True)


def test_plugins_false_gives_national_law_only() -> None:
    engine = lsr.load(plugins=False)
    assert engine.jurisdictions() == ("se",)
    assert all(layer == "national" for _, layer in engine.rulebook.files)


def test_registering_the_same_plugin_twice_is_an_error(tmp_path: Path) -> None:
    plugin = make_plugin(tmp_path, LOCAL, functions=[DOUBLE])
    with pytest.raises(lsr.PluginError, match="registered twice"):
        lsr.load(plugins=[plugin, plugin])


def test_rule_source_jurisdiction_fills_in_and_must_agree(tmp_path: Path) -> None:
    path = tmp_path / "bare.toml"
    path.write_text(
        '[parameters.pa_timgrans]\ntype = "number"\nlabel = { sv = "g", en = "g" }\n'
        "[[parameters.pa_timgrans.values]]\nvalue = 5\nvalid_from = 2020-01-01\n"
        'citations = ["x"]\n',
        encoding="utf-8",
    )

    class Bare:
        @lsr.hookimpl
        def lss_sol_rules_rule_files(self) -> list[lsr.RuleSource]:
            return [lsr.RuleSource(path, "bare", "se/bare")]

    engine = lsr.load(plugins=[Bare()])
    facts = {"grundlaggande_behov_timmar_per_vecka": 10}
    d = engine.evaluate("personlig_assistans.huvudman", facts, on=ON, jurisdiction="se/bare")
    assert d.value == "forsakringskassan"

    class Wrong:
        @lsr.hookimpl
        def lss_sol_rules_rule_files(self) -> list[lsr.RuleSource]:
            return [lsr.RuleSource(tmp_path / "kommunen.toml", "kommunen", "se/annan")]

    make_plugin(tmp_path, LOCAL)  # writes kommunen.toml (jurisdiction se/kommunen)
    with pytest.raises(lsr.RuleFileError, match="make them agree"):
        lsr.load(plugins=[Wrong()])
