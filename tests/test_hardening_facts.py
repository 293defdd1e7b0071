"""Hostile facts and arguments through the Python API (issue #13): a typed error of the
library every time — never the raw exception, never while building the error message —
and a bounded cost."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import lss_sol_rules as lsr
from lss_sol_rules.errors import ArgumentError, FactError, LssSolRulesError, QuestionError
from lss_sol_rules.values import from_json, number_problem, parse_date, safe_repr, to_decimal

ON = date(2026, 1, 1)
Q = "personlig_assistans.huvudman"
H = "grundlaggande_behov_timmar_per_vecka"


@pytest.fixture(scope="module")
def engine() -> lsr.Engine:
    return lsr.load(plugins=False)


@contextmanager
def budget(seconds: float, megabytes: float) -> Iterator[None]:
    tracemalloc.start()
    start = time.perf_counter()
    try:
        yield
    finally:
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    assert elapsed < seconds, f"took {elapsed:.1f} s (budget {seconds} s)"
    assert peak < megabytes, f"peak {peak:.0f} MB (budget {megabytes} MB)"


def fact_error(engine: lsr.Engine, facts: Any, question: str = Q) -> FactError:
    with budget(2, 50), pytest.raises(FactError) as info:
        engine.evaluate(question, facts, on=ON)
    err = info.value
    assert len(str(err)) < 400  # the message never carries the hostile value whole
    return err


# -- numbers -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("alder", 10**4301),
        ("alder", -(10**5000)),
        ("alder", Decimal("1e999999")),
        ("alder", Decimal("-1e999999999")),
        ("alder", 1e300),
        (H, Decimal("1e-99999999")),
        (H, Decimal("1e999999")),
        (H, Decimal("0." + "0" * 30 + "1")),
        (H, Decimal("1" * 5000)),
        (H, 10**4301),
        (H, Decimal("NaN")),
        (H, Decimal("sNaN")),
        (H, Decimal("-Infinity")),
        (H, float("inf")),
    ],
    ids=lambda v: safe_repr(v, 20),
)
def test_numbers_are_bounded(engine: lsr.Engine, name: str, value: object) -> None:
    err = fact_error(engine, {name: value})
    assert err.fact == name


def test_a_number_with_trailing_zeros_is_exact_and_fine(engine: lsr.Engine) -> None:
    d = engine.evaluate(Q, {H: Decimal("25." + "0" * 40), "alder": 40}, on=ON)
    assert d.status in ("decided", "undetermined")


def test_floats_read_as_their_shortest_decimal(engine: lsr.Engine) -> None:
    clean = engine.check_facts({H: 20.01}, on=ON)
    assert clean[H] == Decimal("20.01")


# -- structure and hostile objects ------------------------------------------------------------
def nested(depth: int) -> list[Any]:
    out: list[Any] = []
    for _ in range(depth):
        out = [out]
    return out


class Boom(Exception):
    pass


class EvilRepr:
    def __repr__(self) -> str:
        raise Boom("repr")


class EvilEq(str):
    def __eq__(self, other: object) -> bool:
        raise Boom("eq")

    def __hash__(self) -> int:
        raise Boom("hash")


class EvilHash:
    def __hash__(self) -> int:
        raise Boom("hash")

    def __eq__(self, other: object) -> bool:
        raise Boom("eq")

    def __repr__(self) -> str:
        raise Boom("repr")


class EvilInt(int):
    def __repr__(self) -> str:
        raise Boom("repr")

    def __str__(self) -> str:
        raise Boom("str")

    def __eq__(self, other: object) -> bool:
        raise Boom("eq")

    def __hash__(self) -> int:
        raise Boom("hash")

    def __lt__(self, other: object) -> bool:
        raise Boom("lt")

    def __gt__(self, other: object) -> bool:
        raise Boom("gt")


class EvilDecimal(Decimal):
    def __repr__(self) -> str:
        raise Boom("repr")

    def as_tuple(self) -> Any:
        raise Boom("as_tuple")


class EvilDate(date):
    @property
    def year(self) -> int:  # type: ignore[override]
        raise Boom("year")

    def __repr__(self) -> str:
        raise Boom("repr")


class EvilMapping(dict):  # type: ignore[type-arg]
    def items(self) -> Any:
        raise Boom("items")


class Pairs(Mapping[Any, Any]):
    """A mapping over raw pairs: keys are never hashed when it is built."""

    def __init__(self, *pairs: tuple[Any, Any]) -> None:
        self.pairs = pairs

    def __getitem__(self, key: Any) -> Any:
        for k, v in self.pairs:
            if k is key:
                return v
        raise KeyError("not found")

    def __iter__(self) -> Iterator[Any]:
        return iter([k for k, _ in self.pairs])

    def __len__(self) -> int:
        return len(self.pairs)


def evil_class() -> object:
    """An object whose ``__class__`` raises (made in a function: pytest inspects classes)."""

    class EvilClass:
        @property
        def __class__(self) -> type:  # type: ignore[override]
            raise Boom("__class__")

    return EvilClass()


@pytest.mark.parametrize(
    "facts",
    [
        lambda: {"diagnoser": nested(10_000)},
        lambda: {"diagnoser": [nested(10_000)]},
        lambda: {"insats": nested(10_000)},
        lambda: {"alder": EvilRepr()},
        lambda: {"diagnoser": [EvilRepr()]},
        lambda: {"diagnoser": [EvilHash()]},
        lambda: Pairs((EvilHash(), 5)),
        lambda: {5: 5},
        lambda: {"alder": evil_class()},
        lambda: {"x" * 1_000_000: 1},
        lambda: {"insats": "\ud800"},
        lambda: {"insats": "kontakt\x00person"},
        lambda: EvilMapping(alder=5),
        lambda: [("alder", 5)],
        lambda: None,
    ],
    ids=[
        "deep list",
        "deep list item",
        "deep list for text",
        "repr raises",
        "repr raises in a list",
        "hash raises in a list",
        "hash raises in a name",
        "int name",
        "__class__ raises",
        "megabyte name",
        "lone surrogate",
        "NUL",
        "items raises",
        "a list of pairs",
        "None",
    ],
)
def test_hostile_facts_give_a_fact_error(engine: lsr.Engine, facts: Any) -> None:
    fact_error(engine, facts())


def test_subclasses_of_plain_types_are_read_as_the_plain_value(engine: lsr.Engine) -> None:
    class MyStr(str):
        pass

    class MyInt(int):
        pass

    clean = engine.check_facts({"insats": MyStr("kontaktperson"), "alder": MyInt(40)}, on=ON)
    assert type(clean["insats"]) is str
    assert type(clean["alder"]) is int
    # Their own __eq__/__hash__ never run: a subclass that raises in them is read as its text.
    clean = engine.check_facts(
        {"insats": EvilEq("kontaktperson"), "diagnoser": [EvilEq("autism")]}, on=ON
    )
    assert clean["insats"] == "kontaktperson"
    assert clean["diagnoser"] == ("autism",)
    d = engine.evaluate("lss.personkrets", {"diagnoser": [EvilEq("autism")]}, on=ON)
    assert d.status in ("decided", "undetermined")
    clean = engine.check_facts(
        Pairs(
            (EvilEq("alder"), EvilInt(40)),
            (H, EvilDecimal("25")),
            ("fodelsedatum", EvilDate(1986, 1, 1)),
        ),
        on=ON,
    )
    assert clean == {"alder": 40, H: Decimal(25), "fodelsedatum": date(1986, 1, 1)}
    assert [type(v) for v in clean.values()] == [int, Decimal, date]
    d = engine.evaluate(EvilEq("lss.personkrets"), {}, on=ON)
    assert type(d.question) is str


# -- arguments -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs",
    [
        {"question": 5},
        {"question": None},
        {"question": b"lss.personkrets"},
        {"question": EvilRepr()},
        {"jurisdiction": None},
        {"jurisdiction": 5},
        {"jurisdiction": EvilHash()},
        {"on": "2026-01-01"},
        {"on": EvilRepr()},
    ],
    ids=lambda k: next(iter(k)) + "=" + type(next(iter(k.values()))).__name__,
)
def test_bad_arguments_give_typed_errors(engine: lsr.Engine, kwargs: dict[str, Any]) -> None:
    args: dict[str, Any] = {"question": "lss.personkrets", "on": ON, "jurisdiction": "se"}
    args.update(kwargs)
    with pytest.raises(LssSolRulesError) as info:
        engine.evaluate(args["question"], {}, on=args["on"], jurisdiction=args["jurisdiction"])
    assert isinstance(info.value, (ArgumentError, QuestionError))
    if isinstance(info.value, ArgumentError):
        assert isinstance(info.value, TypeError)  # `except TypeError` keeps working


@pytest.mark.parametrize("call", ["check_facts", "parameters", "question", "view_for"])
def test_other_entry_points_check_their_arguments(engine: lsr.Engine, call: str) -> None:
    calls: dict[str, Callable[[], object]] = {
        "check_facts": lambda: engine.check_facts({}, on=ON, jurisdiction=None),  # type: ignore[arg-type]
        "parameters": lambda: engine.parameters(jurisdiction=5),  # type: ignore[arg-type]
        "question": lambda: engine.question(5),  # type: ignore[arg-type]
        "view_for": lambda: engine.view_for(None, "se"),  # type: ignore[arg-type]
    }
    with pytest.raises(ArgumentError):
        calls[call]()


def test_a_str_subclass_question_is_answered_as_its_text(engine: lsr.Engine) -> None:
    class Name(str):
        pass

    assert engine.evaluate(Name("lss.personkrets"), {}, on=ON).question == "lss.personkrets"


# -- dates -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "2020-W01-1",
        "2020W011",
        "2020-001",
        "20200101",
        "2020-1-1",
        " 2020-01-01",
        "2020-01-01T00:00",
        "２０２０-01-01",
        "٢٠٢٠-01-01",
        "+2020-01-01",
        "2020-02-30",
    ],
)
def test_only_yyyy_mm_dd_is_a_date(engine: lsr.Engine, text: str) -> None:
    err = fact_error(engine, {"fodelsedatum": text})
    assert "YYYY-MM-DD" in str(err) or "not a real date" in str(err)
    with pytest.raises(ValueError, match="date"):
        parse_date(text)


def test_a_plain_iso_date_is_read(engine: lsr.Engine) -> None:
    assert engine.check_facts({"fodelsedatum": "1990-05-17"}, on=ON)["fodelsedatum"] == date(
        1990, 5, 17
    )


# -- text that says it is a number -------------------------------------------------------------
@pytest.mark.parametrize(
    "text", ["٣", "５", "1٣", "1_000", " 1", "0x10", "nan", "Infinity", "1" * 101]
)
def test_text_numbers_are_ascii_decimals(text: str) -> None:
    with pytest.raises(ValueError, match="number"):
        to_decimal(text)
    with pytest.raises(ValueError, match="number"):
        from_json(text, "number")


def test_text_numbers_with_huge_exponents_are_read_then_bounded(engine: lsr.Engine) -> None:
    assert number_problem(to_decimal("1e999999999")) is not None
    assert number_problem(to_decimal("1e-999999999")) is not None
    fact_error(engine, {H: to_decimal("1e-999999999")})


@pytest.mark.parametrize("cell", ["٣", "５", "1e-999999999", "1e999999999", "1_0"])
@pytest.mark.parametrize("column", ["alder", H])
def test_csv_cells_are_ascii_decimals_in_range(
    engine: lsr.Engine, tmp_path: Path, cell: str, column: str
) -> None:
    from lss_sol_rules.batch import read_csv

    path = tmp_path / "cases.csv"
    path.write_text(f"{column}\n{cell}\n", encoding="utf-8")

    def read_and_evaluate() -> None:
        cases = read_csv(engine, path, errors="raise")
        engine.evaluate(Q, cases.records[0], on=ON)

    with budget(2, 50), pytest.raises(FactError):
        read_and_evaluate()


# -- safe_repr --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value",
    [
        lambda: nested(10_000),
        EvilRepr,
        EvilHash,
        lambda: EvilInt(3),
        lambda: 10**5000,
        lambda: Decimal("1e-999999999"),
        lambda: "x" * 10**6,
        evil_class,
    ],
    ids=["deep", "repr", "hash", "int", "bigint", "tiny", "long", "class"],
)
def test_safe_repr_never_raises_and_stays_short(value: Any) -> None:
    text = safe_repr(value())
    assert isinstance(text, str)
    assert len(text) <= 60


def test_the_columnar_path_refuses_what_the_single_case_path_refuses(tmp_path: Path) -> None:
    """Free-text facts with control characters and numbers beyond 10^15, in an Arrow table:
    the batch answers each row exactly as ``evaluate`` does."""
    pa = pytest.importorskip("pyarrow")
    path = tmp_path / "free.toml"
    path.write_text(
        '[facts.t_name]\ntype = "text"\nlabel = { sv = "n", en = "n" }\n'
        '[facts.t_amount]\ntype = "number"\nlabel = { sv = "a", en = "a" }\n'
        '[questions."t.q"]\ntype = "bool"\nlabel = { sv = "q", en = "q" }\n'
        '[[rules]]\nid = "t.r"\nquestion = "t.q"\nwhen = "t_name == \'x\' and t_amount > 1"\n'
        'value = true\ncitations = ["x"]\nexplain = { sv = "s", en = "e" }\n'
        '[[rules]]\nid = "t.d"\nquestion = "t.q"\ndefault = true\nvalue = false\n'
        'citations = ["x"]\nexplain = { sv = "s", en = "e" }\n',
        encoding="utf-8",
    )
    engine = lsr.load(paths=[path], plugins=False)
    names = ["x", "a\x00b", "x\u202e", "tab\tok", None, "x"]
    amounts = [2.0, 2.0, 2.0, 2.0, 2.0, 1e300]
    table = pa.table({"t_name": names, "t_amount": amounts})
    result = engine.evaluate_many("t.q", table, on=ON, method="columnar")
    for i, (name, amount) in enumerate(zip(names, amounts, strict=True)):
        facts = {"t_name": name, "t_amount": amount}
        try:
            d = engine.evaluate("t.q", facts, on=ON)
        except FactError:
            assert result.statuses[i] == "error", i
        else:
            assert (result.statuses[i], result.values[i]) == (d.status, d.value), i
