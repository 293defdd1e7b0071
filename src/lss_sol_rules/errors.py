"""The error tree of lss-sol-rules.

Every error a host application can see derives from :class:`LssSolRulesError` and from
the built-in exception that best describes it, so ``except ValueError`` keeps working.
Each error keeps its pieces (file, line, fact, value, ...) as attributes so that a host
can show them in its own words, and its message says what was expected, what was found
and how to fix it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

__all__ = [
    "ArgumentError",
    "EvaluationError",
    "EventError",
    "ExpressionError",
    "FactError",
    "Hint",
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
    "is_swedish",
]


def is_swedish(lang: object) -> bool:
    """Whether *lang* asks for Swedish: ``"sv"``, ``"SV"``, ``"sv-SE"``, ``"sv_FI"``."""
    return type(lang) is str and lang[:2].lower() == "sv" and lang[2:3] in ("", "-", "_")


def did_you_mean(name: str, candidates: Iterable[str], lang: str = "en") -> str:
    """Return ``" (did you mean 'x'?)"`` for the closest candidate, or ``""``.

    ``lang="sv"`` words it in Swedish: ``" (menade du 'x'?)"``. Never raises: a *name*
    that is not plain text (or is absurdly long) gets no hint.
    """
    if type(name) is not str or len(name) > 200:
        return ""
    close = difflib.get_close_matches(
        name, [c for c in candidates if type(c) is str], n=3, cutoff=0.6
    )
    if not close:
        return ""
    ask, either = ("menade du", "eller") if is_swedish(lang) else ("did you mean", "or")
    if len(close) == 1:
        return f" ({ask} {close[0]!r}?)"
    return f" ({ask} " + ", ".join(repr(c) for c in close[:-1]) + f" {either} {close[-1]!r}?)"


Where = Literal["python", "cli", "http"]
"""Where the caller of the library is: a Python host, the command line, the HTTP service."""

WHERE: tuple[Where, ...] = ("python", "cli", "http")


@dataclass(frozen=True)
class Hint:
    """What the caller can do next, worded for where it is: a keyword in Python, a flag or
    command on the command line, an endpoint over HTTP; each as ``(english, swedish)``.

    ``default`` names the wording ``str(err)`` has always used, so that hosts that show
    ``str(err)`` see the same text as before.
    """

    python: tuple[str, str]
    cli: tuple[str, str]
    http: tuple[str, str]
    default: Where = "cli"
    parenthesised: bool = False
    """Shown as ``problem (hint)`` rather than ``problem; hint``."""
    plain: tuple[str, str] | None = None
    """The wording when the caller's place is not known (``str(err)``), if it is not
    ``default``'s."""
    sep: str = "; "
    """What comes between the problem and the hint."""

    def text(self, lang: str = "en", where: Where | None = None) -> str:
        """The hint in *lang* (``"sv"`` or English) for *where* (``None``: the default)."""
        pair: tuple[str, str]
        if where in WHERE:
            pair = getattr(self, str(where))
        else:
            pair = self.plain or getattr(self, self.default)
        return pair[1] if is_swedish(lang) else pair[0]

    def after(self, lang: str = "en", where: Where | None = None) -> str:
        """The hint as it follows the problem: ``"; hint"`` or ``" (hint)"``."""
        text = self.text(lang, where)
        if not text:
            return ""
        return f" ({text})" if self.parenthesised else f"{self.sep}{text}"


LIST_FACTS = Hint(
    python=("`engine.facts()` lists them", "`engine.facts()` listar uppgifterna"),
    cli=("`lss-sol-rules facts` lists them", "`lss-sol-rules facts` listar uppgifterna"),
    http=("GET /facts lists them", "GET /facts listar uppgifterna"),
)
"""Where the fact vocabulary is listed."""

LIST_QUESTIONS = Hint(
    python=("`engine.questions()` lists them", "`engine.questions()` listar frågorna"),
    cli=("`lss-sol-rules questions` lists them", "`lss-sol-rules questions` listar frågorna"),
    http=("GET /questions lists them", "GET /questions listar frågorna"),
)
"""Where the questions are listed."""


def choose_jurisdiction(where: Iterable[str] = ()) -> Hint:
    """How to choose the rulebook (jurisdiction) to evaluate in: one of *where*."""
    names = tuple(where)
    one = names[0] if len(names) == 1 else None
    return Hint(
        python=("pass jurisdiction=...", "ange jurisdiction=..."),
        cli=(
            f"pass --jurisdiction {one}" if one else "pass --jurisdiction with one of them",
            f"ange --jurisdiction {one}" if one else "ange --jurisdiction med ett av dem",
        ),
        http=(
            f'send "jurisdiction": "{one}" in the body'
            if one
            else 'send one of them as "jurisdiction" in the body',
            f'skicka "jurisdiction": "{one}" i anropet'
            if one
            else 'skicka ett av dem som "jurisdiction" i anropet',
        ),
        default="python",
        parenthesised=True,
    )


_NO_SWEDISH = "(texten finns bara på engelska) "


class LssSolRulesError(Exception):
    """Base class of every error raised by lss-sol-rules.

    Every error has an English and a Swedish text: :meth:`message` gives the whole
    message in either language, worded for where the caller is; ``str(err)`` is the
    English message (``err.message("en")``). The pieces are attributes:

    - ``problem_en`` / ``problem_sv``: what is wrong and what to do, without the frame
      that says where (``problem_sv`` is ``None`` only for an error raised by code outside
      the library that gave no Swedish text; :meth:`message` then says in Swedish that the
      text follows in English);
    - ``hint``: a :class:`Hint` worded for Python, the command line and HTTP, or ``None``.

    An error raised with one text (``EvaluationError("...")``, as plugins may) keeps
    working: that text is its English problem.
    """

    problem_en: str = ""
    problem_sv: str | None = None
    hint: Hint | None = None
    _frame: tuple[str, str] = ("", "")

    def __init__(self, *args: object, sv: str | None = None, hint: Hint | None = None) -> None:
        en = str(args[0]) if args else ""
        self._set_texts(en, sv, hint)
        super().__init__(*args)

    def _set_texts(
        self,
        en: str,
        sv: str | None,
        hint: Hint | None = None,
        frame: tuple[str, str] = ("", ""),
    ) -> str:
        """Keep the texts and return the English message (what ``str()`` shows)."""
        self.problem_en = en
        self.problem_sv = sv
        self.hint = hint
        self._frame = frame
        return self.message("en")

    def message(self, lang: str = "en", where: Where | None = None) -> str:
        """The whole message in *lang* (``"sv"`` for Swedish, anything else English),
        with the hint worded for *where* (``"python"``, ``"cli"``, ``"http"``; ``None``
        keeps the wording of ``str(err)``)."""
        sv = is_swedish(lang)
        frame = self._frame[1] if sv else self._frame[0]
        if sv:
            problem = self.problem_sv if self.problem_sv else _NO_SWEDISH + self.problem_en
        else:
            problem = self.problem_en
        hint = self.hint.after(lang, where) if self.hint is not None else ""
        return f"{frame}{problem}{hint}"

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from its state, not by calling __init__ again: every error of the tree
        # survives pickling (a process pool, a task queue) with both texts.
        return (_restore, (type(self), self.args, self.__dict__))

    @property
    def message_sv(self) -> str:
        """The whole message in Swedish (``message("sv")``)."""
        return self.message("sv")

    @property
    def message_en(self) -> str:
        """The whole message in English (``message("en")``, what ``str()`` shows)."""
        return self.message("en")


def _restore(
    cls: type[LssSolRulesError], args: tuple[object, ...], state: dict[str, Any]
) -> LssSolRulesError:
    err = cls.__new__(cls)
    Exception.__init__(err, *args)
    err.__dict__.update(state)
    return err


class ArgumentError(LssSolRulesError, TypeError, ValueError):
    """A Python API call got an argument of the wrong type (``question=5``,
    ``jurisdiction=None``, ``on="2026-01-01"``) or a value it does not take
    (``errors="ignore"``, ``presence=2``). Both a ``TypeError`` and a ``ValueError``, so
    either ``except`` a caller already has keeps catching it.

    ``argument`` names the parameter; the message says what it must be. ``hint`` says what
    to do instead where that is not obvious (one case where a list of cases was expected),
    worded for Python, the command line and HTTP.
    """

    def __init__(
        self,
        argument: str,
        expected: str,
        got: object,
        expected_sv: str | None = None,
        *,
        hint: Hint | None = None,
    ) -> None:
        from .values import safe_repr  # noqa: PLC0415 - values imports nothing from here

        self.argument = argument
        shown = safe_repr(got)
        sv = expected_sv or _EXPECTED_SV.get(expected, expected)
        _init(
            self,
            f"`{argument}` must be {expected}, got {shown}",
            f"argumentet `{argument}` ska vara {sv}, men är {shown}",
            hint,
        )


# Swedish for the ``expected`` texts the library's own ArgumentErrors use.
_EXPECTED_SV = {
    "a datetime.date": "ett datum (datetime.date)",
    "text (a str)": "en text (str)",
    "a column name or a list of names": "ett kolumnnamn eller en lista med namn",
    "a list of column names": "en lista med kolumnnamn",
}


def _init(
    err: LssSolRulesError,
    en: str,
    sv: str | None,
    hint: Hint | None = None,
    frame: tuple[str, str] = ("", ""),
) -> None:
    """Give *err* its texts and its English message as ``str(err)`` / ``err.args[0]``."""
    Exception.__init__(err, err._set_texts(en, sv, hint, frame))


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
    :class:`RuleFileError` that also names the file, line and rule. ``problem`` and
    ``problem_sv_short`` are the bare problem in English and Swedish, without the column
    and the pointer under the expression. A *problem_sv* left out (an error raised by code
    outside the library) makes the Swedish message say that the problem is quoted in English.
    """

    def __init__(self, problem: str, text: str, column: int, problem_sv: str | None = None) -> None:
        self.problem = problem
        self.problem_sv_short = problem_sv
        self.text = text
        self.column = column
        pointer = " " * (column - 1) + "^"
        tail = f"\n    {text}\n    {pointer}"
        sv = (
            f"{problem_sv} (kolumn {column}){tail}"
            if problem_sv
            else f"fel i uttrycket vid kolumn {column} (felet beskrivs på engelska): "
            f"{problem}{tail}"
        )
        _init(self, f"{problem} (column {column}){tail}", sv)


class RuleFileError(LssSolRulesError, ValueError):
    """A rule file is malformed: bad TOML, a wrong key, an expression that does not check.

    The message reads ``file:line: rule 'id': problem`` so editors can jump to it;
    ``message("sv")`` reads ``fil:rad: regel 'id': problem_sv``. Every problem the library
    raises carries its Swedish text (*problem_sv*); without one (the TOML parser's messages,
    a RuleFileError raised by code outside the library) :func:`rule_file_problem_sv` gives
    the Swedish: the parser's known messages translated, any other framed by a Swedish
    sentence saying that the problem follows in English.
    """

    def __init__(
        self,
        problem: str,
        *,
        file: str,
        line: int | None = None,
        rule_id: str | None = None,
        problem_sv: str | None = None,
        key: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = file
        self.line = line
        self.rule_id = rule_id
        #: The TOML key the problem is about, when the loader knows it (``None`` otherwise).
        self.key = key
        #: A question whose rules are refused as a whole (too many to prove exclusive, too
        #: costly, too many `overrides`), not the one rule the error is reported at.
        self.whole_question: str | None = None
        where = file if line is None else f"{file}:{line}"
        what = f" {rule_id!r}" if rule_id else ""
        prefix = f"{where}:{' rule' + what + ':' if rule_id else ''} "
        prefix_sv = f"{where}:{' regel' + what + ':' if rule_id else ''} "
        sv = problem_sv or rule_file_problem_sv(problem)
        _init(self, problem, sv, frame=(prefix, prefix_sv))


# Swedish for the TOML parser's messages (tomli / tomllib): they come from outside the
# library, as ``not valid TOML: <message> (at line L, column C)``.
_TOML_MESSAGES_SV: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(en, re.DOTALL), sv)
    for en, sv in (
        (
            r"Invalid statement",
            "ogiltig rad: här väntades nyckel = värde, en rubrik [tabell] eller en kommentar",
        ),
        (
            r"Expected newline or end of document after a statement",
            "väntade radslut efter värdet: skriv en nyckel = värde per rad",
        ),
        (
            r"Expected '=' after a key in a key/value pair",
            "väntade '=' efter nyckeln (nyckel = värde)",
        ),
        (
            r"Expected '\]' at the end of a table declaration",
            "rubriken [tabell] avslutas inte med ']'",
        ),
        (
            r"Expected '\]\]' at the end of an array declaration",
            "rubriken [[lista]] avslutas inte med ']]'",
        ),
        (r"Expected (?P<x>.+)", "väntade {x}"),
        (r"Found invalid character (?P<x>.+)", "ogiltigt tecken {x}"),
        (r"Illegal character (?P<x>.+)", "otillåtet tecken {x}"),
        (r"Cannot declare (?P<k>.+) twice", "tabellen [{k}] deklareras två gånger"),
        (r"Cannot overwrite a value", "ett värde skrivs över: samma nyckel anges två gånger"),
        (
            r"Cannot mutate immutable namespace (?P<k>.+)",
            "`{k}` kan inte ändras: den är redan skriven som ett värde eller en inline-tabell",
        ),
        (r"Cannot redefine namespace (?P<k>.+)", "`{k}` kan inte definieras en gång till"),
        (r"Invalid initial character for a key part", "ogiltigt första tecken i en nyckel"),
        (r"Unclosed array", "listan avslutas inte med ']'"),
        (
            r"Duplicate inline table key (?P<x>.+)",
            "nyckeln {x} anges två gånger i samma inline-tabell",
        ),
        (
            r"Unclosed inline table",
            "inline-tabellen avslutas inte med '}' (en inline-tabell { ... } ska stå på en rad)",
        ),
        (r"Unescaped '\\' in a string", "ett omvänt snedstreck i en text ska skrivas '\\\\'"),
        (r"Invalid hex value", "ogiltigt hexadecimalt värde i en \\u-sekvens"),
        (
            r"Escaped character is not a Unicode scalar value",
            "tecknet i \\u-sekvensen är inte ett giltigt Unicode-tecken",
        ),
        (r"Unterminated string", "texten avslutas inte: ett citattecken saknas"),
        (r"Invalid date or datetime", "ogiltigt datum eller klockslag"),
        (r"Invalid value", "ogiltigt värde (en text ska stå inom citattecken)"),
    )
)
_TOML_AT = re.compile(
    r"(?P<msg>.*) \(at (?:line (?P<line>\d+), column (?P<col>\d+)|end of document)\)",
    re.DOTALL,
)


def toml_message_sv(message: str) -> str | None:
    """The TOML parser's *message* (``Unclosed array (at line 3, column 7)``) in Swedish, or
    ``None`` for a message this version of the parser did not have when this was written."""
    at = _TOML_AT.fullmatch(message)
    text = at["msg"] if at is not None else message
    where = ""
    if at is not None:
        where = f" (rad {at['line']}, kolumn {at['col']})" if at["line"] else " (i slutet av filen)"
    for pattern, template in _TOML_MESSAGES_SV:
        m = pattern.fullmatch(text)
        if m is not None:
            sv = template
            if "x" in pattern.groupindex:
                sv = sv.replace("{x}", m["x"])
            if "k" in pattern.groupindex:  # a key as the parser shows it: ('a', 'b c')
                parts = re.findall(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"", m["k"])
                sv = sv.replace("{k}", ".".join(a or b for a, b in parts) if parts else m["k"])
            return sv + where
    return None


def rule_file_problem_sv(problem: str) -> str:
    """A *problem* that came from outside the library in Swedish, as far as it can be.

    The library's own problems carry their Swedish text (``problem_sv``); only two kinds
    reach this function: the TOML parser's messages (``not valid TOML: ...``, translated
    where known, else quoted in English) and a :class:`RuleFileError` raised by code
    outside the library with English only, which is framed by a Swedish sentence that
    says the problem follows in English.
    """
    if problem.startswith("not valid TOML: "):
        detail = problem.removeprefix("not valid TOML: ")
        known = toml_message_sv(detail)
        if known is not None:
            return f"filen är inte giltig TOML: {known}"
        return f"filen är inte giltig TOML (tolkens beskrivning, på engelska: {detail})"
    return f"fel i regelfilen (beskrivs på engelska): {problem}"


class FactError(LssSolRulesError, ValueError):
    """A fact given for evaluation is unknown, of the wrong type, or impossible.

    ``fact`` names the fact, ``value`` is what was given (``None`` when the problem is
    the name itself) and ``problem`` says what is wrong in a sentence a host
    application can show to a case officer (``problem_sv`` in Swedish). ``hint``, when
    there is one, is worded for the caller by :meth:`message`.
    """

    def __init__(
        self,
        fact: str,
        problem: str,
        value: object = None,
        problem_sv: str | None = None,
        *,
        hint: Hint | None = None,
    ) -> None:
        from .values import safe_repr  # noqa: PLC0415

        self.fact = fact
        self.value = value
        shown = safe_repr(fact, 80)
        _init(self, problem, problem_sv, hint, (f"fact {shown}: ", _fact_frame_sv(fact, shown)))
        self.problem = problem + (hint.after() if hint is not None else "")


def _fact_frame_sv(fact: str, shown: str) -> str:
    """``uppgiften 'x': ``, ``uppgifterna 'x, y': ``, or nothing for the facts as a whole
    (``<facts>``, ``<row>``), whose problem says so in its own words."""
    if type(fact) is not str or fact.startswith("<"):
        return ""
    return f"uppgifterna {shown}: " if ", " in fact else f"uppgiften {shown}: "


class QuestionError(LssSolRulesError, LookupError):
    """The question asked is not answered by any loaded rulebook (or not in the
    jurisdiction asked for)."""

    def __init__(
        self,
        question: str,
        known: Iterable[str],
        message: str | None = None,
        *,
        message_sv: str | None = None,
        hint: Hint | None = None,
    ) -> None:
        from .values import safe_repr  # noqa: PLC0415

        self.question = question
        if message:
            _init(self, message, message_sv, hint)
            return
        known = tuple(known)
        shown = safe_repr(question, 80)
        _init(
            self,
            f"unknown question {shown}{did_you_mean(question, known)}",
            f"frågan {shown} finns inte i regelverket{did_you_mean(question, known, 'sv')}",
            LIST_QUESTIONS,
        )


class EvaluationError(LssSolRulesError, RuntimeError):
    """Evaluation could not give an answer although the facts were valid.

    This points at a gap or contradiction in a rulebook, never at the case. Raise it with
    ``EvaluationError(english, sv=swedish)``.
    """


def unknown_jurisdiction(name: object, known: Iterable[str]) -> EvaluationError:
    """The :class:`EvaluationError` for a jurisdiction no loaded rulebook has."""
    from .values import safe_repr  # noqa: PLC0415

    names = sorted(k for k in known if type(k) is str)
    listed = ", ".join(names)
    shown = safe_repr(name, 200)
    text = name if type(name) is str else ""
    return EvaluationError(
        f"unknown jurisdiction {shown}{did_you_mean(text, names)}; known: {listed} "
        f"(install the municipality's plugin)",
        sv=f"regelverket {shown} finns inte{did_you_mean(text, names, 'sv')}; de som finns "
        f"är: {listed} (ett kommunalt regelverk kräver att kommunens tillägg är installerat)",
    )


class NoRuleInForceError(EvaluationError):
    """No rule answering ``question`` is in force on ``on``."""

    def __init__(self, question: str, on: date, jurisdiction: str) -> None:
        self.question = question
        self.on = on
        self.jurisdiction = jurisdiction
        day = on.isoformat()
        _init(
            self,
            f"no rule answering {question!r} is in force on {day} in "
            f"jurisdiction {jurisdiction!r}; evaluate on a date the rules cover, or add "
            f"a rule version with valid_from on or before that date",
            f"ingen regel som besvarar frågan {question!r} gäller den {day} i regelverket "
            f"{jurisdiction!r}; pröva ett datum som reglerna gäller för, eller be den som "
            f"förvaltar regelverket lägga till en regel som gäller från det datumet",
            Hint(
                python=("", ""),
                cli=(
                    f"--on DATE; `lss-sol-rules parameters --jurisdiction {jurisdiction}` "
                    f"shows what is in force when",
                    f"--on DATUM; `lss-sol-rules parameters --jurisdiction {jurisdiction}` "
                    f"visar vad som gäller när",
                ),
                http=(
                    f'"on" in the body; GET /parameters?jurisdiction={jurisdiction} shows '
                    f"what is in force when",
                    f'"on" i anropet; GET /parameters?jurisdiction={jurisdiction} visar vad '
                    f"som gäller när",
                ),
                default="python",
                parenthesised=True,
            ),
        )


class NoApplicableRuleError(EvaluationError):
    """Rules for the question are in force, but none applies to these facts."""

    def __init__(self, question: str, on: date) -> None:
        self.question = question
        self.on = on
        day = on.isoformat()
        _init(
            self,
            f"no rule of {question!r} in force on {day} applies to these facts: "
            f"the rulebook has a gap; add a rule with `default = true` for the remaining cases",
            f"ingen av reglerna för frågan {question!r} som gäller den {day} passar in på "
            f"uppgifterna i ärendet: regelverket har en lucka som den som förvaltar "
            f"regelverket behöver täppa till (en regel för övriga fall)",
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
        day = on.isoformat()
        _init(
            self,
            f"{question!r} does not apply to this case on {day}: {reason_en}",
            f"frågan {question!r} gäller inte det här ärendet den {day}: {reason_sv}",
        )


class ParameterNotInForceError(EvaluationError):
    """A parameter a rule reads has no value on the date asked for."""

    def __init__(self, parameter: str, on: date) -> None:
        self.parameter = parameter
        self.on = on
        day = on.isoformat()
        _init(
            self,
            f"parameter {parameter!r} has no value in force on {day}; "
            f"add a dated value to its rule file",
            f"parametern {parameter!r} har inget värde som gäller den {day}; pröva ett "
            f"annat datum, eller be den som förvaltar regelverket lägga till ett värde "
            f"som gäller från det datumet",
        )


class RuleConflictError(EvaluationError):
    """Two rules fired with different values and nothing orders them."""

    def __init__(self, question: str, rule_ids: Iterable[str]) -> None:
        self.question = question
        self.rule_ids = tuple(rule_ids)
        ids = ", ".join(repr(r) for r in self.rule_ids)
        _init(
            self,
            f"rules {ids} all answer {question!r} "
            f"with different values for this case; add `overrides` to say which wins",
            f"reglerna {ids} ger olika svar på frågan {question!r} i det här ärendet och "
            f"regelverket säger inte vilken som går före; den som förvaltar regelverket "
            f"behöver ange vilken regel som gäller",
        )


class PluginError(LssSolRulesError, RuntimeError):
    """A plugin failed to import or to provide its rules (for the operator who installed
    it).

    ``problem`` / ``problem_sv`` say what went wrong in English and Swedish; where the cause
    is another exception (an import error, a plugin's own bug), its text is quoted as it
    is, in English. A *problem_sv* left out (a plugin raising this error itself) makes the
    Swedish message say that the problem follows in English.
    """

    def __init__(self, plugin: str, problem: str, problem_sv: str | None = None) -> None:
        self.plugin = plugin
        self.problem = problem
        _init(
            self,
            problem,
            problem_sv or f"tillägget kunde inte läsas in (felet beskrivs på engelska): {problem}",
            frame=(f"plugin {plugin!r}: ", f"tillägget {plugin!r}: "),
        )


class EventError(LssSolRulesError, ValueError):
    """A case event the watch engine refuses: unknown case, out of order, contradicting an
    event already recorded, or after the case was closed.

    ``case_id`` and ``kind`` name the event; the message says what to send instead
    (``problem_sv`` in Swedish).
    """

    def __init__(
        self, case_id: str, kind: str, problem: str, problem_sv: str | None = None
    ) -> None:
        self.case_id = case_id
        self.kind = kind
        self.problem = problem
        _init(
            self,
            problem,
            problem_sv,
            frame=(
                f"case {case_id!r}, event {kind!r}: ",
                f"ärende {case_id!r}, händelse {kind!r}: ",
            ),
        )
