"""Overlap checks, indexes and bounds at their edges (found by a newcomer's review).

- a row on the closed end of another row's open end still meets a later row there;
- 5 and 5.0 are one value in a column of values;
- a big question of rules is indexed on the fact that splits it, not the first tested;
- a table is indexed on its most selective column;
- rows that nearly all overlap are refused before they are compared pair by pair;
- rules apart only in the dates they are in force load beyond the pairwise limit.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest

import lss_sol_rules as lsr
from lss_sol_rules.errors import RuleFileError

ON = date(2026, 1, 1)
HEAD = """
[rulebook]
id = "t.kanter"
[facts.kant_poang]
type = "number"
min = 0
max = 100000
label = { sv = "Poäng", en = "Score" }
[facts.kant_alder]
type = "int"
min = 0
max = 130
label = { sv = "Ålder", en = "Age" }
[facts.kant_insats]
type = "text"
values = ["hemtjanst", "larm"]
label = { sv = "Insats", en = "Service" }
[questions."t.q"]
type = "number"
label = { sv = "Timmar", en = "Hours" }
"""


def _table(rows: str, policy: str = "unique", inputs: str = '["kant_poang"]') -> str:
    return (
        HEAD
        + f'[[tables]]\nid = "t"\nquestion = "t.q"\nhit_policy = "{policy}"\ninputs = {inputs}\n'
        + 'citations = ["Riktlinje"]\nexplain = { sv = "{value}", en = "{value}" }\n'
        + f"rows = [\n{rows}]\n"
    )


def _load(tmp_path: Path, text: str) -> lsr.Engine:
    path = tmp_path / "r.toml"
    path.write_text(text, encoding="utf-8")
    return lsr.load(plugins=False, paths=[path])


def test_a_row_on_a_closed_end_meets_a_later_row_there(tmp_path: Path) -> None:
    rows = (
        '{ id = "noll", cells = [0], value = 1 },\n'
        '{ id = "lag", cells = ["(0..50]"], value = 2 },\n'
        '{ id = "hog", cells = ["(50..100]"], value = 3 },\n'
        '{ id = "noll_igen", cells = [0], value = 4 },\n'
    )
    with pytest.raises(RuleFileError, match=r"'noll'.*'noll_igen'"):
        _load(tmp_path, _table(rows + '{ id = "over", cells = ["> 100"], value = 5 },\n'))


def test_a_first_table_with_a_catch_all_answers_at_the_edge(tmp_path: Path) -> None:
    rows = (
        '{ id = "noll", cells = [0], value = 1 },\n'
        '{ id = "lag", cells = ["(0..50]"], value = 2 },\n'
        '{ id = "hog", cells = ["(50..100]"], value = 3 },\n'
        '{ id = "ovrigt", cells = ["[0..100000]"], value = 9 },\n'
    )
    engine = _load(tmp_path, _table(rows, policy="first"))
    assert engine.evaluate("t.q", {"kant_poang": 0}, on=ON).value == 1
    assert engine.evaluate("t.q", {"kant_poang": 50}, on=ON).value == 2
    assert engine.evaluate("t.q", {"kant_poang": 500}, on=ON).value == 9


@pytest.mark.parametrize(("a", "b"), [("5", "5.0"), ("5", "[5.0, 6]"), ('"5"', '"5.0"')])
def test_five_and_five_point_zero_are_one_value(tmp_path: Path, a: str, b: str) -> None:
    rows = f'{{ id = "a", cells = [{a}], value = 1 }},\n{{ id = "b", cells = [{b}], value = 2 }},\n'
    with pytest.raises(RuleFileError, match=r"'a'.*'b'"):
        _load(tmp_path, _table(rows + '{ id = "rest", cells = ["-"], value = 0 },\n'))


def test_a_big_question_is_indexed_on_the_fact_that_splits_it(tmp_path: Path) -> None:
    """Every rule tests `kant_alder >= 65` (and sorts first by name); the hours split them."""
    parts = [HEAD]
    for i in range(600):
        parts.append(
            f'[[rules]]\nid = "r{i}"\nquestion = "t.q"\n'
            f'when = "kant_alder >= 65 and kant_poang > {i} and kant_poang <= {i + 1}"\nvalue = {i}\n'
            'citations = ["R"]\nexplain = { sv = "s", en = "e" }\n'
        )
    t0 = time.perf_counter()
    engine = _load(tmp_path, "".join(parts))
    assert time.perf_counter() - t0 < 10
    d = engine.evaluate("t.q", {"kant_alder": 70, "kant_poang": 300.5}, on=ON)
    assert d.value == 300
    assert len(d.considered) <= 2


def test_a_table_is_indexed_on_its_most_selective_column(tmp_path: Path) -> None:
    rows = "".join(
        f'{{ id = "r{i}", cells = ["hemtjanst", "({i}..{i + 1}]"], value = {i} }},\n'
        for i in range(600)
    )
    rows += '{ id = "rest", cells = ["-", "-"], value = -1 },\n'
    engine = _load(tmp_path, _table(rows, policy="first", inputs='["kant_insats", "kant_poang"]'))
    d = engine.evaluate("t.q", {"kant_insats": "hemtjanst", "kant_poang": 100.5}, on=ON)
    assert d.value == 100
    assert len(d.considered) <= 2


def test_rows_that_nearly_all_overlap_are_refused_before_comparing(tmp_path: Path) -> None:
    rows = "".join(f'{{ id = "r{i}", cells = [">= {i}"], value = {i} }},\n' for i in range(3000))
    t0 = time.perf_counter()
    with pytest.raises(RuleFileError) as info:
        _load(tmp_path, _table(rows + '{ id = "rest", cells = ["-"], value = -1 },\n', "first"))
    assert time.perf_counter() - t0 < 10
    assert "pairs" in str(info.value)
    assert "par" in info.value.message("sv")


def test_rules_apart_in_time_load_beyond_the_pairwise_limit(tmp_path: Path) -> None:
    parts = [HEAD]
    for i in range(1500):
        day = date.fromordinal(date(2000, 1, 1).toordinal() + i)
        parts.append(
            f'[[rules]]\nid = "v{i}"\nquestion = "t.q"\nwhen = "kant_poang >= 0"\nvalue = {i}\n'
            f'valid_from = {day}\nvalid_to = {day}\n'
            'citations = ["R"]\nexplain = { sv = "s", en = "e" }\n'
        )
    engine = _load(tmp_path, "".join(parts))
    assert engine.evaluate("t.q", {"kant_poang": 1}, on=date(2000, 1, 11)).value == 10


def test_a_collision_with_another_tables_row_points_to_replaces(tmp_path: Path) -> None:
    """A table row cannot take `overrides`: the hint says `extends` and `replaces`."""
    base = _table(
        '{ id = "lag", cells = ["[0..50]"], value = 1 },\n'
        '{ id = "hog", cells = ["(50..100000]"], value = 2 },\n'
    )
    other = (
        '[rulebook]\nid = "t.distrikt"\n[[tables]]\nid = "d"\nquestion = "t.q"\n'
        'inputs = ["kant_poang"]\ncitations = ["D"]\nexplain = { sv = "{value}", en = "{value}" }\n'
        'rows = [\n{ id = "nedre", cells = ["[0..10)"], value = 1 },\n'
        '{ id = "extra", cells = ["[10..20]"], value = 9 },\n'
        '{ id = "mitt", cells = ["(20..50]"], value = 1 },\n'
        '{ id = "ovre", cells = ["(50..100000]"], value = 2 },\n]\n'
    )
    (tmp_path / "a.toml").write_text(base, encoding="utf-8")
    (tmp_path / "b.toml").write_text(other, encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        lsr.load(plugins=False, paths=[tmp_path / "a.toml", tmp_path / "b.toml"])
    assert 'replaces = "lag"' in str(info.value)
    assert "overrides" not in str(info.value)


@pytest.mark.parametrize("cell", ["[20..]", "20-40", "2,5", "> 1e400", "(3..", "1 000"])
def test_a_cell_meant_as_a_number_is_refused_with_the_cell_syntax(
    tmp_path: Path, cell: str
) -> None:
    rows = f'{{ id = "a", cells = ["{cell}"], value = 1 }},\n'
    rows += '{ id = "rest", cells = ["-"], value = 0 },\n'
    with pytest.raises(RuleFileError) as info:
        _load(tmp_path, _table(rows, policy="first"))
    assert repr(cell) in str(info.value)
    assert "`> 20" in str(info.value)
    assert "decimalpunkt" in info.value.message("sv")
