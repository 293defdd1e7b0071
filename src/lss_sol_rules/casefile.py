"""Golden case files: cases with expected answers, run by pytest and ``lss-sol-rules test``.

A case file is TOML with one ``[[cases]]`` table per case::

    [[cases]]
    name = "25 hours of basic needs: Försäkringskassan"
    question = "personlig_assistans.huvudman"
    on = 2026-01-01
    jurisdiction = "se"            # optional, default "se"
    facts = { grundlaggande_behov_timmar_per_vecka = 25 }
    expect = "forsakringskassan"   # the decided value, or:
    # expect_status = "undetermined"
    # expect_missing = ["grundlaggande_behov_timmar_per_vecka"]
    # expect_error = "FactError"   # the error class a bad case must raise
    # expect_rules = ["sfb.51.3.forsakringskassan"]   # rules that must have fired

Rule authors use them as OpenFisca's YAML tests are used: next to their rules.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from . import errors
from .engine import Engine
from .errors import LssSolRulesError, RuleFileError, did_you_mean
from .loader import read_text_file
from .values import bad_character, safe_repr

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["Case", "CaseResult", "load_cases", "run_case"]

_KEYS = {
    "name",
    "question",
    "on",
    "jurisdiction",
    "facts",
    "expect",
    "expect_status",
    "expect_missing",
    "expect_error",
    "expect_rules",
}


@attrs.frozen
class Case:
    """One golden case."""

    name: str
    question: str
    on: date
    facts: Mapping[str, Any]
    jurisdiction: str = "se"
    expect: Any = None
    has_expect: bool = False
    expect_status: str | None = None
    expect_missing: tuple[str, ...] | None = None
    expect_error: str | None = None
    expect_rules: tuple[str, ...] = ()
    file: str = ""
    index: int = 0

    @property
    def id(self) -> str:
        """``file::index:name``, for test ids."""
        return f"{Path(self.file).name}::{self.index}:{self.name}"


@attrs.frozen
class CaseResult:
    """The outcome of running one case: ``message`` in English, ``message_sv`` in Swedish."""

    case: Case
    passed: bool
    message: str
    message_sv: str | None = None

    def text(self, lang: str = "en") -> str:
        """The outcome in *lang* (``"sv"`` or English)."""
        if lang[:2].lower() == "sv" and self.message_sv is not None:
            return self.message_sv
        return self.message


def _normalise_expect(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_normalise_expect(v) for v in value)
    return value


def load_cases(paths: Iterable[str | Path]) -> list[Case]:
    """Read every case in the given files or folders (``*.toml``, recursively)."""
    files: list[Path] = []
    for p in paths:
        path = Path(p)
        files.extend(sorted(path.rglob("*.toml")) if path.is_dir() else [path])
    cases: list[Case] = []
    for f in files:
        text = read_text_file(f)  # a regular file of bounded size, or RuleFileError
        try:
            data = tomllib.loads(text, parse_float=Decimal)
        except tomllib.TOMLDecodeError as exc:
            raise RuleFileError(
                f"cannot read case file: {exc}",
                file=str(f),
                problem_sv=f"ärendefilen är inte giltig TOML (tolkens beskrivning, på "
                f"engelska: {exc})",
            ) from None
        except (RecursionError, ValueError) as exc:  # 50,000-deep arrays, 5,000-digit ints
            raise RuleFileError(
                f"cannot read case file: {type(exc).__name__}",
                file=str(f),
                problem_sv=f"ärendefilen går inte att läsa ({type(exc).__name__}: den är "
                f"nästlad i för många nivåer eller har ett tal med för många siffror)",
            ) from None
        raw_cases = data.get("cases")
        if not isinstance(raw_cases, list):
            raise RuleFileError(
                "a case file needs [[cases]] tables",
                file=str(f),
                problem_sv="en ärendefil ska ha tabeller [[cases]], en för varje ärende",
            )
        for i, raw in enumerate(raw_cases):
            where = f"case {i + 1}"
            where_sv = f"ärende {i + 1}"
            _check_case_shape(raw, where, where_sv, str(f))
            unknown = set(raw) - _KEYS
            if unknown:
                key = sorted(unknown)[0]
                raise RuleFileError(
                    f"{where}: unknown key {key!r}{did_you_mean(key, _KEYS)}; "
                    f"allowed: {', '.join(sorted(_KEYS))}",
                    file=str(f),
                    problem_sv=f"{where_sv}: okänd nyckel {key!r}"
                    f"{did_you_mean(key, _KEYS, 'sv')}; tillåtna nycklar: "
                    f"{', '.join(sorted(_KEYS))}",
                )
            for key in ("name", "question", "on"):
                if key not in raw:
                    raise RuleFileError(
                        f"{where}: needs `{key}`",
                        file=str(f),
                        problem_sv=f"{where_sv}: nyckeln `{key}` saknas",
                    )
            on = raw["on"]
            if isinstance(on, datetime) or not isinstance(on, date):
                raise RuleFileError(
                    f"{where}: `on` must be a date like 2026-01-01",
                    file=str(f),
                    problem_sv=f"{where_sv}: `on` ska vara ett TOML-datum som 2026-01-01 "
                    f"(utan citattecken)",
                )
            expectations = [k for k in ("expect", "expect_status", "expect_error") if k in raw]
            if not expectations:
                raise RuleFileError(
                    f"{where} ({raw['name']}): needs `expect`, `expect_status` or `expect_error`",
                    file=str(f),
                    problem_sv=f"{where_sv} ({raw['name']}): ange vad som väntas med `expect`, "
                    f"`expect_status` eller `expect_error`",
                )
            cases.append(
                Case(
                    name=raw["name"],
                    question=raw["question"],
                    on=on,
                    facts=raw.get("facts", {}),
                    jurisdiction=raw.get("jurisdiction", "se"),
                    expect=_normalise_expect(raw.get("expect")),
                    has_expect="expect" in raw,
                    expect_status=raw.get("expect_status"),
                    expect_missing=None
                    if "expect_missing" not in raw
                    else tuple(sorted(raw["expect_missing"])),
                    expect_error=raw.get("expect_error"),
                    expect_rules=tuple(raw.get("expect_rules", ())),
                    file=str(f),
                    index=i + 1,
                )
            )
    return cases


_TEXT_KEYS = ("name", "question", "jurisdiction", "expect_status", "expect_error")
_TEXT_LIST_KEYS = ("expect_missing", "expect_rules")


def _check_case_shape(raw: Any, where: str, where_sv: str, file: str) -> None:
    """Refuse a case whose keys have the wrong types, before anything reads them."""
    if not isinstance(raw, Mapping):
        raise RuleFileError(
            f"{where}: each [[cases]] entry must be a table",
            file=file,
            problem_sv=f"{where_sv}: varje [[cases]] ska vara en tabell",
        )
    for key in _TEXT_KEYS:
        value = raw.get(key)
        if value is not None and not isinstance(value, str):
            raise RuleFileError(
                f"{where}: `{key}` must be text, got {safe_repr(value)}",
                file=file,
                problem_sv=f"{where_sv}: `{key}` ska vara en text, men är {safe_repr(value)}",
            )
        if isinstance(value, str) and bad_character(value) is not None:
            raise RuleFileError(
                f"{where}: `{key}` holds {bad_character(value)}",
                file=file,
                problem_sv=f"{where_sv}: `{key}` innehåller {bad_character(value, 'sv')}",
            )
    for key in _TEXT_LIST_KEYS:
        value = raw.get(key)
        if value is not None and (
            not isinstance(value, list) or not all(isinstance(v, str) for v in value)
        ):
            raise RuleFileError(
                f"{where}: `{key}` must be a list of text, got {safe_repr(value)}",
                file=file,
                problem_sv=f"{where_sv}: `{key}` ska vara en lista med texter, men är "
                f"{safe_repr(value)}",
            )
    if "facts" in raw and not isinstance(raw["facts"], Mapping):
        raise RuleFileError(
            f"{where}: `facts` must be a table like {{ alder = 40 }}, "
            f"got {safe_repr(raw['facts'])}",
            file=file,
            problem_sv=f"{where_sv}: `facts` ska vara en tabell som {{ alder = 40 }}, men är "
            f"{safe_repr(raw['facts'])}",
        )


def run_case(engine: Engine, case: Case) -> CaseResult:
    """Evaluate *case* and compare with what it expects."""
    try:
        d = engine.evaluate(case.question, case.facts, on=case.on, jurisdiction=case.jurisdiction)
    except LssSolRulesError as exc:
        want = case.expect_error
        if want is not None:
            cls = getattr(errors, want, None)
            if isinstance(cls, type) and isinstance(exc, cls):
                name = type(exc).__name__
                return CaseResult(
                    case, True, f"raised {name} as expected", f"gav {name} som väntat"
                )
        return CaseResult(
            case,
            False,
            f"raised {type(exc).__name__}: {exc}",
            f"gav {type(exc).__name__}: {exc.message('sv')}",
        )
    problems: list[tuple[str, str]] = []
    if case.expect_error is not None:
        problems.append(
            (
                f"expected {case.expect_error}, got a decision ({d.status})",
                f"väntade {case.expect_error}, men fick ett beslut ({d.status})",
            )
        )
    if case.has_expect:
        if d.status != "decided":
            missing = ", ".join(d.missing)
            problems.append(
                (
                    f"expected {_shown(case.expect, 'en')}, got undetermined (missing {missing})",
                    f"väntade {_shown(case.expect, 'sv')}, men svaret är inte avgjort "
                    f"(saknas: {missing})",
                )
            )
        elif d.value != case.expect:
            problems.append(
                (
                    f"expected {_shown(case.expect, 'en')}, got {_shown(d.value, 'en')}",
                    f"väntade {_shown(case.expect, 'sv')}, men fick {_shown(d.value, 'sv')}",
                )
            )
    if case.expect_status is not None and d.status != case.expect_status:
        problems.append(
            (
                f"expected status {case.expect_status}, got {d.status}",
                f"väntade status {case.expect_status}, men fick {d.status}",
            )
        )
    if case.expect_missing is not None and tuple(d.missing) != case.expect_missing:
        absent, now = list(case.expect_missing), list(d.missing)
        problems.append(
            (
                f"expected missing {absent}, got {now}",
                f"väntade att {absent} skulle saknas, men saknas: {now}",
            )
        )
    fired = {r.rule_id for r in d.reasons}
    for rid in case.expect_rules:
        if rid not in fired:
            problems.append(
                (
                    f"expected rule {rid!r} to fire; fired: {sorted(fired)}",
                    f"väntade att regeln {rid!r} skulle tillämpas; tillämpades: {sorted(fired)}",
                )
            )
    if problems:
        return CaseResult(
            case,
            False,
            "; ".join(en for en, _ in problems),
            "; ".join(sv for _, sv in problems),
        )
    return CaseResult(case, True, "ok", "ok")


def _shown(value: object, lang: str) -> str:
    """A value in a case's result as its reader writes it: text quoted, numbers with the
    language's decimal mark (``7,5``), dates ISO, lists item by item."""
    from .explain import format_value  # noqa: PLC0415 - explain imports the model only

    if isinstance(value, str):
        return safe_repr(value)
    if isinstance(value, tuple):
        return "[" + ", ".join(_shown(v, lang) for v in value) + "]"
    try:
        return format_value(value, lang)  # type: ignore[arg-type]
    except Exception:  # a value of a type explain does not know: as Python shows it
        return safe_repr(value)
