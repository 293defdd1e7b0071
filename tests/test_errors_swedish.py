"""Every error a rule author meets has its own Swedish text (#16).

Three guards: a static one that reads the library's source and refuses any call raising a
rule-file, expression or plugin error without a Swedish text (so a new call site cannot
drift back to English); a corpus of broken rule files, one for each kind of mistake the
loader, the decision tables, the watch declarations, the expression parser and type
checker and the rulebook's compilation refuse, each read in both languages; and the
``check`` command, which prints the language ``--lang`` asks for.
"""

from __future__ import annotations

import ast
import re
import tempfile
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import lss_sol_rules as lsr
from lss_sol_rules.cli import main
from lss_sol_rules.errors import (
    EvaluationError,
    ExpressionError,
    LssSolRulesError,
    PluginError,
    RuleFileError,
    rule_file_problem_sv,
    toml_message_sv,
)
from lss_sol_rules.expr import compile_expr, parse
from lss_sol_rules.expr.compiler import Scope, Symbol
from lss_sol_rules.expr.functions import Function
from lss_sol_rules.loader import read_text_file
from lss_sol_rules.plugins import get_plugin_manager

SRC = Path(lsr.__file__).parent

# -- (a) the source: every raise of an author-facing error passes a Swedish text -----------

# The calls that build a rule-file, expression or plugin error, and the position (0-based)
# of their Swedish text when it is not given by keyword (``sv=`` / ``problem_sv=``):
# ``None`` when it is a keyword only. ``fail`` is the loader's ``Reader.fail`` when called
# as a method (keyword only) and ``read_text_file``'s local ``fail(problem, sv)`` otherwise;
# ``error`` is the expression parser's and type checker's ``error(problem, sv, ...)``.
_SWEDISH_AT = {
    "RuleFileError": None,
    "ExpressionError": 3,
    "PluginError": 2,
    "fail": 1,
    "_fail": 2,  # watchdecl._fail(watch, problem, sv)
    "_rule_error": 2,
    "_CellError": 1,
    "error": 1,
}
# Modules whose `_fail` / `error` raise another kind of error (facts, batch rows, the web
# guard): their own tests hold their Swedish.
_OTHER_ERRORS = {"facts.py": {"_fail"}, "batch.py": {"error"}, "web/guard.py": {"error"}}


def _callee(node: ast.Call) -> tuple[str, bool] | None:
    """The called name and whether it is an attribute (``self.fail``), or ``None``."""
    if isinstance(node.func, ast.Name):
        return node.func.id, False
    if isinstance(node.func, ast.Attribute):
        return node.func.attr, True
    return None


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _swedish_given(node: ast.Call, name: str, attribute: bool) -> bool:
    """Whether the call passes a Swedish text that is not ``None``."""
    keywords = {kw.arg: kw.value for kw in node.keywords}
    if None in keywords:  # **kwargs: cannot tell, so refused
        return False
    for key in ("sv", "problem_sv"):
        if key in keywords:
            return not _is_none(keywords[key])
    position = None if name == "fail" and attribute else _SWEDISH_AT[name]
    return position is not None and len(node.args) > position and not _is_none(node.args[position])


def _calls_without_swedish() -> Iterator[str]:
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            found = _callee(node)
            if found is None or found[0] not in _SWEDISH_AT:
                continue
            name, attribute = found
            if name in _OTHER_ERRORS.get(rel, set()):
                continue
            if name == "error" and not rel.startswith("expr/"):
                continue  # only the expression modules' error() builds an ExpressionError
            if not _swedish_given(node, name, attribute):
                yield f"src/lss_sol_rules/{rel}:{node.lineno}: {ast.unparse(node.func)}(...)"


def test_every_author_facing_error_is_raised_with_a_swedish_text() -> None:
    missing = list(_calls_without_swedish())
    assert not missing, "raised without a Swedish text:\n" + "\n".join(missing)


def test_the_static_check_finds_a_call_without_swedish(tmp_path: Path) -> None:
    """The checker itself: it flags the shapes a new call site could take."""
    bad = [
        'raise RuleFileError("x", file=f)',
        'raise RuleFileError("x", file=f, problem_sv=None)',
        'raise ExpressionError("x", text, 1)',
        'raise PluginError(name, "x")',
        'raise self.fail("x", line, rid)',
        'raise reader.fail("x", line)',
        'raise _rule_error(spec, "x")',
    ]
    good = [
        'raise RuleFileError("x", file=f, problem_sv="y")',
        'raise ExpressionError("x", text, 1, "y")',
        'raise PluginError(name, "x", "y")',
        'raise self.fail("x", line, rid, sv="y")',
        'raise _rule_error(spec, "x", "y")',
    ]
    for text in bad + good:
        call = ast.parse(text).body[0]
        assert isinstance(call, ast.Raise)
        assert isinstance(call.exc, ast.Call)
        found = _callee(call.exc)
        assert found is not None
        assert _swedish_given(call.exc, *found) == (text in good), text


# -- (b) a corpus of broken rule files ---------------------------------------------------

HEAD = """\
[rulebook]
id = "t"
jurisdiction = "se"

[facts.t_tal]
type = "number"
label = { sv = "Tal", en = "Number" }

[facts.t_datum]
type = "date"
label = { sv = "Datum", en = "Date" }

[facts.t_flagga]
type = "bool"
label = { sv = "Flagga", en = "Flag" }

[facts.t_typ]
type = "text"
values = ["a", "b"]
label = { sv = "Typ", en = "Kind" }

[parameters.t_grans]
type = "number"
label = { sv = "Gräns", en = "Limit" }
[[parameters.t_grans.values]]
value = 5
valid_from = 2020-01-01
citations = ["SFS 1 §"]

[questions."t.svar"]
type = "text"
values = ["ja", "nej"]
label = { sv = "Svar", en = "Answer" }

[questions."t.frist"]
type = "date"
label = { sv = "Frist", en = "Deadline" }
"""


def rule(
    when: str | None = '"t_flagga"', rid: str = "t.r1", extra: str = "", value: str = '"ja"'
) -> str:
    """A ``[[rules]]`` entry of ``t.svar`` (``when=None``: no condition)."""
    cond = f"when = {when}\n" if when is not None else ""
    return (
        f'\n[[rules]]\nid = "{rid}"\nquestion = "t.svar"\n{cond}value = {value}\n'
        f'citations = ["SFS 1 §"]\nexplain = {{ sv = "S", en = "E" }}\n{extra}'
    )


def expr(text: str) -> str:
    """A rule whose `when` is *text* (a TOML multi-line literal string: no escapes)."""
    return HEAD + rule(f"'''{text}'''")


def table(body: str, rows: str | None = None) -> str:
    """A ``[[tables]]`` entry answering ``t.svar`` on ``t_tal``; *body* adds or overrides."""
    rows = (
        rows
        if rows is not None
        else (
            '  { id = "lag", cells = ["< 5"], value = "nej", sv = "s", en = "e" },\n'
            '  { id = "hog", cells = [">= 5"], value = "ja", sv = "s", en = "e" },\n'
        )
    )
    return (
        HEAD
        + '\n[[tables]]\nid = "t.tabell"\nquestion = "t.svar"\ninputs = ["t_tal"]\n'
        + 'citations = ["SFS 1 §"]\n'
        + body
        + f"rows = [\n{rows}]\n"
    )


def watch(body: str) -> str:
    return HEAD + f"\n[watches.t_bevakning]\n{body}"


WATCH_OK = (
    'question = "t.frist"\nopened_by = ["t_datum"]\nevents = { t_handelse = "t_datum" }\n'
    'label = { sv = "B", en = "W" }\n'
)

# (name, rule-file text, a fragment of the English problem that shows the case reaches
# the refusal it is about)
CORPUS: list[tuple[str, str, str]] = [
    # -- the file and its TOML
    ("toml_unclosed_array", HEAD + "\n[x]\ny = [\n", "not valid TOML: Invalid value"),
    ("toml_key_twice", HEAD + "\n[x]\ny = 1\ny = 2\n", "Cannot overwrite a value"),
    ("toml_unterminated", HEAD + '\n[x]\ny = "abc\n', "not valid TOML"),
    ("toml_table_twice", HEAD + "\n[x]\n[x]\n", "Cannot declare"),
    ("top_level_unknown", "titel = 1\n" + HEAD, "unknown key 'titel' in the file's top level"),
    ("rulebook_not_a_table", "rulebook = 1\n", "[rulebook] must be a table"),
    ("rulebook_unknown_key", '[rulebook]\nid = "t"\ntitel = 1\n', "unknown key 'titel'"),
    ("rulebook_bad_id", '[rulebook]\nid = "T T"\n', "[rulebook] id must be lower-case"),
    ("bad_jurisdiction", '[rulebook]\njurisdiction = "Sverige"\n', "jurisdiction 'Sverige'"),
    ("facts_not_tables", "facts = 1\n", "`facts` must be tables"),
    ("rules_not_an_array", "rules = 1\n", "`rules` must be an array of tables"),
    ("nul_in_text", HEAD + rule(extra='title = { sv = "a\\u0000", en = "b" }\n'), "NUL"),
    ("bidi_in_key", HEAD + '\n[x]\n"a\\u202Eb" = 1\n', "a key holds"),
    ("number_too_big", HEAD + "\n[x]\ny = 1e30\n", "has the number"),
    ("number_too_many_digits", HEAD + "\n[x]\ny = 1.23456789012345678901\n", "significant"),
    # -- facts
    (
        "fact_bad_name",
        '[facts.Alder]\ntype = "int"\nlabel = { sv = "Å", en = "A" }\n',
        "fact name 'Alder' must be snake_case",
    ),
    ("fact_not_a_table", "[facts]\nt_x = 1\n", "fact 't_x' must be a table"),
    ("fact_without_type", '[facts.t_x]\nlabel = { sv = "x", en = "x" }\n', "needs `type`"),
    (
        "fact_list_without_of",
        '[facts.t_x]\ntype = "list"\nlabel = { sv = "x", en = "x" }\n',
        "set `of`",
    ),
    (
        "fact_of_without_list",
        '[facts.t_x]\ntype = "int"\nof = "int"\nlabel = { sv = "x", en = "x" }\n',
        '`of` only goes with type = "list"',
    ),
    (
        "fact_values_not_text",
        '[facts.t_x]\ntype = "int"\nvalues = ["a"]\nlabel = { sv = "x", en = "x" }\n',
        "only goes with text facts",
    ),
    (
        "fact_values_empty",
        '[facts.t_x]\ntype = "text"\nvalues = []\nlabel = { sv = "x", en = "x" }\n',
        "must be a non-empty list of text",
    ),
    (
        "fact_min_not_a_number",
        '[facts.t_x]\ntype = "int"\nmin = "x"\nlabel = { sv = "x", en = "x" }\n',
        "`min` of fact 't_x' must be a number",
    ),
    (
        "fact_past_not_bool",
        '[facts.t_x]\ntype = "date"\npast = "ja"\nlabel = { sv = "x", en = "x" }\n',
        "`past` of fact 't_x' must be true or false",
    ),
    (
        "fact_label_one_language",
        '[facts.t_x]\ntype = "int"\nlabel = { sv = "x" }\n',
        "non-empty Swedish and English text",
    ),
    (
        "fact_unit_not_text",
        '[facts.t_x]\ntype = "int"\nunit = 1\nlabel = { sv = "x", en = "x" }\n',
        "`unit` of 't_x' must be text",
    ),
    (
        "fact_unknown_key",
        '[facts.t_x]\ntype = "int"\nlable = 1\nlabel = { sv = "x", en = "x" }\n',
        "unknown key 'lable' in fact 't_x'",
    ),
    (
        "value_labels_not_a_value",
        '[facts.t_x]\ntype = "text"\nvalues = ["a"]\nlabel = { sv = "x", en = "x" }\n'
        'value_labels = { b = { sv = "B", en = "B" } }\n',
        "not a value of 't_x'",
    ),
    (
        "value_labels_bool_key",
        '[facts.t_x]\ntype = "bool"\nlabel = { sv = "x", en = "x" }\n'
        'value_labels = { ja = { sv = "B", en = "B" } }\n',
        "are true/false",
    ),
    (
        "value_labels_int_key",
        '[facts.t_x]\ntype = "int"\nlabel = { sv = "x", en = "x" }\n'
        'value_labels = { ett = { sv = "B", en = "B" } }\n',
        "is not a whole number",
    ),
    # -- parameters
    (
        "parameter_without_values",
        '[parameters.t_p]\ntype = "int"\nlabel = { sv = "p", en = "p" }\n',
        "needs `values`",
    ),
    (
        "parameter_value_wrong_type",
        '[parameters.t_p]\ntype = "int"\nlabel = { sv = "p", en = "p" }\n'
        '[[parameters.t_p.values]]\nvalue = "x"\nvalid_from = 2020-01-01\ncitations = ["x"]\n',
        "value of parameter 't_p' must be a int",
    ),
    (
        "parameter_value_without_date",
        '[parameters.t_p]\ntype = "int"\nlabel = { sv = "p", en = "p" }\n'
        '[[parameters.t_p.values]]\nvalue = 1\ncitations = ["x"]\n',
        "needs `value` and `valid_from`",
    ),
    (
        "parameter_date_as_text",
        '[parameters.t_p]\ntype = "int"\nlabel = { sv = "p", en = "p" }\n'
        '[[parameters.t_p.values]]\nvalue = 1\nvalid_from = "2020-01-01"\ncitations = ["x"]\n',
        "must be a TOML date",
    ),
    (
        "parameter_values_overlap",
        '[parameters.t_p]\ntype = "int"\nlabel = { sv = "p", en = "p" }\n'
        '[[parameters.t_p.values]]\nvalue = 1\nvalid_from = 2020-01-01\ncitations = ["x"]\n'
        '[[parameters.t_p.values]]\nvalue = 2\nvalid_from = 2021-01-01\ncitations = ["x"]\n',
        "overlaps the value from",
    ),
    (
        "parameter_ends_before_it_starts",
        '[parameters.t_p]\ntype = "int"\nlabel = { sv = "p", en = "p" }\n'
        "[[parameters.t_p.values]]\nvalue = 1\nvalid_from = 2020-01-01\n"
        'valid_to = 2019-01-01\ncitations = ["x"]\n',
        "valid_to 2019-01-01 is before",
    ),
    (
        "parameter_without_citations",
        '[parameters.t_p]\ntype = "int"\nlabel = { sv = "p", en = "p" }\n'
        "[[parameters.t_p.values]]\nvalue = 1\nvalid_from = 2020-01-01\n",
        "needs `citations`",
    ),
    # -- questions
    (
        "question_bad_hit_policy",
        '[questions."t.q"]\ntype = "text"\nhit_policy = "first"\nlabel = { sv = "q", en = "q" }\n',
        'must be "unique" or "collect"',
    ),
    (
        "question_collect_not_a_list",
        '[questions."t.q"]\ntype = "text"\nhit_policy = "collect"\n'
        'label = { sv = "q", en = "q" }\n',
        'needs type = "list"',
    ),
    (
        "question_values_empty",
        '[questions."t.q"]\ntype = "text"\nvalues = []\nlabel = { sv = "q", en = "q" }\n',
        "must be a non-empty list",
    ),
    (
        "question_refusal_not_a_value",
        '[questions."t.q"]\ntype = "text"\nvalues = ["ja"]\nrefusal = ["nej"]\n'
        'label = { sv = "q", en = "q" }\n',
        "is not one of ['ja']",
    ),
    (
        "question_internal_not_bool",
        '[questions."t.q"]\ntype = "text"\ninternal = 1\nlabel = { sv = "q", en = "q" }\n',
        "`internal` of 't.q' must be true or false",
    ),
    # -- rules
    ("rule_not_a_table", "rules = [1]\n", "each [[rules]] entry must be a table"),
    ("rule_bad_id", HEAD + rule(rid="T R"), "needs `id`"),
    ("rule_without_question", '[[rules]]\nid = "x"\n', "needs `question`"),
    (
        "rule_unknown_key",
        HEAD + rule(extra="valid_fron = 2020-01-01\n"),
        "unknown key 'valid_fron' in a rule",
    ),
    (
        "rule_value_and_compute",
        HEAD + rule(extra="compute = '\"ja\"'\n"),
        "give exactly one of `value`",
    ),
    ("rule_when_empty", HEAD + rule("[]"), "`when` is an empty list"),
    ("rule_default_with_when", HEAD + rule(extra="default = true\n"), "it cannot also have `when`"),
    (
        "rule_default_not_bool",
        HEAD + rule(extra='default = "ja"\n'),
        "`default` must be true or false",
    ),
    (
        "rule_ends_before_it_starts",
        HEAD + rule(extra="valid_from = 2021-01-01\nvalid_to = 2020-01-01\n"),
        "valid_to 2020-01-01 is before valid_from 2021-01-01",
    ),
    (
        "rule_date_with_time",
        HEAD + rule(extra="valid_from = 2021-01-01T10:00:00\n"),
        "must be a TOML date",
    ),
    (
        "rule_without_explain",
        HEAD + '\n[[rules]]\nid = "t.r"\nquestion = "t.svar"\nvalue = "ja"\ncitations = ["x"]\n',
        "`explain` must be a table",
    ),
    (
        "rule_citation_not_text",
        HEAD + rule().replace('citations = ["SFS 1 §"]', "citations = [1]"),
        "a citation must be text",
    ),
    (
        "rule_citations_empty",
        HEAD + rule().replace('citations = ["SFS 1 §"]', "citations = []"),
        "must name at least one source",
    ),
    (
        "rule_citation_sfs_not_text",
        HEAD + rule().replace('citations = ["SFS 1 §"]', 'citations = [{ text = "x", sfs = 1 }]'),
        "a citation's `sfs` must be text",
    ),
    (
        "rule_overrides_not_a_list",
        HEAD + rule(extra='overrides = "t.r2"\n'),
        "`overrides` must be a list of rule ids",
    ),
    ("rule_when_not_text", HEAD + rule("1"), "must be an expression in a string"),
    ("rule_id_twice", HEAD + rule() + rule("'not t_flagga'"), "rule id used twice"),
    (
        "rule_condition_unknown_key",
        HEAD + rule('[{ test = "t_flagga", sv = "x", en = "y", x = 1 }]'),
        "unknown key 'x' in a condition",
    ),
    # -- constraints
    ("constraint_bad_id", HEAD + '\n[[constraints]]\nid = "A B"\n', "needs `id`"),
    (
        "constraint_unknown_key",
        HEAD + '\n[[constraints]]\nid = "t.k"\ncheck = "t_tal > 0"\n'
        'message = { sv = "s", en = "e" }\nfoo = 1\n',
        "unknown key 'foo' in a constraint",
    ),
    (
        "constraint_uses_given",
        HEAD + '\n[[constraints]]\nid = "t.k"\ncheck = "given(t_tal)"\n'
        'message = { sv = "s", en = "e" }\n',
        "`check` cannot use given()",
    ),
    (
        "constraint_not_bool",
        HEAD + '\n[[constraints]]\nid = "t.k"\ncheck = "t_tal + 1"\n'
        'message = { sv = "s", en = "e" }\n',
        "`check` must be a bool expression",
    ),
    # -- expressions: syntax
    ("expr_unexpected_end", expr("t_tal >"), "expected a value, a name or '('"),
    ("expr_single_equals", expr("t_tal = 1"), "unexpected character '='"),
    ("expr_double_underscore", expr("t__tal > 1"), "names may not contain '__'"),
    ("expr_chained_comparison", expr("1 < t_tal < 3"), "comparisons do not chain"),
    ("expr_not_a_real_date", expr("t_datum > 2023-02-30"), "is not a real date"),
    ("expr_empty", expr(" "), "empty expression"),
    ("expr_after_complete", expr("t_tal > 1 2"), "after a complete expression"),
    ("expr_too_deep", expr("(" * 60 + "t_flagga" + ")" * 60), "nests deeper than"),
    ("expr_unclosed_paren", expr("(t_tal > 1"), "expected ')'"),
    ("expr_long_number", expr("t_tal > 1234567890123456789012345"), "more than 20 digits"),
    # -- expressions: types
    ("type_unknown_name", expr("t_tl > 1"), "unknown name 't_tl'"),
    ("type_not_a_number", expr("not t_tal"), "'not' needs a bool"),
    ("type_minus_bool", expr("-t_flagga"), "'-' needs a number"),
    ("type_date_plus_number", expr("t_datum + 1 > t_datum"), "cannot combine"),
    ("type_text_plus_number", expr("t_typ + 1 > 2"), "needs numbers"),
    ("type_enum_value", expr("t_typ == 'c'"), "is not a value of 't_typ'"),
    ("type_in_without_list", expr("t_tal in 3"), "needs a list on its right"),
    ("type_in_wrong_list", expr("t_tal in ['a']"), "compares number with"),
    ("type_compare_text_number", expr("t_typ == 1"), "cannot compare text with int"),
    ("type_order_bools", expr("t_flagga < true"), "orders numbers or dates"),
    ("type_and_number", expr("t_flagga and t_tal"), "'and' needs bools"),
    ("type_unknown_function", expr("lenght([1]) > 0"), "is not a function rules may call"),
    ("type_function_arity", expr("add_days(t_datum) > t_datum"), "takes 2 argument(s)"),
    ("type_function_argument", expr("add_days(t_datum, 'x') > t_datum"), "needs a int here"),
    ("type_max_mixed", expr("max(t_tal, t_datum) > 1"), "needs arguments of one type"),
    ("type_min_bools", expr("min(t_flagga, true)"), "compares numbers or dates"),
    ("type_at_not_a_parameter", expr("at(t_tal, 2020-01-01) > 1"), "must be a parameter"),
    ("type_at_date_not_literal", expr("at(t_grans, t_datum) > 1"), "must be a date literal"),
    ("type_at_arity", expr("at(t_grans) > 1"), "at() takes 2 arguments"),
    ("type_given_not_a_fact", expr("given(t_grans)"), "given() takes one fact name"),
    ("type_list_of_lists", expr("t_tal in [[1]]"), "lists cannot contain lists"),
    ("type_list_mixes", expr("t_tal in [1, 'a']"), "a list mixes"),
    # -- compilation of the rulebook
    ("condition_not_bool", expr("t_tal"), "gives a number, not a bool"),
    (
        "compute_wrong_type",
        HEAD + rule(value="x").replace("value = x\n", "compute = 't_tal'\n"),
        "`compute` gives a number",
    ),
    ("value_not_allowed", HEAD + rule(value='"kanske"'), "is not a text answer"),
    (
        "unknown_question",
        HEAD + rule().replace('question = "t.svar"', 'question = "t.svr"'),
        "answers unknown question 't.svr'",
    ),
    (
        "explain_unknown_placeholder",
        HEAD + rule().replace('sv = "S"', 'sv = "S {t_tl}"'),
        "`explain` names {t_tl}",
    ),
    ("rule_reads_its_question", expr("t.svar == 'ja'"), "cannot read its own question"),
    (
        "overrides_unknown_rule",
        HEAD + rule(extra='overrides = ["t.r9"]\n'),
        "`overrides` names 't.r9'",
    ),
    (
        "overrides_cycle",
        HEAD
        + rule(rid="t.a", extra='overrides = ["t.b"]\n')
        + rule("'t_tal > 1'", rid="t.b", extra='overrides = ["t.a"]\n', value='"nej"'),
        "forms a cycle",
    ),
    (
        "rules_collide",
        HEAD + rule() + rule("'t_tal > 1'", rid="t.r2", value='"nej"'),
        "nothing proves they cannot",
    ),
    (
        "two_defaults",
        HEAD
        + rule(None, extra="default = true\n")
        + rule(None, rid="t.r2", extra="default = true\n", value='"nej"'),
        "two `default = true` rules",
    ),
    (
        "derive_wrong_type",
        '[facts.t_x]\ntype = "int"\nderive = "t_y > 1"\nlabel = { sv = "x", en = "x" }\n'
        '[facts.t_y]\ntype = "int"\nlabel = { sv = "y", en = "y" }\n',
        "`derive` of fact 't_x'",
    ),
    (
        "derive_from_itself",
        '[facts.t_x]\ntype = "int"\nderive = "t_x + 1"\nlabel = { sv = "x", en = "x" }\n',
        "is derived from itself",
    ),
    (
        "questions_in_a_cycle",
        HEAD
        + '\n[questions."t.b"]\ntype = "bool"\nlabel = { sv = "b", en = "b" }\n'
        + rule("'t.b'")
        + '\n[[rules]]\nid = "t.rb"\nquestion = "t.b"\ncompute = \'t.svar == "ja"\'\n'
        'citations = ["x"]\nexplain = { sv = "S", en = "E" }\n',
        "in a cycle",
    ),
    (
        "fact_declared_twice",
        '[facts.alder]\ntype = "int"\nlabel = { sv = "x", en = "x" }\n',
        "is already declared",
    ),
    (
        "question_declared_twice",
        '[questions."personlig_assistans.huvudman"]\ntype = "text"\n'
        'label = { sv = "x", en = "x" }\n',
        "is already declared",
    ),
    (
        "parameter_named_as_a_fact",
        '[parameters.alder]\ntype = "int"\nlabel = { sv = "p", en = "p" }\n'
        '[[parameters.alder.values]]\nvalue = 1\nvalid_from = 2020-01-01\ncitations = ["x"]\n',
        "has the name of a fact",
    ),
    (
        "question_subject_unknown",
        '[questions."t.q"]\ntype = "text"\nsubject = "t_okand"\nlabel = { sv = "q", en = "q" }\n',
        "`subject` names unknown fact",
    ),
    # -- decision tables
    ("table_not_a_table", "tables = [1]\n" + HEAD, "each [[tables]] entry must be a table"),
    ("table_bad_id", table("").replace('id = "t.tabell"', 'id = "T"'), "needs `id`"),
    ("table_without_question", table("").replace('question = "t.svar"\n', ""), "needs `question`"),
    ("table_bad_hit_policy", table('hit_policy = "any"\n'), "hit_policy must be one of"),
    (
        "table_without_inputs",
        table("").replace('inputs = ["t_tal"]\n', ""),
        "`inputs` must list the columns",
    ),
    (
        "table_input_not_a_table",
        table("").replace('inputs = ["t_tal"]', "inputs = [1]"),
        "each input is",
    ),
    ("table_unknown_key", table("regler = 1\n"), "unknown key 'regler' in a table"),
    ("table_rows_empty", table("", rows=""), "`rows` must be a non-empty list"),
    ("table_row_not_inline", table("", rows="  1,\n"), "must be an inline table"),
    (
        "table_row_bad_id",
        table("", rows='  { id = "A", cells = ["-"], value = "ja", sv = "s", en = "e" },\n'),
        "`id` must be lower-case letters",
    ),
    (
        "table_row_id_twice",
        table(
            "",
            rows='  { id = "a", cells = ["< 5"], value = "ja", sv = "s", en = "e" },\n'
            '  { id = "a", cells = [">= 5"], value = "ja", sv = "s", en = "e" },\n',
        ),
        "used twice",
    ),
    (
        "table_row_cells_count",
        table("", rows='  { cells = ["-", "-"], value = "ja", sv = "s", en = "e" },\n'),
        "needs `cells` with one cell per input",
    ),
    (
        "table_row_value_and_compute",
        table(
            "", rows='  { cells = ["-"], value = "ja", compute = "t_typ", sv = "s", en = "e" },\n'
        ),
        "needs exactly one of `value`",
    ),
    (
        "table_cell_bad_interval",
        table("", rows='  { cells = ["[a..b]"], value = "ja", sv = "s", en = "e" },\n'),
        "both ends must be numbers or dates",
    ),
    (
        "table_cell_empty_interval",
        table("", rows='  { cells = ["[5..1]"], value = "ja", sv = "s", en = "e" },\n'),
        "is empty",
    ),
    (
        "table_cell_empty_list",
        table("", rows='  { cells = [[]], value = "ja", sv = "s", en = "e" },\n'),
        "an empty list matches nothing",
    ),
    (
        "table_cell_quote",
        table("", rows='  { cells = [["it\'s"]], value = "ja", sv = "s", en = "e" },\n'),
        "may not contain quotes",
    ),
    (
        "table_cell_wrong_type",
        table("", rows='  { cells = [{ a = 1 }], value = "ja", sv = "s", en = "e" },\n'),
        "a cell must be text",
    ),
    (
        "table_row_without_citations",
        table("", rows='  { cells = ["-"], value = "ja", sv = "s", en = "e" },\n').replace(
            'citations = ["SFS 1 §"]\nrows', "rows"
        ),
        "needs `citations`",
    ),
    (
        "table_row_without_text",
        table("", rows='  { cells = ["-"], value = "ja" },\n'),
        "give the row `sv` and `en`",
    ),
    ("table_priority_missing", table('hit_policy = "priority"\n'), "needs `priority = [...]`"),
    (
        "table_value_not_in_priority",
        table('hit_policy = "priority"\npriority = ["ja"]\n'),
        "which is not in `priority`",
    ),
    (
        "table_rows_overlap",
        table(
            "",
            rows='  { id = "a", cells = ["< 6"], value = "nej", sv = "s", en = "e" },\n'
            '  { id = "b", cells = [">= 5"], value = "ja", sv = "s", en = "e" },\n',
        ),
        "can both apply with different outputs",
    ),
    (
        "table_gap",
        table(
            "",
            rows='  { id = "a", cells = ["< 5"], value = "nej", sv = "s", en = "e" },\n'
            '  { id = "b", cells = ["> 5.5"], value = "ja", sv = "s", en = "e" },\n',
        ),
        "no row applies when",
    ),
    (
        "table_replaces_without_extends",
        table("", rows='  { cells = ["-"], value = "ja", sv = "s", en = "e", replaces = "a" },\n'),
        "`replaces` needs the table to say",
    ),
    ("table_default_shape", table("default = 1\n"), "`default` is { value = ..."),
    ("table_extends_not_text", table("extends = 1\n"), "`extends` names the table"),
    # -- watch declarations
    ("watch_not_a_table", HEAD + "\n[watches]\nt_bevakning = 1\n", "must be a table"),
    (
        "watch_without_question",
        watch('label = { sv = "B", en = "W" }\n'),
        'needs `question = "..."`',
    ),
    ("watch_unknown_key", watch(WATCH_OK + "lista = 1\n"), "unknown key 'lista' in watch"),
    (
        "watch_events_not_a_table",
        watch(WATCH_OK.replace('events = { t_handelse = "t_datum" }', "events = 1")),
        "`events` of watch",
    ),
    (
        "watch_event_avslutat",
        watch(WATCH_OK.replace("t_handelse", "avslutat")),
        "the event 'avslutat' closes a case",
    ),
    ("watch_bad_list", watch(WATCH_OK + 'list = "daily"\n'), "`list` must be one of"),
    (
        "watch_names_not_a_list",
        watch(WATCH_OK + 'closed_by = "t_datum"\n'),
        "`closed_by` must be a list of fact names",
    ),
    (
        "watch_unknown_question",
        watch(WATCH_OK.replace('question = "t.frist"', 'question = "t.frst"')),
        "unknown question 't.frst'",
    ),
    (
        "watch_question_wrong_type",
        watch(WATCH_OK.replace('question = "t.frist"', 'question = "t.svar"')),
        "a watch needs a date question",
    ),
    ("watch_fact_not_a_date", watch(WATCH_OK + 'closed_by = ["t_tal"]\n'), "name date facts"),
    ("watch_when_not_bool", watch(WATCH_OK + "when = 't_tal'\n"), "`when` gives a number"),
    (
        "watch_favourable_not_bool",
        watch(WATCH_OK + 'favourable = "t_tal"\n'),
        "`favourable` must name a bool fact",
    ),
    (
        "watch_kind_for_dates",
        HEAD
        + '\n[questions."t.b"]\ntype = "bool"\nlabel = { sv = "b", en = "b" }\n'
        + "\n[watches.t_bevakning]\n"
        + WATCH_OK.replace('question = "t.frist"', 'question = "t.b"')
        + 'kind = "from"\n',
        "is for date questions",
    ),
]

# Words that give away an English sentence left in a Swedish text (quoted names, values,
# `keys` and code are taken out first). None of them is a Swedish word.
_ENGLISH = frozenset(
    [
        "the",
        "must",
        "got",
        "is",
        "are",
        "not",
        "unknown",
        "should",
        "cannot",
        "could",
        "did",
        "you",
        "mean",
        "only",
        "after",
        "before",
        "least",
        "most",
        "than",
        "with",
        "has",
        "have",
        "of",
        "to",
        "or",
        "when",
        "where",
        "which",
        "this",
        "that",
        "does",
        "missing",
        "holds",
        "found",
        "expected",
        "needs",
        "give",
        "names",
        "line",
        "column",
        "row",
        "rows",
        "file",
        "rule",
        "rules",
        "fact",
        "facts",
        "question",
        "questions",
        "failed",
    ]
)
_QUOTED = re.compile(
    r"'[^'\n]*'|\"[^\"\n]*\"|`[^`\n]*`|\[[^\]\n]*\]|\{[^}\n]*\}|\([a-z_]+\)|\S*/\S*|\S*_\S*"
)


def english_leftovers(text: str) -> set[str]:
    """The English words of a Swedish *text*, its quoted parts and code left out."""
    first_line = text.split("\n", 1)[0]  # the expression and its pointer follow
    words = re.findall(r"[A-Za-z]+", _QUOTED.sub(" ", first_line))
    return {w for w in words if w.lower() in _ENGLISH}


def assert_swedish(err: LssSolRulesError) -> None:
    en, sv = err.message("en"), err.message("sv")
    assert en != sv, en
    assert "beskrivs på engelska" not in sv, sv
    assert "finns bara på engelska" not in sv, sv
    assert not english_leftovers(sv), (sv, english_leftovers(sv))


def _load(path: Path) -> None:
    lsr.load(paths=[str(path)], plugins=False)


def test_the_corpus_names_each_case_once() -> None:
    names = [name for name, _, _ in CORPUS]
    assert len(names) == len(set(names))
    assert len(CORPUS) >= 100


@pytest.mark.parametrize(
    ("text", "english"), [(t, e) for _, t, e in CORPUS], ids=[n for n, _, _ in CORPUS]
)
def test_a_broken_rule_file_is_explained_in_swedish(
    tmp_path: Path, text: str, english: str
) -> None:
    path = tmp_path / "regler.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        _load(path)
    err = info.value
    assert english in err.message("en"), err.message("en")
    assert_swedish(err)
    sv = err.message("sv")
    if err.rule_id:
        assert f"regel {err.rule_id!r}:" in sv
    assert err.file in sv


def test_every_problem_check_reports_is_in_swedish(tmp_path: Path) -> None:
    """``check_rule_file`` lists every problem of a file: each has its Swedish text."""
    from lss_sol_rules.loader import check_rule_file

    text = (
        HEAD
        + rule(extra="valid_fron = 2020-01-01\n")
        + rule("'t_tal >'", rid="t.r2")
        + '\n[facts.t_x]\ntype = "lista"\nlabel = { sv = "x" }\n'
    )
    path = tmp_path / "regler.toml"
    path.write_text(text, encoding="utf-8")
    _, problems = check_rule_file(path)
    assert len(problems) >= 3
    for err in problems:
        assert_swedish(err)


# -- expression errors raised directly ---------------------------------------------------

_SCOPE = Scope(
    symbols={
        "t_tal": Symbol("fact", "number"),
        "t_typ": Symbol("fact", "text", None, ("a", "b")),
        "on": Symbol("on", "date"),
    },
    functions={},
)


@pytest.mark.parametrize(
    "text",
    ["t_tal >", "t_tal = 1", "a__b", "1 < 2 < 3", "2023-02-30 > on", "", "x ¤ 1", "'a\u202eb'"],
)
def test_a_syntax_error_is_explained_in_swedish(text: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse(text)
    err = info.value
    assert err.problem_sv_short
    assert_swedish(err)
    assert "(kolumn " in err.message("sv")


@pytest.mark.parametrize(
    "text", ["t_tl > 1", "not t_tal", "t_typ == 'c'", "t_typ + 1", "foo(1)", "[[1]]", "[1, 'a']"]
)
def test_a_type_error_is_explained_in_swedish(text: str) -> None:
    with pytest.raises(ExpressionError) as info:
        compile_expr(text, parse(text), _SCOPE)
    assert_swedish(info.value)


def test_an_expression_error_without_swedish_says_so() -> None:
    """A plugin's own ExpressionError with English only: framed, never lost."""
    err = ExpressionError("bad thing", "x + y", 3)
    assert "felet beskrivs på engelska" in err.message("sv")
    assert "bad thing" in err.message("sv")


# -- reading the file --------------------------------------------------------------------


def test_files_that_cannot_be_read_are_explained_in_swedish(tmp_path: Path) -> None:
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes("namn = 'Åsa'\n".encode("latin-1"))
    big = tmp_path / "stor.toml"
    big.write_text("x" * 2000, encoding="utf-8")
    cases = [
        (lambda: read_text_file(tmp_path), "inte en vanlig fil (en katalog)"),
        (lambda: read_text_file(tmp_path / "saknas.toml"), "filen kan inte läsas: den finns inte"),
        (lambda: read_text_file(latin1), "inte text i UTF-8"),
        (lambda: read_text_file(big, max_bytes=1000), "större än 1000 byte (2000 byte)"),
        (lambda: read_text_file(3), "sökvägen till en fil"),  # type: ignore[arg-type]
    ]
    for call, swedish in cases:
        with pytest.raises(RuleFileError) as info:
            call()
        assert swedish in info.value.message("sv"), info.value.message("sv")
        assert_swedish(info.value)


def test_big_numbers_in_swedish_texts_are_grouped_with_spaces(tmp_path: Path) -> None:
    big = tmp_path / "stor.toml"
    big.write_text("x" * 20_000, encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        read_text_file(big, max_bytes=12_345)
    assert "större än 12 345 byte (20 000 byte)" in info.value.message("sv")
    assert "larger than 12,345 bytes (20,000 bytes)" in info.value.message("en")


# -- the TOML parser's messages -----------------------------------------------------------


def test_the_toml_parsers_messages_are_translated() -> None:
    assert toml_message_sv("Unclosed array (at line 3, column 7)") == (
        "listan avslutas inte med ']' (rad 3, kolumn 7)"
    )
    assert toml_message_sv("Cannot declare ('a', 'b c') twice (at line 2, column 1)") == (
        "tabellen [a.b c] deklareras två gånger (rad 2, kolumn 1)"
    )
    assert toml_message_sv("Invalid value (at end of document)") == (
        "ogiltigt värde (en text ska stå inom citattecken) (i slutet av filen)"
    )
    assert toml_message_sv("Something new (at line 1, column 1)") is None
    # A message of a newer parser is quoted, in a Swedish sentence that says so.
    assert rule_file_problem_sv("not valid TOML: Something new (at line 1, column 1)") == (
        "filen är inte giltig TOML (tolkens beskrivning, på engelska: Something new (at line "
        "1, column 1))"
    )


def test_a_rule_file_error_raised_outside_the_library_keeps_its_english() -> None:
    err = RuleFileError("my plugin's check failed", file="x.toml", line=2)
    assert err.message("sv") == (
        "x.toml:2: fel i regelfilen (beskrivs på engelska): my plugin's check failed"
    )


# -- plugins ------------------------------------------------------------------------------


def _plugin(name: str, **hooks: object) -> types.ModuleType:
    module = types.ModuleType(name)
    for hook, fn in hooks.items():
        setattr(module, hook, lsr.hookimpl(fn))
    return module


def test_the_librarys_own_plugin_errors_are_in_swedish() -> None:
    plugin = _plugin("t_dubbel")
    with pytest.raises(PluginError) as info:
        get_plugin_manager([plugin, plugin])
    assert info.value.message("sv") == (
        "tillägget 't_dubbel': är registrerat två gånger; ange varje tillägg en gång"
    )
    assert_swedish(info.value)

    def rule_files() -> list[object]:
        return ["inte en RuleSource"]

    with pytest.raises(PluginError) as info:
        lsr.load(plugins=[_plugin("t_fel", lss_sol_rules_rule_files=rule_files)])
    assert "ska lämna RuleSource-objekt, men lämnade str" in info.value.message("sv")
    assert_swedish(info.value)

    def functions() -> list[object]:
        return [Function("abs", ("number",), "number", abs, "abs(x)")]

    with pytest.raises(PluginError) as info:
        lsr.load(plugins=[_plugin("t_funk", lss_sol_rules_functions=functions)])
    assert "funktionen 'abs' finns redan, från biblioteket självt" in info.value.message("sv")
    assert_swedish(info.value)


def test_a_plugin_that_fails_is_named_and_its_error_quoted_in_english() -> None:
    def rule_files() -> list[object]:
        raise KeyError("oops")

    with pytest.raises(PluginError) as info:
        lsr.load(plugins=[_plugin("t_trasig", lss_sol_rules_rule_files=rule_files)])
    sv = info.value.message("sv")
    assert sv.startswith("tillägget 't_trasig': lss_sol_rules_rule_files misslyckades (KeyError")
    assert "på engelska: 'oops'" in sv
    assert "beskrivs på engelska" not in sv


# -- (c) the check command ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "swedish", "english"),
    [
        ('[[rules]]\nid = "x"\n', "behöver `question`", "needs `question`"),
        (expr("t_tal >"), "väntade ett värde", "expected a value"),
        (table('hit_policy = "any"\n'), "träffpolicyn", "hit_policy must be one of"),
        (watch(WATCH_OK + 'list = "daily"\n'), "ska vara ett av", "must be one of"),
    ],
)
def test_check_prints_the_language_asked_for(
    tmp_path: Path, text: str, swedish: str, english: str
) -> None:
    path = tmp_path / "regler.toml"
    path.write_text(text, encoding="utf-8")
    runner = CliRunner()
    sv = runner.invoke(main, ["check", str(path), "--lang", "sv"])
    en = runner.invoke(main, ["check", str(path), "--lang", "en"])
    assert sv.exit_code != 0
    assert en.exit_code != 0
    assert swedish in sv.output, sv.output
    assert english in en.output, en.output
    assert english not in sv.output, sv.output
    assert "beskrivs på engelska" not in sv.output, sv.output
    assert swedish not in en.output, en.output


def test_a_plugin_function_that_fails_is_named_and_its_error_quoted_in_english(
    tmp_path: Path,
) -> None:
    def broken(x: object) -> object:
        raise ZeroDivisionError("division by zero")

    def functions() -> list[object]:
        return [Function("t_trasig", ("number",), "number", broken, "t_trasig(x): breaks")]

    path = tmp_path / "regler.toml"
    path.write_text(expr("t_trasig(t_tal) > 1"), encoding="utf-8")
    engine = lsr.load(
        paths=[str(path)], plugins=[_plugin("t_funktioner", lss_sol_rules_functions=functions)]
    )
    with pytest.raises(EvaluationError) as info:
        engine.evaluate("t.svar", {"t_tal": 1})
    sv = info.value.message("sv")
    assert "funktionen t_trasig() i 't_trasig(t_tal) > 1' gick inte att beräkna" in sv
    assert "(ZeroDivisionError, på engelska: division by zero)" in sv
    assert "beskrivs på engelska" not in sv


_VALID = HEAD + rule() + rule("'not t_flagga and t_tal > t_grans'", rid="t.r2", value='"nej"')


@given(
    edits=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=len(_VALID)),
            st.integers(min_value=0, max_value=3),
            st.sampled_from(["", "[", "]", "=", '"', "'", "\n", "x", "1", "{", ".", "_", "\x00"]),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_a_mangled_rule_file_is_refused_in_swedish(edits: list[tuple[int, int, str]]) -> None:
    """Whatever a slip of the keyboard does to a valid file, the refusal reads in Swedish."""
    text = _VALID
    for at, cut, put in edits:
        text = text[:at] + put + text[at + cut :]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "regler.toml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            _load(path)
        except RuleFileError as err:
            assert_swedish(err)
