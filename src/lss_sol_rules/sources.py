"""How a decision names the rule file a reason comes from: never the machine's directories.

A decision travels — to a case file, an audit log, another host — so ``Reason.source`` says
``lss_sol_rules/rules/sfb/assistansersattning.toml:73`` (the package that holds the rule file
and its path inside it), not ``/opt/venv/lib/python3.11/site-packages/...``. Rule-file
errors, which only a rule author sees, keep the full path so an editor can open it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import PurePath

__all__ = ["public_source"]


@lru_cache(maxsize=4096)
def public_source(source: str) -> str:
    """A rule's ``file:line`` without the machine's directories.

    An absolute path keeps the directory before its last ``rules`` directory and what follows
    (``lss_sol_rules/rules/sfb/assistansersattning.toml:73`` in an installed package, or
    ``main/rules/...`` in a checkout; ``lss_sol_rules_stockholm/rules/delegation.toml:12`` for
    a plugin), or else the file name alone; a relative source is returned unchanged.
    """
    path, sep, line = source.rpartition(":")
    if not sep or not line.isdigit():
        path, sep, line = source, "", ""
    pure = PurePath(path)
    if not pure.is_absolute():
        return source
    parts = pure.parts
    rules = [i for i, p in enumerate(parts) if p == "rules"]
    cut = max(rules[-1] - 1, 1) if rules else len(parts) - 1
    return "/".join(parts[cut:]) + (f":{line}" if sep else "")
