"""Every error the library raises has an English and a Swedish text (issue #16).

Hostile inputs are thrown at each raise site a host application or a case officer meets —
facts, questions, jurisdictions, dates, watch events, case files and batch rows — and each
error must have both texts, different from each other, the English one exactly ``str(err)``,
and the Swedish one without English words or Python terms left in it. Hints are worded for
where the caller is: a keyword in Python, a flag on the command line, an endpoint over HTTP.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lss_sol_rules as lsr
from lss_sol_rules import errors
from lss_sol_rules.batch import CaseFileError, RowError, check_columns, read_cases, read_csv
from lss_sol_rules.cli import main
from lss_sol_rules.compare import DiffError
from lss_sol_rules.errors import (
    ArgumentError,
    EvaluationError,
    EventError,
    ExpressionError,
    FactError,
    Hint,
    LssSolRulesError,
    NoApplicableRuleError,
    NoRuleInForceError,
    NotApplicableError,
    ParameterNotInForceError,
    PluginError,
    QuestionError,
    RuleConflictError,
    RuleFileError,
)
from lss_sol_rules.extras import MissingExtraError
from lss_sol_rules.model import FactDecl
from lss_sol_rules.watch import Caseload, Event

ENGINE = lsr.load()
ON = date(2026, 1, 1)
FACTS: Mapping[str, FactDecl] = ENGINE.rulebook.facts

# Words that give away an English sentence left in a Swedish text (quoted names, values and
# `commands` are taken out first). None of them is a Swedish word.
_ENGLISH_WORDS = (
    "the must got is are not unknown fact facts question questions rule rules should "
    "cannot could number given did you mean lists them event case only after before "
    "least most than with has have of to or one when where which this that does no "
    "missing holds row rows line column columns file found expected"
)
_ENGLISH = frozenset(_ENGLISH_WORDS.split())
# Python terms a case officer should never read.
_PYTHON_WORDS = (
    "None True False dict str int float Decimal mapping TypeError ValueError "
    "KeyError RuntimeError datetime object"
)
_PYTHON = frozenset(_PYTHON_WORDS.split())
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|`[^`]*`|<[^>]*>|\([a-z_]+\)|[\w.-]+=\S*|--[\w-]+|\S*/\S*")


def english_leftovers(text: str) -> set[str]:
    """The English words or Python terms in a Swedish *text* (quoted parts left out)."""
    words = {w for w in re.findall(r"\w+", _QUOTED.sub(" ", text)) if w.isalpha()}
    return {w for w in words if w.lower() in _ENGLISH or w in _PYTHON}


def assert_bilingual(err: LssSolRulesError, *, host_facing: bool = True) -> None:
    en, sv = err.message("en"), err.message("sv")
    assert en.strip(), type(err)
    assert sv.strip(), type(err)
    assert en == str(err) == err.message_en
    assert sv == err.message_sv
    assert en != sv, en
    assert err.problem_en, en
    assert err.problem_sv, en
    assert "texten finns bara på engelska" not in sv or not host_facing, sv
    for where in errors.WHERE:
        assert err.message("en", where).strip()
        assert err.message("sv", where).strip()
    if host_facing:
        assert not english_leftovers(sv), (sv, english_leftovers(sv))


def raised(call: Callable[[], object]) -> LssSolRulesError:
    with pytest.raises(LssSolRulesError) as info:
        call()
    return info.value


# -- the checker itself ----------------------------------------------------------------------
def test_the_leftover_check_finds_english_and_python_and_spares_swedish() -> None:
    assert english_leftovers("fact 'alder': must be a number, got text 'x'") >= {"must", "got"}
    assert english_leftovers("ska vara ett tal, men är None") == {"None"}
    assert not english_leftovers("uppgiften 'is not': ska vara ett tal, men är 'the'")
    assert not english_leftovers("`lss-sol-rules facts` listar uppgifterna (id=[...])")


# -- facts -----------------------------------------------------------------------------------
def _decl(pred: Callable[[FactDecl], bool]) -> FactDecl:
    return next(d for d in FACTS.values() if pred(d))


_BOOL = _decl(lambda d: d.type == "bool")
_INT = _decl(lambda d: d.type == "int" and d.min is not None)
_NUMBER = _decl(lambda d: d.type == "number" and d.max is not None)
_DATE = _decl(lambda d: d.type == "date" and d.past)
_ENUM = _decl(lambda d: d.type == "text" and bool(d.values))
_LIST = _decl(lambda d: d.type == "list")


class _Hostile:
    def __repr__(self) -> str:
        raise RuntimeError


class _BadMapping(Mapping[str, Any]):
    def __getitem__(self, key: str) -> Any:
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        raise RuntimeError

    def __len__(self) -> int:
        return 1

    def items(self) -> Any:
        raise RuntimeError


HOSTILE_FACTS: list[tuple[str, object]] = [
    # (what is wrong, the facts)
    ("text for a number", {_NUMBER.name: "x"}),
    ("bool for a number", {_NUMBER.name: True}),
    ("NaN", {_NUMBER.name: float("nan")}),
    ("infinity", {_NUMBER.name: float("inf")}),
    ("Decimal infinity", {_NUMBER.name: Decimal("-Infinity")}),
    ("huge Decimal", {_NUMBER.name: Decimal("1e999999")}),
    ("million-digit integer", {_INT.name: 10**1000}),
    ("too many places", {_NUMBER.name: Decimal("1." + "1" * 30)}),
    ("above the maximum", {_NUMBER.name: (_NUMBER.max or 0) + 1}),
    ("below the minimum", {_INT.name: (_INT.min or 0) - 1}),
    ("a fraction for an int", {_INT.name: Decimal("1.5")}),
    ("a hostile object", {_INT.name: _Hostile()}),
    ("a datetime for a date", {_DATE.name: datetime(2020, 1, 1, 12)}),
    ("a date that does not exist", {_DATE.name: "2021-02-30"}),
    ("a week date", {_DATE.name: "2020-W01-1"}),
    ("a number for a date", {_DATE.name: 20200101}),
    ("a date in the future", {_DATE.name: date(2030, 1, 1)}),
    ("not one of the values", {_ENUM.name: "nonsense"}),
    ("a near miss", {_ENUM.name: _ENUM.values[0][:-1] if _ENUM.values else "x"}),
    ("a number for text", {_ENUM.name: 5}),
    ("a bidi control", {_ENUM.name: "a\u202eb"}),
    ("a lone surrogate", {_ENUM.name: "\ud800"}),
    ("a NUL", {_ENUM.name: "a\x00"}),
    ("a long text", {_ENUM.name: "a" * 5000}),
    ("text for a bool", {_BOOL.name: "ja"}),
    ("None in a list", {_LIST.name: "x"}),
    ("a list of wrong things", {_LIST.name: [object()]}),
    ("an unknown fact", {"alderr": 3}),
    ("an absurd name", {"x" * 10_000: 1}),
    ("a number as a name", {5: 1}),
    ("not a mapping", [1, 2]),
    ("a mapping that fails", _BadMapping()),
    ("a contradiction", {"alder": 5, "fodelsedatum": "2000-01-01"}),
]


@pytest.mark.parametrize(("what", "facts"), HOSTILE_FACTS, ids=[w for w, _ in HOSTILE_FACTS])
def test_every_bad_fact_has_both_texts(what: str, facts: object) -> None:
    err = raised(lambda: ENGINE.check_facts(facts, on=ON))
    assert isinstance(err, FactError), what
    assert_bilingual(err)
    frame = "" if err.fact.startswith("<") else "uppgift"
    assert err.message("sv").startswith(frame)
    assert err.problem_sv
    hint = err.hint.after("sv") if err.hint is not None else ""
    assert err.message("sv") == frame_text(err) + err.problem_sv + hint


def test_an_unknown_fact_has_a_hint_for_each_caller() -> None:
    err = raised(lambda: ENGINE.check_facts({"alderr": 3}, on=ON))
    assert isinstance(err, FactError)
    assert str(err) == "fact 'alderr': unknown fact (did you mean 'alder'?); " + (
        "`lss-sol-rules facts` lists them"
    )
    assert err.problem == "unknown fact (did you mean 'alder'?); `lss-sol-rules facts` lists them"
    assert "menade du 'alder'" in err.message("sv")
    assert "GET /facts" in err.message("en", "http")
    assert "GET /facts" in err.message("sv", "http")
    assert "engine.facts()" in err.message("en", "python")
    assert "lss-sol-rules facts" in err.message("sv", "cli")


def test_values_are_shown_in_swedish_words() -> None:
    err = raised(lambda: ENGINE.check_facts({_NUMBER.name: True}, on=ON))
    assert "sant" in err.message("sv")
    assert "True" not in err.message("sv")
    err = raised(lambda: ENGINE.check_facts({_NUMBER.name: Decimal("-Infinity")}, on=ON))
    assert "Decimal" not in err.message("sv")
    err = raised(lambda: ENGINE.check_facts({_INT.name: 10**1000}, on=ON))
    assert "siffror" in err.message("sv")


def frame_text(err: FactError) -> str:
    """The Swedish frame before a fact's problem."""
    if err.fact.startswith("<"):
        return ""
    shown = repr(err.fact) if len(err.fact) <= 80 else repr(err.fact)[:77] + "..."
    return f"uppgifterna {shown}: " if ", " in err.fact else f"uppgiften {shown}: "


# -- questions, jurisdictions, dates, arguments ------------------------------------------------
ENGINE_CALLS: list[tuple[str, type[LssSolRulesError], Callable[[], object]]] = [
    ("unknown question", QuestionError, lambda: ENGINE.evaluate("x.y", {}, on=ON)),
    (
        "question near miss",
        QuestionError,
        lambda: ENGINE.evaluate("personlig_assistans.huvudmn", {}, on=ON),
    ),
    (
        "question of another jurisdiction",
        QuestionError,
        lambda: ENGINE.evaluate("delegation.beslutsniva", {}, on=ON),
    ),
    (
        "unknown jurisdiction",
        EvaluationError,
        lambda: ENGINE.evaluate("personlig_assistans.huvudman", {}, on=ON, jurisdiction="se/x"),
    ),
    (
        "no rule in force",
        NoRuleInForceError,
        lambda: ENGINE.evaluate("personlig_assistans.huvudman", {}, on=date(1900, 1, 1)),
    ),
    (
        "a date as text",
        ArgumentError,
        lambda: ENGINE.evaluate("personlig_assistans.huvudman", {}, on="2026-01-01"),  # type: ignore[arg-type]
    ),
    (
        "a number as question",
        ArgumentError,
        lambda: ENGINE.evaluate(5, {}, on=ON),  # type: ignore[arg-type]
    ),
    (
        "None as jurisdiction",
        ArgumentError,
        lambda: ENGINE.evaluate("personlig_assistans.huvudman", {}, on=ON, jurisdiction=None),  # type: ignore[arg-type]
    ),
]


@pytest.mark.parametrize(
    ("what", "kind", "call"), ENGINE_CALLS, ids=[w for w, _, _ in ENGINE_CALLS]
)
def test_engine_errors_have_both_texts(
    what: str, kind: type[LssSolRulesError], call: Callable[[], object]
) -> None:
    err = raised(call)
    assert isinstance(err, kind), (what, err)
    assert_bilingual(err, host_facing=kind is not ArgumentError)


def test_a_question_of_another_jurisdiction_names_the_way_for_each_caller() -> None:
    err = raised(lambda: ENGINE.evaluate("delegation.beslutsniva", {}, on=ON))
    assert str(err).endswith("(pass jurisdiction=...)")  # unchanged for Python hosts
    assert err.message("en", "cli").endswith("(pass --jurisdiction se/stockholm)")
    assert err.message("sv", "cli").endswith("(ange --jurisdiction se/stockholm)")
    assert '"jurisdiction": "se/stockholm"' in err.message("sv", "http")
    assert "jurisdiction=" not in err.message("sv", "cli")


def test_no_rule_in_force_says_what_to_do_on_the_command_line_only_there() -> None:
    err = raised(lambda: ENGINE.evaluate("personlig_assistans.huvudman", {}, on=date(1900, 1, 1)))
    assert "--on" not in str(err)
    assert "--on DATUM" in err.message("sv", "cli")
    assert "GET /parameters" in err.message("en", "http")


# -- every class of the tree -------------------------------------------------------------------
def _samples() -> list[LssSolRulesError]:
    return [
        ArgumentError("on", "a datetime.date", "2026-01-01"),
        ExpressionError("unexpected ')'", "a + )", 5),
        RuleFileError("unknown key 'valid_fron'", file="x.toml", line=3, rule_id="r1"),
        RuleFileError("not valid TOML", file="x.toml"),
        FactError("alder", "must be at least 0, got -1", -1, "ska vara minst 0, men är -1"),
        QuestionError("x.y", ["x.z"]),
        EvaluationError("a gap", sv="en lucka"),
        NoRuleInForceError("q", ON, "se"),
        NoApplicableRuleError("q", ON),
        NotApplicableError("q", ON, "gäller bara LSS-insatser", "covers LSS only"),
        ParameterNotInForceError("p", ON),
        RuleConflictError("q", ["a", "b"]),
        PluginError("kommun", "failed to import 'x': boom"),
        EventError("a", "beslut", "unknown case", "okänt ärende"),
        CaseFileError("cases.csv", "no such case file", None, "ärendefilen finns inte"),
        DiffError("nothing to compare", sv="inget att jämföra"),
        MissingExtraError("server", "FastAPI", "the HTTP service", "HTTP-tjänsten"),
        *_durable_samples(),
    ]


def _durable_samples() -> list[LssSolRulesError]:
    try:
        from lss_sol_rules.watch.durable_backend import WatchCapacityError, WatchClosedError
    except ImportError:  # the durable extra is not installed
        return []
    return [
        WatchCapacityError("too many", sv="för många"),
        WatchClosedError("closed", sv="stängd"),
    ]


def _subclasses(cls: type[LssSolRulesError]) -> set[type[LssSolRulesError]]:
    out = {cls}
    for sub in cls.__subclasses__():
        out |= _subclasses(sub)
    return out


def test_every_error_class_has_a_sample_with_both_texts() -> None:
    samples = _samples()
    ours = {
        c
        for c in _subclasses(LssSolRulesError)
        if c.__module__.startswith("lss_sol_rules") and not inspect.isabstract(c)
    }
    assert ours <= {type(s) for s in samples} | {LssSolRulesError}, ours
    for err in samples:
        # Rule authors and operators read English problems inside a Swedish frame.
        author = isinstance(err, (RuleFileError, ExpressionError, PluginError, ArgumentError))
        assert_bilingual(err, host_facing=not author)


def test_rule_file_errors_say_in_swedish_where_and_that_english_follows(tmp_path: Path) -> None:
    # A RuleFileError raised outside the library with English only: framed in Swedish.
    err = RuleFileError("unknown key 'valid_fron'", file="x.toml", line=3, rule_id="r1")
    assert str(err) == "x.toml:3: rule 'r1': unknown key 'valid_fron'"
    assert err.message("sv").startswith("x.toml:3: regel 'r1': fel i regelfilen")
    assert "engelska" in err.message("sv")
    # The loader's own problems are in Swedish (tests/test_errors_swedish.py covers them all).
    bad = tmp_path / "bad.toml"
    bad.write_text("[[rules]]\nid = 1\n", encoding="utf-8")
    err = raised(lambda: lsr.load(paths=[str(bad)], plugins=False))
    assert isinstance(err, RuleFileError)
    assert "engelska" not in err.message("sv")
    assert "behöver `id`" in err.message("sv"), err.message("sv")
    assert err.file in err.message("sv")


@pytest.mark.parametrize(
    ("text", "swedish"),
    [
        (
            '[[rules]]\nid = "x.r"\nquestion = "x"\nvalid_fron = 2020-01-01\n',
            "regel 'x.r': okänd nyckel 'valid_fron' i en regel (menade du 'valid_from' eller",
        ),
        ("a = [\n", "filen är inte giltig TOML: ogiltigt värde"),
    ],
)
def test_the_common_rule_file_problems_are_in_swedish(
    tmp_path: Path, text: str, swedish: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    err = raised(lambda: lsr.load(paths=[str(path)], plugins=False))
    assert isinstance(err, RuleFileError)
    assert swedish in err.message("sv")
    assert err.message("sv").startswith(str(path))


def test_an_error_raised_with_english_only_still_speaks_swedish() -> None:
    err = EvaluationError("a plugin's own problem")
    assert str(err) == "a plugin's own problem"
    assert err.problem_sv is None
    assert err.message("sv") == "(texten finns bara på engelska) a plugin's own problem"


def test_hints_follow_the_problem_as_declared() -> None:
    h = Hint(python=("p", "ps"), cli=("c", "cs"), http=("h", "hs"))
    assert h.after() == "; c"
    assert h.after("sv", "http") == "; hs"
    assert Hint(("p", "ps"), ("c", "cs"), ("h", "hs"), parenthesised=True).after() == " (c)"
    assert Hint(("", ""), ("c", "cs"), ("h", "hs"), default="python").after() == ""


# -- watch events --------------------------------------------------------------------------
D = date(2026, 1, 10)


def _ev(case: str, kind: str, on: date, **data: Any) -> Event:
    return Event(case, kind, on, data)


BESLUT = _ev("a", "beslut", D, insats="ledsagarservice", lag="LSS")
BAD_EVENT_DICTS: list[object] = [
    [1, 2],
    {"case_id": "a", "on": "2026-01-10"},
    {"case_id": 1.5, "kind": "beslut", "on": "2026-01-10"},
    {"case_id": "a", "kind": 5, "on": "2026-01-10"},
    {"case_id": "a\u202e", "kind": "beslut", "on": "2026-01-10"},
    {"case_id": "a", "kind": "", "on": "2026-01-10"},
    {"case_id": "a", "kind": "beslut", "on": "10/1/2026"},
    {"case_id": "a", "kind": "beslut", "on": "2026-02-30"},
    {"case_id": "a", "kind": "beslut", "on": 20260110},
    {"case_id": "a", "kind": "beslut", "on": "2026-01-10", "data": [1]},
]


@pytest.mark.parametrize("raw", BAD_EVENT_DICTS)
def test_bad_event_data_has_both_texts(raw: Any) -> None:
    err = raised(lambda: Event.from_dict(raw))
    assert isinstance(err, EventError)
    assert_bilingual(err)
    assert err.message("sv").startswith("ärende ")


BAD_EVENT_SEQUENCES: list[list[Event]] = [
    [_ev("x", "bestallning", D)],
    [_ev("x", "ansokan", D), _ev("x", "bestallning", D)],
    [BESLUT, _ev("a", "bestallning", date(2026, 1, 9))],
    [BESLUT, _ev("a", "beslut", D, insats="kontaktperson", lag="LSS")],
    [BESLUT, _ev("a", "avslutat", D), _ev("a", "uppfoljning", D)],
    [_ev("a", "flytt", D)],
    [BESLUT, _ev("a", "ansokan", D)],
    [_ev("a", "beslut", D, insats="flygresa", lag="LSS")],
    [_ev("a", "beslut", D, insats="kontaktperson", lag="LSS", utfall="kanske")],
    [BESLUT, _ev("a", "verkstallt", D, extra=1)],
    [Event("a", "beslut", datetime(2026, 1, 1, 8), {})],  # type: ignore[arg-type]
    [Event("a", "beslut", D, [1])],  # type: ignore[arg-type]
    [_ev("a", "beslut", D, insats="kontaktperson", lag="LSS", utfall="avslag", beviljad=True)],
]


@pytest.mark.parametrize("events", BAD_EVENT_SEQUENCES)
def test_refused_events_have_both_texts(events: list[Event]) -> None:
    cl = Caseload(ENGINE)
    err = raised(lambda: cl.apply_all(events))
    assert isinstance(err, EventError)
    assert_bilingual(err)


# -- batch rows and case files ---------------------------------------------------------------
def _csv(tmp_path: Path, text: str, name: str = "cases.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_cells_and_rows_are_explained_in_both_languages(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        f"id,{_NUMBER.name},{_BOOL.name},{_INT.name}\n"
        "A,kanske,ja,1\n"
        "B,1,kanske,1\n"
        "C,1,ja,1.5\n"
        "D,1,ja\n"
        "E,1,ja,1,9\n",
    )
    cases = read_csv(ENGINE, path, id="id")
    bad = [cases.errors[i] for i in sorted(cases.errors)]
    assert len(bad) == 5
    for row in bad:
        assert isinstance(row, RowError)
        en, sv = row.describe("en"), row.describe("sv")
        assert en == str(row)
        assert sv.startswith(f"ärende {row.row} (rad {row.line}, id=")
        assert en != sv
        assert row.message_sv
        assert not english_leftovers(row.text("sv")), row.text("sv")
    result = ENGINE.evaluate_many("personlig_assistans.huvudman", cases, on=ON)
    summary = result.error_summary(lang="sv")
    assert summary.startswith("5 av 5 ärenden kunde inte besvaras:")
    assert result.error_summary().startswith("5 of 5 rows could not be answered:")
    texts = result.error_texts("sv")
    assert all(t is not None and not english_leftovers(t) for t in texts), texts
    assert result.error_texts("en") == result.errors
    err = raised(lambda: read_csv(ENGINE, path, id="id", errors="raise"))
    assert isinstance(err, FactError)
    assert err.message("sv").startswith("uppgiften ")
    assert "ärende 1" in err.message("sv")


def test_rows_refused_by_the_evaluator_are_explained_in_swedish() -> None:
    rows = [{"alderr": 1}, {_NUMBER.name: -1}, {"alder": 5, "fodelsedatum": "2000-01-01"}]
    result = ENGINE.evaluate_many("personlig_assistans.huvudman", rows, on=ON, method="row")
    assert result.statuses == ("error",) * 3
    for e in result.row_errors:
        assert e.message.startswith("FactError: ")
        assert e.message_sv
        assert "FactError" not in e.message_sv
        assert not english_leftovers(e.text("sv")), e.text("sv")
    err = raised(
        lambda: ENGINE.evaluate_many(
            "personlig_assistans.huvudman", rows[1:], on=ON, errors="raise", method="row"
        )
    )
    assert isinstance(err, FactError)
    assert err.message("sv").startswith("uppgiften ")
    assert "ärende 1:" in err.message("sv")
    assert_bilingual(err)


def test_unknown_columns_are_explained_for_each_caller() -> None:
    err = raised(lambda: check_columns(["personnr", "alder"], FACTS, (), (), False))
    assert isinstance(err, FactError)
    assert_bilingual(err)
    assert "id=[...], --id NAME" in str(err)  # unchanged when the caller is not known
    assert "--id NAMN" in err.message("sv", "cli")
    assert "id=[" not in err.message("sv", "cli")
    assert "id=[...]" in err.message("en", "python")
    assert "--id" not in err.message("en", "python")
    err = raised(lambda: check_columns(["alder"], FACTS, ("personnr",), (), False))
    assert_bilingual(err)


CASE_FILES: list[tuple[str, str]] = [
    ("missing.csv", ""),
    ("empty.csv", "\n"),
    ("cases.json", "[{}]"),
    ("json.csv", '{"alder": 1}'),
    ("noname.csv", "alder,,x\n1,2,3\n"),
    ("twice.csv", "alder,alder\n1,2\n"),
    ("latin1.csv", "alder\nå\n"),
    ("quote.csv", 'alder\n"1\n'),
]


@pytest.mark.parametrize(("name", "text"), CASE_FILES, ids=[n for n, _ in CASE_FILES])
def test_case_files_that_cannot_be_read_have_both_texts(
    tmp_path: Path, name: str, text: str
) -> None:
    path = tmp_path / name
    if name == "latin1.csv":
        path.write_bytes(text.encode("latin-1"))
    elif name != "missing.csv":
        path.write_text(text, encoding="utf-8")
    err = raised(lambda: read_cases(ENGINE, path))
    assert isinstance(err, CaseFileError), err
    assert_bilingual(err)


# -- the command line speaks the language of --lang ----------------------------------------
def test_the_cli_prints_library_errors_in_the_language_of_lang(tmp_path: Path) -> None:
    facts = _csv(tmp_path, '{"alderr": 3}', "case.json")
    runner = CliRunner()
    sv = runner.invoke(main, ["evaluate", "personlig_assistans.huvudman", "--facts", str(facts)])
    en = runner.invoke(
        main,
        ["evaluate", "personlig_assistans.huvudman", "--facts", str(facts), "--lang", "en"],
    )
    assert sv.exit_code == en.exit_code == 1
    assert "uppgiften 'alderr': regelverket har ingen sådan uppgift" in sv.output
    assert "menade du 'alder'" in sv.output
    assert "`lss-sol-rules facts` listar" in sv.output
    assert "fact 'alderr': unknown fact (did you mean 'alder'?)" in en.output
    out = runner.invoke(main, ["evaluate", "delegation.beslutsniva", "--facts", str(facts)])
    assert "(ange --jurisdiction se/stockholm)" in out.output
    assert "jurisdiction=" not in out.output


# -- errors of the rules' arithmetic, met by a host while evaluating ---------------------------
class _Facts:
    """The smallest context an expression evaluates in: facts only."""

    def __init__(self, facts: dict[str, Any]) -> None:
        self.facts = facts
        self.on = ON

    def fact(self, name: str) -> Any:
        return self.facts[name]


ARITHMETIC: list[tuple[str, dict[str, Any]]] = [
    ("h / n > 1", {"h": Decimal(1), "n": 0}),
    ("h * h * h > 1", {"h": Decimal("1e20")}),
    ("h * h < 1", {"h": Decimal("1e-20")}),
]


@pytest.mark.parametrize(("text", "facts"), ARITHMETIC, ids=[t for t, _ in ARITHMETIC])
def test_arithmetic_errors_have_both_texts(text: str, facts: dict[str, Any]) -> None:
    from lss_sol_rules.expr import Scope, Symbol, compile_expr, parse

    scope = Scope({"h": Symbol("fact", "number"), "n": Symbol("fact", "int")})
    compiled = compile_expr(text, parse(text), scope)
    err = raised(lambda: compiled.fn(_Facts(facts)))
    assert isinstance(err, EvaluationError)
    assert_bilingual(err)


# -- any value for any fact: refused in both languages, never half-translated ------------------
_SOME_DECLS = sorted(FACTS)
_ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**40), max_value=10**40).map(lambda i: i * 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.text(alphabet=st.characters(exclude_characters="'\"`<>/\\"), max_size=30),
    st.sampled_from(["2021-02-30", "2020-W01-1", "20200101", "ja", "", "\ud800", "a\u202e"]),
    st.dates(),
    st.datetimes(),
    st.lists(st.one_of(st.text(max_size=5), st.integers(), st.booleans()), max_size=3),
    st.builds(object),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(_SOME_DECLS), value=_ANY_VALUE)
def test_any_value_for_any_fact_is_refused_in_both_languages(name: str, value: object) -> None:
    try:
        ENGINE.check_facts({name: value}, on=ON)
    except FactError as err:
        assert_bilingual(err)


# -- errors travel: pickled for a process pool, they keep both texts ---------------------------
def test_every_error_survives_pickling_with_both_texts() -> None:
    import pickle

    found = [
        raised(lambda: ENGINE.check_facts({"alderr": 3}, on=ON)),
        raised(lambda: ENGINE.evaluate("delegation.beslutsniva", {}, on=ON)),
        *_samples(),
    ]
    for err in found:
        back = pickle.loads(pickle.dumps(err))  # noqa: S301 - our own objects
        assert type(back) is type(err)
        assert str(back) == str(err)
        for where in (None, *errors.WHERE):
            assert back.message("sv", where) == err.message("sv", where)


@pytest.mark.parametrize("lang", ["sv", "SV", "sv-SE", "sv_FI"])
def test_swedish_is_asked_for_in_any_common_spelling(lang: str) -> None:
    err = raised(lambda: ENGINE.check_facts({"alderr": 3}, on=ON))
    assert err.message(lang) == err.message("sv")
    assert RowError(1, (), None, "x", None, "y").text(lang) == "y"


@pytest.mark.parametrize("lang", ["en", "svenska", "", "fi", None, 5])
def test_anything_else_is_english(lang: Any) -> None:
    err = raised(lambda: ENGINE.check_facts({"alderr": 3}, on=ON))
    assert err.message(lang) == str(err)
