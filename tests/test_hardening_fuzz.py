"""Fuzzers that keep issue #13 fixed: grammar-generated and mutated rule files, and hostile
facts for every question of every loaded rulebook.

The promise checked: the only exceptions that ever escape are the library's own typed errors
(:class:`~lss_sol_rules.errors.LssSolRulesError`), a rule-file error always names its file,
and every load and every evaluation stays within a time and memory budget.

Profiles (see ``docs/testing.md``): by default (CI) each fuzzer runs a few dozen to a few
hundred examples, about 20 s for the file; ``HYPOTHESIS_PROFILE=deep LSR_DEEP_EXAMPLES=100000``
runs 100,000 examples of each (the mutation fuzzer takes its count from
``LSR_DEEP_EXAMPLES`` too when the deep profile is selected).
"""

from __future__ import annotations

import os
import random
import re
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lss_sol_rules as lsr
from lss_sol_rules.builtin.national import rules_dir
from lss_sol_rules.errors import LssSolRulesError, RuleFileError
from lss_sol_rules.expr import STANDARD_FUNCTIONS
from lss_sol_rules.loader import RuleFile, read_rule_file
from lss_sol_rules.rulebook import Rulebook

DEEP = os.environ.get("HYPOTHESIS_PROFILE") == "deep"
MUTATIONS = int(os.environ.get("LSR_DEEP_EXAMPLES", "100000")) if DEEP else 150


def examples(ci: int) -> int:
    """*ci* examples in CI; the deep profile's count (``LSR_DEEP_EXAMPLES``) on demand."""
    return settings.default.max_examples if DEEP else ci


ON = date(2026, 1, 1)

# -- the resource budget ------------------------------------------------------------------------
LOAD_SECONDS, LOAD_MB = 10.0, 150.0
EVAL_SECONDS, EVAL_MB = 3.0, 30.0


class Budget:
    """Time and peak traced memory of each measured call; generous bounds, so that a
    shared CI machine never trips them while a quadratic or unbounded path does."""

    def __init__(self) -> None:
        self.worst: dict[str, tuple[float, float]] = {}

    @contextmanager
    def check(self, what: str, seconds: float, megabytes: float) -> Iterator[None]:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        start = time.perf_counter()
        try:
            yield
        finally:
            elapsed = time.perf_counter() - start
            peak = (tracemalloc.get_traced_memory()[1] - base) / 1e6
            old = self.worst.get(what, (0.0, 0.0))
            self.worst[what] = (max(old[0], elapsed), max(old[1], peak))
        assert elapsed < seconds, f"{what} took {elapsed:.2f} s (budget {seconds} s)"
        assert peak < megabytes, f"{what} peaked at {peak:.1f} MB (budget {megabytes} MB)"


@pytest.fixture(scope="module")
def budget() -> Iterator[Budget]:
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start()
    b = Budget()
    yield b
    if started:
        tracemalloc.stop()


def escaped(text: str) -> str:
    """A TOML basic string holding *text* exactly (control characters escaped)."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def load_alone(text: str, budget: Budget) -> Rulebook | None:
    """Load *text* as the only rule file; ``None`` when refused (with a RuleFileError)."""
    try:
        with budget.check("load", LOAD_SECONDS, LOAD_MB):
            rf = read_rule_file("fuzz.toml", text)
            return Rulebook([(rf, "fuzz")], STANDARD_FUNCTIONS)
    except RuleFileError as exc:
        assert exc.file  # noqa: PT017 - every loader error names its file
        return None


def evaluate_everything(book: Rulebook, facts_list: list[dict[str, Any]], budget: Budget) -> None:
    engine = lsr.Engine(book)
    for q in sorted(book.questions):
        for j in book.jurisdictions() or ("se",):
            for facts in facts_list:
                try:
                    with budget.check("evaluate", EVAL_SECONDS, EVAL_MB):
                        d = engine.evaluate(q, facts, on=ON, jurisdiction=j)
                        d.to_dict()
                        d.explain("sv")
                except LssSolRulesError:
                    pass


# -- grammar-based rule files ------------------------------------------------------------------
FACTS = {
    "f_int": 'type = "int"\nmin = 0\nmax = 130',
    "f_num": 'type = "number"',
    "f_bool": 'type = "bool"',
    "f_date": 'type = "date"\npast = true',
    "f_enum": 'type = "text"\nvalues = ["x", "y"]',
    "f_list": 'type = "list"\nof = "text"\nvalues = ["x", "y"]',
    "f_derived": 'type = "int"\nderive = "f_int + 1"',
}
QUESTIONS = {
    "q.bool": 'type = "bool"',
    "q.int": 'type = "int"',
    "q.num": 'type = "number"',
    "q.enum": 'type = "text"\nvalues = ["x", "y"]',
    "q.list": 'type = "list"\nof = "text"\nhit_policy = "collect"',
}
NUMBERS = [
    "0",
    "1",
    "20",
    "-3",
    "2.5",
    "99999999999999",
    "1e999999999",
    "1e-999999999",
    "inf",
    "-inf",
    "nan",
    "0.000000000000000000001",
    "1" * 25,
    "9" * 5000,
]
GOOD_NUMBERS = ["0", "1", "20", "2.5", "168"]
EXPR_NUMBERS = ["0", "1", "20", "2.5", "100000000000000", "٣", "５", "1" * 30]
EXPR_STRINGS = ["'x'", "'y'", "'z'", "'a\u202eb'", "'\x00'", '"x"']
EXPR_NAMES = [*FACTS, *QUESTIONS, "p_num", "p_int", "on", "unknown_name", "__class__"]
FUNCTIONS = [
    "age",
    "add_days",
    "add_months",
    "add_years",
    "min",
    "max",
    "abs",
    "len",
    "year",
    "month",
    "given",
    "at",
    "date",
    "days_between",
    "eval",
    "open",
]


def expressions() -> st.SearchStrategy[str]:
    leaves = st.one_of(
        st.sampled_from(EXPR_NAMES),
        st.sampled_from(EXPR_NUMBERS),
        st.sampled_from(EXPR_STRINGS),
        st.sampled_from(["true", "false", "2024-01-01", "2024-02-30", "[]", "['x', 'y']"]),
    )

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(" ".join),
            st.tuples(
                inner, st.sampled_from(["<", "<=", ">", ">=", "==", "!=", "in", "not in"]), inner
            ).map(" ".join),
            st.tuples(inner, st.sampled_from(["and", "or"]), inner).map(" ".join),
            inner.map(lambda e: f"not {e}"),
            inner.map(lambda e: f"-{e}"),
            inner.map(lambda e: f"({e})"),
            st.tuples(st.sampled_from(FUNCTIONS), st.lists(inner, max_size=3)).map(
                lambda t: f"{t[0]}({', '.join(t[1])})"
            ),
            st.lists(inner, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
            st.tuples(leaves, st.sampled_from(["+", "*", "and", "or"]), st.integers(2, 600)).map(
                lambda t: f" {t[1]} ".join([t[0]] * t[2])  # long chains: depth and length
            ),
        )

    return st.recursive(leaves, extend, max_leaves=12)


EXPRESSIONS = expressions()


def texts() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(["Ja", "Nej", "Åsa Örjan", "مرحبا", "x", "{value}", "{f_int}", "{nope}"]),
        st.sampled_from(["Svar", "Answer {value}"]),
        st.text(max_size=20),
        st.sampled_from(["a\u202eb", "a\x00b", "a\x1bb", "a\x85b", "\u2066x"]),
    )


TEXTS = texts()


@st.composite
def rule_files(draw: st.DrawFn) -> str:
    out = ['[rulebook]\nid = "fuzz"\n']
    for name in draw(st.lists(st.sampled_from(sorted(FACTS)), unique=True, max_size=7)):
        out.append(f'[facts.{name}]\n{FACTS[name]}\nlabel = {{ sv = "f", en = "f" }}\n')
    for pname, ptype in (("p_num", "number"), ("p_int", "int")):
        if draw(st.booleans()):
            value = draw(st.sampled_from(GOOD_NUMBERS) | st.sampled_from(NUMBERS))
            out.append(
                f'[parameters.{pname}]\ntype = "{ptype}"\nlabel = {{ sv = "p", en = "p" }}\n'
                f"[[parameters.{pname}.values]]\nvalue = {value}\nvalid_from = 2020-01-01\n"
                f'citations = ["x"]\n'
            )
    questions = draw(st.lists(st.sampled_from(sorted(QUESTIONS)), unique=True, max_size=5))
    for q in questions:
        label = escaped(draw(TEXTS))
        out.append(f'[questions."{q}"]\n{QUESTIONS[q]}\nlabel = {{ sv = {label}, en = "q" }}\n')
    ids: list[str] = []
    for i in range(draw(st.integers(0, 8))):
        rid = draw(st.sampled_from([f"fuzz.r{i}", f"fuzz.r{i}", "fuzz.r0", "Fuzz R", "r\u202e"]))
        ids.append(rid)
        q = draw(st.sampled_from([*questions, "q.unknown"])) if questions else "q.unknown"
        lines = [f"[[rules]]\nid = {escaped(rid)}\nquestion = {escaped(q)}"]
        if draw(st.booleans()):
            lines.append("default = true")
        else:
            lines.append(f"when = {escaped(draw(EXPRESSIONS))}")
        if draw(st.booleans()):
            lines.append(f"compute = {escaped(draw(EXPRESSIONS))}")
        else:
            lines.append(
                "value = "
                + draw(
                    st.sampled_from(["true", '"x"', "1"])
                    | st.sampled_from(
                        [*NUMBERS, "true", "false", '"x"', '"y"', '["x"]', "2024-01-01", '"٣"']
                    )
                )
            )
        if ids and draw(st.booleans()):
            lines.append(f"overrides = [{escaped(draw(st.sampled_from(ids)))}]")
        if draw(st.booleans()):
            lines.append(f"valid_from = {draw(st.sampled_from(['2020-01-01', '2027-01-01']))}")
        lines.append('citations = ["LSS 1 §"]')
        lines.append(f'explain = {{ sv = {escaped(draw(TEXTS))}, en = "e" }}')
        out.append("\n".join(lines) + "\n")
    for i in range(draw(st.integers(0, 2))):
        out.append(
            f'[[constraints]]\nid = "fuzz.c{i}"\ncheck = {escaped(draw(EXPRESSIONS))}\n'
            'message = { sv = "s", en = "e" }\n'
        )
    return "\n".join(out)


FUZZ_FACTS: list[dict[str, Any]] = [
    {},
    {
        "f_int": 40,
        "f_num": Decimal("20.5"),
        "f_bool": True,
        "f_date": date(1990, 1, 1),
        "f_enum": "x",
        "f_list": ["x", "y"],
    },
    {"f_int": 0, "f_num": 0, "f_bool": False, "f_enum": "y"},
    {"f_num": Decimal("99999999999999"), "f_int": 130},
]


@settings(max_examples=examples(120))
@given(rule_files())
def test_grammar_generated_rule_files_load_or_fail_cleanly(budget: Budget, text: str) -> None:
    book = load_alone(text, budget)
    if book is not None:
        evaluate_everything(book, FUZZ_FACTS, budget)


# -- mutation-based rule files -----------------------------------------------------------------
NATIONAL_FILES = sorted(rules_dir().rglob("*.toml"))
NATIONAL_TEXT = {p: p.read_text(encoding="utf-8") for p in NATIONAL_FILES}
PARSED = {p: read_rule_file(p, t) for p, t in NATIONAL_TEXT.items()}
HOSTILE_TOKENS = [
    "1e999999999",
    "1e-999999999",
    "inf",
    "nan",
    "-0.0",
    "9" * 5000,
    "٣",
    "５",
    "\u202e",
    "\\u0000",
    "\\u202e",
    "\x00",
    '"',
    "'",
    "[",
    "]",
    "{",
    "}",
    "=",
    ".",
    "#",
    "\n",
    "+".join(["1"] * 600),
    "not " * 300,
    "(" * 200,
    "given(alder)",
    "__import__('os')",
]
_NUMBER = re.compile(r"(?<![\w.-])\d+(\.\d+)?(?![\w.-])")
_ID = re.compile(r'^id = "([^"]+)"', re.MULTILINE)


def mutate(text: str, rnd: random.Random) -> str:
    """A few random edits: lines dropped, duplicated or swapped, hostile tokens inserted,
    numbers replaced by hostile ones, a rule made to override itself or another."""
    lines = text.splitlines()
    for _ in range(rnd.randint(1, 5)):
        if not lines:
            break
        i = rnd.randrange(len(lines))
        how = rnd.choice(["drop", "dup", "swap", "token", "number", "override", "block"])
        if how == "drop":
            del lines[i]
        elif how == "dup":
            lines.insert(i, lines[i])
        elif how == "swap":
            j = rnd.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif how == "token":
            k = rnd.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:k] + rnd.choice(HOSTILE_TOKENS) + lines[i][k:]
        elif how == "number":
            lines[i] = _NUMBER.sub(lambda m: rnd.choice(HOSTILE_TOKENS[:6]), lines[i], count=1)
        elif how == "override":
            ids = _ID.findall(text)
            if ids:
                lines.insert(i, f'overrides = ["{rnd.choice(ids)}"]')
        else:  # repeat a [[rules]] block many times: ids collide, costs grow
            starts = [n for n, line in enumerate(lines) if line.startswith("[[rules]]")]
            if starts:
                s = rnd.choice(starts)
                block = lines[s : s + 12]
                lines[s:s] = block * rnd.randint(2, 60)
    return "\n".join(lines) + "\n"


def test_mutated_national_files_load_or_fail_cleanly(budget: Budget) -> None:
    """Each national file, mutated; loaded alone, and every eighth time with the others."""
    for n in range(MUTATIONS):
        rnd = random.Random(20261124 + n)  # noqa: S311 - reproducible fuzzing, not crypto
        path = rnd.choice(NATIONAL_FILES)
        text = mutate(NATIONAL_TEXT[path], rnd)
        try:
            with budget.check("load", LOAD_SECONDS, LOAD_MB):
                rf = read_rule_file(path, text)
                if n % 8 == 0:
                    files: list[tuple[RuleFile, str]] = [
                        (other, "national") for p, other in PARSED.items() if p != path
                    ]
                    book = Rulebook([*files, (rf, "fuzz")], STANDARD_FUNCTIONS)
                    if n % 64 == 0:
                        evaluate_everything(book, [{}, {"alder": 40}], budget)
        except RuleFileError as exc:
            assert exc.file, f"example {n}"  # noqa: PT017
        except AssertionError:
            raise
        except Exception as exc:  # report the reproducer
            pytest.fail(f"example {n} ({path.name}) raised {type(exc).__name__}: {exc}")


# -- hostile facts for every question ----------------------------------------------------------
ENGINE = lsr.load()
TARGETS = sorted({(r.question, r.jurisdiction) for r in ENGINE.rulebook.rules})
FACT_NAMES = sorted(ENGINE.rulebook.facts)


class _Evil:
    def __repr__(self) -> str:
        raise RuntimeError("repr")

    def __eq__(self, other: object) -> bool:
        raise RuntimeError("eq")

    def __hash__(self) -> int:
        raise RuntimeError("hash")

    def __lt__(self, other: object) -> bool:
        raise RuntimeError("lt")


class _EvilStr(str):
    def __eq__(self, other: object) -> bool:
        raise RuntimeError("eq")

    def __hash__(self) -> int:
        raise RuntimeError("hash")


def _nested(depth: int) -> list[Any]:
    out: list[Any] = []
    for _ in range(depth):
        out = [out]
    return out


def valid_values() -> st.SearchStrategy[Any]:
    """Values a declared fact could take: enum values, small numbers, real dates, bools."""
    enum_values = sorted({v for f in ENGINE.rulebook.facts.values() for v in (f.values or ())})
    return st.one_of(
        st.sampled_from(enum_values),
        st.lists(st.sampled_from(enum_values), max_size=3),
        st.integers(0, 200),
        st.decimals(0, 200, places=2),
        st.booleans(),
        st.dates(date(1900, 1, 1), date(2030, 1, 1)),
    )


def hostile_values() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.integers(),
        st.sampled_from([10**4301, -(10**5000), 2**64, -(2**63)]),
        st.decimals(allow_nan=True, allow_infinity=True),
        st.sampled_from(
            [
                Decimal("1e999999"),
                Decimal("1e-99999999"),
                Decimal("sNaN"),
                Decimal("-0"),
                Decimal("1" * 5000),
                Decimal("0." + "0" * 40 + "1"),
            ]
        ),
        st.floats(),
        st.text(max_size=30),
        st.sampled_from(
            [
                "\ud800",
                "a\x00",
                "٣",
                "５",
                "2020-W01-1",
                "20200101",
                "2020-001",
                "２０２０-01-01",
                "2020-02-30",
                "x" * 2000,
                "\u202eautism",
            ]
        ),
        st.dates(),
        st.datetimes(),
        st.recursive(
            st.integers() | st.text(max_size=5), lambda x: st.lists(x, max_size=3), max_leaves=8
        ),
        st.sampled_from([_nested(10_000), [_nested(5_000)]]),
        st.builds(_Evil),
        st.builds(_EvilStr, st.sampled_from(["autism", "kontaktperson", "alder"])),
        st.just(object()),
        st.just(b"bytes"),
        st.just({"a": 1}),
    )


VALID = valid_values()
HOSTILE = hostile_values()


@st.composite
def hostile_cases(draw: st.DrawFn) -> tuple[str, str, dict[Any, Any], date]:
    question, jurisdiction = draw(st.sampled_from(TARGETS))
    facts: dict[Any, Any] = {}
    for _ in range(draw(st.integers(0, 6))):
        name = draw(st.sampled_from(FACT_NAMES) | st.text(max_size=12))
        facts[name] = draw(VALID if draw(st.booleans()) else HOSTILE)
    on = draw(st.dates(date(1990, 1, 1), date(2040, 1, 1)))
    return question, jurisdiction, facts, on


@settings(max_examples=examples(300))
@given(hostile_cases())
def test_hostile_facts_for_every_question_give_typed_errors(
    budget: Budget, case: tuple[str, str, dict[Any, Any], date]
) -> None:
    question, jurisdiction, facts, on = case
    try:
        with budget.check("evaluate", EVAL_SECONDS, EVAL_MB):
            d = ENGINE.evaluate(question, facts, on=on, jurisdiction=jurisdiction)
            d.to_dict()
            d.explain("sv")
    except LssSolRulesError as exc:
        str(exc)  # the message itself never fails
    # Anything else propagates and fails the test with the drawn case.


def test_the_budget_notices_a_quadratic_path(budget: Budget) -> None:
    """The budget is real: an allocation beyond it fails the check."""

    def allocate() -> None:
        with budget.check("probe", 10, 1):
            blob = bytearray(5_000_000)
            del blob

    with pytest.raises(AssertionError, match="peaked"):
        allocate()
