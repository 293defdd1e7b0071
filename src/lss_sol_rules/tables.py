"""Decision tables in rule files: ``[[tables]]``, read, turned into rules, and checked.

A decision table is how a jurist writes a municipal guideline of many rows — a delegation
order, a time-allocation guideline — without repeating the rule syntax on every row::

    [[tables]]
    id = "sthlm.delegation.beslutsniva"
    question = "delegation.beslutsniva"
    hit_policy = "unique"                 # unique | first | priority | collect
    inputs = [
      { expr = "insats", label = { sv = "Insats", en = "Measure" } },
      { expr = "hemtjanst_timmar_per_manad", label = { sv = "Timmar", en = "Hours" } },
    ]
    citations = ["Delegationsordning 2021"]
    explain = { sv = "...{value}...", en = "..." }      # each row's text unless it has its own
    rows = [
      { id = "boende", cells = [["vard_och_omsorgsboende", "servicehus"], "-"],
        value = "bitradande_enhetschef" },
      { id = "hemtjanst_over", cells = ["hemtjanst", "> 99"], value = "sarskild_delegation" },
    ]
    default = { value = "handlaggare", sv = "...", en = "..." }

Cells: ``"-"`` (any value), a comparison (``"> 20"``, ``"<= 2026-01-01"``), an interval with
open or closed ends (``"[10..20)"``), a list of values (``["a", "b"]``: any of them), or a
plain value (``20``, ``"hemtjanst"``, ``true``: equal to it). Each row becomes a rule
``<table id>.<row id>`` answering the question, so rows explain themselves as rules do (the
row that applied, its inputs, its citation), layer across jurisdictions (a district's table
with ``extends = "<table id>"`` and rows with ``replaces = "<row id>"`` overrides single rows),
and run on every path (single case, batch, watch).

Hit policies (as DMN names them): ``unique`` — at most one row may apply: overlapping rows
with different outputs are a load error naming both rows; ``first`` — the first row that
applies wins (each row overrides the rows after it that can overlap it); ``priority`` — the
applicable row whose output comes first in ``priority = [...]`` wins; ``collect`` — every
applicable row's output (the question must be a list with ``hit_policy = "collect"``).

When the table has no ``default`` row, a load-time check looks for gaps: combinations of
input values no row covers (within a fact's declared ``min``/``max`` or enum ``values``),
named in the error with an example. Overlaps and gaps are found by sorting the rows' cells
(intervals and value sets), not by trying every pair, so a table of thousands of rows loads
in time that grows with n log n.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from .errors import RuleFileError
from .model import Label
from .values import Value, format_number, safe_repr

if TYPE_CHECKING:  # pragma: no cover
    from .loader import RuleSpec
    from .model import FactDecl

__all__ = [
    "Cell",
    "TableIndex",
    "TableRow",
    "TableSpec",
    "build_index",
    "check_table",
    "find_gap",
    "index_from_scopes",
    "is_ordered",
    "overlapping_pairs",
    "pair_bound",
    "read_tables",
]

_POLICIES = ("unique", "first", "priority", "collect")
_TABLE_KEYS = {
    "id",
    "question",
    "title",
    "hit_policy",
    "inputs",
    "rows",
    "default",
    "citations",
    "explain",
    "valid_from",
    "valid_to",
    "priority",
    "extends",
}
_ROW_KEYS = {"id", "cells", "value", "compute", "citations", "sv", "en", "title", "replaces"}
_DEFAULT_KEYS = {"id", "value", "compute", "citations", "sv", "en", "title"}
_INPUT_KEYS = {"expr", "label"}
_COMPARE = re.compile(r"^\s*(<=|>=|==|!=|<|>)\s*(.+?)\s*$")
_INTERVAL = re.compile(r"^\s*([\[(])\s*(.+?)\s*\.\.\s*(.+?)\s*([\])])\s*$")
_NUMBER = re.compile(r"^[+-]?[0-9]+(\.[0-9]+)?$")
# A comparison's operand that is neither a value nor a name, and texts that were meant as a
# number or an interval (`2,5`, `20-40`, `[20..]`): refused with the cell syntax.
_OPERAND_NAME = re.compile(r"^(?:[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*|\"[^\"]*\"|'[^']*')$")
_MEANT_AS_NUMBER = re.compile(r"^(?:[+-]?[0-9][0-9 ,.\-]*|[\[(].*|.*\.\..*)$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_ROW_ID = re.compile(r"^[a-z0-9_]+$")
#: How many grid points the gap check may visit before it asks for a default row instead.
MAX_GAP_POINTS = 200_000


def _shown_sv(raw: Any) -> str:
    """A cell's value for a Swedish text: a table by its kind, anything else quoted."""
    return "en tabell { ... }" if isinstance(raw, Mapping) else safe_repr(raw)


class _CellError(ValueError):
    """A cell the rule author must rewrite: the problem in English (``str``) and Swedish."""

    def __init__(self, en: str, sv: str) -> None:
        super().__init__(en)
        self.sv = sv


@attrs.frozen
class Cell:
    """One cell, in a form the overlap and gap checks can reason about.

    ``kind`` is ``"any"``, ``"interval"`` (numbers or dates between ``lo`` and ``hi``, each
    end open or closed, ``None`` for unbounded), ``"set"`` (one of ``values``) or
    ``"opaque"`` (a comparison with a parameter or an inequality: left to the general
    proof of the rulebook).
    """

    kind: str
    text: str
    lo: Any = None
    lo_closed: bool = True
    hi: Any = None
    hi_closed: bool = True
    values: frozenset[Any] = frozenset()


@attrs.frozen
class TableRow:
    """One row: its cells, output and the rule it becomes."""

    id: str
    cells: tuple[Cell, ...]
    value: Value
    line: int | None
    rule_id: str


@attrs.frozen
class TableSpec:
    """A decision table as written, with the rules it becomes."""

    id: str
    question: str
    policy: str
    inputs: tuple[str, ...]
    labels: tuple[Label, ...]
    rows: tuple[TableRow, ...]
    has_default: bool
    file: str
    line: int | None
    rules: tuple[RuleSpec, ...]
    extends: str | None = None


def _literal_text(v: Any) -> str:
    """A cell value written in the rule language."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, Decimal)):
        return str(v)
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, str):
        if "'" in v or "\\" in v:
            raise _CellError(
                f"a text cell may not contain quotes or backslashes: {v!r}",
                f"en textcell får inte innehålla citattecken eller omvända snedstreck: {v!r}",
            )
        return f"'{v}'"
    raise _CellError(
        f"a cell value must be a number, text, date or true/false, got {v!r}",
        f"ett värde i en cell ska vara ett tal, en text, ett datum eller true/false, men är "
        f"{_shown_sv(v)}",
    )


def _scalar(text: str) -> tuple[Any, str] | None:
    """Read a bare cell value: a number, a date or a word; ``None`` for anything else."""
    t = text.strip()
    if _NUMBER.match(t):
        return Decimal(t) if "." in t else int(t), t
    if _DATE.match(t):
        try:
            return date.fromisoformat(t), t
        except ValueError:
            return None
    if t in ("true", "false"):
        return t == "true", t
    return None


def parse_cell(raw: Any, expr: str) -> tuple[Cell, str | None]:
    """A cell and the condition it puts on input *expr* (``None`` for ``"-"``).

    Raises ``ValueError`` with a message for the rule author (its ``sv``: in Swedish).
    """
    if isinstance(raw, list):
        if not raw:
            raise _CellError(
                "an empty list matches nothing; use a value or '-'",
                "en tom lista matchar ingenting; skriv ett värde eller '-'",
            )
        items = [_literal_text(v) for v in raw]
        return (
            Cell("set", ", ".join(str(v) for v in raw), values=frozenset(raw)),
            f"{expr} in [{', '.join(items)}]",
        )
    if isinstance(raw, bool):
        return Cell("set", str(raw).lower(), values=frozenset((raw,))), (
            expr if raw else f"not ({expr})"
        )
    if isinstance(raw, (int, Decimal, date)) and not isinstance(raw, bool):
        return Cell("set", str(raw), values=frozenset((raw,))), f"{expr} == {_literal_text(raw)}"
    if not isinstance(raw, str):
        raise _CellError(
            f"a cell must be text, a number, a date, true/false or a list: {raw!r}",
            f"en cell ska vara en text, ett tal, ett datum, true/false eller en lista, men är "
            f"{_shown_sv(raw)}",
        )
    text = raw.strip()
    if text in ("-", ""):
        return Cell("any", "-"), None
    m = _INTERVAL.match(text)
    if m:
        lo, hi = _scalar(m.group(2)), _scalar(m.group(3))
        if lo is None or hi is None:
            raise _CellError(
                f"interval {text!r}: both ends must be numbers or dates",
                f"intervallet {text!r}: båda ändpunkterna ska vara tal eller datum",
            )
        if type(lo[0]) is bool or type(hi[0]) is bool:
            raise _CellError(
                f"interval {text!r}: ends must be numbers or dates",
                f"intervallet {text!r}: ändpunkterna ska vara tal eller datum",
            )
        lo_closed, hi_closed = m.group(1) == "[", m.group(4) == "]"
        if hi[0] < lo[0] or (hi[0] == lo[0] and not (lo_closed and hi_closed)):
            raise _CellError(
                f"interval {text!r} is empty",
                f"intervallet {text!r} är tomt: inget värde ligger i det",
            )
        cond = (
            f"{expr} {'>=' if lo_closed else '>'} {lo[1]} and "
            f"{expr} {'<=' if hi_closed else '<'} {hi[1]}"
        )
        return Cell("interval", text, lo[0], lo_closed, hi[0], hi_closed), cond
    m = _COMPARE.match(text)
    if m:
        op, operand = m.group(1), m.group(2)
        value = _scalar(operand)
        cond = f"{expr} {op} {operand}"
        if value is None and not _OPERAND_NAME.match(operand):
            raise _CellError(
                f"cell {text!r}: after {op!r} comes a number (digits 0-9 and a decimal "
                f"point, at most 20 digits: `> 20.5`), a date (`>= 2024-01-01`) or the name "
                f"of a parameter",
                f"cellen {text!r}: efter {op!r} ska det stå ett tal (siffrorna 0-9 och "
                f"decimalpunkt, högst 20 siffror: `> 20.5`), ett datum (`>= 2024-01-01`) "
                f"eller namnet på en parameter",
            )
        if value is None or op == "!=" or isinstance(value[0], bool):
            return Cell("opaque", text), cond
        v = value[0]
        if op == "==":
            return Cell("set", text, values=frozenset((v,))), cond
        if op in (">", ">="):
            return Cell("interval", text, v, op == ">=", None, True), cond
        return Cell("interval", text, None, True, v, op == "<="), cond
    value = _scalar(text)
    if value is not None:
        return Cell("set", text, values=frozenset((value[0],))), f"{expr} == {value[1]}"
    if _MEANT_AS_NUMBER.match(text):
        raise _CellError(
            f"cell {text!r} is not a cell this format reads: write a number with a decimal "
            f"point (`2.5`), a comparison (`> 20`), an interval with both ends (`[20..40]`, "
            f"`(20..40]`), a list (`[\"a\", \"b\"]`), a text value, or `-` for any value",
            f"cellen {text!r} går inte att läsa: skriv ett tal med decimalpunkt (`2.5`), en "
            f"jämförelse (`> 20`), ett intervall med båda ändarna (`[20..40]`, `(20..40]`), en "
            f"lista (`[\"a\", \"b\"]`), ett textvärde eller `-` för vilket värde som helst",
        )
    return Cell("set", text, values=frozenset((text,))), f"{expr} == {_literal_text(text)}"


def _row_lines(reader: Any, header: int | None, count: int) -> list[int | None]:
    """The line of each row: the *i*-th line starting with ``{`` after ``rows =``."""
    lines: list[int | None] = [header] * count
    if header is None:
        return lines
    text_lines = reader.loc.lines
    start = reader.loc.key_after(header, "rows")
    if start is None:
        return lines
    found = 0
    for idx in range(start - 1, len(text_lines)):
        stripped = text_lines[idx].lstrip()
        if idx == start - 1:
            stripped = stripped.split("[", 1)[1].lstrip() if "[" in stripped else ""
        if stripped.startswith("{"):
            lines[found] = idx + 1
            found += 1
            if found == count:
                break
        elif stripped.startswith("[[") or (stripped.startswith("[") and idx > start - 1):
            break
    return lines


def read_tables(reader: Any, items: list[Any], jurisdiction: str) -> tuple[TableSpec, ...]:
    """Shape-check the ``[[tables]]`` of one file and turn their rows into rules."""
    from .loader import ConditionSpec, RuleSpec  # noqa: PLC0415 - loader imports this module

    out: list[TableSpec] = []
    for index, raw in enumerate(items):
        line = reader.loc.array_item("tables", index)
        if not isinstance(raw, Mapping):
            raise reader.fail(
                "each [[tables]] entry must be a table",
                line,
                sv="varje post [[tables]] ska vara en tabell",
            )
        tid = raw.get("id")
        if not isinstance(tid, str) or not re.match(r"^[a-z][a-z0-9_.]*$", tid):
            raise reader.fail(
                f'[[tables]] entry {index + 1} needs `id`: lower-case text like '
                f'"sthlm.delegation.beslutsniva", got {tid!r}',
                line,
                sv=f"beslutstabell nr {index + 1} i [[tables]] behöver `id`: en text med små "
                f'bokstäver som "sthlm.delegation.beslutsniva", men har {safe_repr(tid)}',
            )
        reader.keys(raw, _TABLE_KEYS, "a table", line, tid, what_sv="en beslutstabell")
        question = raw.get("question")
        if not isinstance(question, str):
            raise reader.fail(
                "needs `question`: the name of the question it answers",
                line,
                tid,
                sv="behöver `question`: namnet på den fråga som tabellen besvarar",
            )
        policy = raw.get("hit_policy", "unique")
        if policy not in _POLICIES:
            raise reader.fail(
                f"hit_policy must be one of {', '.join(_POLICIES)}, got {policy!r}",
                line,
                tid,
                sv=f"träffpolicyn `hit_policy` ska vara en av {', '.join(_POLICIES)}, men är "
                f"{safe_repr(policy)}",
            )
        inputs_raw = raw.get("inputs")
        if not isinstance(inputs_raw, list) or not inputs_raw:
            raise reader.fail(
                '`inputs` must list the columns: [{ expr = "fact", label = { sv, en } }]',
                line,
                tid,
                sv='`inputs` ska lista tabellens kolumner: '
                '[{ expr = "uppgift", label = { sv, en } }]',
            )
        exprs: list[str] = []
        labels: list[Label] = []
        for item in inputs_raw:
            inp = {"expr": item} if isinstance(item, str) else item
            if not isinstance(inp, Mapping):
                raise reader.fail(
                    "each input is { expr = ..., label = { sv, en } }",
                    line,
                    tid,
                    sv="varje kolumn i `inputs` skrivs { expr = ..., label = { sv, en } }",
                )
            reader.keys(
                inp, _INPUT_KEYS, "a table input", line, tid, what_sv="en kolumn i `inputs`"
            )
            text, _node = reader.expression(inp.get("expr"), "inputs.expr", line, tid)
            exprs.append(text)
            lab = reader.label(
                inp.get("label"),
                "an input's label",
                line,
                tid,
                required=False,
                what_sv="kolumnens `label`",
            )
            labels.append(lab or Label(text, text))
        citations = reader.citations(raw.get("citations"), line, tid, required=False)
        explain = reader.label(
            raw.get("explain"), "`explain`", line, tid, required=False, what_sv="`explain`"
        )
        title = reader.label(
            raw.get("title"), "`title`", line, tid, required=False, what_sv="`title`"
        )
        vf = reader.a_date(raw.get("valid_from"), "valid_from", line, tid)
        vt = reader.a_date(raw.get("valid_to"), "valid_to", line, tid)
        if vf and vt and vt < vf:
            raise reader.fail(
                f"valid_to {vt} is before valid_from {vf}",
                line,
                tid,
                sv=f"valid_to {vt} ligger före valid_from {vf}",
            )
        priority = raw.get("priority")
        if policy == "priority" and (not isinstance(priority, list) or not priority):
            raise reader.fail(
                'hit_policy "priority" needs `priority = [...]`: the outputs, most important '
                "first",
                line,
                tid,
                sv='träffpolicyn hit_policy = "priority" behöver `priority = [...]`: '
                "tabellens utfall, det viktigaste först",
            )
        extends = raw.get("extends")
        if extends is not None and not isinstance(extends, str):
            raise reader.fail(
                "`extends` names the table whose rows this one replaces",
                line,
                tid,
                sv="`extends` ska vara id för den beslutstabell vars rader den här ersätter",
            )
        rows_raw = raw.get("rows")
        if not isinstance(rows_raw, list) or not rows_raw:
            raise reader.fail(
                "`rows` must be a non-empty list of { cells = [...], value = ... }",
                line,
                tid,
                sv="`rows` ska vara en lista med minst en rad { cells = [...], value = ... }",
            )
        row_lines = _row_lines(reader, line, len(rows_raw))
        rows: list[TableRow] = []
        specs: list[RuleSpec] = []
        seen: dict[str, int | None] = {}
        for i, row in enumerate(rows_raw):
            rline = row_lines[i]
            if not isinstance(row, Mapping):
                raise reader.fail(
                    f"row {i + 1} must be an inline table {{ ... }}",
                    rline,
                    tid,
                    sv=f"tabellrad {i + 1} ska vara en inline-tabell {{ ... }}",
                )
            rid_short = row.get("id", str(i + 1))
            if not isinstance(rid_short, str) or not _ROW_ID.match(rid_short):
                raise reader.fail(
                    f"row {i + 1}: `id` must be lower-case letters, digits and _",
                    rline,
                    tid,
                    sv=f"tabellrad {i + 1}: `id` får bara innehålla små bokstäver a-z, "
                    f"siffror och _",
                )
            rule_id = f"{tid}.{rid_short}"
            if rid_short in seen:
                raise reader.fail(
                    f"row id {rid_short!r} used twice (first at line {seen[rid_short]})",
                    rline,
                    rule_id,
                    sv=f"tabellradens id {rid_short!r} används två gånger (första gången på "
                    f"rad {seen[rid_short]} i filen)",
                )
            seen[rid_short] = rline
            reader.keys(row, _ROW_KEYS, "a table row", rline, rule_id, what_sv="en tabellrad")
            cells_raw = row.get("cells")
            if not isinstance(cells_raw, list) or len(cells_raw) != len(exprs):
                raise reader.fail(
                    f"row {rid_short!r} needs `cells` with one cell per input ({len(exprs)}: "
                    f"{', '.join(exprs)})",
                    rline,
                    rule_id,
                    sv=f"tabellraden {rid_short!r} behöver `cells` med en cell per kolumn i "
                    f"`inputs` ({len(exprs)}: {', '.join(exprs)})",
                )
            if ("value" in row) == ("compute" in row):
                raise reader.fail(
                    f"row {rid_short!r} needs exactly one of `value` (its output) and "
                    f"`compute` (an expression giving it)",
                    rline,
                    rule_id,
                    sv=f"tabellraden {rid_short!r} ska ha antingen `value` (radens utfall) eller "
                    f"`compute` (ett uttryck som ger det), "
                    + ("inte båda" if "value" in row else "ett av dem behövs"),
                )
            cells: list[Cell] = []
            conditions: list[ConditionSpec] = []
            for expr, lab, cell_raw in zip(exprs, labels, cells_raw, strict=True):
                try:
                    cell, cond = parse_cell(cell_raw, f"({expr})" if " " in expr else expr)
                except ValueError as exc:
                    why_sv = (
                        exc.sv
                        if isinstance(exc, _CellError)
                        else f"cellen kan inte läsas (på engelska: {exc})"
                    )
                    raise reader.fail(
                        f"row {rid_short!r}, column {expr!r}: {exc}",
                        rline,
                        rule_id,
                        sv=f"tabellraden {rid_short!r}, kolumnen {expr!r}: {why_sv}",
                    ) from None
                cells.append(cell)
                if cond is not None:
                    text, node = reader.expression(cond, "a cell", rline, rule_id, "en cell")
                    conditions.append(
                        ConditionSpec(
                            text,
                            node,
                            Label(f"{lab.sv}: {cell.text}", f"{lab.en}: {cell.text}"),
                            rline,
                        )
                    )
            value, compute = _output(reader, row, rline, rule_id)
            row_cites = reader.citations(row.get("citations"), rline, rule_id, required=False)
            cites = row_cites or citations
            if not cites:
                raise reader.fail(
                    f"row {rid_short!r} needs `citations`, or the table a default `citations`",
                    rline,
                    rule_id,
                    sv=f"tabellraden {rid_short!r} behöver `citations` (hänvisningar), eller "
                    f"tabellen `citations` som gäller för alla rader",
                )
            text_label = _row_text(reader, row, explain, rline, rule_id)
            row_title = reader.label(row.get("title"), "a row's `title`", rline, rule_id,
                                     required=False, what_sv="radens `title`")
            replaces = row.get("replaces")
            overrides: tuple[str, ...] = ()
            if replaces is not None:
                if extends is None:
                    raise reader.fail(
                        "`replaces` needs the table to say which table it `extends`",
                        rline,
                        rule_id,
                        sv="`replaces` kräver att tabellen anger vilken tabell den utökar "
                        "(`extends`)",
                    )
                if not isinstance(replaces, str) or not _ROW_ID.match(replaces):
                    raise reader.fail(
                        "`replaces` names a row id of the extended table",
                        rline,
                        rule_id,
                        sv="`replaces` ska vara id för en rad i den tabell som utökas",
                    )
                overrides = (f"{extends}.{replaces}",)
            # A computed output differs from every other row's for the overlap checks.
            out_value = value if compute is None else ("compute", rule_id)
            rows.append(TableRow(rid_short, tuple(cells), out_value, rline, rule_id))
            specs.append(
                RuleSpec(
                    id=rule_id,
                    question=question,
                    conditions=tuple(conditions),
                    scope=None,
                    value=value,
                    compute=compute,
                    valid_from=vf,
                    valid_to=vt,
                    overrides=overrides,
                    default=False,
                    citations=cites,
                    explain=text_label,
                    title=row_title
                    or Label(
                        f"{(title.sv if title else tid)}, rad {rid_short}",
                        f"{(title.en if title else tid)}, row {rid_short}",
                    ),
                    file=reader.path,
                    line=rline,
                    table=tid,
                )
            )
        specs = _policy_overrides(reader, tid, policy, priority, rows, specs, line)
        has_default = False
        default = raw.get("default")
        if default is not None:
            if not isinstance(default, Mapping) or ("value" in default) == ("compute" in default):
                raise reader.fail(
                    "`default` is { value = ..., sv = ..., en = ... }: the output when no row "
                    "applies",
                    line,
                    tid,
                    sv="`default` skrivs { value = ..., sv = ..., en = ... }: utfallet när "
                    "ingen rad är tillämplig",
                )
            reader.keys(
                default, _DEFAULT_KEYS, "a table's default", line, tid, what_sv="`default`"
            )
            did = default.get("id", "default")
            rule_id = f"{tid}.{did}"
            dvalue, dcompute = _output(reader, default, line, rule_id)
            has_default = True
            specs.append(
                RuleSpec(
                    id=rule_id,
                    question=question,
                    conditions=(),
                    scope=None,
                    value=dvalue,
                    compute=dcompute,
                    valid_from=vf,
                    valid_to=vt,
                    overrides=(),
                    default=True,
                    citations=reader.citations(default.get("citations"), line, rule_id,
                                               required=False) or citations,
                    explain=_row_text(reader, default, explain, line, rule_id),
                    title=reader.label(default.get("title"), "`title`", line, rule_id,
                                       required=False, what_sv="`title`")
                    or Label("ingen rad är tillämplig", "no row applies"),
                    file=reader.path,
                    line=line,
                    table=tid,
                )
            )
        out.append(
            TableSpec(
                id=tid,
                question=question,
                policy=policy,
                inputs=tuple(exprs),
                labels=tuple(labels),
                rows=tuple(rows),
                has_default=has_default,
                file=reader.path,
                line=line,
                rules=tuple(specs),
                extends=extends,
            )
        )
    return tuple(out)


def _output(
    reader: Any, row: Mapping[str, Any], line: int | None, rule_id: str
) -> tuple[Any, Any]:
    """A row's fixed ``value``, or its ``compute`` expression (a ConditionSpec)."""
    from .loader import ConditionSpec  # noqa: PLC0415 - loader imports this module

    if "compute" in row:
        text, node = reader.expression(row["compute"], "compute", line, rule_id)
        return None, ConditionSpec(text, node, None, line)
    value = row["value"]
    return (tuple(value) if isinstance(value, list) else value), None


def _row_text(
    reader: Any, row: Mapping[str, Any], explain: Label | None, line: int | None, rule_id: str
) -> Label:
    if "sv" in row or "en" in row:
        lab: Label | None = reader.label(
            {k: row.get(k) for k in ("sv", "en")},
            "a row's text",
            line,
            rule_id,
            what_sv="radens text (`sv` och `en`)",
        )
        assert lab is not None  # noqa: S101 - required
        return lab
    if explain is None:
        raise reader.fail(
            "give the row `sv` and `en` texts, or the table an `explain` template",
            line,
            rule_id,
            sv="ge raden texterna `sv` och `en`, eller tabellen en mall i `explain`",
        )
    return explain


def _may_overlap(a: TableRow, b: TableRow) -> bool:
    """Whether some input values satisfy both rows (opaque cells: assume they may)."""
    return all(_cells_meet(x, y) for x, y in zip(a.cells, b.cells, strict=True))


def _cells_meet(x: Cell, y: Cell) -> bool:
    if x.kind in ("any", "opaque") or y.kind in ("any", "opaque"):
        return True
    if x.kind == "set" and y.kind == "set":
        return bool(x.values & y.values)
    if x.kind == "set":
        return any(_in_interval(v, y) for v in x.values)
    if y.kind == "set":
        return any(_in_interval(v, x) for v in y.values)
    return _intervals_meet(x, y)


def _comparable(a: Any, b: Any) -> bool:
    return isinstance(a, date) == isinstance(b, date)


def _in_interval(v: Any, c: Cell) -> bool:
    if isinstance(v, bool) or (c.lo is not None and not _comparable(v, c.lo)) or (
        c.hi is not None and not _comparable(v, c.hi)
    ):
        return False
    if c.lo is not None and (v < c.lo or (v == c.lo and not c.lo_closed)):
        return False
    return not (c.hi is not None and (v > c.hi or (v == c.hi and not c.hi_closed)))


def _intervals_meet(x: Cell, y: Cell) -> bool:
    # The later of the two lower ends must not pass the earlier of the two upper ends.
    lo, lo_closed = _max_lo(x, y)
    hi, hi_closed = _min_hi(x, y)
    if lo is None or hi is None:
        return True
    if not _comparable(lo, hi):
        return False
    return lo < hi or (lo == hi and lo_closed and hi_closed)


def _max_lo(x: Cell, y: Cell) -> tuple[Any, bool]:
    if x.lo is None:
        return y.lo, y.lo_closed
    if y.lo is None:
        return x.lo, x.lo_closed
    if x.lo != y.lo:
        return (x.lo, x.lo_closed) if x.lo > y.lo else (y.lo, y.lo_closed)
    return x.lo, x.lo_closed and y.lo_closed


def _min_hi(x: Cell, y: Cell) -> tuple[Any, bool]:
    if x.hi is None:
        return y.hi, y.hi_closed
    if y.hi is None:
        return x.hi, x.hi_closed
    if x.hi != y.hi:
        return (x.hi, x.hi_closed) if x.hi < y.hi else (y.hi, y.hi_closed)
    return x.hi, x.hi_closed and y.hi_closed


#: Pairs of rows whose cells can meet that one table may have: each is compared when the
#: table loads (about a second; 3,000 rows that all overlap give 4.5 million).
MAX_OVERLAPPING_ROW_PAIRS = 500_000


def _refuse_dense(
    rows: tuple[TableRow, ...], file: str, line: int | None, rule_id: str | None
) -> None:
    """Refuse, before comparing them, rows of which more than
    :data:`MAX_OVERLAPPING_ROW_PAIRS` pairs can meet on every column that could be sorted."""
    n = len(rows)
    if n * (n - 1) // 2 <= MAX_OVERLAPPING_ROW_PAIRS:
        return
    bound = min(
        (pair_bound([r.cells[j] for r in rows]) for j in _sortable_columns(rows)), default=n * n
    )
    if bound <= MAX_OVERLAPPING_ROW_PAIRS:
        return
    raise RuleFileError(
        f"{n:,} rows, of which about {bound:,} pairs can apply to the same case: more than "
        f"{MAX_OVERLAPPING_ROW_PAIRS:,} pairs are too many to check when the table loads; "
        f"give the rows ranges that do not overlap (`(0..10]`, `(10..20]`), or split the "
        f"table",
        file=file,
        line=line,
        rule_id=rule_id,
        problem_sv=f"{format_number(n)} rader, av vilka omkring {format_number(bound)} par "
        f"kan gälla samma ärende: fler än {format_number(MAX_OVERLAPPING_ROW_PAIRS)} par är "
        f"för många för att pröva när tabellen läses in; ge raderna intervall som inte "
        f"överlappar (`(0..10]`, `(10..20]`), eller dela upp tabellen",
    )


def _sortable_columns(rows: tuple[TableRow, ...]) -> list[int]:
    """The columns a sweep can sort rows by: every cell an interval, a value set or ``-``,
    and not every cell ``-``."""
    return [
        j
        for j in range(len(rows[0].cells))
        if all(r.cells[j].kind in ("interval", "set", "any") for r in rows)
        and any(r.cells[j].kind != "any" for r in rows)
    ]


def overlapping_pairs(rows: tuple[TableRow, ...]) -> list[tuple[int, int]]:
    """Index pairs of rows that may both apply, found by a sweep over one sorted column.

    The column is the first whose cells are all intervals or value sets (``"-"`` counts as
    an interval over everything); rows are sorted by their lower end and only rows whose
    ranges meet on that column are compared on the others. With no such column every pair
    is compared.
    """
    n = len(rows)
    if n < 2:
        return []
    eligible = _sortable_columns(rows)
    # The most selective column: the sweep's work grows with the pairs that meet on it.
    col = (
        min(eligible, key=lambda j: (pair_bound([r.cells[j] for r in rows]), j))
        if len(eligible) > 1
        else eligible[0]
        if eligible
        else None
    )
    pairs: list[tuple[int, int]] = []
    if col is None:
        for i in range(n):
            for k in range(i + 1, n):
                if _may_overlap(rows[i], rows[k]):
                    pairs.append((i, k))
        return pairs
    # Value sets: bucket rows by value; wildcard rows meet everything.
    if all(r.cells[col].kind in ("set", "any") for r in rows):
        buckets: dict[Any, list[int]] = {}
        anys: list[int] = []
        for i, r in enumerate(rows):
            c = r.cells[col]
            if c.kind == "any":
                anys.append(i)
            else:
                for v in c.values:
                    buckets.setdefault(_key(v), []).append(i)  # 5 and 5.0 meet
        seen: set[tuple[int, int]] = set()
        groups = [*buckets.values()]
        for group in groups:
            members = sorted(set(group) | set(anys))
            for a_i, a in enumerate(members):
                for b in members[a_i + 1 :]:
                    if (a, b) not in seen and _may_overlap(rows[a], rows[b]):
                        seen.add((a, b))
        if not groups:
            for a_i, a in enumerate(anys):
                for b in anys[a_i + 1 :]:
                    if _may_overlap(rows[a], rows[b]):
                        seen.add((a, b))
        return sorted(seen)
    # Intervals (a value set becomes the interval around its values): sweep by lower end.
    spans: list[tuple[Any, int]] = []
    for i, r in enumerate(rows):
        c = r.cells[col]
        spans.append((_sort_key(c), i))
    spans.sort(key=lambda t: t[0])
    active: list[int] = []
    found: set[tuple[int, int]] = set()
    for _, i in spans:
        ci = rows[i].cells[col]
        still: list[int] = []
        for k in active:
            ck = rows[k].cells[col]
            if _ends_before(ck, ci):
                continue
            still.append(k)
            if _may_overlap(rows[i], rows[k]):
                found.add((min(i, k), max(i, k)))
        still.append(i)
        active = still
    return sorted(found)


def _bounds(c: Cell) -> tuple[Any, Any]:
    if c.kind == "set":
        vals = [v for v in c.values if is_ordered(v)]
        if not vals:
            return None, None
        return min(vals), max(vals)
    return c.lo, c.hi


def _sort_key(c: Cell) -> tuple[int, Any, int]:
    """Rows by their lower end; at one value a closed end before an open one (a row that
    ends at 0 must still meet a later row starting at a closed 0)."""
    lo, _ = _bounds(c)
    if lo is None:
        return (0, 0, 0)
    opened = 1 if c.kind == "interval" and not c.lo_closed else 0
    return (1, lo.toordinal() if isinstance(lo, date) else lo, opened)


def _ends_before(earlier: Cell, later: Cell) -> bool:
    """Whether *earlier* (sorted first) ends before *later* starts on the sweep column."""
    _, hi = _bounds(earlier)
    lo, _ = _bounds(later)
    if hi is None or lo is None or not _comparable(hi, lo):
        return False
    if hi < lo:
        return True
    if hi == lo:
        hi_closed = earlier.hi_closed if earlier.kind == "interval" else True
        lo_closed = later.lo_closed if later.kind == "interval" else True
        return not (hi_closed and lo_closed)
    return False


def _policy_overrides(
    reader: Any,
    tid: str,
    policy: str,
    priority: Any,
    rows: list[TableRow],
    specs: list[RuleSpec],
    line: int | None,
) -> list[RuleSpec]:
    """Turn ``first`` and ``priority`` into ``overrides`` between rows that can overlap."""
    if policy not in ("first", "priority"):
        return specs
    rank: dict[Any, int] = {}
    if policy == "priority":
        for i, v in enumerate(priority):
            rank[tuple(v) if isinstance(v, list) else v] = i
        for r in rows:
            if r.value not in rank:
                raise reader.fail(
                    f"row {r.id!r} outputs {r.value!r}, which is not in `priority`",
                    r.line,
                    r.rule_id,
                    sv=f"tabellraden {r.id!r} ger utfallet {safe_repr(r.value)}, som inte "
                    f"finns med i `priority`",
                )
    _refuse_dense(tuple(rows), reader.path, line, tid)
    extra: dict[int, list[str]] = {}
    for i, k in overlapping_pairs(tuple(rows)):
        a, b = rows[i], rows[k]
        if a.value == b.value:
            continue
        if policy == "first":
            winner, loser = i, k
        else:
            ra, rb = rank[a.value], rank[b.value]
            winner, loser = (i, k) if ra < rb else (k, i)
        extra.setdefault(winner, []).append(rows[loser].rule_id)
    out = []
    for i, spec in enumerate(specs):
        more = extra.get(i)
        out.append(attrs.evolve(spec, overrides=(*spec.overrides, *more)) if more else spec)
    return out


def check_table(table: TableSpec, facts: Mapping[str, FactDecl]) -> None:
    """Load-time checks: overlapping rows of a ``unique`` table, and gaps without a default.

    Raises :class:`RuleFileError` at the row concerned.
    """
    rows = table.rows
    if table.policy == "unique":
        _refuse_dense(rows, table.file, table.line, table.id)
        for i, k in overlapping_pairs(rows):
            a, b = rows[i], rows[k]
            if a.value == b.value or any(c.kind == "opaque" for c in (*a.cells, *b.cells)):
                continue  # opaque cells are left to the rulebook's general proof
            raise RuleFileError(
                f"table {table.id!r}: rows {a.id!r} (line {a.line}) and {b.id!r} (line "
                f"{b.line}) can both apply with different outputs under hit_policy "
                f'"unique"; make their cells exclusive, or use hit_policy "first" or '
                f'"priority"',
                file=table.file,
                line=b.line,
                rule_id=b.rule_id,
                problem_sv=f"beslutstabellen {table.id!r}: tabellraderna {a.id!r} (rad {a.line} "
                f"i filen) och {b.id!r} (rad {b.line} i filen) kan båda vara tillämpliga med "
                f"olika utfall, och "
                f'träffpolicyn är "unique"; gör deras celler ömsesidigt uteslutande, eller '
                f'använd hit_policy "first" eller "priority"',
            )
    if not table.has_default and table.policy != "collect" and table.extends is None:
        # (A table that extends another only replaces some of its rows: the gaps are the
        # extended table's to close.)
        gap = find_gap(table, facts)
        if gap is not None:
            shown = ", ".join(f"{e} = {v}" for e, v in zip(table.inputs, gap, strict=True))
            shown_sv = ", ".join(
                f"{e} = {_number_sv(v)}" for e, v in zip(table.inputs, gap, strict=True)
            )
            raise RuleFileError(
                f"table {table.id!r}: no row applies when {shown}; add a row for it, or a "
                f"`default = {{ value = ..., sv = ..., en = ... }}` row for the remaining cases",
                file=table.file,
                line=table.line,
                rule_id=table.id,
                problem_sv=f"beslutstabellen {table.id!r}: ingen rad är tillämplig när "
                f"{shown_sv}; "
                f"lägg till en rad för det fallet, eller en rad "
                f"`default = {{ value = ..., sv = ..., en = ... }}` för de återstående fallen",
            )


def _number_sv(v: Any) -> Any:
    """*v* as Swedish writes a number (``64,5``); any other value as it is."""
    if isinstance(v, (int, Decimal)) and not isinstance(v, bool):
        return format_number(v, "sv")
    return v


def _points(
    cells: list[Cell], decl: FactDecl | None
) -> list[Any] | None:
    """Representative values of one column: every breakpoint and a value between each."""
    if all(c.kind == "any" for c in cells):
        return ["(any)"]
    if any(c.kind == "opaque" for c in cells):
        return None
    if all(c.kind in ("set", "any") for c in cells) and decl is not None:
        if decl.type == "bool":
            return [True, False]
        if decl.values:
            return list(decl.values)
    if all(c.kind in ("set", "any") for c in cells):
        return None  # an open-ended text or number column: only a default row covers it
    edges: set[Any] = set()
    for c in cells:
        if c.kind == "interval":
            edges.update(e for e in (c.lo, c.hi) if e is not None)
        elif c.kind == "set":
            edges.update(v for v in c.values if not isinstance(v, (bool, str)))
    if any(isinstance(e, str) for e in edges):
        return None
    is_date = any(isinstance(e, date) for e in edges)
    if is_date and not all(isinstance(e, date) for e in edges):
        return None
    lo_bound: Any = None
    hi_bound: Any = None
    integral = False
    if decl is not None:
        integral = decl.type == "int"
        if decl.min is not None:
            lo_bound = decl.min
        if decl.max is not None:
            hi_bound = decl.max
    ordered = sorted(edges)
    pts: list[Any] = []
    if is_date:
        ords = [d.toordinal() for d in ordered]
        cand = {ords[0] - 1, ords[-1] + 1}
        for o in ords:
            cand.update((o - 1, o, o + 1))
        return [date.fromordinal(o) for o in sorted(cand) if 1 <= o <= date.max.toordinal()]
    cand_set: set[Any] = set(ordered)
    first, last = ordered[0], ordered[-1]
    cand_set.add(first - 1)
    cand_set.add(last + 1)
    for x, y in itertools.pairwise(ordered):
        mid = (Decimal(x) + Decimal(y)) / 2
        cand_set.add(mid)
        if integral:
            cand_set.update((x + 1, y - 1))
    for v in sorted(cand_set):
        if integral and Decimal(v) != Decimal(v).to_integral_value():
            continue
        if lo_bound is not None and v < lo_bound:
            continue
        if hi_bound is not None and v > hi_bound:
            continue
        pts.append(int(v) if integral else v)
    if lo_bound is not None and lo_bound not in pts and (hi_bound is None or lo_bound <= hi_bound):
        pts.insert(0, lo_bound)
    if hi_bound is not None and hi_bound not in pts:
        pts.append(hi_bound)
    return pts


def _covers(c: Cell, v: Any) -> bool:
    if c.kind == "any" or v == "(any)":
        return True
    if c.kind == "set":
        return any((v == x and type(v) is type(x)) or (
            not isinstance(v, bool) and not isinstance(x, bool) and v == x
        ) for x in c.values)
    return _in_interval(v, c)


def _cover_sets(cells: list[Cell], points: list[Any]) -> list[frozenset[int]]:
    """For each point of a column, the rows whose cell covers it.

    Value-set columns look values up; interval columns sweep the sorted points once, adding
    a row when its lower end is reached and dropping it after its upper end, so the cost
    grows with the rows and points, not their product.
    """
    n = len(cells)
    anys = [i for i, c in enumerate(cells) if c.kind == "any"]
    if points == ["(any)"]:
        return [frozenset(range(n))]
    if all(c.kind in ("set", "any") for c in cells):
        holders: dict[Any, set[int]] = {}
        for i, c in enumerate(cells):
            for x in c.values:
                holders.setdefault(_key(x), set()).add(i)
        return [frozenset(holders.get(_key(v), set()).union(anys)) for v in points]
    order = sorted(range(len(points)), key=lambda k: points[k])
    starts = sorted(
        (i for i, c in enumerate(cells) if c.kind != "any"),
        key=lambda i: _sort_key(cells[i]),
    )
    result: list[frozenset[int]] = [frozenset()] * len(points)
    active: set[int] = set()
    nxt = 0
    for k in order:
        v = points[k]
        while nxt < len(starts):
            c = cells[starts[nxt]]
            lo, _ = _bounds(c)
            if lo is not None and _comparable(lo, v) and lo > v:
                break
            active.add(starts[nxt])
            nxt += 1
        done = [i for i in active if _gone(cells[i], v)]
        active.difference_update(done)
        result[k] = frozenset(i for i in active if _covers(cells[i], v)).union(anys)
    return result


def _gone(c: Cell, v: Any) -> bool:
    """Whether cell *c* ends before *v* (so it covers no later point either)."""
    _, hi = _bounds(c)
    if hi is None or not _comparable(hi, v):
        return False
    closed = c.hi_closed if c.kind == "interval" else True
    return hi < v or (hi == v and not closed)


def find_gap(table: TableSpec, facts: Mapping[str, FactDecl]) -> tuple[Any, ...] | None:
    """An input combination no row covers, or ``None`` (no gap, or none provable).

    Columns whose cells compare with parameters, or open-ended text columns, cannot be
    checked; such a table without a default row is accepted as written.
    """
    rows = table.rows
    per_col: list[list[Any]] = []
    total = 1
    for j, expr in enumerate(table.inputs):
        decl = facts.get(expr)
        pts = _points([r.cells[j] for r in rows], decl)
        if pts is None:
            return None
        per_col.append(pts)
        total *= max(1, len(pts))
        if total > MAX_GAP_POINTS:
            return None
    covers = [
        _cover_sets([r.cells[j] for r in rows], pts) for j, pts in enumerate(per_col)
    ]
    # Walk the grid column by column, keeping only the rows still covering the prefix.
    stack: list[tuple[int, tuple[Any, ...], frozenset[int]]] = [
        (0, (), frozenset(range(len(rows))))
    ]
    while stack:
        j, prefix, alive = stack.pop()
        if j == len(per_col):
            continue
        for v, cover in zip(per_col[j], covers[j], strict=True):
            keep = alive & cover if len(alive) > len(cover) else cover & alive
            if not keep:
                return (*prefix, v, *(col[0] for col in per_col[j + 1 :]))
            stack.append((j + 1, (*prefix, v), keep))
    return None


@attrs.frozen
class TableIndex:
    """Which rows of a table can apply, looked up from the value of one input.

    Built once per table from a column whose input is a plain name (a fact or a question)
    and whose cells are all intervals, value sets or ``"-"``. A lookup costs a binary
    search (intervals) or a dict access (values) instead of evaluating every row; a row the
    index leaves out has a cell that does not cover the value, so its condition is false.
    """

    name: str
    rule_ids: frozenset[str]
    by_value: Mapping[Any, frozenset[str]]
    edges: tuple[Any, ...]
    at_edge: tuple[frozenset[str], ...]
    between: tuple[frozenset[str], ...]
    wild: frozenset[str]
    numeric: bool

    def lookup(self, value: Any) -> frozenset[str] | None:
        """The ids of the rows that may apply when the input is *value* (``None``: all)."""
        if not self.numeric:
            if isinstance(value, (str, bool)):
                return self.by_value.get((type(value).__name__, value), self.wild)
            return None
        if isinstance(value, bool) or not isinstance(value, (int, Decimal, date)):
            return None
        if isinstance(value, date) != isinstance(self.edges[0], date):
            return None
        import bisect  # noqa: PLC0415 - only for indexed tables

        k = bisect.bisect_left(self.edges, value)
        if k < len(self.edges) and self.edges[k] == value:
            return self.at_edge[k]
        return self.between[k]


def build_index(table: TableSpec, column: int | None = None) -> TableIndex | None:
    """An index over the most selective column that allows one (or *column*); ``None`` if
    none does."""
    rows = table.rows
    if not rows:
        return None
    cols: Sequence[int] = range(len(table.inputs)) if column is None else (column,)
    if column is None and len(table.inputs) > 1:
        # The most selective column first (a column where every row says "hemtjanst"
        # narrows nothing).
        cols = sorted(cols, key=lambda j: (pair_bound([r.cells[j] for r in rows]), j))
    for j in cols:
        name = table.inputs[j]
        if not re.match(r"^[a-z_][a-z0-9_.]*$", name):
            continue
        cells = [r.cells[j] for r in rows]
        if any(c.kind == "opaque" for c in cells) or all(c.kind == "any" for c in cells):
            continue
        wild = frozenset(r.rule_id for r, c in zip(rows, cells, strict=True) if c.kind == "any")
        all_ids = frozenset(r.rule_id for r in rows)
        if all(c.kind in ("set", "any") for c in cells) and all(
            isinstance(v, (str, bool)) for c in cells for v in c.values
        ):
            by_value: dict[Any, set[str]] = {}
            for r, c in zip(rows, cells, strict=True):
                for v in c.values:
                    by_value.setdefault((type(v).__name__, v), set()).add(r.rule_id)
            return TableIndex(
                name,
                all_ids,
                {k: frozenset(v | wild) for k, v in by_value.items()},
                (),
                (),
                (),
                wild,
                False,
            )
        edges_set: set[Any] = set()
        for c in cells:
            if c.kind == "interval":
                edges_set.update(e for e in (c.lo, c.hi) if e is not None)
            elif c.kind == "set":
                edges_set.update(c.values)
        if not edges_set or any(isinstance(e, (str, bool)) for e in edges_set):
            continue
        if len({isinstance(e, date) for e in edges_set}) > 1:
            continue
        edges = tuple(sorted(edges_set))
        # One sweep over the edges and a point inside each span between them (_cover_sets)
        # gives, for every edge and every span, the rows covering it.
        is_date = isinstance(edges[0], date)
        probes: list[Any] = []
        slots: list[tuple[str, int]] = []
        below = _step(edges[0], -1, is_date)
        probes.append(below)
        slots.append(("between", 0))
        for k, e in enumerate(edges):
            probes.append(e)
            slots.append(("at", k))
            nxt = edges[k + 1] if k + 1 < len(edges) else None
            inside = _step(e, 1, is_date) if nxt is None else _midpoint(e, nxt, is_date)
            if inside is not None:
                probes.append(inside)
                slots.append(("between", k + 1))
        covers = _cover_sets(cells, probes)
        ids = [r.rule_id for r in rows]
        at_edge: list[frozenset[str]] = [frozenset()] * len(edges)
        between: list[frozenset[str]] = [frozenset()] * (len(edges) + 1)
        for (kind, k), cover in zip(slots, covers, strict=True):
            found = frozenset(ids[i] for i in cover)
            if kind == "at":
                at_edge[k] = found
            else:
                between[k] = found
        return TableIndex(name, all_ids, {}, edges, tuple(at_edge), tuple(between), wild, True)
    return None


def _covers_open(c: Cell, v: Any, _: str) -> bool:
    if c.kind == "any":
        return True
    if c.kind == "set":
        return any(not isinstance(x, (bool, str)) and x == v for x in c.values)
    return _in_interval(v, c)


def _covers_span(c: Cell, lo: Any, hi: Any) -> bool:
    """Whether cell *c* covers every value strictly between *lo* and *hi* (open ends)."""
    if c.kind == "any":
        return True
    if c.kind == "set":
        return False  # a finite set covers no open span
    # The open span (lo, hi) lies inside c iff c.lo <= lo (or unbounded) and hi <= c.hi.
    if c.lo is not None and (lo is None or c.lo > lo):
        return False
    return not (c.hi is not None and (hi is None or c.hi < hi))


def _step(v: Any, by: int, is_date: bool) -> Any:
    if is_date:
        o = v.toordinal() + by
        return date.fromordinal(min(max(o, 1), date.max.toordinal()))
    return v + by


def _midpoint(a: Any, b: Any, is_date: bool) -> Any:
    """A value strictly between *a* and *b*, or ``None`` when there is none (dates)."""
    if is_date:
        lo, hi = a.toordinal(), b.toordinal()
        return date.fromordinal((lo + hi) // 2) if hi - lo > 1 else None
    return (Decimal(a) + Decimal(b)) / 2


def _key(v: Any) -> tuple[str, Any]:
    """A lookup key that keeps true apart from 1 and '1' apart from 1 (20 and 20.0 meet)."""
    if isinstance(v, bool):
        return ("bool", v)
    if isinstance(v, (int, Decimal)):
        return ("number", Decimal(v).normalize())
    return (type(v).__name__, v)


def index_from_scopes(entries: list[tuple[str, Any]]) -> TableIndex | None:
    """An index over ordinary rules whose ``scope`` tests one name against constants.

    *entries* are ``(rule id, scope syntax tree)``. A scope like ``insats == 'x'`` or
    ``insats in ['x', 'y']`` becomes a value-set cell; the most common such name is indexed
    when at least :data:`INDEX_MIN_SCOPES` rules share it. A rule whose scope is false is
    never listed in an explanation, so leaving it out changes nothing a reader sees.
    """
    from .expr.ast import Compare, ListExpr, Literal, Name  # noqa: PLC0415

    by_name: dict[str, list[tuple[str, frozenset[Any]]]] = {}
    for rule_id, node in entries:
        if not isinstance(node, Compare) or not isinstance(node.left, Name):
            continue
        values: list[Any] | None = None
        if node.op == "==" and isinstance(node.right, Literal):
            values = [node.right.value]
        elif node.op == "in" and isinstance(node.right, ListExpr) and all(
            isinstance(i, Literal) for i in node.right.items
        ):
            values = [i.value for i in node.right.items if isinstance(i, Literal)]
        if values is None or not all(isinstance(v, (str, bool)) for v in values):
            continue
        by_name.setdefault(node.left.name, []).append((rule_id, frozenset(values)))
    if not by_name:
        return None
    name, rows = max(by_name.items(), key=lambda kv: (len(kv[1]), kv[0]))
    if len(rows) < INDEX_MIN_SCOPES:
        return None
    lookup: dict[Any, set[str]] = {}
    for rule_id, scope_values in rows:
        for v in scope_values:
            lookup.setdefault((type(v).__name__, v), set()).add(rule_id)
    return TableIndex(
        name,
        frozenset(r for r, _ in rows),
        {k: frozenset(v) for k, v in lookup.items()},
        (),
        (),
        (),
        frozenset(),
        False,
    )


#: Ordinary rules sharing a scope name are indexed from this many on.
INDEX_MIN_SCOPES = 8


def pair_bound(cells: Sequence[Cell]) -> int:
    """An upper bound on the pairs of *cells* that meet, counted in n log n.

    :func:`overlapping_pairs` finds the pairs by a sweep whose cost grows with the pairs it
    finds; this bound chooses the column to sweep and lets a caller refuse rows that nearly
    all overlap (a hostile or mistaken file of thousands of ``x >= i`` rules) before
    sweeping. Exact for intervals (open and closed ends included); a value set counts as
    the interval around its values.
    """
    import bisect  # noqa: PLC0415 - only for big questions and tables

    anys = sum(c.kind == "any" for c in cells)
    n = len(cells)
    total = anys * (n - anys) + anys * (anys - 1) // 2
    by_value: dict[Any, int] = {}
    # (start, end) as comparable keys: a closed end at v is (v, 0), an open lower end just
    # above it (v, 1), an open upper end just below it (v, -1); two spans meet when the
    # later start is at or before the earlier end.
    spans: list[tuple[tuple[int, Any, int], tuple[int, Any, int], bool]] = []
    for c in cells:
        if c.kind == "set":
            ordered = [v for v in c.values if is_ordered(v)]
            for v in c.values:
                if not is_ordered(v):
                    key = _key(v)
                    total += by_value.get(key, 0)
                    by_value[key] = by_value.get(key, 0) + 1
            if ordered:
                lo, hi = min(ordered), max(ordered)
                spans.append(((1, lo, 0), (1, hi, 0), isinstance(lo, date)))
        elif c.kind == "interval":
            start = (0, 0, 0) if c.lo is None else (1, c.lo, 0 if c.lo_closed else 1)
            end = (2, 0, 0) if c.hi is None else (1, c.hi, 0 if c.hi_closed else -1)
            bound = c.lo if c.lo is not None else c.hi
            spans.append((start, end, isinstance(bound, date)))
        elif c.kind == "opaque":
            total += n
    for is_date in (False, True):  # numbers, then dates: never compared with each other
        group = sorted((s, e) for s, e, d in spans if d == is_date)
        starts = [s for s, _ in group]
        for k, (_, end) in enumerate(group):
            total += max(0, bisect.bisect_right(starts, end) - k - 1)
    return total


def is_ordered(v: Any) -> bool:
    """Whether *v* is a number or a date (what intervals hold; not a bool or a text)."""
    return not isinstance(v, bool) and isinstance(v, (int, Decimal, date))
