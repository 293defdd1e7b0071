"""The JSON Schemas of rule files and case files: valid, shipped, and held to the loader.

- The shipped files are the schemas built from the readers' key sets.
- Every key the loader accepts in each kind of table is a property of the schema there, and
  nothing more (read from the loader itself while it reads a file using every kind of table).
- Every shipped rule file and case file validates; common mistakes are refused by both the
  schema and the loader.
"""

from __future__ import annotations

import copy
import json
import sys
import textwrap
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from lss_sol_rules import casefile, loader, schema
from lss_sol_rules.errors import RuleFileError

jsonschema = pytest.importorskip("jsonschema", reason="the test extra installs jsonschema")

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
RULE_FILES = sorted(
    [
        *ROOT.glob("rules/**/*.toml"),
        *ROOT.glob("plugins/*/src/**/rules/*.toml"),
        *ROOT.glob("tests/watch_rules/*.toml"),
        *ROOT.glob("tests/caseload_rules/*.toml"),
    ]
)
CASE_FILES = sorted([*ROOT.glob("tests/cases/*.toml"), *ROOT.glob("plugins/*/tests/cases/*.toml")])

# Every kind of table a rule file may hold, each written once with every key it may have.
KITCHEN_SINK = """
[rulebook]
id = "test.alla_tabeller"
title = { sv = "Alla tabeller", en = "Every table" }
jurisdiction = "se/provkommun"

[facts.provfakta]
type = "text"
unit = "st"
values = ["a", "b"]
label = { sv = "Provfakta", en = "Test fact" }
value_labels = { a = { sv = "A", en = "A" }, b = { sv = "B", en = "B" } }
assumed = { sv = "antas a", en = "assumed a" }

[facts.provtal]
type = "list"
of = "number"
min = 0
max = 10
label = { sv = "Provtal", en = "Test numbers" }
past = false
derive = "[1, 2]"

[parameters.provgrans]
type = "int"
unit = "timmar"
label = { sv = "Provgräns", en = "Test line" }

[[parameters.provgrans.values]]
value = 5
valid_from = 2020-01-01
valid_to = 2020-12-31
citations = [{ text = "Provlag 1 §", sfs = "2020:1", url = "https://example.org/provlag" }]

[parameters.provlista]
type = "list"
of = "text"
label = { sv = "Provlista", en = "Test list" }
values = [{ value = ["x"], valid_from = 2020-01-01, citations = ["Provlag 2 §"] }]

[questions."prov.fraga"]
type = "text"
values = ["ja", "nej"]
label = { sv = "Provfråga", en = "Test question" }
hit_policy = "unique"
value_labels = { ja = { sv = "Ja", en = "Yes" }, nej = { sv = "Nej", en = "No" } }
internal = false
refusal = ["nej"]
subject = "provfakta"
not_applicable = { sv = "inte tillämplig", en = "not applicable" }

[questions."prov.lista"]
type = "list"
of = "text"
label = { sv = "Provlista", en = "Test list" }

[[rules]]
id = "prov.ja"
question = "prov.fraga"
title = { sv = "Ja", en = "Yes" }
when = [{ test = "provfakta == 'a'", sv = "a", en = "a" }, "provgrans > 1"]
scope = "given(provfakta)"
value = "ja"
valid_from = 2020-01-01
valid_to = 2020-12-31
overrides = ["prov.nej"]
citations = ["Provlag 3 §"]
explain = { sv = "ja", en = "yes" }

[[rules]]
id = "prov.nej"
question = "prov.fraga"
default = true
compute = "'nej'"
citations = "Provlag 4 §"
explain = { sv = "nej", en = "no" }

[[constraints]]
id = "prov.villkor"
check = "provfakta != 'c'"
message = { sv = "fel", en = "wrong" }

[watches.provbevakning]
question = "prov.fraga"
label = { sv = "Provbevakning", en = "Test watch" }
list = "monthly"
kind = "deadline"
cases = "all"
opened_by = ["provdatum"]
closed_by = ["provslut"]
moved_by = ["provflytt"]
repeatable = ["provupprepning"]
events = { provhandelse = "provdatum" }
favourable = "provbifall"
when = "provfakta == 'a'"
reported_when_closed = "prov.anmal"

[[tables]]
id = "prov.tabell"
question = "prov.fraga"
title = { sv = "Provtabell", en = "Test table" }
hit_policy = "priority"
priority = ["ja", "nej"]
inputs = [{ expr = "provfakta", label = { sv = "Fakta", en = "Fact" } }, "provgrans"]
citations = ["Provlag 5 §"]
explain = { sv = "tabell", en = "table" }
valid_from = 2021-01-01
valid_to = 2021-12-31
extends = "prov.annan_tabell"
rows = [
  { id = "r1", cells = ["a", "-"], value = "ja", citations = ["Provlag 6 §"], sv = "rad", en = "row", title = { sv = "R", en = "R" }, replaces = "x1" },
  { id = "r2", cells = ["b", "> 3"], value = "nej" },
]
default = { id = "annars", value = "nej", citations = ["Provlag 7 §"], sv = "annars", en = "otherwise", title = { sv = "A", en = "O" } }
"""

# Where each kind of table sits in a parsed file, and in the schema.
LOCATIONS = {
    "top": (),
    "rulebook": ("rulebook",),
    "fact": ("facts", "*"),
    "parameter": ("parameters", "*"),
    "parameter value": ("parameters", "*", "values", "#"),
    "question": ("questions", "*"),
    "rule": ("rules", "#"),
    "condition": ("rules", "#", "when", "#"),
    "citation": ("...", "citations", "#"),
    "constraint": ("constraints", "#"),
    "watch": ("watches", "*"),
    "table": ("tables", "#"),
    "table input": ("tables", "#", "inputs", "#"),
    "table row": ("tables", "#", "rows", "#"),
    "table default": ("tables", "#", "default"),
}


def _paths(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield path, data
    if isinstance(data, Mapping):
        for k, v in data.items():
            yield from _paths(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _paths(v, (*path, i))


def _location(path: tuple[Any, ...]) -> str:
    if len(path) >= 2 and (path[-2] == "citations" or path[-1] == "citations"):
        return "citation"
    for name, pattern in LOCATIONS.items():
        if len(pattern) == len(path) and all(
            p == q or (p == "*" and isinstance(q, str)) or (p == "#" and isinstance(q, int))
            for p, q in zip(pattern, path, strict=True)
        ):
            return name
    raise AssertionError(f"the loader checked keys of a table at {path!r}, unknown to this test")


def _resolve(node: Mapping[str, Any], root: Mapping[str, Any]) -> Mapping[str, Any]:
    while "$ref" in node:
        node = root["$defs"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _object_with_properties(node: Mapping[str, Any], root: Mapping[str, Any]) -> Mapping[str, Any]:
    """The object schema inside *node* (through $ref, anyOf and array items)."""
    node = _resolve(node, root)
    if node.get("type") == "object" and "properties" in node:
        return node
    for key in ("anyOf", "oneOf"):
        for option in node.get(key, ()):
            try:
                return _object_with_properties(option, root)
            except LookupError:
                continue
    if "items" in node:
        return _object_with_properties(node["items"], root)
    if "additionalProperties" in node and isinstance(node["additionalProperties"], Mapping):
        return _object_with_properties(node["additionalProperties"], root)
    raise LookupError(node)


def _schema_keys(location: str) -> set[str]:
    root = schema.rule_file_schema()
    props = root["properties"]

    def under(*steps: str) -> Mapping[str, Any]:
        node: Mapping[str, Any] = root
        for step in steps:
            node = _object_with_properties(node, root)["properties"][step]
        return _object_with_properties(node, root)

    table = {
        "top": lambda: root,
        "rulebook": lambda: under("rulebook"),
        "fact": lambda: under("facts"),
        "parameter": lambda: under("parameters"),
        "parameter value": lambda: under("parameters", "values"),
        "question": lambda: under("questions"),
        "rule": lambda: under("rules"),
        "condition": lambda: _resolve({"$ref": "#/$defs/condition"}, root),
        "citation": lambda: _resolve({"$ref": "#/$defs/citation_table"}, root),
        "constraint": lambda: under("constraints"),
        "watch": lambda: under("watches"),
        "table": lambda: under("tables"),
        "table input": lambda: under("tables", "inputs"),
        "table row": lambda: under("tables", "rows"),
        "table default": lambda: under("tables", "default"),
    }
    assert props  # the top level has properties
    found = table[location]()
    assert found.get("additionalProperties") is False, f"{location}: the schema must be closed"
    return set(found["properties"])


def _loader_key_sets(monkeypatch: pytest.MonkeyPatch) -> dict[str, set[str]]:
    """The keys the loader allows in each kind of table, read from the loader as it reads
    the kitchen sink file (its `keys` check receives the table and the allowed keys)."""
    reader = loader._Reader
    assert hasattr(reader, "keys"), (
        "the loader no longer checks keys through _Reader.keys: update this test so it still "
        "reads the loader's key sets"
    )
    seen: list[tuple[Any, frozenset[str]]] = []
    original = reader.keys

    def spy(self: Any, table: Any, allowed: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append((copy.deepcopy(dict(table)), frozenset(allowed)))
        return original(self, table, allowed, *args, **kwargs)

    monkeypatch.setattr(reader, "keys", spy)
    text = textwrap.dedent(KITCHEN_SINK).lstrip()
    loader.read_rule_file("kitchen_sink.toml", text=text)
    parsed = tomllib.loads(text, parse_float=Decimal)
    out: dict[str, set[str]] = {}
    for table, allowed in seen:
        paths = [p for p, v in _paths(parsed) if isinstance(v, Mapping) and v == table]
        if not paths and set(table) == {"expr"}:  # an input written as text, as a table
            paths = [("tables", 0, "inputs", 0)]
        assert paths, f"the loader checked a table not in the file: {table!r}"
        location = _location(paths[0])
        out.setdefault(location, set()).update(allowed)
    return out


# -- the schemas themselves ------------------------------------------------------------------
@pytest.mark.parametrize("get", [schema.rule_file_schema, schema.case_file_schema])
def test_the_schemas_are_valid_draft_2020_12(get: Any) -> None:
    s = get()
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(s)


def test_the_shipped_files_are_the_built_schemas() -> None:
    """Rebuild with `python -m lss_sol_rules.schema --write src/lss_sol_rules/schemas`."""
    for name, build in (
        (schema.RULE_FILE, schema.build_rule_file_schema),
        (schema.CASE_FILE, schema.build_case_file_schema),
    ):
        shipped = json.loads(schema.schema_path(name).read_text(encoding="utf-8"))
        assert shipped == build(), f"{name} is stale: rewrite it (see this test's docstring)"


def test_callers_get_their_own_copy() -> None:
    first = schema.rule_file_schema()
    first["properties"].clear()
    assert schema.rule_file_schema()["properties"]


def test_schema_path_names_the_two_schemas() -> None:
    assert schema.schema_path().name == "rule-file.schema.json"
    assert schema.schema_path(schema.CASE_FILE).is_file()
    with pytest.raises(ValueError, match=r"rule-file\.schema\.json"):
        schema.schema_path("other.json")


def test_the_command_prints_the_paths_and_writes_the_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert schema.main([]) == 0
    assert str(schema.schema_path()) in capsys.readouterr().out
    assert schema.main(["--write", str(tmp_path)]) == 0
    for name in (schema.RULE_FILE, schema.CASE_FILE):
        assert (tmp_path / name).read_text(encoding="utf-8") == schema.schema_path(
            name
        ).read_text(encoding="utf-8")


# -- held to the loader ----------------------------------------------------------------------
def test_every_table_has_exactly_the_loaders_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    loader_keys = _loader_key_sets(monkeypatch)
    assert set(loader_keys) == set(LOCATIONS), "the kitchen sink must use every kind of table"
    for location, keys in sorted(loader_keys.items()):
        assert _schema_keys(location) == keys, location


def test_the_case_schema_has_the_case_readers_keys() -> None:
    case = schema.case_file_schema()["properties"]["cases"]["items"]
    assert set(case["properties"]) == casefile._KEYS
    assert case["additionalProperties"] is False


def _validator(s: Mapping[str, Any]) -> Any:
    cls = jsonschema.Draft202012Validator
    return cls(s, format_checker=cls.FORMAT_CHECKER)


def _doc(path: Path) -> Any:
    return schema.as_json_document(tomllib.loads(path.read_text("utf-8"), parse_float=Decimal))


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_rule_file_validates(path: Path) -> None:
    problems = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in _validator(schema.rule_file_schema()).iter_errors(_doc(path))
    ]
    assert not problems, problems


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_case_file_validates(path: Path) -> None:
    problems = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in _validator(schema.case_file_schema()).iter_errors(_doc(path))
    ]
    assert not problems, problems


def test_the_kitchen_sink_validates() -> None:
    data = schema.as_json_document(tomllib.loads(textwrap.dedent(KITCHEN_SINK)))
    assert list(_validator(schema.rule_file_schema()).iter_errors(data)) == []


def test_there_are_files_to_validate() -> None:
    assert len(RULE_FILES) >= 10
    assert len(CASE_FILES) >= 7


# -- mistakes both refuse --------------------------------------------------------------------
RULE = """
[questions."prov.fraga"]
type = "bool"
label = { sv = "Fråga", en = "Question" }

[[rules]]
id = "prov.ja"
question = "prov.fraga"
value = true
citations = ["Provlag 1 §"]
explain = { sv = "ja", en = "yes" }
"""

MISTAKES = {
    "unknown top-level section": RULE + "\n[regler]\nx = 1\n",
    "misspelt rule key": RULE.replace("explain =", "explian = { sv = 'x', en = 'y' }\nexplain ="),
    "label without English": RULE.replace(
        'label = { sv = "Fråga", en = "Question" }', 'label = { sv = "Fråga" }'
    ),
    "unknown type": RULE.replace('type = "bool"', 'type = "boolean"'),
    "list without of": RULE.replace('type = "bool"', 'type = "list"'),
    "value and compute": RULE.replace("value = true", "value = true\ncompute = 'true'"),
    "neither value nor compute": RULE.replace("value = true\n", ""),
    "rule without citations": RULE.replace('citations = ["Provlag 1 §"]\n', ""),
    "a date with a time": RULE.replace("value = true", "value = true\nvalid_from = 2020-01-01T10:00:00"),
    "default with when": RULE.replace("value = true", "value = true\ndefault = true\nwhen = 'true'"),
    "bad hit policy": RULE.replace('type = "bool"', 'type = "bool"\nhit_policy = "first"'),
    "bad jurisdiction": '[rulebook]\njurisdiction = "Sverige"\n' + RULE,
    "bad fact name": '[facts.Alder]\ntype = "int"\nlabel = { sv = "Ålder", en = "Age" }\n' + RULE,
    "parameter without values": RULE
    + '\n[parameters.p]\ntype = "int"\nlabel = { sv = "P", en = "P" }\n',
    "watch list unknown": RULE
    + '\n[watches.w]\nquestion = "prov.fraga"\nlabel = { sv = "W", en = "W" }\nlist = "weekly"\n',
    "table hit policy unknown": RULE
    + '\n[[tables]]\nid = "t"\nquestion = "prov.fraga"\nhit_policy = "any"\ninputs = ["x"]\n'
    'rows = [{ cells = ["-"], value = true }]\ncitations = ["L"]\nexplain = { sv = "s", en = "e" }\n',
}


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_a_mistake_is_refused_by_the_schema_and_the_loader(mistake: str) -> None:
    text = textwrap.dedent(MISTAKES[mistake]).lstrip()
    data = tomllib.loads(text, parse_float=Decimal)
    errors = list(_validator(schema.rule_file_schema()).iter_errors(schema.as_json_document(data)))
    assert errors, f"the schema accepts: {mistake}"
    with pytest.raises(RuleFileError):
        loader.read_rule_file("mistake.toml", text=text)


CASE = """
[[cases]]
name = "25 hours"
question = "personlig_assistans.huvudman"
on = 2026-01-01
facts = { grundlaggande_behov_timmar_per_vecka = 25 }
expect = "forsakringskassan"
"""

CASE_MISTAKES = {
    "misspelt expect": CASE.replace("expect =", "expekt ="),
    "no expectation": CASE.replace('expect = "forsakringskassan"\n', ""),
    "no date": CASE.replace("on = 2026-01-01\n", ""),
    "a date with a time": CASE.replace("on = 2026-01-01", "on = 2026-01-01T08:00:00"),
    "facts not a table": CASE.replace(
        "facts = { grundlaggande_behov_timmar_per_vecka = 25 }", 'facts = "25 hours"'
    ),
    "missing as text": CASE + 'expect_missing = "alder"\n',
    "no cases": 'name = "x"\n',
}


@pytest.mark.parametrize("mistake", sorted(CASE_MISTAKES))
def test_a_case_mistake_is_refused_by_the_schema_and_the_reader(
    mistake: str, tmp_path: Path
) -> None:
    text = textwrap.dedent(CASE_MISTAKES[mistake]).lstrip()
    data = tomllib.loads(text, parse_float=Decimal)
    errors = list(_validator(schema.case_file_schema()).iter_errors(schema.as_json_document(data)))
    assert errors, f"the schema accepts: {mistake}"
    path = tmp_path / "case.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleFileError):
        casefile.load_cases([path])


def test_expect_error_names_the_librarys_errors() -> None:
    names = schema.case_file_schema()["properties"]["cases"]["items"]["properties"][
        "expect_error"
    ]["enum"]
    assert {"FactError", "RuleFileError", "QuestionError", "NoRuleInForceError"} <= set(names)
    assert "did_you_mean" not in names


def test_json_documents_have_dates_as_text() -> None:
    from datetime import date, datetime

    doc = schema.as_json_document(
        {"a": date(2026, 1, 1), "b": [Decimal("1.5"), datetime(2026, 1, 1, 8)], "c": (1, 2)}
    )
    assert doc == {"a": "2026-01-01", "b": [1.5, "2026-01-01T08:00:00"], "c": [1, 2]}


def test_the_projects_taplo_config_covers_every_rule_and_case_file() -> None:
    """.taplo.toml (read by taplo and Even Better TOML) gives each file its schema."""
    config = tomllib.loads((ROOT / ".taplo.toml").read_text(encoding="utf-8"))
    covered: dict[str, set[Path]] = {}
    for rule in config["rule"]:
        target = (ROOT / rule["schema"]["path"]).resolve()
        assert target.is_file(), target
        files = {p.resolve() for pattern in rule["include"] for p in ROOT.glob(pattern)}
        covered.setdefault(target.name, set()).update(files)
    assert covered[schema.RULE_FILE] == {p.resolve() for p in RULE_FILES}
    assert covered[schema.CASE_FILE] == {p.resolve() for p in CASE_FILES}
