"""Shell completion of question, fact, parameter and jurisdiction names for the CLI.

click completes the command names, options, choices and file paths of ``lss-sol-rules`` by
itself once the shell is set up (``docs/authoring.md``); these callbacks add the names the
loaded rules know, for a click parameter's ``shell_complete=``::

    @click.argument("question", shell_complete=complete_question)
    @click.option("--jurisdiction", default="se", shell_complete=complete_jurisdiction)

Each reads the rules the command would load: national law, installed plugins unless
``--no-plugins`` was given before the word being completed, and any ``--rules`` given
before it. The help shown next to a name (zsh, fish) is its label in the language of a
``--lang`` given before it, Swedish by default. Completion never fails: rules that do not
load complete nothing (the command itself then reports the error).
"""

from __future__ import annotations

import click
from click.shell_completion import CompletionItem

from .engine import Engine
from .errors import LssSolRulesError

__all__ = [
    "complete_fact",
    "complete_jurisdiction",
    "complete_parameter",
    "complete_question",
]


def _engine(ctx: click.Context) -> Engine | None:
    from . import load  # noqa: PLC0415 - the package imports this module's siblings first

    rules = ctx.params.get("rules") or ()
    plugins = not ctx.params.get("no_plugins", False)
    try:
        return load(paths=list(rules) or None, plugins=plugins)
    except (LssSolRulesError, OSError):
        return None


def _lang(ctx: click.Context) -> str:
    lang = ctx.params.get("lang")
    return lang if lang in ("sv", "en") else "sv"


def _items(names: dict[str, str], incomplete: str) -> list[CompletionItem]:
    return [
        CompletionItem(name, help=label or None)
        for name, label in sorted(names.items())
        if name.startswith(incomplete)
    ]


def complete_question(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Question names (internal helper questions too), with their labels."""
    engine = _engine(ctx)
    if engine is None:
        return []
    lang = _lang(ctx)
    questions = engine.questions(include_internal=True)
    return _items({q.name: q.label.get(lang) for q in questions}, incomplete)


def complete_fact(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Fact names, with their labels."""
    engine = _engine(ctx)
    if engine is None:
        return []
    lang = _lang(ctx)
    return _items({f.name: f.label.get(lang) for f in engine.facts()}, incomplete)


def complete_parameter(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Parameter names, with their labels (the innermost jurisdiction's, when several)."""
    engine = _engine(ctx)
    if engine is None:
        return []
    lang = _lang(ctx)
    names = {
        name: versions[0].label.get(lang) if versions else ""
        for name, versions in engine.rulebook.parameters.items()
    }
    return _items(names, incomplete)


def complete_jurisdiction(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """The jurisdictions the loaded rules know: ``se``, ``se/stockholm``, ..."""
    engine = _engine(ctx)
    if engine is None:
        return []
    return _items(dict.fromkeys(engine.jurisdictions(), ""), incomplete)
