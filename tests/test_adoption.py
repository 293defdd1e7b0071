"""A municipality adopts another's rule set under its own jurisdiction, without copying files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import lss_sol_rules as lsr
from lss_sol_rules.errors import RuleFileError

ON = date(2026, 3, 1)
STOCKHOLM = sorted(
    (Path(__file__).parents[1] / "plugins/stockholm/src/lss_sol_rules_stockholm/rules").glob(
        "*.toml"
    )
)

OWN = """
[rulebook]
id = "annankommun.egna"
jurisdiction = "se/annankommun"

[parameters.uppfoljning_manader]
type = "int"
unit = "månader"
label = { sv = "Uppföljningsintervall", en = "Follow-up interval" }

[[parameters.uppfoljning_manader.values]]
value = 6
valid_from = 2025-01-01
citations = ["Annan kommuns uppföljningsrutin 2025 (exempel)"]
"""


class Adopter:
    def __init__(self, own: Path) -> None:
        self.own = own

    @lsr.hookimpl
    def lss_sol_rules_rule_files(self) -> list[lsr.RuleSource]:
        adopted = [
            lsr.RuleSource(p, "annankommun", jurisdiction="se/annankommun", adopt=True)
            for p in STOCKHOLM
        ]
        return [*adopted, lsr.RuleSource(self.own, "annankommun")]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> lsr.Engine:
    own = tmp_path_factory.mktemp("annan") / "egna.toml"
    own.write_text(OWN, encoding="utf-8")
    import lss_sol_rules_stockholm

    return lsr.load(plugins=[lss_sol_rules_stockholm, Adopter(own)])


def test_the_adopted_rules_answer_in_the_adopting_jurisdiction(engine: lsr.Engine) -> None:
    facts = {"alder": 30, "psykiatrisk_problematik": False}
    here = engine.evaluate("handlaggning.enhet", facts, on=ON, jurisdiction="se/annankommun")
    there = engine.evaluate("handlaggning.enhet", facts, on=ON, jurisdiction="se/stockholm")
    assert here.value == there.value == "funktionsnedsattning_vuxna"
    assert here.reasons[0].rule_id == there.reasons[0].rule_id == "sthlm.enhet.vuxna"
    assert here.reasons[0].layer == "annankommun"
    assert there.reasons[0].layer != "annankommun"
    assert here.reasons[0].source.endswith("handlaggning.toml:" + here.reasons[0].source.split(":")[-1])


def test_the_adopter_overrides_a_parameter_and_the_original_keeps_its_own(
    engine: lsr.Engine,
) -> None:
    facts = {"insats": "hemtjanst", "lag": "SoL"}
    here = engine.evaluate("uppfoljning.intervall_manader", facts, on=ON,
                           jurisdiction="se/annankommun")
    there = engine.evaluate("uppfoljning.intervall_manader", facts, on=ON,
                            jurisdiction="se/stockholm")
    assert (here.value, there.value) == (6, 12)
    (use,) = [p for p in here.parameters_used if p.name == "uppfoljning_manader"]
    assert use.layer == "annankommun"
    assert use.citations[0].text.startswith("Annan kommuns")


def test_national_law_still_applies_in_the_adopting_jurisdiction(engine: lsr.Engine) -> None:
    d = engine.evaluate("personlig_assistans.huvudman",
                        {"grundlaggande_behov_timmar_per_vecka": 25, "alder": 40}, on=ON,
                        jurisdiction="se/annankommun")
    assert d.value == "forsakringskassan"


def test_a_rule_id_may_not_repeat_along_one_chain(tmp_path: Path) -> None:
    inner = tmp_path / "inner.toml"
    inner.write_text(
        (STOCKHOLM[0]).read_text(encoding="utf-8").replace(
            'jurisdiction = "se/stockholm"', 'jurisdiction = "se/stockholm/inre"'
        ).replace('id = "se.stockholm.', 'id = "se.stockholm.inre.', 1),
        encoding="utf-8",
    )
    with pytest.raises(RuleFileError, match="already"):
        lsr.load(paths=[inner])
