"""The error tree of lss-sol-rules.

Every error a host application can see derives from :class:`LssSolRulesError` and from
the built-in exception that best describes it, so ``except ValueError`` keeps working.
Each error keeps its pieces (file, line, fact, value, ...) as attributes so that a host
can show them in its own words, and its message says what was expected, what was found
and how to fix it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from datetime import date

__all__ = [
    "ArgumentError",
    "EvaluationError",
    "EventError",
    "ExpressionError",
    "FactError",
    "LssSolRulesError",
    "NoApplicableRuleError",
    "NoRuleInForceError",
    "NotApplicableError",
    "ParameterNotInForceError",
    "PluginError",
    "QuestionError",
    "RuleConflictError",
    "RuleFileError",
    "did_you_mean",
]


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """Return ``" (did you mean 'x'?)"`` for the closest candidate, or ``""``.

    Never raises: a *name* that is not plain text (or is absurdly long) gets no hint.
    """
    if type(name) is not str or len(name) > 200:
        return ""
    close = difflib.get_close_matches(
        name, [c for c in candidates if type(c) is str], n=3, cutoff=0.6
    )
    if not close:
        return ""
    if len(close) == 1:
        return f" (did you mean {close[0]!r}?)"
    return " (did you mean " + ", ".join(repr(c) for c in close[:-1]) + f" or {close[-1]!r}?)"


class LssSolRulesError(Exception):
    """Base class of every error raised by lss-sol-rules."""


class ArgumentError(LssSolRulesError, TypeError):
    """A Python API call got an argument of the wrong type (``question=5``,
    ``jurisdiction=None``, ``on="2026-01-01"``).

    ``argument`` names the parameter; the message says what it must be.
    """

    def __init__(self, argument: str, expected: str, got: object) -> None:
        from .values import safe_repr  # noqa: PLC0415 - values imports nothing from here

        self.argument = argument
        super().__init__(f"`{argument}` must be {expected}, got {safe_repr(got)}")


def text_argument(value: object, argument: str) -> str:
    """*value* as a plain ``str``, or :class:`ArgumentError` when it is not text.

    A ``str`` subclass is copied to a plain string, so its own ``__hash__``/``__eq__``
    never run inside the library.
    """
    if type(value) is str:
        return value
    if isinstance(value, str):
        return str.__str__(value)
    raise ArgumentError(argument, "text (a str)", value)


class ExpressionError(LssSolRulesError, ValueError):
    """A rule expression could not be parsed or type-checked.

    ``column`` is 1-based within ``text``. The loader turns this into a
    :class:`RuleFileError` that also names the file, line and rule.
    """

    def __init__(self, problem: str, text: str, column: int) -> None:
        self.problem = problem
        self.text = text
        self.column = column
        pointer = " " * (column - 1) + "^"
        super().__init__(f"{problem} (column {column})\n    {text}\n    {pointer}")


class RuleFileError(LssSolRulesError, ValueError):
    """A rule file is malformed: bad TOML, a wrong key, an expression that does not check.

    The message reads ``file:line: rule 'id': problem`` so editors can jump to it.
    """

    def __init__(
        self,
        problem: str,
        *,
        file: str,
        line: int | None = None,
        rule_id: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = file
        self.line = line
        self.rule_id = rule_id
        where = file if line is None else f"{file}:{line}"
        what = f" {rule_id!r}" if rule_id else ""
        prefix = f"{where}:{' rule' + what + ':' if rule_id else ''}"
        super().__init__(f"{prefix} {problem}")


class FactError(LssSolRulesError, ValueError):
    """A fact given for evaluation is unknown, of the wrong type, or impossible.

    ``fact`` names the fact, ``value`` is what was given (``None`` when the problem is
    the name itself) and ``problem`` says what is wrong in a sentence a host
    application can show to a case officer (``problem_sv`` in Swedish, where the rule
    file gives one).
    """

    def __init__(
        self, fact: str, problem: str, value: object = None, problem_sv: str | None = None
    ) -> None:
        from .values import safe_repr  # noqa: PLC0415

        self.fact = fact
        self.problem = problem
        self.problem_sv = problem_sv
        self.value = value
        super().__init__(f"fact {safe_repr(fact, 80)}: {problem}")


class QuestionError(LssSolRulesError, LookupError):
    """The question asked is not answered by any loaded rulebook."""

    def __init__(self, question: str, known: Iterable[str], message: str | None = None) -> None:
        from .values import safe_repr  # noqa: PLC0415

        self.question = question
        hint = "" if message else did_you_mean(question, known)
        super().__init__(
            message
            or f"unknown question {safe_repr(question, 80)}{hint}; "
            f"`lss-sol-rules questions` lists them"
        )


class EvaluationError(LssSolRulesError, RuntimeError):
    """Evaluation could not give an answer although the facts were valid.

    This points at a gap or contradiction in a rulebook, never at the case.
    """


class NoRuleInForceError(EvaluationError):
    """No rule answering ``question`` is in force on ``on``."""

    def __init__(self, question: str, on: date, jurisdiction: str) -> None:
        self.question = question
        self.on = on
        self.jurisdiction = jurisdiction
        super().__init__(
            f"no rule answering {question!r} is in force on {on.isoformat()} in "
            f"jurisdiction {jurisdiction!r}; evaluate on a date the rules cover, or add "
            f"a rule version with valid_from on or before that date"
        )


class NoApplicableRuleError(EvaluationError):
    """Rules for the question are in force, but none applies to these facts."""

    def __init__(self, question: str, on: date) -> None:
        self.question = question
        self.on = on
        super().__init__(
            f"no rule of {question!r} in force on {on.isoformat()} applies to these facts: "
            f"the rulebook has a gap; add a rule with `default = true` for the remaining cases"
        )


class NotApplicableError(NoApplicableRuleError):
    """The question does not apply to this case, and the rulebook says why.

    Raised instead of a plain :class:`NoApplicableRuleError` when the question declares
    ``not_applicable`` (e.g. the yearly review of an individuell plan asked for a SoL
    decision: LSS 10 § covers LSS insatser only). ``reason_sv`` / ``reason_en`` carry the
    rulebook's text; it is not a gap in the rules, and no answer is the right answer.
    """

    def __init__(self, question: str, on: date, reason_sv: str, reason_en: str) -> None:
        self.question = question
        self.on = on
        self.reason_sv = reason_sv
        self.reason_en = reason_en
        EvaluationError.__init__(
            self, f"{question!r} does not apply to this case on {on.isoformat()}: {reason_en}"
        )


class ParameterNotInForceError(EvaluationError):
    """A parameter a rule reads has no value on the date asked for."""

    def __init__(self, parameter: str, on: date) -> None:
        self.parameter = parameter
        self.on = on
        super().__init__(
            f"parameter {parameter!r} has no value in force on {on.isoformat()}; "
            f"add a dated value to its rule file"
        )


class RuleConflictError(EvaluationError):
    """Two rules fired with different values and nothing orders them."""

    def __init__(self, question: str, rule_ids: Iterable[str]) -> None:
        self.question = question
        self.rule_ids = tuple(rule_ids)
        super().__init__(
            f"rules {', '.join(repr(r) for r in self.rule_ids)} all answer {question!r} "
            f"with different values for this case; add `overrides` to say which wins"
        )


class PluginError(LssSolRulesError, RuntimeError):
    """A plugin failed to import or to provide its rules."""

    def __init__(self, plugin: str, problem: str) -> None:
        self.plugin = plugin
        self.problem = problem
        super().__init__(f"plugin {plugin!r}: {problem}")


class EventError(LssSolRulesError, ValueError):
    """A case event the watch engine refuses: unknown case, out of order, contradicting an
    event already recorded, or after the case was closed.

    ``case_id`` and ``kind`` name the event; the message says what to send instead.
    """

    def __init__(self, case_id: str, kind: str, problem: str) -> None:
        self.case_id = case_id
        self.kind = kind
        self.problem = problem
        super().__init__(f"case {case_id!r}, event {kind!r}: {problem}")
