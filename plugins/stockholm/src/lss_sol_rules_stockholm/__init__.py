"""Stockholm's local routines for lss-sol-rules (jurisdiction ``se/stockholm``).

Which unit handles a case, who may sign a decision, follow-up intervals and local deadlines,
taken from the Stockholm activity plans (seeds 000-004). National law stays in lss-sol-rules;
this plugin only adds the layer ``stockholm`` on top of it.
"""

from __future__ import annotations

from pathlib import Path

import lss_sol_rules as lsr

__all__ = ["lss_sol_rules_rule_files"]

RULES = Path(__file__).resolve().parent / "rules"


@lsr.hookimpl
def lss_sol_rules_rule_files() -> list[lsr.RuleSource]:
    """The Stockholm rule files, layer ``stockholm``."""
    return [lsr.RuleSource(p, "stockholm") for p in sorted(RULES.glob("*.toml"))]
