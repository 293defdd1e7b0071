"""Hostile and careless rule files (issue #13): every one ends in a typed error of the
library naming file, line and rule where there is one — never a traceback, a hang, a
silent answer or an unbounded cost."""

from __future__ import annotations

import os
import resource
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

import lss_sol_rules as lsr
from lss_sol_rules.errors import EvaluationError, ExpressionError, RuleFileError
from lss_sol_rules.expr import parse
from lss_sol_rules.loader import read_rule_file

ON = date(2026, 1, 1)

FACT_X = """
[facts.h_x]
type = "int"
label = { sv = "x", en = "x" }
"""


def question(name: str, vtype: str = "bool") -> str:
    return f'[questions."{name}"]\ntype = "{vtype}"\nlabel = {{ sv = "q", en = "q" }}\n'


def rule(rid: str, q: str, body: str) -> str:
    return (
        f'[[rules]]\nid = "{rid}"\nquestion = "{q}"\n{body}\n'
        f'citations = ["LSS 1 §"]\nexplain = {{ sv = "s", en = "e" }}\n'
    )


def load(rule_file: Callable[..., Path], text: str) -> lsr.Engine:
    return lsr.load(paths=[rule_file(text)], plugins=False)


def load_error(rule_file: Callable[..., Path], text: str) -> RuleFileError:
    with pytest.raises(RuleFileError) as info:
        load(rule_file, text)
    err = info.value
    assert err.file.endswith(".toml")
    return err


@contextmanager
def budget(seconds: float, megabytes: float, trace: bool = True) -> Iterator[None]:
    """Fail when the block takes longer or needs more memory than allowed.

    ``trace=True`` measures the peak of Python allocations (tracemalloc, exact but about
    twice as slow); ``trace=False`` the growth of the process's peak resident size.
    """
    if trace:
        tracemalloc.start()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    try:
        yield
    finally:
        elapsed = time.perf_counter() - start
        if trace:
            peak = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
        else:
            peak = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss) / 1e3  # kB
    assert elapsed < seconds, f"took {elapsed:.1f} s (budget {seconds} s)"
    assert peak < megabytes, f"peak {peak:.0f} MB (budget {megabytes} MB)"


# -- depth ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "expr",
    [
        "+".join(["1"] * 500) + " > 1",
        "+".join(["h_x"] * 1500) + " > 1",
        "*".join(["2"] * 700) + " > 1",
        " and ".join(["(h_x > 1)"] * 3) + " and " + "not " * 600 + "true",
        "-" * 900 + "1 > 0",
        "(" * 300 + "h_x" + ")" * 300 + " > 1",
        "max(" * 200 + "1" + ", 1)" * 200 + " > 0",
    ],
    ids=["sum500", "sum1500", "product700", "not600", "minus900", "parens300", "calls200"],
)
def test_deep_expressions_are_a_rule_file_error(rule_file: Callable[..., Path], expr: str) -> None:
    text = FACT_X + question("t.q") + rule("t.r", "t.q", f'when = "{expr}"\nvalue = true')
    with budget(10, 200):
        err = load_error(rule_file, text)
    assert "levels" in str(err) or "longer than" in str(err)
    assert err.rule_id == "t.r"
    assert err.line is not None


def test_the_depth_limit_counts_the_real_tree_not_parentheses() -> None:
    with pytest.raises(ExpressionError, match="nests deeper than"):
        parse("+".join(["1"] * 500) + " > 1")
    parse("+".join(["1"] * 30) + " > 1")  # 31 levels: fine
    parse(" or ".join(["true"] * 500))  # a flat or/and is one level, however long


def test_a_long_flat_condition_still_loads(rule_file: Callable[..., Path]) -> None:
    expr = " or ".join(f"h_x == {i}" for i in range(250))
    engine = load(
        rule_file, FACT_X + question("t.q") + rule("t.r", "t.q", f'when = "{expr}"\nvalue = true')
    )
    assert engine.evaluate("t.q", {"h_x": 249}, on=ON).value is True


def chain(n: int) -> str:
    """Questions t.q0 .. t.q{n}; each reads the next; the last reads fact h_x."""
    parts = [FACT_X]
    for i in range(n + 1):
        parts.append(question(f"t.q{i}"))
    for i in range(n):
        parts.append(rule(f"t.r{i}", f"t.q{i}", f'when = "t.q{i + 1}"\nvalue = true'))
        parts.append(rule(f"t.d{i}", f"t.q{i}", "default = true\nvalue = false"))
    parts.append(rule(f"t.r{n}", f"t.q{n}", 'when = "h_x > 1"\nvalue = true'))
    parts.append(rule(f"t.d{n}", f"t.q{n}", "default = true\nvalue = false"))
    return "\n".join(parts)


@pytest.mark.parametrize("n", [250, 2000])
def test_long_question_chains_are_refused_at_load(rule_file: Callable[..., Path], n: int) -> None:
    with budget(30, 300, trace=False):
        err = load_error(rule_file, chain(n))
    assert "deep" in str(err)
    assert "t.q0 → t.q1 → t.q2" in str(err)
    assert err.rule_id is not None
    assert err.line is not None


def test_a_reasonable_question_chain_evaluates(rule_file: Callable[..., Path]) -> None:
    engine = load(rule_file, chain(12))
    assert engine.evaluate("t.q0", {"h_x": 5}, on=ON).value is True
    d = engine.evaluate("t.q0", {}, on=ON)
    assert d.status == "undetermined"
    assert d.missing == ("h_x",)
    d.to_dict()
    d.explain("sv")


def test_a_loaded_rulebook_evaluates_from_a_deep_caller_stack(
    rule_file: Callable[..., Path],
) -> None:
    """Whatever loads, evaluates: the deepest chain the limit lets through (49 questions)
    answers, explains and serialises even with 400 frames of the stack used by the host."""
    engine = load(rule_file, chain(48))
    with pytest.raises(RuleFileError, match="too deep"):
        load(rule_file, chain(49))

    def deep(n: int) -> object:
        if n:
            return deep(n - 1)
        d = engine.evaluate("t.q0", {"h_x": 5}, on=ON)
        d.explain("sv")
        return lsr.Decision.from_dict(d.to_dict())

    assert deep(400) is not None


def test_derived_facts_that_derive_from_each_other_are_a_cycle(
    rule_file: Callable[..., Path],
) -> None:
    text = (
        '[facts.t_a]\ntype = "int"\nderive = "t_b + 1"\nlabel = { sv = "a", en = "a" }\n'
        '[facts.t_b]\ntype = "int"\nderive = "t_c + 1"\nlabel = { sv = "b", en = "b" }\n'
        '[facts.t_c]\ntype = "int"\nderive = "t_a + 1"\nlabel = { sv = "c", en = "c" }\n'
        + question("t.q")
        + rule("t.r", "t.q", 'when = "t_a > 1"\nvalue = true')
        + rule("t.d", "t.q", "default = true\nvalue = false")
    )
    err = load_error(rule_file, text)
    assert "cycle" in str(err)
    assert "t_a" in str(err)
    assert "t_b" in str(err)
    assert "t_c" in str(err)
    assert err.line is not None


def test_long_derivation_chains_are_refused(rule_file: Callable[..., Path]) -> None:
    n = 1500
    facts = "".join(
        f'[facts.t_f{i}]\ntype = "int"\nderive = "t_f{i + 1} + 1"\n'
        f'label = {{ sv = "f", en = "f" }}\n'
        for i in range(n)
    )
    facts += f'[facts.t_f{n}]\ntype = "int"\nlabel = {{ sv = "f", en = "f" }}\n'
    text = facts + question("t.q") + rule("t.r", "t.q", 'when = "t_f0 > 1"\nvalue = true')
    with budget(30, 300, trace=False):
        err = load_error(rule_file, text)
    assert "deep" in str(err)


# -- numbers -------------------------------------------------------------------------------
NUMBER_QUESTION = question("t.n", "number")


@pytest.mark.parametrize(
    "value",
    [
        "1e999999999",
        "-1e999999999",
        "inf",
        "-inf",
        "nan",
        "+nan",
        "1e-999999999",
        "0.000000000000000000001",
        "1e15",
        "123456789012345678901",
        "[1.0, nan]",
    ],
)
def test_rule_values_out_of_range_are_rejected(rule_file: Callable[..., Path], value: str) -> None:
    vtype = "list" if value.startswith("[") else "number"
    q = question("t.n", vtype) + (
        'of = "number"\nhit_policy = "unique"\n' if vtype == "list" else ""
    )
    with budget(5, 100):
        err = load_error(rule_file, q + rule("t.r", "t.n", f"value = {value}"))
    assert err.rule_id == "t.r"
    assert err.line is not None
    assert "out of range" in str(err) or "finite" in str(err) or "decimal places" in str(err)


@pytest.mark.parametrize("value", ["1e999999999", "1e-999999999", "nan", "inf", "1e-21"])
@pytest.mark.parametrize("where", ["parameter", "min", "question value"])
def test_numbers_everywhere_in_a_file_are_bounded(
    rule_file: Callable[..., Path], value: str, where: str
) -> None:
    if where == "parameter":
        text = (
            '[parameters.t_p]\ntype = "number"\nlabel = { sv = "p", en = "p" }\n'
            f"[[parameters.t_p.values]]\nvalue = {value}\nvalid_from = 2020-01-01\n"
            'citations = ["x"]\n'
        )
    elif where == "min":
        text = f'[facts.t_f]\ntype = "number"\nmin = {value}\nlabel = {{ sv = "f", en = "f" }}\n'
    else:
        text = f'[questions."t.n"]\ntype = "number"\nvalues = [1, {value}]\nlabel = {{ sv = "q", en = "q" }}\n'
    with budget(5, 100):
        err = load_error(rule_file, text)
    assert err.line is not None
    assert "out of range" in str(err) or "finite" in str(err) or "decimal places" in str(err)


def test_a_number_with_a_few_decimals_is_fine(rule_file: Callable[..., Path]) -> None:
    engine = load(rule_file, NUMBER_QUESTION + rule("t.r", "t.n", "value = 20.25"))
    d = engine.evaluate("t.n", {}, on=ON)
    assert str(d.value) == "20.25"
    d.to_dict()


def squares(n: int, vtype: str) -> str:
    text = f'[facts.t_x]\ntype = "{vtype}"\nlabel = {{ sv = "x", en = "x" }}\n'
    text += question("t.s0", vtype) + rule("t.c0", "t.s0", 'compute = "t_x * t_x"')
    for i in range(1, n):
        text += question(f"t.s{i}", vtype)
        text += rule(f"t.c{i}", f"t.s{i}", f'compute = "t.s{i - 1} * t.s{i - 1}"')
    return text


@pytest.mark.parametrize("vtype", ["int", "number"])
def test_questions_that_square_each_other_give_an_evaluation_error(
    rule_file: Callable[..., Path], vtype: str
) -> None:
    engine = load(rule_file, squares(20, vtype))
    with budget(5, 100), pytest.raises(EvaluationError, match="too large"):
        engine.evaluate("t.s19", {"t_x": 99_999}, on=ON)
    assert engine.evaluate("t.s1", {"t_x": 3}, on=ON).value == 81


def test_division_gives_a_bounded_exact_result(rule_file: Callable[..., Path]) -> None:
    text = (
        '[facts.t_x]\ntype = "number"\nlabel = { sv = "x", en = "x" }\n'
        + NUMBER_QUESTION
        + rule("t.r", "t.n", 'compute = "1 / t_x"')
    )
    engine = load(rule_file, text)
    d = engine.evaluate("t.n", {"t_x": 3}, on=ON)
    assert len(str(d.value)) < 40
    with pytest.raises(EvaluationError, match="division by zero"):
        engine.evaluate("t.n", {"t_x": 0}, on=ON)


def test_arithmetic_does_not_depend_on_the_hosts_decimal_context(
    rule_file: Callable[..., Path],
) -> None:
    import decimal

    text = (
        '[facts.t_x]\ntype = "number"\nlabel = { sv = "x", en = "x" }\n'
        + NUMBER_QUESTION
        + rule("t.r", "t.n", 'compute = "t_x / 3 + t_x * 1.5"')
    )
    engine = load(rule_file, text)
    want = engine.evaluate("t.n", {"t_x": 2}, on=ON).value
    with decimal.localcontext() as ctx:
        ctx.prec = 3
        ctx.traps[decimal.Inexact] = True
        assert engine.evaluate("t.n", {"t_x": 2}, on=ON).value == want


# -- constraints -----------------------------------------------------------------------------
def test_given_in_a_constraint_is_a_load_error(rule_file: Callable[..., Path]) -> None:
    text = (
        FACT_X
        + '[[constraints]]\nid = "t.c"\ncheck = "given(h_x)"\n'
        + 'message = { sv = "s", en = "e" }\n'
    )
    err = load_error(rule_file, text)
    assert "given()" in str(err)
    assert err.rule_id == "t.c"
    assert err.line is not None


def test_a_constraint_false_without_all_its_facts_is_a_fact_error(
    rule_file: Callable[..., Path],
) -> None:
    text = (
        FACT_X
        + '[facts.h_y]\ntype = "int"\nlabel = { sv = "y", en = "y" }\n'
        + '[[constraints]]\nid = "t.c"\ncheck = "h_x > 1 or (h_x > 0 and h_y > 1)"\n'
        + 'message = { sv = "s", en = "e" }\n'
        + question("t.q")
        + rule("t.r", "t.q", "default = true\nvalue = true")
    )
    engine = load(rule_file, text)
    with pytest.raises(lsr.FactError):
        engine.evaluate("t.q", {"h_x": 0}, on=ON)
    assert engine.evaluate("t.q", {}, on=ON).value is True
    assert engine.evaluate("lss.personkrets", {}, on=ON).status == "undetermined"


# -- cost ------------------------------------------------------------------------------------
def dotted_facts(n: int) -> str:
    return "".join(
        f'facts.t_f{i}.type = "int"\nfacts.t_f{i}.label = {{ sv = "f", en = "f" }}\n'
        for i in range(n)
    )


def test_dotted_keys_load_in_linear_time(tmp_path: Path) -> None:
    def seconds(n: int) -> float:
        path = tmp_path / f"dotted{n}.toml"
        path.write_text(dotted_facts(n), encoding="utf-8")
        best = float("inf")
        for _ in range(3):  # the fastest of three: a shared CI machine adds noise
            start = time.perf_counter()
            read_rule_file(path)
            best = min(best, time.perf_counter() - start)
        return best

    seconds(200)  # warm up
    small, large = seconds(1000), seconds(6000)
    assert large < 5
    assert large / small < 20  # linear: 6; quadratic: 36


def test_facts_in_a_facts_table_get_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "f.toml"
    path.write_text(
        '[facts]\nt_a.type = "int"\nt_a.label = { sv = "a", en = "a" }\n'
        't_b = { type = "nope", label = { sv = "b", en = "b" } }\n',
        encoding="utf-8",
    )
    with pytest.raises(RuleFileError) as info:
        read_rule_file(path)
    assert info.value.line == 4


def test_a_long_override_chain_is_cheap(rule_file: Callable[..., Path]) -> None:
    n = 5000
    parts = [FACT_X, question("t.q", "int")]
    for i in range(n):
        over = f'overrides = ["t.r{i - 1}"]\n' if i else ""
        parts.append(rule(f"t.r{i}", "t.q", f'when = "h_x > {i}"\nvalue = {i}\n{over}'))
    with budget(60, 400, trace=False):
        try:
            engine = load(rule_file, "".join(parts))
        except RuleFileError as exc:
            assert "overrides" in str(exc)  # noqa: PT017
            assert exc.rule_id is not None  # noqa: PT017
        else:
            assert engine.evaluate("t.q", {"h_x": 7}, on=ON).value == 6


def test_a_wide_override_web_is_bounded(rule_file: Callable[..., Path]) -> None:
    """Layers of rules, each overriding every rule of the layer below: the closure is
    quadratic in the rules; a budget stops it with a clear error instead of gigabytes."""
    layers, width = 30, 60
    parts = [FACT_X, question("t.q", "int")]
    for layer in range(layers):
        for k in range(width):
            rid = f"t.r{layer}_{k}"
            over = ", ".join(f'"t.r{layer - 1}_{j}"' for j in range(width)) if layer else ""
            parts.append(
                rule(rid, "t.q", f'when = "h_x > {layer}"\nvalue = {layer}\noverrides = [{over}]')
            )
    with budget(60, 400, trace=False):
        try:
            load(rule_file, "".join(parts))
        except RuleFileError as exc:
            assert "overrides" in str(exc)  # noqa: PT017


def test_a_link_to_dev_zero_is_refused_before_reading(tmp_path: Path) -> None:
    link = tmp_path / "zero.toml"
    link.symlink_to("/dev/zero")
    with budget(2, 20), pytest.raises(RuleFileError, match="not a regular file"):
        read_rule_file(link)


def test_a_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            read_rule_file(fifo)
        except BaseException as exc:
            outcome.append(exc)
        else:
            outcome.append(None)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(5)
    if t.is_alive():  # unblock the reader so the test process can end
        with open(fifo, "w"):
            pass
        pytest.fail("reading a FIFO hung")
    assert isinstance(outcome[0], RuleFileError)
    assert "not a regular file" in str(outcome[0])


def test_a_directory_and_a_huge_sparse_file_are_refused(tmp_path: Path) -> None:
    d = tmp_path / "dir.toml"
    d.mkdir()
    with pytest.raises(RuleFileError, match="not a regular file"):
        read_rule_file(d)
    big = tmp_path / "big.toml"
    with open(big, "wb") as fh:
        fh.truncate(50 * 1024**3)  # 50 GB of holes: reading it first would never end
    with budget(2, 20), pytest.raises(RuleFileError, match="larger than"):
        read_rule_file(big)
    with pytest.raises(RuleFileError, match="cannot read"):
        read_rule_file(tmp_path / "missing.toml")


# -- what a rule file may contain -----------------------------------------------------------
@pytest.mark.parametrize(
    "text", ["５ > 1", "h_x > ٣", "h_x > 1٣", "２０２０-01-01 < on", "h_x > 1.５"]
)
def test_unicode_digits_are_not_numbers_in_expressions(text: str) -> None:
    with pytest.raises(ExpressionError, match="unexpected character"):
        parse(text)


def test_unicode_digits_are_not_numbers_in_value_labels(rule_file: Callable[..., Path]) -> None:
    text = (
        question("t.n", "int")
        + 'values = [3]\nvalue_labels = { "٣" = { sv = "tre", en = "three" } }\n'
    )
    err = load_error(rule_file, text)
    assert "whole number" in str(err)


BAD_CHARS = {
    "bidi override": "\u202e",
    "bidi isolate": "\u2066",
    "NUL": "\x00",
    "bell": "\x07",
    "escape": "\x1b",
    "C1 control": "\x85",
    "delete": "\x7f",
}


def toml_escape(ch: str) -> str:
    return f"\\u{ord(ch):04x}"


@pytest.mark.parametrize("name", sorted(BAD_CHARS))
@pytest.mark.parametrize(
    "where",
    [
        "label",
        "explain",
        "citation",
        "rule id",
        "constraint id",
        "rulebook id",
        "enum value",
        "expression string",
        "unit",
        "table key",
    ],
)
def test_control_and_bidi_characters_are_refused(
    rule_file: Callable[..., Path], name: str, where: str
) -> None:
    bad = toml_escape(BAD_CHARS[name])
    head = '[rulebook]\nid = "t"\n'
    fact = '[facts.t_e]\ntype = "text"\nvalues = ["a", "b"]\nlabel = { sv = "e", en = "e" }\n'
    body = "when = \"t_e == 'a'\"\nvalue = true"
    q = question("t.q")
    rid, cid = "t.r", "t.c"
    cite = "LSS 1 §"
    explain = '{ sv = "s", en = "e" }'
    unit = ""
    if where == "label":
        q = q.replace('sv = "q"', f'sv = "q{bad}"')
    elif where == "explain":
        explain = f'{{ sv = "s{bad}", en = "e" }}'
    elif where == "citation":
        cite = f"LSS 1 §{bad}"
    elif where == "rule id":
        rid = f"t.r{bad}"
    elif where == "constraint id":
        cid = f"t.c{bad}"
    elif where == "rulebook id":
        head = f'[rulebook]\nid = "t{bad}"\n'
    elif where == "enum value":
        fact = fact.replace('"b"]', f'"b{bad}"]')
    elif where == "expression string":
        body = f"when = \"t_e == 'a{bad}'\"\nvalue = true"
    elif where == "unit":
        unit = f'unit = "h{bad}"\n'
    else:
        fact = fact.replace("[facts.t_e]", f'[facts."t_e{bad}"]')
    text = (
        head
        + fact
        + unit
        + q
        + f'[[rules]]\nid = "{rid}"\nquestion = "t.q"\n{body}\ncitations = ["{cite}"]\n'
        + f"explain = {explain}\n"
        + rule("t.d", "t.q", "default = true\nvalue = false")
        + f'[[constraints]]\nid = "{cid}"\ncheck = "t_e != \'b\' or true"\n'
        + 'message = { sv = "s", en = "e" }\n'
    )
    err = load_error(rule_file, text)
    assert "character" in str(err)
    assert f"U+{ord(BAD_CHARS[name]):04X}" in str(err)
    assert err.line is not None


def test_a_trailing_newline_is_not_part_of_a_valid_id(rule_file: Callable[..., Path]) -> None:
    text = question("t.q") + rule("t.r\\n", "t.q", "default = true\nvalue = true")
    assert "id" in str(load_error(rule_file, text))


def test_readable_text_with_tabs_newlines_and_non_latin_letters_loads(
    rule_file: Callable[..., Path],
) -> None:
    text = question("t.q").replace('sv = "q"', 'sv = "Åsa\\tÖrjan\\nمرحبا ١٢"') + rule(
        "t.r", "t.q", "default = true\nvalue = true"
    )
    engine = load(rule_file, text)
    assert engine.question("t.q").label.sv.startswith("Åsa\tÖrjan")


def test_a_lone_surrogate_in_text_given_directly_is_refused() -> None:
    text = '[rulebook]\nid = "t"\ntitle = { sv = "\ud800", en = "e" }\n'
    with pytest.raises(RuleFileError):
        read_rule_file("direct.toml", text)


@pytest.mark.parametrize(
    "when",
    [
        "max(h_x, 0) == {i}",  # no fact tested against constants: every pair would be proved
        "h_x >= {i}",  # ranges that all meet: 4.5 million pairs
    ],
)
def test_too_many_rules_for_one_question_are_refused_quickly(
    rule_file: Callable[..., Path], when: str
) -> None:
    parts = [FACT_X, question("t.q", "int")]
    for i in range(3000):
        parts.append(rule(f"t.r{i}", "t.q", f'when = "{when.format(i=i)}"\nvalue = {i}'))
    with budget(30, 400, trace=False):
        err = load_error(rule_file, "".join(parts))
    assert "at most 500" in str(err)
    assert err.rule_id == "t.r500"


def test_thousands_of_rules_partitioned_by_one_fact_load_and_answer(
    rule_file: Callable[..., Path],
) -> None:
    """Rules that each test one fact against constants are proved exclusive by sorting
    and indexed by that fact: 3,000 load, and a decision runs only the rule that applies."""
    parts = [FACT_X, question("t.q", "int")]
    for i in range(3000):
        parts.append(rule(f"t.r{i}", "t.q", f'when = "h_x == {i}"\nvalue = {i}'))
    with budget(30, 400, trace=False):
        engine = load(rule_file, "".join(parts))
    d = engine.evaluate("t.q", {"h_x": 1234}, on=date(2026, 1, 1))
    assert d.value == 1234
    assert [r.rule_id for r in d.reasons] == ["t.r1234"]
    assert d.considered == ()  # the 2,999 rules for other values are not listed


def test_a_collision_among_partitioned_rules_names_both(
    rule_file: Callable[..., Path],
) -> None:
    parts = [FACT_X, question("t.q", "int")]
    for i in range(100):
        parts.append(rule(f"t.r{i}", "t.q", f'when = "h_x > {i} and h_x <= {i + 1}"\nvalue = {i}'))
    parts.append(rule("t.odd", "t.q", 'when = "h_x >= 50.5 and h_x < 50.7"\nvalue = 999'))
    err = load_error(rule_file, "".join(parts))
    assert "'t.r50'" in str(err)
    assert "'t.odd'" in str(err)


# -- golden case files ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "cases = [1]\n",
        'cases = ["x"]\n',
        "[[cases]]\nname = 5\nquestion = 'lss.personkrets'\non = 2026-01-01\nexpect = 1\n",
        "[[cases]]\nname = 'n'\nquestion = 'lss.personkrets'\non = 2026-01-01\nfacts = 5\n"
        "expect = 1\n",
        "[[cases]]\nname = 'n'\nquestion = 'q'\non = 2026-01-01\nexpect_missing = [1]\n"
        "expect = 1\n",
        "[[cases]]\nname = \"n\\u202e\"\nquestion = 'q'\non = 2026-01-01\nexpect = 1\n",
        "x = " + "[" * 50_000 + "]" * 50_000 + "\n",
        "x = " + "9" * 5_000 + "\n",
    ],
    ids=[
        "int case",
        "text case",
        "int name",
        "int facts",
        "int missing",
        "bidi name",
        "deep",
        "huge int",
    ],
)
def test_malformed_case_files_give_rule_file_errors(tmp_path: Path, text: str) -> None:
    from lss_sol_rules.casefile import load_cases

    path = tmp_path / "cases.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleFileError):
        load_cases([path])


def test_a_case_file_that_is_a_fifo_is_refused(tmp_path: Path) -> None:
    from lss_sol_rules.casefile import load_cases

    fifo = tmp_path / "cases.toml"
    os.mkfifo(fifo)
    with pytest.raises(RuleFileError, match="not a regular file"):
        load_cases([fifo])


def test_conditions_too_costly_to_prove_exclusive_are_refused_quickly(
    rule_file: Callable[..., Path],
) -> None:
    """Each condition expands into 256 and-clauses: one pair of rules costs 65,536 clause
    comparisons, 200 rules would take hours; a work budget stops it within seconds. (With
    `h_x == i` instead of `max(h_x, 0) == i` the rules test a fact against constants, are
    proved exclusive by sorting and load at once: the second half.)"""
    bools = "".join(
        f'[facts.b{k}]\ntype = "bool"\nlabel = {{ sv = "b", en = "b" }}\n' for k in range(16)
    )
    groups = " and ".join(
        "(" + " or ".join(f"b{4 * g + k}" for k in range(4)) + ")" for g in range(4)
    )
    parts = [FACT_X, bools, question("t.q", "int")]
    for i in range(200):
        parts.append(rule(f"t.r{i}", "t.q", f'when = "max(h_x, 0) == {i} and {groups}"\nvalue = {i}'))
    with budget(20, 300, trace=False):
        err = load_error(rule_file, "".join(parts))
    assert "comparisons" in str(err)
    assert err.rule_id is not None
    with budget(20, 300, trace=False):
        engine = load(rule_file, "".join(parts).replace("max(h_x, 0) == ", "h_x == "))
    assert engine.question("t.q").name == "t.q"


@pytest.mark.parametrize(
    "text",
    [
        '[facts.t_f]\ntype = "int"\nunit = 5\nlabel = { sv = "f", en = "f" }\n',
        question("t.q")
        + rule("t.r", "t.q", "default = true\nvalue = true").replace(
            'citations = ["LSS 1 §"]', 'citations = [{ text = "LSS 1 §", sfs = [1993] }]'
        ),
    ],
    ids=["unit", "citation sfs"],
)
def test_texts_of_the_wrong_type_are_refused(rule_file: Callable[..., Path], text: str) -> None:
    assert "must be text" in str(load_error(rule_file, text))


def test_a_plugin_function_that_raises_gives_an_evaluation_error() -> None:
    from lss_sol_rules.expr import STANDARD_FUNCTIONS, Function
    from lss_sol_rules.rulebook import Rulebook

    class Boom(Exception):
        pass

    def explode(x: int) -> int:
        raise Boom("no")

    def huge(x: int) -> int:
        return 10**100

    functions = {
        **STANDARD_FUNCTIONS,
        "explode": Function("explode", ("int",), "int", explode, "explode(x)"),
        "huge": Function("huge", ("int",), "int", huge, "huge(x)"),
    }
    text = (
        FACT_X
        + question("t.a", "int")
        + rule("t.ra", "t.a", 'compute = "explode(h_x)"')
        + question("t.b", "int")
        + rule("t.rb", "t.b", 'compute = "huge(h_x)"')
    )
    engine = lsr.Engine(Rulebook([(read_rule_file("f.toml", text), "local")], functions))
    with pytest.raises(EvaluationError, match=r"explode\(\) failed .*Boom"):
        engine.evaluate("t.a", {"h_x": 1}, on=ON)
    with pytest.raises(EvaluationError, match="too large"):
        engine.evaluate("t.b", {"h_x": 1}, on=ON)
