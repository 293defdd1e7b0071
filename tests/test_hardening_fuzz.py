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
from contextlib import contextmanager, suppress
from datetime import date, datetime
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
MUTATIONS = int(os.environ.get("LSR_DEEP_EXAMPLES", "100000")) if DEEP else 300


def examples(ci: int) -> int:
    """Examples of the Hypothesis-driven fuzzers: *ci* in every profile (the deep profile
    runs the seeded ``*_deep`` loops instead, without Hypothesis' overhead per example)."""
    return ci


ON = date(2026, 1, 1)

# -- the resource budget ------------------------------------------------------------------------
LOAD_SECONDS, LOAD_MB = 10.0, 150.0
EVAL_SECONDS, EVAL_MB = 3.0, 30.0


class Budget:
    """Time and peak traced memory of each measured call; generous bounds, so that a
    shared CI machine never trips them while a quadratic or unbounded path does.

    Time is measured on every call; memory (tracemalloc, which doubles the cost of what
    it watches) on every call in CI and on every tenth in the deep profile.
    """

    def __init__(self) -> None:
        self.worst: dict[str, tuple[float, float]] = {}
        self.calls = 0

    @contextmanager
    def check(self, what: str, seconds: float, megabytes: float) -> Iterator[None]:
        self.calls += 1
        trace = (not DEEP or self.calls % 10 == 0) and not tracemalloc.is_tracing()
        if trace:
            tracemalloc.start()
        start = time.perf_counter()
        try:
            yield
        finally:
            elapsed = time.perf_counter() - start
            peak = tracemalloc.get_traced_memory()[1] / 1e6 if trace else 0.0
            if trace:
                tracemalloc.stop()
            old = self.worst.get(what, (0.0, 0.0))
            self.worst[what] = (max(old[0], elapsed), max(old[1], peak))
        assert elapsed < seconds, f"{what} took {elapsed:.2f} s (budget {seconds} s)"
        assert peak < megabytes, f"{what} peaked at {peak:.1f} MB (budget {megabytes} MB)"


@pytest.fixture(scope="module")
def budget() -> Iterator[Budget]:
    b = Budget()
    yield b
    if DEEP:  # the record for docs/testing.md (run with -s)
        print(f"\nbudget: {b.calls} measured calls; worst (seconds, MB): {b.worst}")


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


FUNCTION_NAMES = FUNCTIONS
LITERALS = ["true", "false", "2024-01-01", "2024-02-30", "[]", "['x', 'y']"]


def expression(rnd: random.Random, budget: int = 12) -> str:
    """A random expression of the rule language's grammar, hostile leaves included."""
    if budget <= 1 or rnd.random() < 0.3:
        pool = rnd.choice([EXPR_NAMES, EXPR_NUMBERS, EXPR_STRINGS, LITERALS])
        return rnd.choice(pool)
    how = rnd.randrange(9)
    sub = budget // 2
    if how == 0:
        op = rnd.choice(["+", "-", "*", "/"])
        return f"{expression(rnd, sub)} {op} {expression(rnd, sub)}"
    if how == 1:
        op = rnd.choice(["<", "<=", ">", ">=", "==", "!=", "in", "not in"])
        return f"{expression(rnd, sub)} {op} {expression(rnd, sub)}"
    if how == 2:
        op = rnd.choice(["and", "or"])
        return f"{expression(rnd, sub)} {op} {expression(rnd, sub)}"
    if how == 3:
        return (
            rnd.choice(["not ", "-", "(", "["])
            + expression(rnd, budget - 1)
            + rnd.choice(["", ")", "]"])
        )
    if how == 4:
        args = ", ".join(expression(rnd, sub) for _ in range(rnd.randint(0, 3)))
        return f"{rnd.choice(FUNCTION_NAMES)}({args})"
    if how == 5:
        return "[" + ", ".join(expression(rnd, sub) for _ in range(rnd.randint(0, 3))) + "]"
    if how == 6:  # long chains: depth and length limits
        leaf = expression(rnd, 1)
        return f" {rnd.choice(['+', '*', 'and', 'or'])} ".join([leaf] * rnd.randint(2, 600))
    if how == 7:  # nesting
        n = rnd.randint(1, 80)
        return "(" * n + expression(rnd, 1) + ")" * n
    return f"{expression(rnd, sub)} {expression(rnd, sub)}"  # junk juxtaposition


def text(rnd: random.Random) -> str:
    r = rnd.random()
    if r < 0.6:
        return rnd.choice(["Ja", "Nej", "Åsa Örjan", "مرحبا", "x", "{value}", "{f_int}", "Svar"])
    if r < 0.85:
        return rnd.choice(["{nope}", "{value.__class__}", "{0}", "", " ", "{", "}"])
    return rnd.choice(["a\u202eb", "a\x00b", "a\x1bb", "a\x85b", "\u2066x", "\ud800"])


def rule_file(rnd: random.Random) -> str:
    """A random rule file: facts, parameters, questions, rules and constraints of the
    format's grammar, with hostile numbers, texts, ids and expressions mixed in."""
    out = ['[rulebook]\nid = "fuzz"\n']
    for name in rnd.sample(sorted(FACTS), rnd.randint(0, len(FACTS))):
        out.append(f'[facts.{name}]\n{FACTS[name]}\nlabel = {{ sv = "f", en = "f" }}\n')
    for pname, ptype in (("p_num", "number"), ("p_int", "int")):
        if rnd.random() < 0.5:
            value = rnd.choice(GOOD_NUMBERS if rnd.random() < 0.6 else NUMBERS)
            out.append(
                f'[parameters.{pname}]\ntype = "{ptype}"\nlabel = {{ sv = "p", en = "p" }}\n'
                f"[[parameters.{pname}.values]]\nvalue = {value}\nvalid_from = 2020-01-01\n"
                f'citations = ["x"]\n'
            )
    questions = rnd.sample(sorted(QUESTIONS), rnd.randint(0, len(QUESTIONS)))
    for q in questions:
        label = escaped(text(rnd))
        out.append(f'[questions."{q}"]\n{QUESTIONS[q]}\nlabel = {{ sv = {label}, en = "q" }}\n')
    ids: list[str] = []
    for i in range(rnd.randint(0, 8)):
        rid = f"fuzz.r{i}" if rnd.random() < 0.85 else rnd.choice(["fuzz.r0", "Fuzz R", "r\u202e"])
        ids.append(rid)
        q = rnd.choice([*questions, "q.unknown"]) if questions and rnd.random() < 0.95 else "q.x"
        lines = [f"[[rules]]\nid = {escaped(rid)}\nquestion = {escaped(q)}"]
        if rnd.random() < 0.3:
            lines.append("default = true")
        else:
            lines.append(f"when = {escaped(expression(rnd))}")
        if rnd.random() < 0.3:
            lines.append(f"compute = {escaped(expression(rnd))}")
        else:
            values = ["true", '"x"', "1", "false", '"y"', '["x"]', "2024-01-01", '"٣"']
            lines.append("value = " + rnd.choice(values if rnd.random() < 0.8 else NUMBERS))
        if ids and rnd.random() < 0.3:
            lines.append(f"overrides = [{escaped(rnd.choice(ids))}]")
        if rnd.random() < 0.3:
            lines.append(f"valid_from = {rnd.choice(['2020-01-01', '2027-01-01'])}")
        lines.append('citations = ["LSS 1 §"]')
        lines.append(f'explain = {{ sv = {escaped(text(rnd))}, en = "e" }}')
        out.append("\n".join(lines) + "\n")
    for i in range(rnd.randint(0, 2)):
        out.append(
            f'[[constraints]]\nid = "fuzz.c{i}"\ncheck = {escaped(expression(rnd))}\n'
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


def check_generated_file(rnd: random.Random, budget: Budget, facts: list[dict[str, Any]]) -> None:
    book = load_alone(rule_file(rnd), budget)
    if book is not None:
        evaluate_everything(book, facts, budget)


@settings(max_examples=examples(400))
@given(st.randoms(use_true_random=False))
def test_grammar_generated_rule_files_load_or_fail_cleanly(
    budget: Budget, rnd: random.Random
) -> None:
    check_generated_file(rnd, budget, FUZZ_FACTS)


@pytest.mark.skipif(not DEEP, reason="deep profile only: HYPOTHESIS_PROFILE=deep")
def test_grammar_generated_rule_files_deep(budget: Budget) -> None:
    """The deep run: LSR_DEEP_EXAMPLES seeded files, without Hypothesis' overhead."""
    for n in range(MUTATIONS):
        rnd = random.Random(7_000_000 + n)  # noqa: S311 - reproducible fuzzing
        try:
            check_generated_file(rnd, budget, FUZZ_FACTS[:2])
        except Exception as exc:
            pytest.fail(f"seed {7_000_000 + n}: {type(exc).__name__}: {exc}")


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


ENUM_VALUES = sorted({v for f in ENGINE.rulebook.facts.values() for v in (f.values or ())})
DEEP_LIST = _nested(10_000)
HOSTILE_CONSTANTS: list[Any] = [
    10**4301,
    -(10**5000),
    2**64,
    -(2**63),
    10**15,
    -(10**15) + 1,
    Decimal("1e999999"),
    Decimal("1e-99999999"),
    Decimal("sNaN"),
    Decimal("NaN"),
    Decimal("-Infinity"),
    Decimal("-0"),
    Decimal("1" * 5000),
    Decimal("0." + "0" * 40 + "1"),
    float("nan"),
    float("inf"),
    -0.0,
    1e300,
    1e-300,
    5e-324,
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
    "",
    " ",
    "autism ",
    "AUTISM",
    date.min,
    date.max,
    datetime(2020, 1, 1),
    datetime(2020, 1, 1, 12),
    DEEP_LIST,
    [DEEP_LIST],
    [[["autism"]]],
    {"a": 1},
    b"bytes",
    object(),
    None,
    True,
    ...,
]


def valid_value(rnd: random.Random) -> Any:
    """A value a declared fact could take: enum values, small numbers, real dates, bools."""
    how = rnd.randrange(6)
    if how == 0:
        return rnd.choice(ENUM_VALUES)
    if how == 1:
        return rnd.sample(ENUM_VALUES, rnd.randint(0, 3))
    if how == 2:
        return rnd.randint(0, 200)
    if how == 3:
        return Decimal(rnd.randint(0, 20000)) / 100
    if how == 4:
        return rnd.random() < 0.5
    return date.fromordinal(rnd.randint(date(1900, 1, 1).toordinal(), date(2030, 1, 1).toordinal()))


def value_for(rnd: random.Random, name: Any) -> Any:
    """A valid value of the declared fact *name* (any valid value if it is not one)."""
    decl = ENGINE.rulebook.facts.get(name) if type(name) is str else None
    if decl is None:
        return valid_value(rnd)
    kind = decl.of if decl.type == "list" else decl.type
    if decl.type == "list" and decl.values:
        return rnd.sample(list(decl.values), rnd.randint(0, min(3, len(decl.values))))
    if kind == "bool":
        return rnd.random() < 0.5
    if kind in ("int", "number"):
        lo = int(decl.min) if decl.min is not None else 0
        hi = int(decl.max) if decl.max is not None else 1000
        v = rnd.randint(lo, hi)
        return v if kind == "int" or rnd.random() < 0.5 else Decimal(v) - Decimal("0.5") * (v > lo)
    if kind == "date":
        return date.fromordinal(
            rnd.randint(date(1930, 1, 1).toordinal(), date(2025, 6, 1).toordinal())
        )
    if decl.values:
        return rnd.choice(decl.values)
    return "x"


def hostile_value(rnd: random.Random) -> Any:
    how = rnd.randrange(8)
    if how == 0:
        return rnd.choice(HOSTILE_CONSTANTS)
    if how == 1:
        return rnd.randint(-(2**80), 2**80)
    if how == 2:
        return Decimal(
            (
                rnd.randint(0, 1),
                tuple(rnd.randint(0, 9) for _ in range(rnd.randint(1, 40))),
                rnd.randint(-60, 60),
            )
        )
    if how == 3:
        return rnd.uniform(-1e20, 1e20) * rnd.choice([1, 1e-30, 1e30])
    if how == 4:
        return "".join(chr(rnd.randint(0, 0x2FFF)) for _ in range(rnd.randint(0, 12)))
    if how == 5:
        return _Evil() if rnd.random() < 0.5 else _EvilStr(rnd.choice(ENUM_VALUES))
    if how == 6:
        return [hostile_value(rnd) if rnd.random() < 0.5 else valid_value(rnd) for _ in range(3)]
    return rnd.choice([set(ENUM_VALUES[:3]), frozenset(), (1, 2), range(3), iter([1])])


def hostile_case(rnd: random.Random) -> tuple[str, str, dict[Any, Any], date]:
    question, jurisdiction = rnd.choice(TARGETS)
    facts: dict[Any, Any] = {}
    hostility = rnd.choice([0.0, 0.2, 0.5, 0.9])  # a third of the cases only valid values
    for _ in range(rnd.randint(0, 6)):
        name = rnd.choice(FACT_NAMES) if rnd.random() >= hostility / 4 else hostile_value(rnd)
        value = hostile_value(rnd) if rnd.random() < hostility else value_for(rnd, name)
        try:
            facts[name] = value
        except Exception:  # noqa: S112 - an unhashable or hostile name: leave it out
            continue
    on = date.fromordinal(rnd.randint(date(2020, 1, 1).toordinal(), date(2040, 1, 1).toordinal()))
    return question, jurisdiction, facts, on


def _warm_up() -> None:
    """Run a few hundred cases outside the budget first: lazy imports and one-time tables
    (the Swedish holiday calendar behind deadline questions) are not per-evaluation costs."""
    for n in range(300):
        question, jurisdiction, facts, on = hostile_case(random.Random(n))  # noqa: S311
        with suppress(LssSolRulesError):
            ENGINE.evaluate(question, facts, on=on, jurisdiction=jurisdiction).explain("sv")


_warm_up()


def check_hostile_case(rnd: random.Random, budget: Budget) -> None:
    question, jurisdiction, facts, on = hostile_case(rnd)
    try:
        with budget.check("evaluate", EVAL_SECONDS, EVAL_MB):
            d = ENGINE.evaluate(question, facts, on=on, jurisdiction=jurisdiction)
            d.to_dict()
            d.explain("sv")
    except LssSolRulesError as exc:
        str(exc)  # the message itself never fails
    # Anything else propagates and fails the test with the drawn case.


@settings(max_examples=examples(1500))
@given(st.randoms(use_true_random=False))
def test_hostile_facts_for_every_question_give_typed_errors(
    budget: Budget, rnd: random.Random
) -> None:
    check_hostile_case(rnd, budget)


@pytest.mark.skipif(not DEEP, reason="deep profile only: HYPOTHESIS_PROFILE=deep")
def test_hostile_facts_deep(budget: Budget) -> None:
    """The deep run: LSR_DEEP_EXAMPLES seeded cases, without Hypothesis' overhead."""
    for n in range(MUTATIONS):
        try:
            check_hostile_case(random.Random(9_000_000 + n), budget)  # noqa: S311
        except Exception as exc:
            pytest.fail(f"seed {9_000_000 + n}: {type(exc).__name__}: {exc}")


def test_the_budget_notices_a_quadratic_path(budget: Budget) -> None:
    """The budget is real: an allocation beyond it fails the check."""

    def allocate() -> None:
        with budget.check("probe", 10, 1):
            blob = bytearray(5_000_000)
            del blob

    with pytest.raises(AssertionError, match="peaked"):
        allocate()
