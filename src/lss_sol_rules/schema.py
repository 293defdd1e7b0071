"""JSON Schemas (draft 2020-12) for rule files and golden case files, shipped with the package.

Editors that validate TOML against a JSON Schema (taplo, and Even Better TOML in VS Code,
which uses it) check and complete a rule file as its author types: the sections, every key
of a fact, parameter, question, rule, table, watch and constraint, the allowed types, hit
policies and watch kinds, and the Swedish/English label pairs. See ``docs/authoring.md`` for
the editor set-up; :func:`schema_path` gives the files' location in the installed package.

- :func:`rule_file_schema` / :func:`case_file_schema`: the shipped schemas, as dicts.
- :func:`build_rule_file_schema` / :func:`build_case_file_schema`: the same, built from the
  key sets of the readers (``tables.py``, ``watchdecl.py``, ``casefile.py``, the types and
  errors of the library) and the table below for the loader's own tables; the shipped files
  are these, written out (``python -m lss_sol_rules.schema --write``), and
  ``tests/test_schema.py`` holds the schemas, the shipped files and the loader together.
- :func:`as_json_document`: a parsed TOML document with dates as ``YYYY-MM-DD`` strings, as
  an editor presents it to the schema.

The schema checks shape; the loader checks more (expressions, that a rule's question
exists, overlapping parameter values, colliding rules): ``lss-sol-rules check`` has the last
word.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from . import errors
from .casefile import _KEYS as _CASE_KEYS
from .rule_keys import (
    CITATION_KEYS,
    CONDITION_KEYS,
    CONSTRAINT_KEYS,
    FACT_KEYS,
    PARAMETER_KEYS,
    PARAMETER_VALUE_KEYS,
    QUESTION_KEYS,
    RULE_KEYS,
    RULEBOOK_KEYS,
    TOP_LEVEL_KEYS,
)
from .tables import _DEFAULT_KEYS, _INPUT_KEYS, _POLICIES, _ROW_KEYS, _TABLE_KEYS
from .values import SCALAR_TYPES
from .watchdecl import _CASES, _KINDS, _LISTS
from .watchdecl import _KEYS as _WATCH_KEYS

__all__ = [
    "CASE_FILE",
    "RULE_FILE",
    "as_json_document",
    "build_case_file_schema",
    "build_rule_file_schema",
    "case_file_schema",
    "rule_file_schema",
    "schema_path",
]

#: The file names of the shipped schemas (in ``lss_sol_rules/schemas/``).
RULE_FILE = "rule-file.schema.json"
CASE_FILE = "case-file.schema.json"
_DRAFT = "https://json-schema.org/draft/2020-12/schema"

_NAME = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$"
_ID = r"^[a-z0-9][a-z0-9_.\-]*$"
_TABLE_ID = r"^[a-z][a-z0-9_.]*$"
_ROW_ID = r"^[a-z0-9_]+$"
_JURISDICTION = r"^[a-z]{2}(/[a-z0-9][a-z0-9-]*)*$"
_MAX_ID = 200


# -- building blocks -------------------------------------------------------------------------
def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{name}"}


def _described(schema: Mapping[str, Any], text: str) -> dict[str, Any]:
    return {**schema, "description": text}


def _text(description: str) -> dict[str, Any]:
    return {"type": "string", "minLength": 1, "description": description}


def _object(
    what: str,
    keys: Sequence[str] | frozenset[str] | set[str],
    properties: Mapping[str, Mapping[str, Any]],
    description: str,
    required: Sequence[str] = (),
    **extra: Any,
) -> dict[str, Any]:
    """A closed table of exactly *keys*; *properties* must describe every one of them."""
    missing = sorted(set(keys) - set(properties))
    stray = sorted(set(properties) - set(keys))
    if missing or stray:  # the readers changed: describe their keys here
        raise RuntimeError(
            f"the schema of {what} does not match its reader: undescribed keys {missing}, "
            f"keys the reader does not take {stray}"
        )
    out: dict[str, Any] = {
        "type": "object",
        "description": description,
        "properties": {k: dict(properties[k]) for k in sorted(keys)},
        "additionalProperties": False,
    }
    if required:
        out["required"] = list(required)
    out.update(extra)
    return out


_TYPES = sorted(SCALAR_TYPES | {"list"})
_TYPE_DOC = (
    "number (decimal), int (whole number), bool (true/false), text, date (YYYY-MM-DD), or list "
    "(then `of` gives the type of its elements)"
)
_LIST_NEEDS_OF = {
    "if": {"properties": {"type": {"const": "list"}}, "required": ["type"]},
    "then": {"required": ["of"]},
    "else": {"not": {"required": ["of"]}},
}
_ANY_VALUE = {
    "description": "a value of the declared type: text, number, true/false, a date, or a list",
    "type": ["string", "number", "integer", "boolean", "array"],
}


# The keys of the loader's own tables live in rule_keys.py, read by the loader too.
def _defs() -> dict[str, Any]:
    """The shared definitions of the rule file schema."""
    label = {
        "type": "object",
        "description": 'Swedish and English text: { sv = "...", en = "..." }',
        "properties": {
            "sv": {"type": "string", "pattern": r"\S", "description": "in Swedish"},
            "en": {"type": "string", "pattern": r"\S", "description": "in English"},
        },
        "required": ["sv", "en"],
        "additionalProperties": False,
        "x-taplo": {"initKeys": ["sv", "en"]},
    }
    citation_table = _object(
        "a citation",
        CITATION_KEYS,
        {
            "text": _text('the source as a reader cites it: "LSS 9 § 2"'),
            "sfs": _text('the SFS number of the wording cited: "2022:880"'),
            "url": _text("where the text can be read"),
        },
        "a citation with its SFS number and address",
        required=["text"],
    )
    one_citation = {
        "anyOf": [_text('a law paragraph or seed file: "LSS 9 § 2"'), _ref("citation_table")]
    }
    citations = {
        "description": (
            'the sources: ["LSS 9 § 2"], or tables { text = ..., sfs = ..., url = ... }'
        ),
        "anyOf": [
            {"type": "array", "items": one_citation, "minItems": 1},
            one_citation,
        ],
    }
    date_ = {"type": "string", "format": "date", "description": "a TOML date: 2026-01-01"}
    condition = _object(
        "a condition",
        CONDITION_KEYS,
        {
            "test": _text("the condition, an expression: \"alder >= 65\""),
            "sv": _text("what the condition means, in Swedish (shown in explanations)"),
            "en": _text("what the condition means, in English"),
        },
        "a condition with readable Swedish and English text",
        required=["test"],
        **{"x-taplo": {"initKeys": ["test", "sv", "en"]}},
    )
    one_condition = {
        "anyOf": [_text('an expression: "grundlaggande_behov_timmar_per_vecka > 20"'),
                  _ref("condition")]
    }
    name = {"type": "string", "pattern": _NAME, "description": "a snake_case name"}
    value_labels = {
        "type": "object",
        "description": "readable Swedish and English names of the allowed values",
        "additionalProperties": _ref("label"),
    }
    return {
        "label": label,
        "citation_table": citation_table,
        "citations": citations,
        "date": date_,
        "condition": condition,
        "conditions": {
            "description": (
                "the conditions that must all hold: an expression, a condition table, or a "
                "list of them"
            ),
            "anyOf": [{"type": "array", "items": one_condition, "minItems": 1}, one_condition],
        },
        "name": name,
        "names": {"type": "array", "items": name},
        "value_labels": value_labels,
        "type": {"enum": _TYPES, "description": _TYPE_DOC},
        "of": {"enum": sorted(SCALAR_TYPES), "description": "the type of a list's elements"},
    }


def _rulebook() -> dict[str, Any]:
    return _object(
        "[rulebook]",
        RULEBOOK_KEYS,
        {
            "id": {
                "type": "string",
                "pattern": _ID,
                "maxLength": _MAX_ID,
                "description": 'the rule file\'s id: "se.lss.insatser" (default: the file name)',
            },
            "title": _described(_ref("label"), "the rule file's title"),
            "jurisdiction": {
                "type": "string",
                "pattern": _JURISDICTION,
                "description": 'where the file applies: "se", "se/stockholm" (default "se")',
            },
        },
        "what the file is and where it applies",
    )


def _fact() -> dict[str, Any]:
    return _object(
        "a fact",
        FACT_KEYS,
        {
            "type": _ref("type"),
            "of": _ref("of"),
            "unit": _text('the unit a number is in: "timmar per vecka"'),
            "min": {"type": "number", "description": "the smallest value allowed"},
            "max": {"type": "number", "description": "the largest value allowed"},
            "values": {
                "type": "array",
                "items": {"type": "string"},
                "minItems": 1,
                "description": "the allowed values of a text fact (an enum)",
            },
            "label": _described(_ref("label"), "what the fact is, in Swedish and English"),
            "past": {"type": "boolean", "description": "a date that cannot be after the day"},
            "derive": _text('how to compute the fact from others: "age(fodelsedatum, on)"'),
            "value_labels": _ref("value_labels"),
            "assumed": _described(
                _ref("label"), "what a decision assumes when the fact is not given"
            ),
        },
        "a fact a case gives: [facts.NAME]",
        required=["type", "label"],
        allOf=[_LIST_NEEDS_OF],
        **{"x-taplo": {"initKeys": ["type", "label"]}},
    )


def _parameter() -> dict[str, Any]:
    row = _object(
        "a value of a parameter",
        PARAMETER_VALUE_KEYS,
        {
            "value": _ANY_VALUE,
            "valid_from": _described(_ref("date"), "the first day the value applies"),
            "valid_to": _described(_ref("date"), "the last day the value applies"),
            "citations": _ref("citations"),
        },
        "one dated value: [[parameters.NAME.values]]",
        required=["value", "valid_from", "citations"],
        **{"x-taplo": {"initKeys": ["value", "valid_from", "citations"]}},
    )
    return _object(
        "a parameter",
        PARAMETER_KEYS,
        {
            "type": _ref("type"),
            "of": _ref("of"),
            "unit": _text('the unit: "timmar per vecka"'),
            "label": _described(_ref("label"), "what the parameter is"),
            "values": {
                "type": "array",
                "items": row,
                "minItems": 1,
                "description": "its values, each with the dates it applies and its source",
            },
        },
        "a dated value the rules read: [parameters.NAME]",
        required=["type", "label", "values"],
        allOf=[_LIST_NEEDS_OF],
        **{"x-taplo": {"initKeys": ["type", "label"]}},
    )


def _question() -> dict[str, Any]:
    return _object(
        "a question",
        QUESTION_KEYS,
        {
            "type": _ref("type"),
            "of": _ref("of"),
            "values": {
                "type": "array",
                "minItems": 1,
                "description": "the answers the question may give",
            },
            "label": _described(_ref("label"), "the question, in Swedish and English"),
            "hit_policy": {
                "enum": ["unique", "collect"],
                "description": (
                    "unique: one rule answers (default); collect: every rule that applies "
                    "adds its value (type = \"list\")"
                ),
            },
            "value_labels": _ref("value_labels"),
            "internal": {
                "type": "boolean",
                "description": "a step other questions read, not asked by hosts",
            },
            "refusal": {
                "type": "array",
                "description": "the answers that refuse what the case asks for",
            },
            "subject": _described(_ref("name"), "the fact the question is about"),
            "not_applicable": _described(
                _ref("label"), "what the answer means when no rule applies"
            ),
        },
        'a question the rules answer: [questions."NAME"]',
        required=["type", "label"],
        allOf=[_LIST_NEEDS_OF],
        **{"x-taplo": {"initKeys": ["type", "label"]}},
    )


def _rule() -> dict[str, Any]:
    return _object(
        "a rule",
        RULE_KEYS,
        {
            "id": {
                "type": "string",
                "pattern": _ID,
                "maxLength": _MAX_ID,
                "description": 'a unique id: "lss.9.personlig_assistans"',
            },
            "question": _described(_ref("name"), "the question the rule answers"),
            "when": _ref("conditions"),
            "value": _described(_ANY_VALUE, "the answer when the rule applies"),
            "compute": _text("an expression giving the answer"),
            "valid_from": _described(_ref("date"), "the first day the rule applies"),
            "valid_to": _described(_ref("date"), "the last day the rule applies"),
            "overrides": {
                "type": "array",
                "items": {"type": "string"},
                "description": "ids of the rules this rule is an exception to",
            },
            "default": {
                "type": "boolean",
                "description": "applies when no other rule of the question does (no `when`)",
            },
            "citations": _ref("citations"),
            "explain": _described(
                _ref("label"), "the reason, a template: {fact} and {parameter} are filled in"
            ),
            "title": _described(_ref("label"), "a short name of the rule"),
            "scope": _text("an expression limiting which cases the rule can answer at all"),
        },
        "a rule: [[rules]]",
        required=["id", "question", "citations", "explain"],
        oneOf=[{"required": ["value"]}, {"required": ["compute"]}],
        allOf=[
            {
                "if": {"properties": {"default": {"const": True}}, "required": ["default"]},
                "then": {"not": {"required": ["when"]}},
            }
        ],
        **{"x-taplo": {"initKeys": ["id", "question", "when", "value", "citations", "explain"]}},
    )


def _constraint() -> dict[str, Any]:
    return _object(
        "a constraint",
        CONSTRAINT_KEYS,
        {
            "id": {"type": "string", "pattern": _ID, "maxLength": _MAX_ID, "description": "an id"},
            "check": _text('what must hold between the facts: "alder == age(fodelsedatum, on)"'),
            "message": _described(_ref("label"), "what is wrong when the check fails"),
        },
        "a consistency check between facts: [[constraints]]",
        required=["id", "check", "message"],
    )


def _watch() -> dict[str, Any]:
    return _object(
        "a watch",
        _WATCH_KEYS,
        {
            "question": _described(_ref("name"), "the deadline: a date or bool question"),
            "label": _described(_ref("label"), "what the watch is called"),
            "list": {"enum": list(_LISTS), "description": "the list it is on (default monthly)"},
            "kind": {"enum": list(_KINDS), "description": "what the date means (default deadline)"},
            "cases": {"enum": list(_CASES), "description": "which cases (default favourable)"},
            "opened_by": _described(_ref("names"), "date facts that open the watch"),
            "closed_by": _described(_ref("names"), "date facts that close the watch"),
            "moved_by": _described(_ref("names"), "date facts that move the deadline"),
            "repeatable": _described(_ref("names"), "facts that may be recorded again"),
            "events": {
                "type": "object",
                "description": (
                    'readable event names for facts: { verkstallt = "verkstallighetsdatum" }'
                ),
                "propertyNames": {"pattern": _NAME},
                "additionalProperties": _ref("name"),
            },
            "favourable": _described(_ref("name"), "a bool fact: the decision is favourable"),
            "when": _text("an expression a case must satisfy to be watched"),
            "reported_when_closed": _described(
                _ref("name"), "a bool question: closing the watch must be reported too"
            ),
        },
        "a deadline a case officer watches: [watches.NAME]",
        required=["question", "label"],
        **{"x-taplo": {"initKeys": ["question", "label"]}},
    )


def _table() -> dict[str, Any]:
    output = {
        "value": _described(_ANY_VALUE, "the output"),
        "compute": _text("an expression giving the output"),
        "citations": _ref("citations"),
        "sv": _text("the reason, in Swedish (default: the table's explain)"),
        "en": _text("the reason, in English"),
        "title": _described(_ref("label"), "a short name"),
    }
    row = _object(
        "a table row",
        _ROW_KEYS,
        {
            **output,
            "id": {"type": "string", "pattern": _ROW_ID, "description": "the row's id"},
            "cells": {
                "type": "array",
                "description": (
                    'one cell per input: "-" (any), "> 20", "[10..20)", a value, or a list of '
                    "values"
                ),
            },
            "replaces": {
                "type": "string",
                "pattern": _ROW_ID,
                "description": "the row of the extended table this row replaces",
            },
        },
        "a row: { cells = [...], value = ... }",
        required=["cells"],
        oneOf=[{"required": ["value"]}, {"required": ["compute"]}],
    )
    default = _object(
        "a table's default",
        _DEFAULT_KEYS,
        {**output, "id": {"type": "string", "pattern": _ROW_ID, "description": "its id"}},
        "the output when no row applies",
        oneOf=[{"required": ["value"]}, {"required": ["compute"]}],
    )
    one_input = {
        "anyOf": [
            _text("an input: a fact, question or expression"),
            _object(
                "a table input",
                _INPUT_KEYS,
                {
                    "expr": _text("the input: a fact, question or expression"),
                    "label": _described(_ref("label"), "the column's heading"),
                },
                "an input with its heading",
                required=["expr"],
            ),
        ]
    }
    return _object(
        "a table",
        _TABLE_KEYS,
        {
            "id": {"type": "string", "pattern": _TABLE_ID, "description": "the table's id"},
            "question": _described(_ref("name"), "the question the table answers"),
            "title": _described(_ref("label"), "the table's name"),
            "hit_policy": {
                "enum": list(_POLICIES),
                "description": "which rows answer (default unique)",
            },
            "inputs": {
                "type": "array",
                "items": one_input,
                "minItems": 1,
                "description": "the columns",
            },
            "rows": {"type": "array", "items": row, "minItems": 1, "description": "the rows"},
            "default": default,
            "citations": _ref("citations"),
            "explain": _described(_ref("label"), "each row's reason unless it has its own"),
            "valid_from": _described(_ref("date"), "the first day the table applies"),
            "valid_to": _described(_ref("date"), "the last day the table applies"),
            "priority": {
                "type": "array",
                "minItems": 1,
                "description": 'the outputs, most important first (hit_policy = "priority")',
            },
            "extends": {"type": "string", "description": "the table whose rows this one replaces"},
        },
        "a decision table: [[tables]]",
        required=["id", "question", "inputs", "rows"],
        **{"x-taplo": {"initKeys": ["id", "question", "inputs", "rows"]}},
    )


def _section(what: str, item: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "description": what,
        "propertyNames": {"pattern": _NAME},
        "additionalProperties": dict(item),
    }


def build_rule_file_schema() -> dict[str, Any]:
    """The rule file schema, built from the readers' key sets (see the module docstring)."""
    top = {
        "rulebook": _rulebook(),
        "facts": _section("the facts a case gives", _fact()),
        "parameters": _section("dated values the rules read", _parameter()),
        "questions": _section("the questions the rules answer", _question()),
        "rules": {"type": "array", "items": _rule(), "description": "the rules"},
        "constraints": {
            "type": "array",
            "items": _constraint(),
            "description": "consistency checks between facts",
        },
        "watches": _section("deadlines a case officer watches", _watch()),
        "tables": {"type": "array", "items": _table(), "description": "decision tables"},
    }
    schema = _object(
        "the file's top level",
        TOP_LEVEL_KEYS,
        top,
        "An lss-sol-rules rule file (docs/rule-format.md).",
    )
    return {
        "$schema": _DRAFT,
        "$id": f"urn:lss-sol-rules:schema:{RULE_FILE}",
        "title": "lss-sol-rules rule file",
        **schema,
        "$defs": _defs(),
    }


def _error_names() -> list[str]:
    return sorted(
        name
        for name in errors.__all__
        if isinstance(getattr(errors, name), type)
        and issubclass(getattr(errors, name), errors.LssSolRulesError)
    )


def build_case_file_schema() -> dict[str, Any]:
    """The golden case file schema, built from the case reader's keys and the error names."""
    case = _object(
        "a case",
        _CASE_KEYS,
        {
            "name": _text("what the case shows, in a sentence"),
            "question": {
                "type": "string",
                "pattern": _NAME,
                "description": 'the question asked: "personlig_assistans.huvudman"',
            },
            "on": {"type": "string", "format": "date", "description": "the day: 2026-01-01"},
            "jurisdiction": {
                "type": "string",
                "pattern": _JURISDICTION,
                "description": 'where: "se" (default), "se/stockholm"',
            },
            "facts": {
                "type": "object",
                "description": 'the facts of the case: { alder = 40, insats = "ledsagarservice" }',
                "propertyNames": {"pattern": _NAME},
            },
            "expect": {"description": "the decided answer the case must get"},
            "expect_status": {
                "enum": ["decided", "undetermined"],
                "description": "decided, or undetermined (facts missing)",
            },
            "expect_missing": {
                "type": "array",
                "items": {"type": "string", "pattern": _NAME},
                "description": "exactly the facts an undetermined answer waits for",
            },
            "expect_error": {
                "enum": _error_names(),
                "description": "the error the case must raise (a bad case)",
            },
            "expect_rules": {
                "type": "array",
                "items": {"type": "string"},
                "description": "ids of rules that must have fired",
            },
        },
        "a golden case: [[cases]]",
        required=["name", "question", "on"],
        anyOf=[
            {"required": ["expect"]},
            {"required": ["expect_status"]},
            {"required": ["expect_error"]},
        ],
        **{"x-taplo": {"initKeys": ["name", "question", "on", "facts", "expect"]}},
    )
    return {
        "$schema": _DRAFT,
        "$id": f"urn:lss-sol-rules:schema:{CASE_FILE}",
        "title": "lss-sol-rules golden case file",
        "description": "Golden cases: questions with the answers they must get "
        "(docs/rule-format.md, Golden cases).",
        "type": "object",
        "properties": {
            "cases": {"type": "array", "items": case, "minItems": 1, "description": "the cases"}
        },
        "required": ["cases"],
        "additionalProperties": False,
    }


# -- the shipped files -----------------------------------------------------------------------
def schema_path(name: str = RULE_FILE) -> Path:
    """The path of a shipped schema file (:data:`RULE_FILE` or :data:`CASE_FILE`)."""
    if name not in (RULE_FILE, CASE_FILE):
        raise errors.ArgumentError(
            "name",
            f"{RULE_FILE!r} or {CASE_FILE!r} (the shipped schemas)",
            name,
            f"{RULE_FILE!r} eller {CASE_FILE!r} (de scheman som följer med paketet)",
        )
    return Path(str(resources.files(__package__ or "lss_sol_rules") / "schemas" / name))


_LOADED: dict[str, dict[str, Any]] = {}


def _shipped(name: str) -> dict[str, Any]:
    if name not in _LOADED:
        _LOADED[name] = json.loads(schema_path(name).read_text(encoding="utf-8"))
    return copy.deepcopy(_LOADED[name])


def rule_file_schema() -> dict[str, Any]:
    """The JSON Schema of a rule file, as shipped (a fresh copy on every call)."""
    return _shipped(RULE_FILE)


def case_file_schema() -> dict[str, Any]:
    """The JSON Schema of a golden case file, as shipped (a fresh copy on every call)."""
    return _shipped(CASE_FILE)


def as_json_document(data: Any) -> Any:
    """*data* (a parsed TOML document) with dates and times as ISO text and decimals as
    floats: the document an editor validates against the schemas."""
    if isinstance(data, Mapping):
        return {str(k): as_json_document(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [as_json_document(v) for v in data]
    if isinstance(data, (date, datetime, time)):
        return data.isoformat()
    if isinstance(data, Decimal):
        return float(data)
    return data


def _dump(schema: Mapping[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m lss_sol_rules.schema``: print where the schemas are, or rewrite them."""
    parser = argparse.ArgumentParser(
        prog="python -m lss_sol_rules.schema",
        description="The JSON Schemas of rule files and golden case files.",
    )
    parser.add_argument(
        "--write",
        metavar="DIR",
        help="write both schemas into DIR, e.g. a folder of your project your editor "
        "reads them from (maintainers: src/lss_sol_rules/schemas)",
    )
    args = parser.parse_args(argv)
    if args.write:
        out = Path(args.write)
        out.mkdir(parents=True, exist_ok=True)
        (out / RULE_FILE).write_text(_dump(build_rule_file_schema()), encoding="utf-8")
        (out / CASE_FILE).write_text(_dump(build_case_file_schema()), encoding="utf-8")
        return 0
    sys.stdout.write(f"{schema_path(RULE_FILE)}\n{schema_path(CASE_FILE)}\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
