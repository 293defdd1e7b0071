"""Decision tables ([[tables]]): reading, checks that name the rows, policies, layering, index."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lss_sol_rules as lsr
from lss_sol_rules import rulebook
from lss_sol_rules.errors import RuleFileError
from lss_sol_rules.tables import parse_cell

ON = date(2026, 1, 1)

HEAD = """
[rulebook]
id = "test.tabeller"
jurisdiction = "se/stockholm"

[questions."test.niva"]
type = "text"
values = ["handlaggare", "sarskild_delegation", "bitradande_enhetschef"]
label = { sv = "Nivå", en = "Level" }
"""

DELEGATION = HEAD + """
# The delegation order of Verksamhetsplan 2021, Beställarenheten äldre (seed 004), as a table.
[[tables]]
id = "test.delegation"
question = "test.niva"
inputs = [
  { expr = "insats", label = { sv = "Insats", en = "Measure" } },
  { expr = "hemtjanst_timmar_per_manad", label = { sv = "Timmar per månad", en = "Hours a month" } },
]
citations = ["Verksamhetsplan 2021, Beställarenheten äldre (seed 004_c4bf04edb01a3f49.txt)"]
explain = { sv = "Lägsta beslutsnivå: {value}.", en = "Lowest level: {value}." }
rows = [
  { id = "boende", cells = [["vard_och_omsorgsboende", "servicehus", "korttidsvard"], "-"], value = "bitradande_enhetschef" },
  { id = "hemtjanst_over", cells = ["hemtjanst", "> 99"], value = "sarskild_delegation" },
  { id = "hemtjanst_upp_till", cells = ["hemtjanst", "[0..99]"], value = "handlaggare" },
]
default = { value = "handlaggare", sv = "Övriga insatser: handläggaren.", en = "Other measures: the case officer." }
"""


def load(tmp_path: Path, text: str, name: str = "t.toml") -> lsr.Engine:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return lsr.load(paths=[path])


def ask(engine: lsr.Engine, facts: dict[str, object], q: str = "test.niva") -> lsr.Decision:
    return engine.evaluate(q, facts, on=ON, jurisdiction="se/stockholm")


def test_a_table_answers_and_explains_itself_as_rules_do(tmp_path: Path) -> None:
    engine = load(tmp_path, DELEGATION)
    over = ask(engine, {"insats": "hemtjanst", "hemtjanst_timmar_per_manad": 120})
    assert over.value == "sarskild_delegation"
    (reason,) = over.reasons
    assert reason.rule_id == "test.delegation.hemtjanst_over"
    assert [c.label.sv for c in reason.conditions if c.label] == [
        "Insats: hemtjanst",
        "Timmar per månad: > 99",
    ]
    assert reason.citations[0].text.startswith("Verksamhetsplan 2021")
    assert {i.name: i.value for i in reason.inputs}["hemtjanst_timmar_per_manad"] == 120
    assert ask(engine, {"insats": "hemtjanst", "hemtjanst_timmar_per_manad": 99}).value == (
        "handlaggare"
    )
    assert ask(engine, {"insats": "servicehus"}).value == "bitradande_enhetschef"
    assert ask(engine, {"insats": "ledsagning"}).reasons[0].rule_id == "test.delegation.default"
    missing = ask(engine, {"insats": "hemtjanst"})
    assert missing.missing == ("hemtjanst_timmar_per_manad",)
    assert "Timmar per månad" in over.explain("sv")


def test_overlapping_rows_under_unique_name_both_rows(tmp_path: Path) -> None:
    text = DELEGATION.replace('"[0..99]"', '"[0..100]"')
    with pytest.raises(RuleFileError) as info:
        load(tmp_path, text)
    message = str(info.value)
    assert "'hemtjanst_over'" in message
    assert "'hemtjanst_upp_till'" in message
    assert info.value.rule_id == "test.delegation.hemtjanst_upp_till"
    assert info.value.line is not None


def test_a_gap_without_a_default_row_is_named_with_an_example(tmp_path: Path) -> None:
    text = DELEGATION.split("default = {")[0].replace('"[0..99]"', '"[0..90]"')
    with pytest.raises(RuleFileError, match="no row applies when") as info:
        load(tmp_path, text)
    assert "hemtjanst_timmar_per_manad" in str(info.value)


def test_a_full_table_without_a_default_row_loads(tmp_path: Path) -> None:
    # Every enum value of insats is covered (the other insatser by a wildcard row).
    text = DELEGATION.split("default = {")[0].replace(
        "rows = [",
        'rows = [\n  { id = "ovriga", cells = [["radgivning", "personlig_assistans", '
        '"ledsagarservice", "kontaktperson", "avlosarservice", "korttidsvistelse", '
        '"korttidstillsyn", "boende_barn", "bostad_vuxna", "daglig_verksamhet", "boendestod", '
        '"dagverksamhet", "ledsagning", "avlosning", "trygghetslarm", "ekonomiskt_bistand"], '
        '"-"], value = "handlaggare" },',
    )
    engine = load(tmp_path, text)
    assert ask(engine, {"insats": "trygghetslarm"}).value == "handlaggare"


FIRST = HEAD + """
[[tables]]
id = "test.forsta"
question = "test.niva"
hit_policy = "first"
inputs = ["hemtjanst_timmar_per_manad"]
citations = ["x"]
explain = { sv = "{value}", en = "{value}" }
rows = [
  { id = "mycket", cells = ["> 200"], value = "bitradande_enhetschef" },
  { id = "mer", cells = ["> 99"], value = "sarskild_delegation" },
  { id = "alla", cells = ["-"], value = "handlaggare" },
]
"""


def test_first_hit_the_first_row_that_applies_wins(tmp_path: Path) -> None:
    engine = load(tmp_path, FIRST)
    assert ask(engine, {"hemtjanst_timmar_per_manad": 300}).value == "bitradande_enhetschef"
    assert ask(engine, {"hemtjanst_timmar_per_manad": 150}).value == "sarskild_delegation"
    assert ask(engine, {"hemtjanst_timmar_per_manad": 10}).value == "handlaggare"
    d = ask(engine, {"hemtjanst_timmar_per_manad": 300})
    assert {r.rule_id: r.outcome for r in d.considered}["test.forsta.mer"] == "overridden"


def test_priority_picks_the_output_listed_first(tmp_path: Path) -> None:
    text = FIRST.replace('hit_policy = "first"', 'hit_policy = "priority"').replace(
        'inputs = ["hemtjanst_timmar_per_manad"]',
        'inputs = ["hemtjanst_timmar_per_manad"]\n'
        'priority = ["bitradande_enhetschef", "sarskild_delegation", "handlaggare"]',
    )
    engine = load(tmp_path, text)
    assert ask(engine, {"hemtjanst_timmar_per_manad": 300}).value == "bitradande_enhetschef"
    assert ask(engine, {"hemtjanst_timmar_per_manad": 100}).value == "sarskild_delegation"


def test_collect_lists_every_row_that_applies(tmp_path: Path) -> None:
    text = """
[rulebook]
id = "test.samla"

[questions."test.lista"]
type = "list"
of = "text"
label = { sv = "Lista", en = "List" }

[[tables]]
id = "test.samla"
question = "test.lista"
hit_policy = "collect"
inputs = ["alder"]
citations = ["x"]
explain = { sv = "{value}", en = "{value}" }
rows = [
  { id = "barn", cells = ["< 18"], value = "barn" },
  { id = "skola", cells = ["[6..20]"], value = "skola" },
]
"""
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    engine = lsr.load(plugins=False, paths=[path])
    assert engine.evaluate("test.lista", {"alder": 10}, on=ON).value == ("barn", "skola")
    assert engine.evaluate("test.lista", {"alder": 30}, on=ON).value == ()


def test_a_district_replaces_one_row(tmp_path: Path) -> None:
    local = """
[rulebook]
id = "test.distrikt"
jurisdiction = "se/stockholm/distrikt"

[[tables]]
id = "test.distrikt"
question = "test.niva"
extends = "test.delegation"
inputs = ["insats", "hemtjanst_timmar_per_manad"]
citations = ["Distriktets delegationsordning 2026"]
explain = { sv = "{value}", en = "{value}" }
rows = [
  { id = "boende", replaces = "boende", cells = [["vard_och_omsorgsboende", "servicehus", "korttidsvard"], "-"], value = "sarskild_delegation" },
]
"""
    (tmp_path / "t.toml").write_text(DELEGATION, encoding="utf-8")
    (tmp_path / "d.toml").write_text(local, encoding="utf-8")
    engine = lsr.load(paths=[tmp_path / "t.toml", tmp_path / "d.toml"])
    facts = {"insats": "servicehus"}
    assert ask(engine, facts).value == "bitradande_enhetschef"
    district = engine.evaluate("test.niva", facts, on=ON, jurisdiction="se/stockholm/distrikt")
    assert district.value == "sarskild_delegation"
    assert district.reasons[0].rule_id == "test.distrikt.boende"
    hours = {"insats": "hemtjanst", "hemtjanst_timmar_per_manad": 150}
    kept = engine.evaluate("test.niva", hours, on=ON, jurisdiction="se/stockholm/distrikt")
    assert kept.value == "sarskild_delegation"  # the other rows are the city's


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("-", None),
        ("> 20", "h > 20"),
        ("[10..20)", "h >= 10 and h < 20"),
        ("(10..20]", "h > 10 and h <= 20"),
        (["a", "b"], "h in ['a', 'b']"),
        (20, "h == 20"),
        ("hemtjanst", "h == 'hemtjanst'"),
        (True, "h"),
        (False, "not (h)"),
        ("<= 2026-01-01", "h <= 2026-01-01"),
        ("> pa_timgrans", "h > pa_timgrans"),
    ],
)
def test_cells_become_conditions(raw: object, expected: str | None) -> None:
    _cell, condition = parse_cell(raw, "h")
    assert condition == expected


@pytest.mark.parametrize(
    "text",
    [
        'rows = [{ id = "a", cells = ["[20..10]"], value = 1 }]',  # empty interval
        'rows = [{ id = "a", cells = [[]], value = 1 }]',  # empty list
        'rows = [{ id = "a", cells = ["x", "y"], value = 1 }]',  # two cells, one input
        'rows = [{ id = "a", cells = ["> 1"] }]',  # no output
        'rows = [{ id = "A B", cells = ["> 1"], value = 1 }]',  # bad row id
        'rows = [{ id = "a", cells = ["> 1"], value = 1 }, { id = "a", cells = ["<= 1"], value = 2 }]',
        'rows = [{ id = "a", cells = ["> \'x\'"], value = 1 }]',  # wrong type for a number
        "rows = []",
    ],
)
def test_malformed_tables_give_rule_file_errors(tmp_path: Path, text: str) -> None:
    body = f"""
[rulebook]
id = "test.fel"
[questions."test.fel"]
type = "int"
label = {{ sv = "q", en = "q" }}
[[tables]]
id = "test.fel"
question = "test.fel"
inputs = ["grundlaggande_behov_timmar_per_vecka"]
citations = ["x"]
explain = {{ sv = "{{value}}", en = "{{value}}" }}
default = {{ value = 0, sv = "-", en = "-" }}
{text}
"""
    path = tmp_path / "f.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        lsr.load(plugins=False, paths=[path])
    assert str(path) in str(info.value)


def _big_table(n: int, path: Path) -> Path:
    rows = "\n".join(f'  {{ id = "r{i}", cells = ["({i}..{i + 1}]"], value = {i} }},' for i in range(n))
    path.write_text(
        f"""
[rulebook]
id = "test.stor"
[facts.varde]
type = "number"
min = 0
label = {{ sv = "Värde", en = "Value" }}
[questions."test.stor"]
type = "int"
label = {{ sv = "q", en = "q" }}
[[tables]]
id = "test.stor"
question = "test.stor"
inputs = ["varde"]
citations = ["x"]
explain = {{ sv = "{{value}}", en = "{{value}}" }}
rows = [
  {{ id = "noll", cells = ["[0..0]"], value = -1 }},
{rows}
  {{ id = "over", cells = ["> {n}"], value = -2 }},
]
""",
        encoding="utf-8",
    )
    return path


def test_a_table_of_1000_rows_loads_beyond_the_pairwise_limit(tmp_path: Path) -> None:
    engine = lsr.load(plugins=False, paths=[_big_table(1000, tmp_path / "big.toml")])
    d = engine.evaluate("test.stor", {"varde": 500.5}, on=ON)
    assert d.value == 500
    assert len(d.considered) < 10  # the index left out the rows that cannot apply


@settings(max_examples=200, deadline=None)
@given(h=st.decimals(min_value=0, max_value=200, places=2))
def test_the_index_answers_as_evaluating_every_row_would(h: Decimal) -> None:
    indexed, plain = _ENGINES
    a = indexed.evaluate("test.stor", {"varde": h}, on=ON)
    b = plain.evaluate("test.stor", {"varde": h}, on=ON)
    assert (a.value, a.status, a.missing, [r.rule_id for r in a.reasons]) == (
        b.value,
        b.status,
        b.missing,
        [r.rule_id for r in b.reasons],
    )


def _engines() -> tuple[lsr.Engine, lsr.Engine]:
    import tempfile

    folder = Path(tempfile.mkdtemp())
    path = _big_table(150, folder / "big.toml")
    indexed = lsr.load(plugins=False, paths=[path])
    old = rulebook.INDEX_MIN_ROWS
    rulebook.INDEX_MIN_ROWS = 10**9
    try:
        plain = lsr.load(plugins=False, paths=[path])
        plain.evaluate("test.stor", {"varde": 1}, on=ON)
    finally:
        rulebook.INDEX_MIN_ROWS = old
    return indexed, plain


_ENGINES = _engines()


def test_the_batch_path_answers_tables_as_the_single_path(tmp_path: Path) -> None:
    pytest.importorskip("numpy")
    engine = load(tmp_path, DELEGATION)
    cases = [
        {"insats": "hemtjanst", "hemtjanst_timmar_per_manad": h} for h in (0, 50, 99, 99.5, 300)
    ] + [{"insats": "servicehus"}, {"insats": "ledsagning"}, {"insats": "hemtjanst"}]
    batch = engine.evaluate_many("test.niva", cases, on=ON, jurisdiction="se/stockholm")
    single = [ask(engine, c) for c in cases]
    assert [batch.decision(i).value for i in range(len(cases))] == [d.value for d in single]


def _unindexed_engine() -> lsr.Engine:
    from lss_sol_rules import tables

    old_rows, old_scopes = rulebook.INDEX_MIN_ROWS, tables.INDEX_MIN_SCOPES
    rulebook.INDEX_MIN_ROWS = tables.INDEX_MIN_SCOPES = 10**9
    try:
        engine = lsr.load()
        for question in engine.questions(include_internal=True):
            for j in engine.jurisdictions():
                try:
                    view = engine.view_for(question.name, j)
                except lsr.QuestionError:
                    continue
                view._indexes[question.name] = view._build_indexes(question.name)
    finally:
        rulebook.INDEX_MIN_ROWS, tables.INDEX_MIN_SCOPES = old_rows, old_scopes
    return engine


_INDEXED = lsr.load()
_PLAIN = _unindexed_engine()
_PAIRS = [
    (q.name, j)
    for q in _INDEXED.questions()
    for j in _INDEXED.jurisdictions()
    if q.name in _INDEXED.rulebook.view(j).rules
]


@pytest.mark.parametrize(("question", "jurisdiction"), _PAIRS, ids=[f"{j}:{q}" for q, j in _PAIRS])
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_indexed_rules_decide_as_every_rule_would(
    question: str, jurisdiction: str, data: st.DataObject
) -> None:
    import lss_sol_rules.testing as lst

    case = data.draw(lst.cases(question, _INDEXED, jurisdiction))

    def outcome(engine: lsr.Engine) -> object:
        try:
            return engine.evaluate(question, case.facts, on=case.on, jurisdiction=jurisdiction)
        except lsr.LssSolRulesError as exc:
            return (type(exc).__name__, str(exc))

    assert outcome(_INDEXED) == outcome(_PLAIN)


def test_the_plain_engine_really_has_no_index() -> None:
    view = _PLAIN.view_for("lss.ratt_till_insats", "se")
    assert view._indexes["lss.ratt_till_insats"] == ()
    assert _INDEXED.view_for("lss.ratt_till_insats", "se")._build_indexes("lss.ratt_till_insats")
