"""Hook specifications: how plugins give lss-sol-rules their rules.

Every hook name carries the ``lss_sol_rules_`` prefix. The national rules reach the engine
through a built-in plugin (:mod:`lss_sol_rules.builtin.national`) that implements the same
hook a municipality's plugin does: rules never live inside the engine.

What a plugin's rule files can do (see ``docs/plugins.md``): add rules and questions for
its jurisdiction, override dated parameters of an enclosing jurisdiction by declaring them
again (they win from their ``valid_from`` on), and declare new facts.

Loading phase (called once by :func:`lss_sol_rules.load`):
  - :func:`lss_sol_rules_rule_files` — every implementation's result is used.
  - :func:`lss_sol_rules_functions` — every implementation's result is used.
Evaluation phase (called for every decision):
  - :func:`lss_sol_rules_decision` — observers only; the return value is ignored.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import attrs
import pluggy

if TYPE_CHECKING:
    from .expr import Function
    from .model import Decision

__all__ = ["RuleSource", "hookimpl", "hookspec"]

hookspec = pluggy.HookspecMarker("lss_sol_rules")
hookimpl = pluggy.HookimplMarker("lss_sol_rules")


@attrs.frozen
class RuleSource:
    """A rule file a plugin contributes.

    ``layer`` names the plugin (shown in explanations: which layer a rule or parameter
    came from). ``jurisdiction``, when given, is where the file applies; a file whose
    ``[rulebook] jurisdiction`` says otherwise is an error, and a file without one takes it.

    ``adopt=True`` adopts another municipality's rule file under ``jurisdiction`` without
    copying it: its rules and parameters become that jurisdiction's own (rule ids are unique
    per jurisdiction, so the same file can serve two siblings), and a parameter the adopting
    plugin declares for the same jurisdiction takes precedence over the adopted one.
    """

    path: Path
    layer: str
    jurisdiction: str | None = None
    adopt: bool = False


@hookspec
def lss_sol_rules_rule_files() -> list[RuleSource]:  # type: ignore[empty-body]
    """Return the rule files this plugin contributes.

    Called once per :func:`lss_sol_rules.load`. Files declare their jurisdiction in
    ``[rulebook]``; parameters declared for a deeper jurisdiction override the same
    parameter of an enclosing one from their ``valid_from`` on.
    """


@hookspec
def lss_sol_rules_functions() -> list[Function]:  # type: ignore[empty-body]
    """Return extra pure functions rule expressions may call.

    Each must be deterministic and free of side effects; a name already taken is an
    error naming both plugins.
    """


@hookspec
def lss_sol_rules_decision(decision: Decision) -> None:
    """Observe a decision after it is made (audit logging, metrics).

    :param decision: the finished, immutable decision; an observer cannot change it.
        Do not log personal data from ``decision.reasons[*].inputs``.
    """
