"""The national rules (LSS, SoL, SFB 51 kap.), provided like any other plugin's rules."""

from __future__ import annotations

from pathlib import Path

from ..errors import PluginError
from ..hookspecs import RuleSource, hookimpl

__all__ = ["lss_sol_rules_rule_files", "rules_dir"]


def rules_dir() -> Path:
    """The folder of national rule files: inside the wheel, or ``rules/`` in a checkout.

    :raises PluginError: neither holds them (a broken install), in Swedish and English.
    """
    packaged = Path(__file__).resolve().parent.parent / "rules"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[3] / "rules"
    if checkout.is_dir():
        return checkout
    raise PluginError(
        "national",
        "the national rule files are missing: reinstall lss-sol-rules "
        f"(pip install --force-reinstall lss-sol-rules; looked in {packaged} and {checkout})",
        "de nationella regelfilerna saknas: installera om lss-sol-rules "
        f"(pip install --force-reinstall lss-sol-rules; letade i {packaged} och {checkout})",
    )


@hookimpl
def lss_sol_rules_rule_files() -> list[RuleSource]:
    """Every ``*.toml`` under the national rules folder, in a stable order."""
    return [RuleSource(p, "national") for p in sorted(rules_dir().rglob("*.toml"))]
