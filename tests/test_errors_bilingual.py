"""Every error the library raises has a Swedish text as well as an English one.

A static check: it walks the syntax tree of every module of the package (a module added
later is walked without being listed) and names ``file:line`` of every ``raise`` that
builds an error without a Swedish text. The rule-file modules (loader.py, tables.py,
watchdecl.py, rulebook.py, plugins.py, expr/) are left to tests/test_errors_swedish.py,
which holds their own error helpers to a Swedish text. What counts as having one:

- a library error whose class writes both texts itself (``ArgumentError``,
  ``QuestionError`` without its own message, ``NoRuleInForceError``, ...), or a helper that
  returns such an error (``unknown_jurisdiction``);
- a library error given its Swedish text: ``sv=`` (the base ``LssSolRulesError`` form:
  ``EvaluationError``, ``DiffError``, ...), ``problem_sv=``/``message_sv=``, or the
  positional Swedish text of ``FactError``/``EventError``/``CaseFileError`` (their fourth
  argument);
- re-raising an error already built (``raise``, ``raise exc``, ``raise err.as_fact_error()``:
  the error it re-raises was checked where it was built);
- an error whose text is built by a helper that writes both languages (``_both(lang, en,
  sv)`` in the pytest plugin);
- a Python protocol error a caller never sees as a message: ``IndexError``/``KeyError`` from
  ``__getitem__``, ``AttributeError`` from a module's ``__getattr__``, ``StopIteration``,
  ``NotImplementedError``, ``SystemExit`` with an exit status; and private control-flow
  exceptions (``_SendTimeout``, ``_Refused``).

A plain ``ValueError``/``TypeError``/``ImportError`` for a caller's bad argument or a missing
extra is a finding: it reaches the caller in English only.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

SRC = Path(__file__).resolve().parent.parent / "src" / "lss_sol_rules"

# The rule-file modules: tests/test_errors_swedish.py holds every RuleFileError,
# ExpressionError and PluginError they raise (and their fail/_fail/_rule_error/error
# helpers) to a Swedish text.
RULE_FILE_MODULES = frozenset(
    {"loader.py", "tables.py", "watchdecl.py", "rulebook.py", "plugins.py"}
)
RULE_FILE_PACKAGES = ("expr/",)


def _walked(rel: str) -> bool:
    return rel not in RULE_FILE_MODULES and not rel.startswith(RULE_FILE_PACKAGES)


# Every other module of the package, found on disk: a new module is walked by itself.
MODULES = tuple(
    rel for rel in sorted(p.relative_to(SRC).as_posix() for p in SRC.rglob("*.py")) if _walked(rel)
)

# Classes (and helpers returning errors) whose constructor always writes both texts.
BILINGUAL_BY_CONSTRUCTION = frozenset(
    {
        "ArgumentError",
        "NoRuleInForceError",
        "NoApplicableRuleError",
        "NotApplicableError",
        "ParameterNotInForceError",
        "RuleConflictError",
        "unknown_jurisdiction",
        "text_argument",
        "MissingExtraError",
        "_unknown_kind",
        "_usage_error",  # cli.py: takes the English and the Swedish text
        "_SwedishUsageError",  # cli.py: click's own usage error, translated when shown
        # watch/alerts.py: builds an EventError with its Swedish text (checked where built).
        "case_error",
        # testing/pytest_plugin.py: a failed golden case; it carries the CaseResult with both
        # texts and the report shows the language of the ini option lss_sol_rules_lang.
        "CaseFailed",
    }
)
# Helpers that write an error's text in both languages: an error built on their result has
# its Swedish text.
BILINGUAL_TEXT = frozenset({"_both"})  # testing/pytest_plugin.py: _both(lang, en, sv)
# Raises a caller cannot reach with any input, or that are Python's own signal (file,
# function, exception), each with its reason.
INTERNAL = {
    # _Acc.row: an invariant of the private batch accumulator; indices come from the batch.
    ("batch.py", "row", "IndexError"),
    # deadline_day(date.max): the same OverflowError date arithmetic raises
    # (date.max + timedelta(1)); the evaluators turn it into their own error.
    ("swedish_calendar.py", "deadline_day", "OverflowError"),
    # _usage_error's English branch: its Swedish twin is the other branch.
    ("cli.py", "_usage_error", "UsageError"),
    # schema._object: the JSON Schema built from the source does not describe the keys its
    # reader takes -- a maintainer's mistake in the package's own source, found when the
    # schemas are generated (tests/test_schema.py), never by a caller's input.
    ("schema.py", "_object", "RuntimeError"),
    # values.py's parsers signal a bad text with a plain ValueError/TypeError; every caller
    # catches it and words the refusal in both languages for its own context (a fact, an
    # event, a CSV cell, a command-line flag, a rule file, a stored decision):
    # test_every_caller_of_a_values_parser_catches_its_signal holds them to it.
    ("values.py", "parse_int", "ValueError"),
    ("values.py", "parse_date", "ValueError"),
    ("values.py", "to_decimal", "ValueError"),
    ("values.py", "from_json", "ValueError"),
    ("values.py", "from_json", "TypeError"),
    # unique_keys signals a JSON key given twice; its callers (the command line's facts and
    # events files, the service's request bodies) word the refusal in both languages
    # (tests/test_duplicate_keys.py).
    ("values.py", "unique_keys", "DuplicateKeyError"),
}
# Library errors and the position of their Swedish text when given positionally.
SWEDISH_POSITION = {
    "FactError": 3,
    "EventError": 3,
    "CaseFileError": 3,
    "_fail": 3,
    "_out_of_range": 4,
    "RowError": 5,
    "PluginError": 2,
    "_CliError": 1,
}
SWEDISH_KEYWORDS = frozenset({"sv", "problem_sv", "message_sv"})
KNOWN = BILINGUAL_BY_CONSTRUCTION | set(SWEDISH_POSITION) | {"QuestionError", "ServiceError"}

# Built-in errors that are Python protocol, not messages to a caller, and the functions they
# may be raised in (None: anywhere). Everything else built-in is a finding.
PROTOCOL = {
    # seq[i] / mapping[k]: Python's own lookup protocol (``in``, ``get``, iteration rely on it).
    "IndexError": {"__getitem__"},
    "KeyError": {"__getitem__"},
    # a module's or class's __getattr__: hasattr()/getattr(x, n, default) rely on it.
    "AttributeError": {"__getattr__"},
    # the end of an iterator (a generator never raises it; a __next__ must).
    "StopIteration": None,
    "StopAsyncIteration": None,
    # an abstract method a subclass must provide: a programming error, not a caller's input.
    "NotImplementedError": None,
}
# SystemExit is protocol when it carries an exit status (``raise SystemExit(main())``), and a
# finding when it carries a message (``raise SystemExit("usage: ...")``): see check().


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _plugin_error_takes_swedish() -> bool:
    """Whether PluginError takes its own Swedish text; until it does, the class frames the
    English problem in Swedish itself and a raise of it needs none."""
    from lss_sol_rules.errors import PluginError

    return "problem_sv" in inspect.signature(PluginError).parameters


def _has_swedish(call: ast.Call, name: str) -> bool:
    if name in BILINGUAL_BY_CONSTRUCTION:
        return True
    if (
        call.args
        and isinstance(call.args[0], ast.Call)
        and _name(call.args[0].func) in BILINGUAL_TEXT
    ):
        return True
    if name == "PluginError" and not _plugin_error_takes_swedish():
        return True
    if any(k.arg in SWEDISH_KEYWORDS for k in call.keywords):
        return True
    if name == "QuestionError":
        # Its own English message needs message_sv; without one the class writes both.
        return len(call.args) < 3 and not any(k.arg == "message" for k in call.keywords)
    if name == "ServiceError":
        # Carries a finished ErrorBody, built by web/errors.py with both languages.
        return bool(call.args)
    if name == "_CliError" and len(call.args) == 1:
        # One text: the library error's message, already in the command's language.
        return any(
            isinstance(n, ast.Call) and _name(n.func) == "_library_message"
            for n in ast.walk(call.args[0])
        )
    pos = SWEDISH_POSITION.get(name)
    return pos is not None and len(call.args) > pos


def findings(path: Path) -> list[str]:
    """``file:line: what`` for each raise in *path* without a Swedish text."""
    return findings_in(path.read_text(encoding="utf-8"), str(path.relative_to(SRC.parent.parent)))


def findings_in(text: str, rel: str) -> list[str]:
    """``rel:line: what`` for each raise in the Python source *text* without a Swedish
    text."""
    tree = ast.parse(text, filename=rel)
    out: list[str] = []

    def walk(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            inner = function
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                inner = child.name
            if isinstance(child, ast.Raise) and child.exc is not None:
                check(child, child.exc, function)
            elif (
                isinstance(child, ast.Call)
                and (_name(child.func) or "").endswith("Error")
                and id(child) not in raised
            ):
                check(child, child, function)  # built here, raised elsewhere
            walk(child, inner)

    raised = {id(n.exc) for n in ast.walk(tree) if isinstance(n, ast.Raise) and n.exc is not None}

    def check(raise_: ast.Raise | ast.Call, exc: ast.expr, function: str | None) -> None:
        if isinstance(exc, ast.Name) and exc.id[:1].isupper():
            exc = ast.Call(func=exc, args=[], keywords=[])  # raise ValueError: a class, no text
        if not isinstance(exc, ast.Call):
            return  # re-raising an error built elsewhere
        name = _name(exc.func)
        if name is None:
            return
        if name.lstrip("_") in KNOWN:
            name = name.lstrip("_")  # imported under a private alias
        if (rel.rsplit("/", 1)[-1], function, name) in INTERNAL:
            return
        if name.startswith("_") and name not in KNOWN and name[1:2].isupper():
            return  # a private control-flow exception
        if isinstance(exc.func, ast.Attribute) and not name[:1].isupper():
            return  # err.as_fact_error(), self._fail(...): builds a checked error
        if name in PROTOCOL:
            where = PROTOCOL[name]
            if where is None or function in where:
                return
        if name == "SystemExit" and not any(
            isinstance(a, ast.JoinedStr)
            or (isinstance(a, ast.Constant) and isinstance(a.value, str))
            for a in exc.args
        ):
            return  # an exit status (raise SystemExit(main())), not a message
        if not _has_swedish(exc, name):
            verb = "raise" if isinstance(raise_, ast.Raise) else "build"
            out.append(f"{rel}:{raise_.lineno}: {verb} {name}(...) without a Swedish text")

    walk(tree, None)
    return out


@pytest.mark.parametrize("module", MODULES)
def test_every_raise_has_a_swedish_text(module: str) -> None:
    found = findings(SRC / module)
    assert not found, "errors without a Swedish text:\n" + "\n".join(found)


def test_the_check_finds_what_it_should() -> None:
    # The walker itself: a raise of each kind, in a module written for the test.
    src = """
def f(x):
    raise ValueError("bad")
def g(x):
    raise EvaluationError("bad")
def h(x):
    raise EvaluationError("bad", sv="dåligt")
def i(x):
    raise FactError("f", "bad", x)
def j(x):
    raise FactError("f", "bad", x, "dåligt")
def __getitem__(self, i):
    raise IndexError(i)
def k(x):
    raise IndexError(x)
def m(x):
    raise err.as_fact_error()
def n(x):
    raise ArgumentError("x", "a date", x)
def o(x):
    raise QuestionError("q", (), "not here")
def p(x):
    return EventError("c", "k", "bad")
"""
    lines = [f.split(":")[1] for f in findings_in(src, "probe.py")]
    assert lines == ["3", "5", "9", "15", "21", "23"]


def test_the_check_knows_exit_statuses_and_bilingual_texts() -> None:
    src = """
def main():
    raise SystemExit(main())
def a():
    raise SystemExit("usage: bad")
def b(x):
    raise SystemExit(f"bad {x}")
def c(x):
    raise CollectError(_both(x, "bad", "dåligt"))
def d(x):
    raise CollectError(f"bad {x}")
def e(x):
    raise _Refused
def f(x):
    raise _Refused(x)
def g(x):
    raise case_error(x, w, exc)
def h(x):
    raise ValueError
def i(x):
    raise StopIteration
def j(x):
    try:
        pass
    except KeyError as exc:
        raise exc
"""
    lines = [f.split(":")[1] for f in findings_in(src, "probe.py")]
    assert lines == ["5", "7", "11", "19"]


def test_every_module_of_the_package_is_walked() -> None:
    """A module is walked unless it is a rule-file module, which its own test covers."""
    for must in (
        "explain.py",
        "model.py",
        "schema.py",
        "values.py",
        "watch/alerts.py",
        "watch/durable_backend.py",
        "columnar/inputs.py",
        "builtin/national.py",
        "testing/pytest_plugin.py",
        "web/pages.py",
        "errors.py",
    ):
        assert must in MODULES, must
    assert not any(m.startswith("expr/") or m in RULE_FILE_MODULES for m in MODULES)
    # the rule-file modules left out exist (a rename would otherwise walk nothing new)
    for rel in RULE_FILE_MODULES:
        assert (SRC / rel).is_file(), rel
    on_disk = {p.relative_to(SRC).as_posix() for p in SRC.rglob("*.py")}
    assert on_disk == set(MODULES) | {m for m in on_disk if not _walked(m)}


# values.py's parsers and the functions that call them without a try of their own, because
# their only caller catches the signal: model.py's readers run inside _field, which turns
# ValueError/TypeError into the ArgumentError naming the field.
VALUES_PARSERS = frozenset({"parse_int", "parse_date", "to_decimal", "from_json"})
CAUGHT_BY_THEIR_CALLER = frozenset({("model.py", "_iso_date"), ("model.py", "read")})


def _catches_the_signal(handler: ast.ExceptHandler) -> bool:
    kinds = handler.type
    names = (
        [_name(e) for e in kinds.elts]
        if isinstance(kinds, ast.Tuple)
        else [_name(kinds)]
        if kinds is not None
        else ["BaseException"]
    )
    return any(n in ("ValueError", "Exception", "BaseException") for n in names)


def uncaught_parser_calls(text: str, rel: str) -> list[str]:
    """``rel:line`` of each call of a values.py parser no enclosing try catches."""
    tree = ast.parse(text, filename=rel)
    out: list[str] = []
    module = rel.rsplit("/", 1)[-1]

    def visit(node: ast.AST, function: str | None, caught: bool) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            # A function runs where it is called, not where it is defined.
            function, caught = getattr(node, "name", function), False
        if isinstance(node, ast.Try) and any(_catches_the_signal(h) for h in node.handlers):
            for stmt in node.body:
                visit(stmt, function, True)
            for part in (*node.handlers, *node.orelse, *node.finalbody):
                visit(part, function, caught)
            return
        if (
            isinstance(node, ast.Call)
            and _name(node.func) in VALUES_PARSERS
            and not caught
            and (module, function) not in CAUGHT_BY_THEIR_CALLER
        ):
            out.append(f"{rel}:{node.lineno}: {_name(node.func)}(...) not caught")
        for child in ast.iter_child_nodes(node):
            visit(child, function, caught)

    visit(tree, None, False)
    return out


def test_every_caller_of_a_values_parser_catches_its_signal() -> None:
    found = [
        f
        for p in sorted(SRC.rglob("*.py"))
        if p.name != "values.py"
        for f in uncaught_parser_calls(p.read_text(encoding="utf-8"), p.relative_to(SRC).as_posix())
    ]
    assert not found, "a values.py parser's English signal reaches the caller:\n" + "\n".join(found)
    probe = """
def a(x):
    try:
        return parse_date(x)
    except ValueError:
        raise Bad()
def b(x):
    return parse_date(x)
def c(x):
    try:
        return to_decimal(x)
    except KeyError:
        pass
def d(x):
    try:
        def inner():
            return from_json(x)
    except ValueError:
        pass
"""
    lines = [f.split(":")[1] for f in uncaught_parser_calls(probe, "probe.py")]
    assert lines == ["8", "11", "17"]


# What the static check stands for, seen by a caller.


def test_a_number_out_of_range_reads_as_each_language_writes_it() -> None:
    import lss_sol_rules as lsr
    from lss_sol_rules.errors import FactError

    engine = lsr.load()
    for number, sv, en in (
        (168.5, "men är 168,5", "got 168.5"),
        (1_000_000, "men är 1 000 000", "got 1000000"),
    ):
        with pytest.raises(FactError) as info:
            engine.evaluate(
                "personlig_assistans.huvudman",
                {"grundlaggande_behov_timmar_per_vecka": number},
            )
        assert info.value.message("sv").endswith(f"högst 168 timmar per vecka, {sv}")
        assert info.value.message("en").endswith(f"at most 168 hours per week, {en}")


def test_format_number_and_unit_text() -> None:
    from decimal import Decimal

    from lss_sol_rules.values import format_number, unit_text

    assert format_number(Decimal("1234567.25"), "sv") == "1 234 567,25"
    assert format_number(1234, "sv") == "1234"  # four digits stay whole (Språkrådet)
    assert format_number(-12345, "sv") == "-12 345"
    assert format_number(Decimal("1E+6"), "en") == "1000000"
    assert format_number(10**5000, "sv").startswith("<")  # never builds a huge number
    assert unit_text("timmar per vecka", "en") == "hours per week"
    assert unit_text("år", "sv") == "år"
    assert unit_text("poäng", "en") == "poäng"  # unknown: as written
    assert unit_text(None, "en") == ""


def test_bad_arguments_are_argument_errors_in_both_languages() -> None:
    import lss_sol_rules as lsr
    from lss_sol_rules.batch import evaluate_many
    from lss_sol_rules.errors import ArgumentError

    engine = lsr.load()
    q = "personlig_assistans.huvudman"
    for call, argument in (
        (lambda: evaluate_many(engine, q, [{}], errors="ignore"), "errors"),
        (lambda: evaluate_many(engine, q, [{}], method="fast"), "method"),
        (lambda: evaluate_many(engine, q, {"alder": 40}), "cases"),
    ):
        with pytest.raises(ArgumentError) as info:
            call()
        err = info.value
        assert isinstance(err, ValueError)
        assert isinstance(err, TypeError)
        assert err.argument == argument
        assert err.problem_sv
        assert "ska vara" in err.message("sv")
    # One dict for many cases: the hint says what to do where the caller is.
    with pytest.raises(ArgumentError) as info:
        evaluate_many(engine, q, {"alder": 40})
    assert "engine.evaluate" in info.value.message("en", "python")
    assert "lss-sol-rules evaluate --facts" in info.value.message("sv", "cli")
    assert "POST /evaluate" in info.value.message("en", "http")


def test_missing_extra_error_is_an_import_error_in_both_languages() -> None:
    import pickle

    from lss_sol_rules.extras import MissingExtraError

    err = MissingExtraError("server", "FastAPI", "the HTTP service", "HTTP-tjänsten")
    assert isinstance(err, ImportError)
    assert str(err) == "the HTTP service needs FastAPI: pip install 'lss-sol-rules[server]'"
    assert err.message("sv").startswith("HTTP-tjänsten kräver paketet FastAPI")
    assert pickle.loads(pickle.dumps(err)).message("sv") == err.message("sv")  # noqa: S301


def test_calendar_and_strategies_refuse_bad_arguments_in_swedish() -> None:
    from datetime import date

    from lss_sol_rules.errors import ArgumentError
    from lss_sol_rules.swedish_calendar import day_name

    with pytest.raises(ArgumentError) as info:
        day_name(date(2026, 12, 24), "de")
    assert "'sv' eller 'en'" in info.value.message("sv")


@given(
    st.one_of(
        st.integers(),
        st.decimals(allow_nan=True, allow_infinity=True),
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(min_value=-(10**60), max_value=10**60),
    )
)
@settings(max_examples=300, deadline=None)
def test_format_number_never_raises_and_the_two_languages_agree(value: object) -> None:
    from decimal import Decimal

    from lss_sol_rules.values import format_number

    assert isinstance(value, (int, float, Decimal))
    sv, en = format_number(value, "sv"), format_number(value, "en")
    assert isinstance(sv, str)
    assert isinstance(en, str)
    if en.startswith("<") or not en.lstrip("-").replace(".", "").isdigit():
        return  # a number shown shortened (huge) or not finite: no digits to compare
    assert sv.replace(" ", "").replace(",", ".") == en
    assert "." not in sv
    whole = en.lstrip("-").split(".")[0]
    assert (" " in sv) == (len(whole) >= 5)
