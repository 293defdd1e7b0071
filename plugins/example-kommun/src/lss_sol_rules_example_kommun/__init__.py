"""An example local layer (jurisdiction ``se/stockholm/exempel``), built from docs/plugins.md.

It keeps Stockholm's routines but raises the home-care delegation line to 120 hours a month
and follows up LSS children's housing once a year, both from 2025-01-01.
"""

from __future__ import annotations

from pathlib import Path

import lss_sol_rules as lsr

__all__ = ["lss_sol_rules_rule_files"]

RULES = Path(__file__).resolve().parent / "rules"


@lsr.hookimpl
def lss_sol_rules_rule_files() -> list[lsr.RuleSource]:
    """The example layer's rule files, layer ``example_kommun``."""
    return [lsr.RuleSource(p, "example_kommun") for p in sorted(RULES.glob("*.toml"))]
