"""Read rule files (TOML) into checked declarations.

A rule file may hold ``[rulebook]`` (id, title, jurisdiction), ``[facts.NAME]``,
``[parameters.NAME]``, ``[questions."NAME"]``, ``[[rules]]`` and ``[[constraints]]``; see
``docs/rule-format.md``. This module checks the *shape* of each table — keys, types, dates,
labels, citations — and records the line of everything it reads, so that any later error
(an expression that does not type-check, a conflict between rules) can name file, line and
rule id. Expressions are parsed here and compiled by :mod:`.rulebook`.
"""

from __future__ import annotations

import bisect
import errno
import itertools
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import attrs

from .errors import ExpressionError, RuleFileError, did_you_mean, rule_file_problem_sv
from .expr import parse
from .expr.ast import Node
from .model import Citation, FactDecl, Label, Parameter, ParameterValue, QuestionDecl
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
from .tables import TableSpec, read_tables
from .values import (
    MAX_DECIMAL_PLACES,
    SCALAR_TYPES,
    Value,
    bad_character,
    format_number,
    number_problem,
    parse_int,
    safe_repr,
)
from .watchdecl import WatchDecl, read_watches

try:  # the compiled build of the same parser: rule files load about 3x faster
    import tomli as tomllib
except ImportError:  # pragma: no cover - tomli is a dependency; tomllib is the same parser
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        raise

__all__ = [
    "ConditionSpec",
    "ConstraintSpec",
    "RuleFile",
    "RuleSpec",
    "check_rule_file",
    "read_rule_file",
    "read_text_file",
]

_T = TypeVar("_T")
_NAME = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*\Z")
_JURISDICTION = re.compile(r"[a-z]{2}(/[a-z0-9][a-z0-9-]*)*\Z")
_ID = re.compile(r"[a-z0-9][a-z0-9_.\-]*\Z")
MAX_ID_LENGTH = 200
_TYPES = SCALAR_TYPES | {"list"}
MAX_FILE_BYTES = 2_000_000
MAX_DIGITS = 20
MAX_MAGNITUDE = 15


def _number_problem(value: int | Decimal, lang: str = "en") -> str | None:
    """Why *value* is not a number a rule file may hold (``None`` when it is fine).

    Finite, strictly between ±10^15, at most 20 significant digits and 20 decimal places;
    checked without building the number's digits or touching the decimal context, so
    ``1e999999999`` and ``1e-999999999`` are refused at once. ``lang="sv"``: in Swedish.
    """
    problem = number_problem(value, MAX_MAGNITUDE, MAX_DECIMAL_PLACES, lang)
    if problem is None and isinstance(value, Decimal):
        digits = value.as_tuple().digits
        significant = len(digits)
        while significant > MAX_DIGITS and digits[significant - 1] == 0:
            significant -= 1
        if significant > MAX_DIGITS:
            problem = (
                f"har fler än {MAX_DIGITS} värdesiffror"
                if lang == "sv"
                else f"has more than {MAX_DIGITS} significant digits"
            )
    return problem


_OS_ERRORS_SV = {
    errno.ENOENT: "den finns inte",
    errno.EACCES: "behörighet att läsa den saknas",
    errno.EPERM: "behörighet att läsa den saknas",
    errno.ENOTDIR: "en del av sökvägen är inte en katalog",
    errno.ELOOP: "sökvägen har för många symboliska länkar i rad",
    errno.ENAMETOOLONG: "sökvägen är för lång",
    errno.EIO: "ett in- eller utmatningsfel uppstod",
}
"""Swedish for the operating system's most common reasons a file cannot be read."""

_TYPE_SV = {
    "bool": "true eller false (bool)",
    "int": "ett heltal (int)",
    "number": "ett tal (number)",
    "text": "en text (text)",
    "date": "ett datum (date)",
}
_LIST_OF_SV = {
    "bool": "en lista med true/false",
    "int": "en lista med heltal",
    "number": "en lista med tal",
    "text": "en lista med texter",
    "date": "en lista med datum",
}


def _toml_sv(raw: object) -> str:
    """*raw* as a Swedish text shows a value read from a rule file: ``true``, ``2023-01-01``,
    ``12,5``, ``'text'``; a table by its kind, a list by its first items, a number too long
    to print by its order of magnitude. Never raises."""
    if raw is None:
        return "ingenting"
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, datetime):
        return f"{raw.isoformat(' ')} (ett datum med klockslag)"
    if isinstance(raw, date):
        return raw.isoformat()
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            return "nan" if raw.is_nan() else ("-inf" if raw < 0 else "inf")
        if len(raw.as_tuple().digits) <= 30 and -30 < raw.adjusted() < 30:
            return format_number(raw)
        return f"ett tal i storleksordningen 10^{raw.adjusted()}"
    if isinstance(raw, int):
        if -(10**30) < raw < 10**30:
            return format_number(raw)
        return f"ett heltal med omkring {raw.bit_length() * 3 // 10} siffror"
    if isinstance(raw, Mapping):
        return "en tabell { ... }"
    if isinstance(raw, list):
        items = (_toml_sv(x) if not isinstance(x, list) else "[...]" for x in raw[:5])
        shown = "[" + ", ".join(items)
        shown += ", ...]" if len(raw) > 5 else "]"
        return shown if len(shown) <= 60 else shown[:57] + "..."
    return safe_repr(raw)


def _the_number_sv(value: int | Decimal) -> str:
    """``talet 12,5`` (or ``ett tal i storleksordningen 10^30``) as a sentence's subject."""
    shown = _toml_sv(value)
    return shown if shown.startswith("ett ") else f"talet {shown}"


_NUMBER_LIMITS = (
    f"rule files take numbers of at most {MAX_DIGITS} digits, below 10^{MAX_MAGNITUDE}, "
    f"with at most {MAX_DECIMAL_PLACES} decimal places"
)
_NUMBER_LIMITS_SV = (
    f"en regelfil tar tal med högst {MAX_DIGITS} siffror, under 10^{MAX_MAGNITUDE} och "
    f"med högst {MAX_DECIMAL_PLACES} decimaler"
)


def _sane_number(value: int | Decimal) -> bool:
    """A number a rule author could mean: finite, few digits, not astronomically large."""
    return _number_problem(value) is None


def read_text_file(path: str | os.PathLike[str], max_bytes: int = MAX_FILE_BYTES) -> str:
    """The UTF-8 text of the regular file at *path*, or :class:`RuleFileError`.

    The file is checked *before* it is read: a directory, a device (``/dev/zero``), a FIFO
    or a socket — also behind a symbolic link — is refused, and so is a file larger than
    *max_bytes*, so a wrong path can neither hang the caller nor exhaust its memory. The
    file is opened non-blocking and read at most *max_bytes* + 1 bytes, so a file that
    changes between the check and the read is caught too.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise RuleFileError(
            f"a file path must be text or a path, got {safe_repr(path)}",
            file=safe_repr(path),
            problem_sv=f"sökvägen till en fil ska vara text eller en sökväg (Path), men är "
            f"{safe_repr(path)}",
        )
    spath = os.fspath(path)
    if not isinstance(spath, str):
        spath = str(spath)

    def fail(problem: str, sv: str) -> RuleFileError:
        return RuleFileError(problem, file=spath, problem_sv=sv)

    def cannot(exc: OSError | ValueError) -> RuleFileError:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        known = (
            _OS_ERRORS_SV.get(exc.errno or 0)
            if isinstance(exc, OSError)
            else "sökvägen innehåller ett NUL-tecken"
            if "null" in reason
            else None
        )
        return fail(
            f"cannot read the file: {reason}",
            f"filen kan inte läsas: {known}"
            if known
            else f"filen kan inte läsas (systemets beskrivning, på engelska: {reason})",
        )

    def check(st: os.stat_result) -> None:
        if not stat.S_ISREG(st.st_mode):
            kind, kind_sv = (
                ("a directory", "en katalog")
                if stat.S_ISDIR(st.st_mode)
                else ("a FIFO", "en namngiven pipe (FIFO)")
                if stat.S_ISFIFO(st.st_mode)
                else ("a device", "en enhetsfil")
                if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
                else ("a socket", "en socket")
                if stat.S_ISSOCK(st.st_mode)
                else ("not a plain file", "inte en vanlig fil")
            )
            raise fail(
                f"not a regular file ({kind}); give the path of a .toml file",
                f"inte en vanlig fil ({kind_sv}); ange sökvägen till en .toml-fil",
            )
        if st.st_size > max_bytes:
            raise fail(
                f"file is larger than {max_bytes:,} bytes ({st.st_size:,} bytes)",
                f"filen är större än {format_number(max_bytes)} byte "
                f"({format_number(st.st_size)} byte)",
            )

    try:
        check(os.stat(spath))
        fd = os.open(
            spath, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
        )
    except RuleFileError:  # a ValueError too: the check's own refusal, as it is
        raise
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        raise cannot(exc) from None
    try:
        check(os.fstat(fd))  # the file opened is the file checked
        chunks: list[bytes] = []
        size = 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise cannot(exc) from None
    finally:
        os.close(fd)
    if size > max_bytes:
        raise fail(
            f"file is larger than {max_bytes:,} bytes",
            f"filen är större än {format_number(max_bytes)} byte",
        )
    try:
        return b"".join(chunks).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise fail(
            f"not UTF-8 text (byte {exc.start})",
            f"filen är inte text i UTF-8 (felet sitter i byte {format_number(exc.start)}); "
            f"spara den som UTF-8",
        ) from None


@attrs.frozen
class ConditionSpec:
    """One condition of a rule: the expression, its parsed tree and optional labels."""

    text: str
    node: Node
    label: Label | None
    line: int | None


@attrs.frozen
class RuleSpec:
    """A rule as written, checked for shape but not yet compiled."""

    id: str
    question: str
    conditions: tuple[ConditionSpec, ...]
    scope: ConditionSpec | None
    value: Value | None
    compute: ConditionSpec | None
    valid_from: date | None
    valid_to: date | None
    overrides: tuple[str, ...]
    default: bool
    citations: tuple[Citation, ...]
    explain: Label
    title: Label
    file: str
    line: int | None
    table: str | None = None  # the decision table the rule is a row of (tables.py)


@attrs.frozen
class ConstraintSpec:
    """A consistency check between facts (for example ``alder`` against ``fodelsedatum``)."""

    id: str
    check: ConditionSpec
    message: Label
    file: str
    line: int | None


@attrs.frozen
class RuleFile:
    """Everything one rule file declares."""

    path: str
    id: str
    title: Label
    jurisdiction: str
    facts: tuple[FactDecl, ...]
    parameters: tuple[Parameter, ...]
    questions: tuple[QuestionDecl, ...]
    rules: tuple[RuleSpec, ...]
    constraints: tuple[ConstraintSpec, ...]
    watches: tuple[WatchDecl, ...] = ()  # [watches.NAME]: see watchdecl.py
    tables: tuple[TableSpec, ...] = ()  # [[tables]]: see tables.py (their rows are in `rules`)
    adopted_from: str | None = None  # the file's own jurisdiction, when adopted by another
    lines: Mapping[tuple[str, str], int] = attrs.field(factory=dict, eq=False)
    """The first line of each declaration: ``("facts", name)`` -> line."""


_BARE_KEY = re.compile(r"[A-Za-z0-9_\-]+")
# The common shapes, read without the general key reader: `a = `, `a.b = `, `[a.b]`, `[[a]]`.
_PLAIN_KEY_LINE = re.compile(r"([A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]+)*)[ \t]*=")
_PLAIN_HEADER = re.compile(r"\[\[?([A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]+)*)\]")


def _unquote(raw: str) -> str:
    """The value of a basic-string key's escapes (``\\u00e5``), as far as JSON reads them."""
    if "\\" not in raw:
        return raw
    try:
        value = json.loads(f'"{raw}"')
    except ValueError:
        return raw
    return value if isinstance(value, str) else raw


def _key_path(text: str, pos: int) -> tuple[tuple[str, ...], int] | None:
    """Read a dotted TOML key (``a.b."c d".'e'``) at *pos*; the parts and the end position."""
    parts: list[str] = []
    n = len(text)
    while True:
        while pos < n and text[pos] in " \t":
            pos += 1
        if pos >= n:
            return None
        ch = text[pos]
        if ch in "\"'":
            end = pos + 1
            while end < n and text[end] != ch:
                end += 2 if ch == '"' and text[end] == "\\" else 1
            if end >= n:
                return None
            parts.append(_unquote(text[pos + 1 : end]) if ch == '"' else text[pos + 1 : end])
            pos = end + 1
        else:
            m = _BARE_KEY.match(text, pos)
            if m is None:
                return None
            parts.append(m.group())
            pos = m.end()
        while pos < n and text[pos] in " \t":
            pos += 1
        if pos < n and text[pos] == ".":
            pos += 1
            continue
        return tuple(parts), pos


class _Locator:
    """Find the line of a table or key in the raw TOML text.

    One pass over the lines indexes every table header, array-of-tables header and key
    (dotted keys and keys under a ``[section]`` table included), so each lookup is a dict
    access: loading stays linear in the size of the file however its tables are written.
    Lines inside multi-line strings are skipped.
    """

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.array_headers: dict[str, list[int]] = {}
        self.headers: dict[tuple[str, str], int] = {}  # (section, name) -> first line
        self._keys: list[str | None] = []  # each line's leading key, or "[" for a header
        self._key_lines: dict[str, list[int]] | None = None  # key -> line indexes
        self._next_header: list[int] = []  # for each line index, the next header's
        table: tuple[str, ...] = ()
        in_string: str | None = None
        for i, line in enumerate(self.lines, start=1):
            if in_string is not None:
                self._keys.append(None)
                if line.count(in_string) % 2 == 1:
                    in_string = None
                continue
            stripped = line.lstrip()
            full: tuple[str, ...] | None = None
            if stripped.startswith("["):
                self._keys.append("[")
                array = stripped.startswith("[[")
                head = _PLAIN_HEADER.match(stripped)
                found = (
                    (tuple(head.group(1).split(".")), head.end() - 1)
                    if head is not None
                    else _key_path(stripped, 2 if array else 1)
                )
                table = found[0] if found else ()
                if found and array:
                    self.array_headers.setdefault(".".join(found[0]), []).append(i)
                full = table
            else:
                plain = _PLAIN_KEY_LINE.match(stripped)
                if plain is not None:  # most lines: `key = ...` or `a.b = ...`
                    found = (tuple(plain.group(1).split(".")), plain.end() - 1)
                else:
                    found = _key_path(stripped, 0)
                if found is None or not stripped[found[1] :].startswith("="):
                    self._keys.append(None)
                    continue
                self._keys.append(found[0][0])
                full = table + found[0]
                rest = stripped[found[1] + 1 :]
                if '"""' in rest or "'''" in rest:  # a multi-line string may start here
                    for quote in ('"""', "'''"):
                        if rest.count(quote) % 2 == 1:
                            in_string = quote
                            break
            if len(full) >= 2:
                self.headers.setdefault((full[0], full[1]), i)
            elif len(full) == 1:
                self.headers.setdefault((full[0], ""), i)

    def table(self, section: str, name: str) -> int | None:
        """The first line declaring ``section.name`` (a header, a dotted key or an inline
        table under ``[section]``)."""
        return self.headers.get((section, name))

    def array_item(self, section: str, index: int) -> int | None:
        heads = self.array_headers.get(section, [])
        return heads[index] if index < len(heads) else None

    def key_after(self, start: int | None, key: str) -> int | None:
        """The line of *key* inside the table whose header is on line *start* (*start*
        itself when the key is not found there). A dict access and a bisection: looking
        up every key of every table stays linear in the size of the file."""
        if start is None:
            return None
        if self._key_lines is None:  # built on first use
            self._key_lines = {}
            for idx, found in enumerate(self._keys):
                if found is not None and found != "[":
                    self._key_lines.setdefault(found, []).append(idx)
            following = len(self._keys)
            self._next_header = [0] * (len(self._keys) + 1)
            self._next_header[following] = following
            for idx in range(len(self._keys) - 1, -1, -1):
                if self._keys[idx] == "[":
                    following = idx
                self._next_header[idx] = following
        positions = self._key_lines.get(key, [])
        i = bisect.bisect_left(positions, start)
        inside = start < len(self._next_header) and i < len(positions)
        if inside and positions[i] < self._next_header[start]:
            return positions[i] + 1
        return start


class _Reader:
    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.loc = _Locator(text)
        # Where problems that need not stop the reading of an entry go (an unknown key),
        # when every problem of the file is wanted (check_rule_file); None: raise them.
        self.soft: list[RuleFileError] | None = None

    def fail(
        self,
        problem: str,
        line: int | None = None,
        rule_id: str | None = None,
        key: str | None = None,
        *,
        sv: str,
    ) -> RuleFileError:
        """The error at *line* (a table's header), or at the line of its *key* in it; *sv*
        is the problem in Swedish (every call of the library gives one)."""
        if key is not None:
            line = self.loc.key_after(line, key)
        return RuleFileError(
            problem, file=self.path, line=line, rule_id=rule_id, problem_sv=sv, key=key
        )

    # -- the whole file, before anything reads it ---------------------------------------
    def check_scalars(
        self,
        data: Mapping[str, Any],
        sink: list[RuleFileError] | None = None,
        texts_clean: bool = False,
    ) -> set[tuple[str, str | int]]:
        """Refuse, wherever they are, numbers out of range and texts (keys too) holding
        characters a rule file may not contain (see ``docs/rule-format.md``).

        Walks the parsed file without recursion, in document order, and names the line and
        rule of the first offender — or, with a *sink*, records every offender there and
        gives the top-level entries holding one (``("rules", 3)``, ``("facts", "alder")``),
        for the caller to leave aside. *texts_clean*: the caller knows no text or key holds
        a refused character (only the numbers are checked).
        """
        bad_entries: set[tuple[str, str | int]] = set()

        def offend(error: RuleFileError, path: tuple[str | int, ...]) -> None:
            if sink is None:
                raise error
            sink.append(error)
            if len(path) >= 2 and isinstance(path[0], str):
                bad_entries.add((path[0], path[1]))
            elif path and isinstance(path[0], str):
                bad_entries.add((path[0], ""))

        stack: list[tuple[tuple[str | int, ...], Any]] = [((), data)]
        while stack:
            path, value = stack.pop()
            if type(value) is dict or isinstance(value, Mapping):
                for key in () if texts_clean else value:
                    bad = bad_character(key)
                    if bad is not None:
                        where = (*path, key)
                        bad_sv = bad_character(key, "sv")
                        offend(
                            self._scalar_error(
                                data, where, f"a key holds {bad}", f"nyckeln innehåller {bad_sv}"
                            ),
                            where,
                        )
                stack.extend(
                    ((*path, k), v)
                    for k, v in reversed(list(value.items()))
                    if not (texts_clean and type(v) is str)
                )
            elif type(value) is list:
                stack.extend(
                    ((*path, i), v)
                    for i, v in reversed(list(enumerate(value)))
                    if not (texts_clean and type(v) is str)
                )
            elif isinstance(value, str):
                if texts_clean:
                    continue
                bad = bad_character(value)
                if bad is not None:
                    bad_sv = bad_character(value, "sv")
                    offend(
                        self._scalar_error(
                            data, path, f"holds {bad}", f"texten innehåller {bad_sv}"
                        ),
                        path,
                    )
            elif isinstance(value, (int, Decimal)) and not isinstance(value, bool):
                problem = _number_problem(value)
                if problem is not None:
                    offend(
                        self._scalar_error(
                            data,
                            path,
                            f"has the number {safe_repr(value, 30)}, which {problem} (rule files "
                            f"take numbers of at most {MAX_DIGITS} digits, below "
                            f"10^{MAX_MAGNITUDE}, with at most {MAX_DECIMAL_PLACES} "
                            f"decimal places)",
                            f"{_the_number_sv(value)} {_number_problem(value, 'sv')} "
                            f"({_NUMBER_LIMITS_SV})",
                        ),
                        path,
                    )
        return bad_entries

    def _scalar_error(
        self, data: Mapping[str, Any], path: tuple[str | int, ...], problem: str, problem_sv: str
    ) -> RuleFileError:
        line: int | None = None
        rule_id: str | None = None
        head = path[0] if path else None
        if head in ("rules", "constraints") and len(path) >= 2 and isinstance(path[1], int):
            line = self.loc.array_item(head, path[1])
            entry = data[head][path[1]]
            if isinstance(entry, Mapping) and isinstance(entry.get("id"), str):
                rule_id = entry["id"]
            if len(path) >= 3 and isinstance(path[2], str):
                line = self.loc.key_after(line, path[2])
        elif isinstance(head, str) and len(path) >= 2 and isinstance(path[1], str):
            line = self.loc.table(head, path[1])
            if line is None:
                line = self.loc.table(head, "")
            if head == "parameters" and len(path) >= 4 and isinstance(path[3], int):
                line = self.loc.array_item(f"parameters.{path[1]}.values", path[3]) or line
        elif isinstance(head, str):
            line = self.loc.table(head, "")
        where = "".join(
            f"[{p}]"
            if isinstance(p, int)
            else (("." if i else "") + (p if _BARE_KEY.fullmatch(p) else repr(p)))
            for i, p in enumerate(path)
        )
        return self.fail(
            f"`{where or 'the file'}` {problem}",
            line,
            rule_id,
            sv=f"`{where}`: {problem_sv}" if where else f"filen: {problem_sv}",
        )

    # -- small checked getters ---------------------------------------------------------
    def keys(
        self,
        table: Mapping[str, Any],
        allowed: set[str],
        what: str,
        line: int | None,
        rule_id: str | None = None,
        *,
        what_sv: str,
    ) -> None:
        """Refuse a key of *table* that is not *allowed*; *what* names the table (``"a
        rule"``), *what_sv* in Swedish (``"en regel"``)."""
        for key in table:
            if key not in allowed:
                hint = did_you_mean(key, allowed)
                listed = ", ".join(sorted(allowed))
                error = self.fail(
                    f"unknown key {key!r} in {what}{hint}; allowed: {listed}",
                    line,
                    rule_id,
                    key=key,
                    sv=f"okänd nyckel {key!r} i {what_sv}"
                    f"{did_you_mean(key, allowed, 'sv')}; tillåtna nycklar: "
                    + ", ".join(f"`{k}`" for k in sorted(allowed)),
                )
                if self.soft is None:
                    raise error
                self.soft.append(error)  # the entry reads on: its other problems too

    def label(
        self,
        raw: Any,
        what: str,
        line: int | None,
        rule_id: str | None = None,
        required: bool = True,
        *,
        what_sv: str,
    ) -> Label | None:
        """A ``{ sv = "...", en = "..." }`` text; *what* names it (``"`explain`"``),
        *what_sv* in Swedish."""
        if raw is None and not required:
            return None
        if (
            not isinstance(raw, Mapping)
            or set(raw) != {"sv", "en"}
            or not all(isinstance(v, str) and v.strip() for v in raw.values())
        ):
            raise self.fail(
                f"{what} must be a table with non-empty Swedish and English text: "
                f'{{ sv = "...", en = "..." }}',
                line,
                rule_id,
                sv=f"{what_sv} ska vara en tabell med en svensk och en engelsk text, "
                f'ingen av dem tom: {{ sv = "...", en = "..." }}',
            )
        return Label(sv=raw["sv"].strip(), en=raw["en"].strip())

    def citations(
        self, raw: Any, line: int | None, rule_id: str | None, required: bool = True
    ) -> tuple[Citation, ...]:
        if raw is None:
            if required:
                raise self.fail(
                    "every rule and parameter value needs `citations` (law paragraph, or the "
                    'seed file for a local routine), e.g. citations = ["LSS 9 § 2"]',
                    line,
                    rule_id,
                    sv="varje regel och varje parametervärde behöver `citations`, hänvisningar "
                    "till lagrummet (eller till det dokument som beskriver en lokal rutin), "
                    'till exempel citations = ["LSS 9 § 2"]',
                )
            return ()
        items = raw if isinstance(raw, list) else [raw]
        out: list[Citation] = []
        for item in items:
            if isinstance(item, str) and item.strip():
                out.append(Citation(item.strip()))
            elif isinstance(item, Mapping) and isinstance(item.get("text"), str):
                self.keys(
                    item, set(CITATION_KEYS), "a citation", line, rule_id, what_sv="en hänvisning"
                )
                for key in ("sfs", "url"):
                    if item.get(key) is not None and not isinstance(item[key], str):
                        raise self.fail(
                            f"a citation's `{key}` must be text, got {safe_repr(item[key])}",
                            line,
                            rule_id,
                            sv=f"`{key}` i en hänvisning ska vara text, men är "
                            f"{_toml_sv(item[key])}",
                        )
                out.append(Citation(item["text"], item.get("sfs"), item.get("url")))
            else:
                raise self.fail(
                    f"a citation must be text or {{ text = ..., sfs = ... }}, got {item!r}",
                    line,
                    rule_id,
                    sv=f"en hänvisning ska vara text eller {{ text = ..., sfs = ... }}, men är "
                    f"{_toml_sv(item)}",
                )
        if required and not out:
            raise self.fail(
                "`citations` must name at least one source",
                line,
                rule_id,
                sv="`citations` ska ange minst en källa",
            )
        return tuple(out)

    def a_date(
        self, raw: Any, key: str, line: int | None, rule_id: str | None = None
    ) -> date | None:
        if raw is None:
            return None
        if isinstance(raw, datetime) or not isinstance(raw, date):
            raise self.fail(
                f"`{key}` must be a TOML date like 2023-01-01 (no quotes, no time), got {raw!r}",
                line,
                rule_id,
                key=key,
                sv=f"`{key}` ska vara ett TOML-datum som 2023-01-01 (utan citattecken och utan "
                f"klockslag), men är {_toml_sv(raw)}",
            )
        return raw

    def name(self, raw: Any, what: str, line: int | None, what_sv: str) -> str:
        """*raw* as a name (``snake_case``, dotted); *what* says what it names, *what_sv* in
        Swedish (``"uppgiftens namn"``)."""
        if not isinstance(raw, str) or not _NAME.match(raw):
            raise self.fail(
                f"{what} {raw!r} must be snake_case ASCII (a-z, 0-9, _; dots between parts; "
                f"å/ä → a, ö → o)",
                line,
                sv=f"{what_sv} {_toml_sv(raw)} ska skrivas med små bokstäver a-z, "
                f"siffror och _ (snake_case, punkt mellan delarna; å/ä skrivs a, ö skrivs o)",
            )
        return raw

    def expression(
        self,
        raw: Any,
        key: str,
        line: int | None,
        rule_id: str | None,
        key_sv: str | None = None,
    ) -> tuple[str, Node]:
        if not isinstance(raw, str):
            raise self.fail(
                f"`{key}` must be an expression in a string, got {raw!r}",
                line,
                rule_id,
                sv=f"`{key}` ska vara ett uttryck inom citattecken, men är {_toml_sv(raw)}",
            )
        try:
            return raw, parse(raw)
        except ExpressionError as exc:
            # A key is shown as code (`when`); a description (*key_sv* given) as words.
            raise self.fail(
                f"in {key if key_sv else f'`{key}`'}: {exc}",
                line,
                rule_id,
                sv=f"i {key_sv or f'`{key}`'}: {exc.message('sv')}",
            ) from None

    def typed_value(
        self,
        raw: Any,
        vtype: str,
        of: str | None,
        what: str,
        line: int | None,
        rule_id: str | None = None,
        allowed: tuple[Any, ...] | None = None,
        *,
        what_sv: str,
    ) -> Value:
        """*raw* checked against the type *vtype* (a list of *of*) and the *allowed* values;
        *what* names it in the error (``"value of parameter 'x'"``), *what_sv* in Swedish."""
        sv_what = what_sv

        def bad() -> RuleFileError:
            shape = vtype if vtype != "list" else f"list of {of}"
            shape_sv = (
                _TYPE_SV.get(vtype, vtype)
                if vtype != "list"
                else _LIST_OF_SV.get(str(of), f"en lista ({of})")
            )
            return self.fail(
                f"{what} must be a {shape}, got {raw!r}",
                line,
                rule_id,
                sv=f"{sv_what} ska vara {shape_sv}, men är {_toml_sv(raw)}",
            )

        if vtype == "list":
            if not isinstance(raw, list):
                raise bad()
            return tuple(
                self.typed_value(
                    v, of or "text", None, what, line, rule_id, allowed, what_sv=what_sv
                )
                for v in raw
            )
        if vtype == "bool" and not isinstance(raw, bool):
            raise bad()
        if vtype == "int" and (isinstance(raw, bool) or not isinstance(raw, int)):
            raise bad()
        if vtype == "number" and (isinstance(raw, bool) or not isinstance(raw, (int, Decimal))):
            raise bad()
        problem = _number_problem(raw) if vtype in ("int", "number") else None
        if problem is not None:
            raise self.fail(
                f"{what} {safe_repr(raw, 30)} {problem} (rule files take numbers of at most "
                f"{MAX_DIGITS} digits, below 10^{MAX_MAGNITUDE}, at most "
                f"{MAX_DECIMAL_PLACES} decimal places)",
                line,
                rule_id,
                sv=f"{sv_what}: {_the_number_sv(raw)} {_number_problem(raw, 'sv')} "
                f"({_NUMBER_LIMITS_SV})",
            )
        if vtype == "text" and not isinstance(raw, str):
            raise bad()
        if vtype == "date" and (isinstance(raw, datetime) or not isinstance(raw, date)):
            raise bad()
        if allowed is not None and raw not in allowed:
            hint = did_you_mean(str(raw), [str(a) for a in allowed])
            raise self.fail(
                f"{what} {raw!r} is not one of {list(allowed)}{hint}",
                line,
                rule_id,
                sv=f"{sv_what}: {_toml_sv(raw)} är inte ett av de tillåtna värdena "
                f"{_toml_sv(list(allowed))}"
                f"{did_you_mean(str(raw), [str(a) for a in allowed], 'sv')}",
            )
        value: Value = raw
        return value

    def unit(self, table: Mapping[str, Any], name: str, line: int | None) -> str | None:
        unit = table.get("unit")
        if unit is not None and not isinstance(unit, str):
            raise self.fail(
                f"`unit` of {name!r} must be text, got {safe_repr(unit)}",
                line,
                key="unit",
                sv=f"`unit` för {name!r} ska vara text, men är {_toml_sv(unit)}",
            )
        return unit

    def vtype(
        self, table: Mapping[str, Any], what: str, line: int | None, what_sv: str
    ) -> tuple[str, str | None]:
        """The ``type`` (and ``of``) of the declaration *what* (*what_sv* in Swedish)."""
        t = table.get("type")
        if t not in _TYPES:
            raise self.fail(
                f"{what} needs `type`, one of {sorted(_TYPES)}, got {t!r}",
                line,
                key="type",
                sv=f"{what_sv} behöver `type`, en av {', '.join(sorted(_TYPES))}"
                + ("" if t is None else f", men har {_toml_sv(t)}"),
            )
        of = table.get("of")
        if t == "list":
            if of not in SCALAR_TYPES:
                raise self.fail(
                    f"{what} is a list: set `of` to one of {sorted(SCALAR_TYPES)}",
                    line,
                    key="of",
                    sv=f"{what_sv} är en lista: ange i `of` vad den innehåller, en av "
                    f"{', '.join(sorted(SCALAR_TYPES))}",
                )
        elif of is not None:
            raise self.fail(
                f'{what}: `of` only goes with type = "list"',
                line,
                key="of",
                sv=f'{what_sv}: `of` hör bara ihop med type = "list"',
            )
        return t, of

    # -- sections ----------------------------------------------------------------------
    def fact(self, name: str, raw: Any) -> FactDecl:
        line = self.loc.table("facts", name)
        self.name(name, "fact name", line, "uppgiftens namn")
        if not isinstance(raw, Mapping):
            raise self.fail(
                f"fact {name!r} must be a table",
                line,
                sv=f"uppgiften {name!r} ska vara en tabell [facts.{name}]",
            )
        self.keys(raw, set(FACT_KEYS), f"fact {name!r}", line, what_sv=f"uppgiften {name!r}")
        t, of = self.vtype(raw, f"fact {name!r}", line, f"uppgiften {name!r}")
        values = raw.get("values")
        if values is not None:
            if (
                not isinstance(values, list)
                or not values
                or not all(isinstance(v, str) for v in values)
            ):
                raise self.fail(
                    f"`values` of fact {name!r} must be a non-empty list of text",
                    line,
                    key="values",
                    sv=f"`values` för uppgiften {name!r} ska vara en lista med minst en text",
                )
            if (of if t == "list" else t) != "text":
                raise self.fail(
                    f"`values` (an enum) only goes with text facts ({name!r})",
                    line,
                    key="values",
                    sv=f"`values` (en uppräkning av tillåtna värden) hör bara ihop med "
                    f"uppgifter av typen text ({name!r})",
                )
        for bound in ("min", "max"):
            b = raw.get(bound)
            if b is not None and (isinstance(b, bool) or not isinstance(b, (int, Decimal))):
                raise self.fail(
                    f"`{bound}` of fact {name!r} must be a number",
                    line,
                    key=bound,
                    sv=f"`{bound}` för uppgiften {name!r} ska vara ett tal",
                )
            problem = None if b is None else _number_problem(b)
            if problem is not None:
                raise self.fail(
                    f"`{bound}` of fact {name!r} {problem}",
                    line,
                    key=bound,
                    sv=f"`{bound}` för uppgiften {name!r} {_number_problem(b or 0, 'sv')}",
                )
        derive = raw.get("derive")
        if derive is not None:
            self.expression(derive, "derive", self.loc.key_after(line, "derive"), None)
        past = raw.get("past", False)
        if not isinstance(past, bool):
            raise self.fail(
                f"`past` of fact {name!r} must be true or false",
                line,
                key="past",
                sv=f"`past` för uppgiften {name!r} ska vara true eller false",
            )
        label = self.label(
            raw.get("label"),
            f"`label` of fact {name!r}",
            self.loc.key_after(line, "label"),
            what_sv=f"`label` för uppgiften {name!r}",
        )
        assert label is not None  # noqa: S101 - required=True
        assumed = self.label(
            raw.get("assumed"),
            f"`assumed` of fact {name!r}",
            line,
            required=False,
            what_sv=f"`assumed` för uppgiften {name!r}",
        )
        mn, mx = raw.get("min"), raw.get("max")
        return FactDecl(
            name=name,
            type=t,
            of=of,
            label=label,
            unit=self.unit(raw, name, line),
            min=mn,
            max=mx,
            values=tuple(values) if values else None,
            value_labels=self.value_labels(
                raw,
                name,
                (of if t == "list" else t) or "text",
                tuple(values) if values else None,
                line,
            ),
            past=past,
            derive=derive,
            source=self.path,
            assumed=assumed,
        )

    def parameter(self, name: str, raw: Any, jurisdiction: str) -> Parameter:
        line = self.loc.table("parameters", name)
        self.name(name, "parameter name", line, "parameterns namn")
        if not isinstance(raw, Mapping):
            raise self.fail(
                f"parameter {name!r} must be a table",
                line,
                sv=f"parametern {name!r} ska vara en tabell [parameters.{name}]",
            )
        self.keys(
            raw, set(PARAMETER_KEYS), f"parameter {name!r}", line, what_sv=f"parametern {name!r}"
        )
        t, of = self.vtype(raw, f"parameter {name!r}", line, f"parametern {name!r}")
        label = self.label(
            raw.get("label"),
            f"`label` of parameter {name!r}",
            self.loc.key_after(line, "label"),
            what_sv=f"`label` för parametern {name!r}",
        )
        assert label is not None  # noqa: S101
        rows = raw.get("values")
        if not isinstance(rows, list) or not rows:
            raise self.fail(
                f"parameter {name!r} needs `values`: [[parameters.{name}.values]] tables with "
                f"value, valid_from and citations",
                line,
                sv=f"parametern {name!r} behöver `values`: tabeller "
                f"[[parameters.{name}.values]] med value, valid_from och citations",
            )
        out: list[ParameterValue] = []
        for index, row in enumerate(rows):
            rline = self.loc.array_item(f"parameters.{name}.values", index) or line
            if not isinstance(row, Mapping):
                raise self.fail(
                    f"each value of parameter {name!r} must be a table",
                    rline,
                    sv=f"varje värde för parametern {name!r} ska vara en tabell "
                    f"[[parameters.{name}.values]]",
                )
            self.keys(
                row,
                set(PARAMETER_VALUE_KEYS),
                f"a value of parameter {name!r}",
                rline,
                what_sv=f"ett värde för parametern {name!r}",
            )
            if "value" not in row or "valid_from" not in row:
                raise self.fail(
                    f"each value of parameter {name!r} needs `value` and `valid_from`",
                    rline,
                    sv=f"varje värde för parametern {name!r} behöver `value` och `valid_from`",
                )
            value = self.typed_value(
                row["value"],
                t,
                of,
                f"value of parameter {name!r}",
                self.loc.key_after(rline, "value"),
                what_sv=f"värdet för parametern {name!r}",
            )
            vf = self.a_date(row["valid_from"], "valid_from", rline)
            vt = self.a_date(row.get("valid_to"), "valid_to", rline)
            assert vf is not None  # noqa: S101 - present, checked above
            if vt is not None and vt < vf:
                raise self.fail(
                    f"parameter {name!r}: valid_to {vt} is before valid_from {vf}",
                    rline,
                    key="valid_to",
                    sv=f"parametern {name!r}: valid_to {vt} ligger före valid_from {vf}",
                )
            cites = self.citations(
                row.get("citations"), self.loc.key_after(rline, "citations"), None
            )
            out.append(ParameterValue(value, vf, vt, cites))
        out.sort(key=lambda v: v.valid_from)
        for a, b in itertools.pairwise(out):
            if a.valid_to is None or a.valid_to >= b.valid_from:
                day_before = date.fromordinal(b.valid_from.toordinal() - 1)
                raise self.fail(
                    f"parameter {name!r}: the value from {a.valid_from} overlaps the value from "
                    f"{b.valid_from}; give the earlier one valid_to = {day_before}",
                    line,
                    sv=f"parametern {name!r}: värdet från {a.valid_from} överlappar värdet från "
                    f"{b.valid_from}; ge det tidigare valid_to = {day_before}",
                )
        return Parameter(
            name=name,
            type=t,
            of=of,
            unit=self.unit(raw, name, line),
            label=label,
            values=tuple(out),
            jurisdiction=jurisdiction,
            source=self.path,
        )

    def question(self, name: str, raw: Any) -> QuestionDecl:
        line = self.loc.table("questions", name)
        self.name(name, "question name", line, "frågans namn")
        if not isinstance(raw, Mapping):
            raise self.fail(
                f"question {name!r} must be a table",
                line,
                sv=f'frågan {name!r} ska vara en tabell [questions."{name}"]',
            )
        self.keys(raw, set(QUESTION_KEYS), f"question {name!r}", line, what_sv=f"frågan {name!r}")
        t, of = self.vtype(raw, f"question {name!r}", line, f"frågan {name!r}")
        policy = raw.get("hit_policy", "collect" if t == "list" else "unique")
        if policy not in ("unique", "collect"):
            raise self.fail(
                f'hit_policy of {name!r} must be "unique" or "collect"',
                line,
                key="hit_policy",
                sv=f'träffpolicyn `hit_policy` för {name!r} ska vara "unique" eller "collect"',
            )
        if policy == "collect" and t != "list":
            raise self.fail(
                f'question {name!r}: hit_policy "collect" gives a list, so the '
                f'question needs type = "list"',
                line,
                sv=f'frågan {name!r}: träffpolicyn hit_policy = "collect" ger en lista, så '
                f'frågan behöver type = "list"',
            )
        elem = of if t == "list" else t
        values = raw.get("values")
        allowed: tuple[Value, ...] | None = None
        if values is not None:
            if not isinstance(values, list) or not values:
                raise self.fail(
                    f"`values` of question {name!r} must be a non-empty list",
                    line,
                    key="values",
                    sv=f"`values` för frågan {name!r} ska vara en lista med minst ett värde",
                )
            allowed = tuple(
                self.typed_value(
                    v,
                    elem or "text",
                    None,
                    f"a value of {name!r}",
                    line,
                    what_sv=f"ett värde i `values` för {name!r}",
                )
                for v in values
            )
        labels = self.value_labels(raw, name, elem or "text", allowed, line)
        refusal = raw.get("refusal", [])
        if not isinstance(refusal, list):
            raise self.fail(
                f"`refusal` of {name!r} must be a list of values",
                line,
                key="refusal",
                sv=f"`refusal` för {name!r} ska vara en lista med värden",
            )
        refusals = tuple(
            self.typed_value(
                v,
                elem or "text",
                None,
                f"a refusal value of {name!r}",
                line,
                allowed=allowed,
                what_sv=f"avslagsvärdet i `refusal` för {name!r}",
            )
            for v in refusal
        )
        label = self.label(
            raw.get("label"),
            f"`label` of question {name!r}",
            self.loc.key_after(line, "label"),
            what_sv=f"`label` för frågan {name!r}",
        )
        assert label is not None  # noqa: S101
        internal = raw.get("internal", False)
        if not isinstance(internal, bool):
            raise self.fail(
                f"`internal` of {name!r} must be true or false",
                line,
                key="internal",
                sv=f"`internal` för {name!r} ska vara true eller false",
            )
        not_applicable = self.label(
            raw.get("not_applicable"),
            f"`not_applicable` of question {name!r}",
            line,
            required=False,
            what_sv=f"`not_applicable` för frågan {name!r}",
        )
        return QuestionDecl(
            not_applicable=not_applicable,
            name=name,
            type=t,
            of=of,
            label=label,
            values=allowed,
            hit_policy=policy,
            value_labels=labels,
            refusal=refusals,
            subject=self.name(raw["subject"], "`subject`", line, "`subject`")
            if "subject" in raw
            else None,
            internal=internal,
            source=self.path,
        )

    def value_labels(
        self,
        raw: Mapping[str, Any],
        name: str,
        elem: str,
        allowed: tuple[Any, ...] | None,
        line: int | None,
    ) -> tuple[tuple[Value, Label], ...]:
        """Read ``value_labels`` (readable Swedish/English names of enum values)."""
        vl = raw.get("value_labels", {})
        if not isinstance(vl, Mapping):
            raise self.fail(
                f"value_labels of {name!r} must be a table",
                line,
                sv=f"`value_labels` för {name!r} ska vara en tabell",
            )
        labels: list[tuple[Value, Label]] = []
        for key, lab in vl.items():
            value: Value
            if elem == "int":
                try:
                    value = parse_int(key)
                except ValueError:
                    raise self.fail(
                        f"value_labels key {key!r} of {name!r} is not a whole number",
                        line,
                        sv=f"nyckeln {key!r} i `value_labels` för {name!r} är inte ett heltal",
                    ) from None
            elif elem == "bool":
                if key not in ("true", "false"):
                    raise self.fail(
                        f"value_labels keys of bool {name!r} are true/false",
                        line,
                        sv=f"nycklarna i `value_labels` för {name!r} ska vara true och false, "
                        f"eftersom {name!r} är av typen bool (fick {key!r})",
                    )
                value = key == "true"
            else:
                value = key
            if allowed is not None and value not in allowed:
                raise self.fail(
                    f"value_labels names {key!r}, not a value of {name!r}",
                    line,
                    sv=f"`value_labels` namnger {key!r}, som inte är ett av värdena för {name!r}"
                    f"{did_you_mean(key, [str(a) for a in allowed], 'sv')}",
                )
            label = self.label(
                lab,
                f"value_labels.{key} of {name!r}",
                line,
                what_sv=f"value_labels.{key} för {name!r}",
            )
            assert label is not None  # noqa: S101
            labels.append((value, label))
        return tuple(labels)

    def rule(self, index: int, raw: Any) -> RuleSpec:
        line = self.loc.array_item("rules", index)
        if not isinstance(raw, Mapping):
            raise self.fail(
                "each [[rules]] entry must be a table",
                line,
                sv="varje post [[rules]] ska vara en tabell",
            )
        rid = raw.get("id")
        if not isinstance(rid, str) or len(rid) > MAX_ID_LENGTH or not _ID.match(rid):
            raise self.fail(
                f"[[rules]] entry {index + 1} needs `id`: lower-case text like "
                f'"lss.9.personlig_assistans", got {rid!r}',
                line,
                sv=f"regel nr {index + 1} i [[rules]] behöver `id`: en text med små bokstäver "
                f'som "lss.9.personlig_assistans" (högst {MAX_ID_LENGTH} tecken), men har '
                f"{_toml_sv(rid)}",
            )
        self.keys(raw, set(RULE_KEYS), "a rule", line, rid, what_sv="en regel")
        q = raw.get("question")
        if not isinstance(q, str):
            raise self.fail(
                "needs `question`: the name of the question it answers",
                line,
                rid,
                sv="behöver `question`: namnet på den fråga som regeln besvarar",
            )
        conditions: list[ConditionSpec] = []
        when = raw.get("when")
        wline = self.loc.key_after(line, "when")
        if when is not None:
            items = when if isinstance(when, list) else [when]
            if not items:
                raise self.fail(
                    "`when` is an empty list; leave it out for a rule that always applies",
                    wline,
                    rid,
                    sv="`when` är en tom lista; utelämna `when` för en regel som alltid gäller",
                )
            for item in items:
                if isinstance(item, Mapping):
                    self.keys(
                        item, set(CONDITION_KEYS), "a condition", wline, rid, what_sv="ett villkor"
                    )
                    text, node = self.expression(item.get("test"), "when.test", wline, rid)
                    lab = None
                    if "sv" in item or "en" in item:
                        lab = self.label(
                            {k: item.get(k) for k in ("sv", "en")},
                            "a condition's label",
                            wline,
                            rid,
                            what_sv="villkorets beskrivning",
                        )
                    conditions.append(ConditionSpec(text, node, lab, wline))
                else:
                    text, node = self.expression(item, "when", wline, rid)
                    conditions.append(ConditionSpec(text, node, None, wline))
        scope = None
        if "scope" in raw:
            sline = self.loc.key_after(line, "scope")
            text, node = self.expression(raw["scope"], "scope", sline, rid)
            scope = ConditionSpec(text, node, None, sline)
        has_value, has_compute = "value" in raw, "compute" in raw
        if has_value == has_compute:
            raise self.fail(
                "give exactly one of `value` (a fixed answer) and `compute` (an expression)",
                line,
                rid,
                sv="ange antingen `value` (ett fast svar) eller `compute` (ett uttryck), "
                + ("inte båda" if has_value else "ett av dem behövs"),
            )
        compute = None
        if has_compute:
            cline = self.loc.key_after(line, "compute")
            text, node = self.expression(raw["compute"], "compute", cline, rid)
            compute = ConditionSpec(text, node, None, cline)
        value = raw.get("value")
        if isinstance(value, datetime):
            raise self.fail(
                "`value` must be a date without time",
                line,
                rid,
                key="value",
                sv="`value` ska vara ett datum utan klockslag",
            )
        if isinstance(value, list):
            value = tuple(value)
        overrides = raw.get("overrides", [])
        if not isinstance(overrides, list) or not all(isinstance(o, str) for o in overrides):
            raise self.fail(
                "`overrides` must be a list of rule ids",
                line,
                rid,
                key="overrides",
                sv="`overrides` ska vara en lista med regel-id",
            )
        default = raw.get("default", False)
        if not isinstance(default, bool):
            raise self.fail(
                "`default` must be true or false",
                line,
                rid,
                key="default",
                sv="`default` ska vara true eller false",
            )
        if default and when is not None:
            raise self.fail(
                "a `default = true` rule applies when no other rule does; "
                "it cannot also have `when`",
                line,
                rid,
                sv="en regel med `default = true` gäller när ingen annan regel gör det och kan "
                "därför inte också ha `when`",
            )
        vf = self.a_date(raw.get("valid_from"), "valid_from", line, rid)
        vt = self.a_date(raw.get("valid_to"), "valid_to", line, rid)
        if vf and vt and vt < vf:
            raise self.fail(
                f"valid_to {vt} is before valid_from {vf}",
                line,
                rid,
                key="valid_to",
                sv=f"valid_to {vt} ligger före valid_from {vf}",
            )
        explain = self.label(
            raw.get("explain"),
            "`explain`",
            self.loc.key_after(line, "explain"),
            rid,
            what_sv="`explain`",
        )
        title = self.label(
            raw.get("title"),
            "`title`",
            self.loc.key_after(line, "title"),
            rid,
            required=False,
            what_sv="`title`",
        )
        assert explain is not None  # noqa: S101
        return RuleSpec(
            id=rid,
            question=q,
            conditions=tuple(conditions),
            scope=scope,
            value=value,
            compute=compute,
            valid_from=vf,
            valid_to=vt,
            overrides=tuple(overrides),
            default=default,
            citations=self.citations(
                raw.get("citations"), self.loc.key_after(line, "citations"), rid
            ),
            explain=explain,
            title=title or Label(rid, rid),
            file=self.path,
            line=line,
        )

    def constraint(self, index: int, raw: Any) -> ConstraintSpec:
        line = self.loc.array_item("constraints", index)
        if not isinstance(raw, Mapping):
            raise self.fail(
                "each [[constraints]] entry must be a table",
                line,
                sv="varje post [[constraints]] ska vara en tabell",
            )
        cid = raw.get("id")
        if not isinstance(cid, str) or len(cid) > MAX_ID_LENGTH or not _ID.match(cid):
            raise self.fail(
                f"[[constraints]] entry {index + 1} needs `id`: lower-case text like "
                f'"alder_stammer_med_fodelsedatum", got {safe_repr(cid)}',
                line,
                sv=f"kontroll nr {index + 1} i [[constraints]] behöver `id`: en text med små "
                f'bokstäver som "alder_stammer_med_fodelsedatum" (högst {MAX_ID_LENGTH} '
                f"tecken), men har {_toml_sv(cid)}",
            )
        self.keys(raw, set(CONSTRAINT_KEYS), "a constraint", line, cid, what_sv="en kontroll")
        text, node = self.expression(raw.get("check"), "check", line, cid)
        message = self.label(raw.get("message"), "`message`", line, cid, what_sv="`message`")
        assert message is not None  # noqa: S101
        return ConstraintSpec(cid, ConditionSpec(text, node, None, line), message, self.path, line)


def _toml_error_line(message: str) -> int | None:
    m = re.search(r"line (\d+)", message)
    return int(m.group(1)) if m else None


def read_rule_file(
    path: str | Path,
    text: str | None = None,
    jurisdiction: str | None = None,
    adopt: bool = False,
) -> RuleFile:
    """Read and shape-check one rule file. Raises :class:`RuleFileError` (the first
    problem; :func:`check_rule_file` lists them all).

    *jurisdiction*, when given, is where the file must apply: it fills in a missing
    ``[rulebook] jurisdiction`` and contradicting one is an error — unless *adopt*: then the
    file's rules and parameters are read as *jurisdiction*'s own (a municipality adopting
    another's rule set without copying it; ``RuleFile.adopted_from`` keeps the original).
    """
    rf = _read(path, text, jurisdiction, adopt, None)
    assert rf is not None  # noqa: S101 - without a sink every problem raises
    return rf


def check_rule_file(
    path: str | Path,
    text: str | None = None,
    jurisdiction: str | None = None,
    adopt: bool = False,
) -> tuple[RuleFile | None, list[RuleFileError]]:
    """Shape-check one rule file and list *every* problem, each at the line of its key.

    Each top-level entry (fact, parameter, question, rule, table, constraint, watch) is read
    on its own: an entry with a problem is reported and left out, the others are read. Gives
    the file of the entries that read cleanly (``None`` when the file is not TOML at all, or
    its ``[rulebook]`` is unusable) and the problems in the order of their lines; the file
    can then be compiled to find the problems of the entries that were read.
    """
    errors: list[RuleFileError] = []
    try:
        rf = _read(path, text, jurisdiction, adopt, errors)
    except RuleFileError as exc:
        errors.append(exc)
        rf = None
    errors.sort(key=lambda e: e.line or 0)
    return rf, errors


def _read(
    path: str | Path,
    text: str | None,
    jurisdiction: str | None,
    adopt: bool,
    errors: list[RuleFileError] | None,
) -> RuleFile | None:
    if text is None:
        text = read_text_file(path)
    spath = str(path)
    if not isinstance(text, str):
        raise RuleFileError(
            f"the text must be a str, got {safe_repr(text)}",
            file=spath,
            problem_sv=f"texten ska vara en str, men är {safe_repr(text)}",
        )
    if len(text) > MAX_FILE_BYTES:
        raise RuleFileError(
            f"file is larger than {MAX_FILE_BYTES:,} characters",
            file=spath,
            problem_sv=f"filen är större än {format_number(MAX_FILE_BYTES)} tecken",
        )
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        # The TOML parser's own words: only they are English (rule_file_problem_sv).
        raise RuleFileError(
            f"not valid TOML: {exc}",
            file=spath,
            line=_toml_error_line(str(exc)),
            problem_sv=rule_file_problem_sv(f"not valid TOML: {exc}"),
        ) from None
    except RecursionError:
        raise RuleFileError(
            "TOML nests too deeply",
            file=spath,
            problem_sv="filen är nästlad i för många nivåer för att läsas som TOML",
        ) from None
    except ValueError as exc:  # e.g. an integer longer than Python converts (4300 digits)
        raise RuleFileError(
            f"not valid TOML: {exc}",
            file=spath,
            problem_sv=rule_file_problem_sv(f"not valid TOML: {exc}"),
        ) from None
    r = _Reader(spath, text)
    r.soft = errors
    # Without a backslash the file has no escapes: every text in it is a piece of the file,
    # so a file free of refused characters needs no text checked again one by one.
    clean = "\\" not in text and bad_character(text) is None
    skip = r.check_scalars(data, errors, texts_clean=clean)

    def attempt(fn: Callable[..., _T], *args: Any) -> _T | None:
        """``fn(*args)``; with a sink, a problem is recorded and gives ``None``."""
        if errors is None:
            return fn(*args)
        try:
            return fn(*args)
        except RuleFileError as exc:
            errors.append(exc)
            return None

    r.keys(data, set(TOP_LEVEL_KEYS), "the file's top level", None, what_sv="filens översta nivå")
    head = data.get("rulebook", {})
    if not isinstance(head, Mapping):
        raise r.fail("[rulebook] must be a table", sv="[rulebook] ska vara en tabell")
    r.keys(
        head, set(RULEBOOK_KEYS), "[rulebook]", r.loc.table("rulebook", "id"), what_sv="[rulebook]"
    )
    declared = head.get("jurisdiction")
    adopted_from: str | None = None
    if adopt:
        if jurisdiction is None:
            raise r.fail(
                "adopting a rule file needs the jurisdiction that adopts it",
                sv="för att anta en regelfil krävs den jurisdiktion som antar den",
            )
        adopted_from = declared if isinstance(declared, str) else "se"
        declared = jurisdiction
    if jurisdiction is not None and declared is not None and declared != jurisdiction:
        raise r.fail(
            f"[rulebook] jurisdiction is {declared!r} but the plugin provides this file for "
            f"{jurisdiction!r}; make them agree",
            sv=f"jurisdiktionen i [rulebook] är {_toml_sv(declared)}, men tillägget lämnar "
            f"filen för {jurisdiction!r}; gör dem lika",
        )
    jurisdiction = declared or jurisdiction or "se"
    if not isinstance(jurisdiction, str) or not _JURISDICTION.match(jurisdiction):
        raise r.fail(
            f'jurisdiction {jurisdiction!r} must look like "se" or "se/stockholm/hagersten-alvsjo"',
            sv=f"jurisdiktionen {_toml_sv(jurisdiction)} ska se ut som "
            f'"se" eller "se/stockholm/hagersten-alvsjo"',
        )
    title = r.label(
        head.get("title"), "[rulebook] title", None, required=False, what_sv="titeln i [rulebook]"
    )

    def section(key: str) -> Mapping[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, Mapping):
            raise r.fail(
                f"`{key}` must be tables like [{key}.name]",
                sv=f"`{key}` ska vara tabeller som [{key}.namn]",
            )
        return value

    def array(key: str) -> list[Any]:
        value = data.get(key, [])
        if not isinstance(value, list):
            raise r.fail(
                f"`{key}` must be an array of tables: [[{key}]]",
                sv=f"`{key}` ska vara en lista med tabeller: [[{key}]]",
            )
        return value

    def entries(key: str) -> list[tuple[str, Any]]:
        found = attempt(section, key) or {}
        return [(n, v) for n, v in found.items() if (key, n) not in skip]

    def items(key: str) -> list[tuple[int, Any]]:
        found = attempt(array, key) or []
        return [(i, v) for i, v in enumerate(found) if (key, i) not in skip]

    tables: tuple[TableSpec, ...] = ()
    if not any(head == "tables" for head, _ in skip):  # else reported: a bad cell
        tables = attempt(read_tables, r, attempt(array, "tables") or [], jurisdiction) or ()
    rules = tuple(x for i, raw in items("rules") if (x := attempt(r.rule, i, raw)) is not None)
    rules += tuple(spec for t in tables for spec in t.rules)
    seen: dict[str, RuleSpec] = {}
    for rule in rules:
        if rule.id in seen:
            twice = r.fail(
                f"rule id used twice (first at line {seen[rule.id].line})",
                rule.line,
                rule.id,
                sv=f"regelns id används två gånger (första gången på rad {seen[rule.id].line})",
            )
            if errors is None:
                raise twice
            errors.append(twice)
        seen[rule.id] = rule
    book_id = head.get("id", Path(spath).stem)
    if "id" in head and (
        not isinstance(book_id, str) or len(book_id) > MAX_ID_LENGTH or not _ID.match(book_id)
    ):
        bad_id = r.fail(
            f'[rulebook] id must be lower-case text like "se.lss.insatser", got '
            f"{safe_repr(book_id)}",
            r.loc.table("rulebook", "id"),
            sv=f'id i [rulebook] ska vara en text med små bokstäver som "se.lss.insatser" '
            f"(högst {MAX_ID_LENGTH} tecken), men är {_toml_sv(book_id)}",
        )
        if errors is None:
            raise bad_id
        errors.append(bad_id)
        book_id = Path(spath).stem
    facts = [attempt(r.fact, n, v) for n, v in entries("facts")]
    params = [attempt(r.parameter, n, v, jurisdiction) for n, v in entries("parameters")]
    questions = [attempt(r.question, n, v) for n, v in entries("questions")]
    constraints = [attempt(r.constraint, i, c) for i, c in items("constraints")]
    watches = attempt(read_watches, r, dict(entries("watches")), jurisdiction) or ()
    return RuleFile(
        path=spath,
        id=str(book_id),
        title=title or Label(Path(spath).stem, Path(spath).stem),
        jurisdiction=jurisdiction,
        facts=tuple(f for f in facts if f is not None),
        parameters=tuple(p for p in params if p is not None),
        questions=tuple(q for q in questions if q is not None),
        rules=rules,
        constraints=tuple(c for c in constraints if c is not None),
        watches=watches,
        tables=tables,
        adopted_from=adopted_from,
        lines=dict(r.loc.headers),
    )
