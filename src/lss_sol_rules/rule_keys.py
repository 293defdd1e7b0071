"""The keys each table of a rule file may hold: one list for the loader and the schema.

The loader (:mod:`lss_sol_rules.loader`) refuses any other key with a did-you-mean; the JSON
Schema (:mod:`lss_sol_rules.schema`) offers exactly these to an editor. Decision tables and
watches keep their key sets beside their readers (:mod:`lss_sol_rules.tables`,
:mod:`lss_sol_rules.watchdecl`).
"""

from __future__ import annotations

__all__ = [
    "CITATION_KEYS",
    "CONDITION_KEYS",
    "CONSTRAINT_KEYS",
    "FACT_KEYS",
    "PARAMETER_KEYS",
    "PARAMETER_VALUE_KEYS",
    "QUESTION_KEYS",
    "RULEBOOK_KEYS",
    "RULE_KEYS",
    "TOP_LEVEL_KEYS",
]

TOP_LEVEL_KEYS = (
    "rulebook",
    "facts",
    "parameters",
    "questions",
    "rules",
    "constraints",
    "watches",
    "tables",
)
RULEBOOK_KEYS = ("id", "title", "jurisdiction")
FACT_KEYS = (
    "type",
    "of",
    "unit",
    "min",
    "max",
    "values",
    "label",
    "past",
    "derive",
    "value_labels",
    "assumed",
)
PARAMETER_KEYS = ("type", "of", "unit", "label", "values")
PARAMETER_VALUE_KEYS = ("value", "valid_from", "valid_to", "citations")
QUESTION_KEYS = (
    "type",
    "of",
    "values",
    "label",
    "hit_policy",
    "value_labels",
    "internal",
    "refusal",
    "subject",
    "not_applicable",
)
RULE_KEYS = (
    "id",
    "question",
    "when",
    "value",
    "compute",
    "valid_from",
    "valid_to",
    "overrides",
    "default",
    "citations",
    "explain",
    "title",
    "scope",
)
CONDITION_KEYS = ("test", "sv", "en")
CITATION_KEYS = ("text", "sfs", "url")
CONSTRAINT_KEYS = ("id", "check", "message")
