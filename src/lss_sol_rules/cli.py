"""The ``lss-sol-rules`` command line: check rule files, evaluate cases, list the vocabulary."""

from __future__ import annotations

import json
import os
import re
import shlex
import sys
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import click

from . import load
from .casefile import load_cases, run_case
from .completion import (
    complete_fact,
    complete_jurisdiction,
    complete_parameter,
    complete_question,
)
from .engine import Engine
from .errors import (
    LssSolRulesError,
    RuleFileError,
    did_you_mean,
)
from .facts import describe_type
from .model import Decision, Parameter, ParameterValue
from .values import DuplicateKeyError, format_number, safe_repr, to_json, unique_keys, unit_text

__all__ = ["main"]


def _command_lang() -> str:
    """The running command's ``--lang``: Swedish unless ``--lang en`` was given (every
    command takes ``--lang``; Swedish is the default)."""
    ctx = click.get_current_context(silent=True)
    lang = ctx.params.get("lang") if ctx is not None else None
    return "en" if lang == "en" else "sv"


class _CliError(click.ClickException):
    """A command-line error in the command's language: ``Fel: <sv>`` or ``Error: <en>``.

    Give both texts (``_CliError(english, swedish)``); a library error's text comes from
    :func:`_library_message`, already in the command's language.
    """

    def __init__(self, message: str, sv: str | None = None) -> None:
        self.lang = _command_lang()
        super().__init__(sv if sv is not None and self.lang == "sv" else message)

    def show(self, file: Any = None) -> None:
        prefix = "Fel" if self.lang == "sv" else "Error"
        click.echo(f"{prefix}: {self.format_message()}", file=file, err=True)


def _library_message(exc: BaseException, lang: str | None = None) -> str:
    """A library error as the command line shows it: in *lang*, by default the running
    command's ``--lang`` (Swedish unless ``--lang en``), with hints a command-line user can
    follow (flags and commands, never Python keywords)."""
    if not isinstance(exc, LssSolRulesError):
        return str(exc)
    return exc.message(lang or _command_lang(), "cli")


_F = TypeVar("_F", bound=Callable[..., Any])


def _lang_option(
    help_text: str = "Language of the output and of the messages.",
) -> Callable[[_F], _F]:
    return click.option(
        "--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True, help=help_text
    )


# Click's own usage errors ("Missing option '--facts'.") in Swedish, by their English form.
_USAGE_SV: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), sv)
    for pattern, sv in (
        (r"Missing option (?P<a>'[^']*')\.?", "flaggan {a} saknas"),
        (r"Missing argument (?P<a>'[^']*')\.?", "argumentet {a} saknas"),
        (
            r"No such option:? (?P<a>'?[^'\s.]*'?)\.? Did you mean (?P<b>.*)\?",
            "flaggan {a} finns inte. Menade du {b}?",
        ),
        (r"No such option:? (?P<a>'?[^'\s]*'?)\.?", "flaggan {a} finns inte"),
        (
            r"No such command (?P<a>'[^']*')\. Did you mean (?P<b>.*)\?",
            "kommandot {a} finns inte. Menade du {b}?",
        ),
        (r"No such command (?P<a>'[^']*')\.?", "kommandot {a} finns inte"),
        (
            r"Got unexpected extra arguments? \((?P<a>.*)\)",
            "oväntade argument ({a})",
        ),
        (
            r"Option (?P<a>'[^']*') requires an argument\.?",
            "flaggan {a} behöver ett värde",
        ),
        (
            r"Invalid value for (?P<a>'[^']*'): (?P<v>'.*') is not one of (?P<b>.*)\.",
            "ogiltigt värde för {a}: {v} är inte ett av {b}",
        ),
        (
            r"Invalid value for (?P<a>'[^']*'): (?P<v>'.*') is not a valid integer\.?",
            "ogiltigt värde för {a}: {v} är inte ett heltal",
        ),
        (
            r"Invalid value for (?P<a>'[^']*'): (?P<v>'.*') is not a valid float\.?",
            "ogiltigt värde för {a}: {v} är inte ett tal",
        ),
        (
            r"Invalid value for (?P<a>'[^']*'): Path (?P<v>'.*') does not exist\.?",
            "ogiltigt värde för {a}: sökvägen {v} finns inte",
        ),
        (r"Invalid value for (?P<a>'[^']*'): (?P<v>.*)", "ogiltigt värde för {a}: {v}"),
    )
)


def _usage_sv(message: str) -> str:
    """Click's usage error *message* in Swedish where its wording is known; else as is."""
    for pattern, sv in _USAGE_SV:
        m = pattern.fullmatch(message.strip())
        if m is not None:
            return sv.format(**m.groupdict())
    return message


def _asks_english(args: list[str]) -> bool:
    """Whether the raw command line asks for English (``--lang en`` / ``--lang=en``)."""
    for i, arg in enumerate(args):
        if arg == "--lang=en" or (arg == "--lang" and args[i + 1 : i + 2] == ["en"]):
            return True
    return False


class _SwedishUsageError(click.UsageError):
    """A usage error shown in Swedish: ``Användning: ...``, ``Fel: ...``."""

    def show(self, file: Any = None) -> None:
        ctx = self.ctx
        if ctx is not None:
            usage = ctx.get_usage().replace("Usage:", "Användning:", 1)
            click.echo(usage, file=file, err=True)
            if ctx.command.get_help_option(ctx) is not None:
                click.echo(f"Skriv '{ctx.command_path} --help' för hjälp.", file=file, err=True)
            click.echo(file=file, err=True)
        click.echo(f"Fel: {_usage_sv(self.format_message())}", file=file, err=True)


def _engine(rules: tuple[str, ...], no_plugins: bool) -> Engine:
    try:
        return load(paths=rules, plugins=not no_plugins)
    except LssSolRulesError as exc:
        raise _CliError(_library_message(exc)) from None


_rules_option = click.option(
    "--rules",
    "rules",
    multiple=True,
    type=click.Path(exists=True),
    help="Extra rule file or folder to load on top of national law (repeatable).",
)
_no_plugins_option = click.option(
    "--no-plugins", is_flag=True, help="National law only: do not load installed plugins."
)


class _Group(click.Group):
    """The command group: a file that cannot be read gives one clear message, never a
    traceback, whatever the command."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta["lss_sol_rules.args"] = list(args)  # to know --lang before it is parsed
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            # Click's own wording is English; the command line's default language is not.
            if isinstance(exc, _SwedishUsageError) or _asks_english(
                ctx.meta.get("lss_sol_rules.args", [])
            ):
                raise
            raise _SwedishUsageError(exc.format_message(), exc.ctx) from None
        except BrokenPipeError:
            # The reader went away (`| head`): stop quietly, as command-line tools do.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(1)
        except UnicodeDecodeError as exc:
            raise _CliError(
                f"a file given is not UTF-8 text ({exc.reason} at byte {exc.start}); "
                f"save it as UTF-8",
                f"en fil som angavs är inte text i UTF-8 ({exc.reason} vid byte {exc.start}); "
                f"spara den som UTF-8",
            ) from None
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            raise _CliError(
                f"{where}{exc.strerror or exc}",
                f"{where}filen gick inte att läsa eller skriva (systemets beskrivning, på "
                f"engelska: {exc.strerror or exc})",
            ) from None
        except LssSolRulesError as exc:
            raise _CliError(_library_message(exc)) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="lss-sol-rules")
def main() -> None:
    """Swedish LSS / SoL / SFB rules as code: explained, dated, cited decisions."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@_no_plugins_option
@click.option(
    "--strict", is_flag=True, help="Warnings fail the check too (exit status 1), e.g. in CI."
)
@click.option(
    "--lang",
    type=click.Choice(["sv", "en"]),
    default="sv",
    show_default=True,
    help="Language of the problems and warnings.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: one report on standard output for editors and CI (every file with its "
    "errors and warnings, each in Swedish and English, and the totals).",
)
def check(paths: tuple[str, ...], no_plugins: bool, strict: bool, lang: str, fmt: str) -> None:
    """Validate rule files (folders: every .toml under them) on top of the installed rules.

    Reports every problem of each file in one run, each as ``file:line: rule 'id': problem``
    at the line of the offending key, and warns (``warning:``) when a rule can be in force on
    dates where a parameter it reads has no value. A file that is one of the installed files
    (national law, a plugin's) is checked in its place. Exit status 1 when a file has an
    error (or, with --strict, a warning); ``ok: FILE`` for each file that loads.
    """
    from .rulecheck import check_files  # noqa: PLC0415

    try:
        base = load(plugins=not no_plugins)
    except LssSolRulesError as exc:
        if fmt == "json":
            click.echo(_check_json([], strict, installed=exc))
            sys.exit(1)
        click.echo(exc.message(lang, "cli"), err=True)
        click.echo(
            "de installerade reglerna (rikets regler och tilläggen) går inte att läsa in"
            if lang == "sv"
            else "the installed rules (national law and plugins) do not load",
            err=True,
        )
        sys.exit(1)
    reports = check_files(base, paths)
    if fmt == "json":
        click.echo(_check_json(reports, strict))
        if any(r.errors or (strict and r.warnings) for r in reports):
            sys.exit(1)
        return
    errors = warnings = failed = 0
    for report in reports:
        for error in report.errors:
            click.echo(error.message(lang, "cli"), err=True)
        for warning in report.warnings:
            click.echo(warning.message(lang), err=True)
        errors += len(report.errors)
        warnings += len(report.warnings)
        if report.errors or (strict and report.warnings):
            failed += 1
        else:
            click.echo(f"ok: {report.path}")
    n = len(reports)
    if errors or warnings:
        if lang == "sv":
            summary = (
                f"{errors} fel, {warnings} varning{'ar' if warnings != 1 else ''} i {n} fil(er)"
            )
        else:
            e = f"{errors} error{'s' if errors != 1 else ''}"
            w = f"{warnings} warning{'s' if warnings != 1 else ''}"
            summary = f"{e}, {w} in {n} file(s)"
        click.echo(summary, err=True)
    if failed:
        click.echo(
            f"{failed} av {n} fil(er) godkändes inte"
            if lang == "sv"
            else f"{failed} of {n} file(s) failed",
            err=True,
        )
        sys.exit(1)


def _check_json(reports: list[Any], strict: bool, installed: LssSolRulesError | None = None) -> str:
    """The report of ``check --format json``: the files, each with its errors and warnings as
    objects (where, severity, the message whole and the problem alone, in both languages),
    and the totals. *installed*: the installed rules do not load, so nothing was checked."""

    files: list[dict[str, Any]] = []
    for r in reports:
        errs = [_check_item(e, "error") for e in r.errors]
        warns = [_check_item(w, "warning") for w in r.warnings]
        files.append(
            {
                "file": str(r.path),
                "ok": not r.errors and not (strict and r.warnings),
                "errors": errs,
                "warnings": warns,
            }
        )
    n_errors = sum(len(r.errors) for r in reports)
    n_warnings = sum(len(r.warnings) for r in reports)
    out: dict[str, Any] = {
        "files": files,
        "totals": {
            "files": len(files),
            "errors": n_errors,
            "warnings": n_warnings,
            "failed": sum(1 for f in files if not f["ok"]),
        },
        "strict": strict,
    }
    if installed is not None:
        out["installed_rules_error"] = {
            "message_sv": installed.message("sv", "cli"),
            "message_en": installed.message("en", "cli"),
        }
        out["totals"]["failed"] = 1
    return json.dumps(out, ensure_ascii=False, indent=2)


def _check_item(item: Any, severity: str) -> dict[str, Any]:
    """One error (a :class:`RuleFileError`) or warning (a ``ParameterGap`` or ``RangeGap``)
    of ``check`` as a JSON object: ``message_*`` as the text report prints it (``file:line:
    rule 'id': ...``), ``problem_*`` without that frame."""
    from .rulecheck import warning_frame  # noqa: PLC0415 - as check_files, only for check

    if isinstance(item, LssSolRulesError):
        messages = {lang: item.message(lang, "cli") for lang in ("sv", "en")}
        frames = dict(zip(("en", "sv"), item._frame, strict=True))  # "file:line: rule 'id': "
        problems = {lang: messages[lang].removeprefix(frames[lang]) for lang in ("sv", "en")}
        parameter = None
    else:
        messages = {lang: item.message(lang) for lang in ("sv", "en")}
        heads = {
            lang: warning_frame(item.file, item.line, item.rule_id, lang) for lang in ("sv", "en")
        }
        problems = {lang: messages[lang].removeprefix(heads[lang]) for lang in ("sv", "en")}
        parameter = getattr(item, "parameter", None)
    entry: dict[str, Any] = {
        "file": getattr(item, "file", None),
        "line": getattr(item, "line", None),
        "rule_id": getattr(item, "rule_id", None),
        "key": getattr(item, "key", None) or _named_key(problems["en"]),
        "severity": severity,
        "message_sv": messages["sv"],
        "message_en": messages["en"],
        "problem_sv": problems["sv"],
        "problem_en": problems["en"],
    }
    if parameter is not None:
        entry["parameter"] = parameter
    return entry


_KEY_NAMED = re.compile(r"(?:unknown key '(?P<unknown>[^']+)'|`(?P<key>[A-Za-z_][\w.]*)` )")


def _named_key(problem: str) -> str | None:
    """The rule-file key a loader problem starts by naming (``unknown key 'valdi_to'``,
    ```explain` must be ...``), or ``None``."""
    m = _KEY_NAMED.match(problem)
    if m is None:
        return None
    return m["unknown"] or m["key"]


def _read_text(path: str, what: str) -> str:
    """A UTF-8 file's text, or a clean message (missing, a folder, unreadable, not UTF-8)."""
    from .batch import _read_text as read  # noqa: PLC0415

    try:
        return read(path, what)
    except LssSolRulesError as exc:
        raise _CliError(_library_message(exc)) from None


def _read_facts(source: str) -> dict[str, Any]:
    text = sys.stdin.read() if source == "-" else _read_text(source, "facts file")
    try:
        facts = json.loads(text, object_pairs_hook=unique_keys)
    except DuplicateKeyError as exc:
        raise _CliError(
            f"{source}: the key {safe_repr(exc.key)} appears twice in one object; give each "
            f"fact once",
            f"{source}: nyckeln {safe_repr(exc.key)} förekommer två gånger i samma objekt; ange "
            f"varje uppgift en gång",
        ) from None
    except json.JSONDecodeError as exc:
        raise _CliError(
            f"{source}: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
            f"{source}: filen är inte giltig JSON: fel på rad {exc.lineno}, kolumn {exc.colno} "
            f"(tolkens beskrivning, på engelska: {exc.msg})",
        ) from None
    except RecursionError:
        raise _CliError(
            f"{source}: the JSON nests too deeply",
            f"{source}: JSON-texten är nästlad i för många nivåer",
        ) from None
    except ValueError:  # an integer beyond sys.get_int_max_str_digits()
        raise _CliError(
            f"{source}: not readable JSON: a number has more digits than can be read "
            f"({sys.get_int_max_str_digits():,} at most)",
            f"{source}: JSON-texten går inte att läsa (ett tal med för många siffror)",
        ) from None
    if not isinstance(facts, dict):
        raise _CliError(
            f'{source}: the facts must be a JSON object, like {{"alder": 40}}',
            f'{source}: uppgifterna ska vara ett JSON-objekt, som {{"alder": 40}}',
        )
    if "facts" in facts and isinstance(facts["facts"], dict):
        facts = facts["facts"]
    return facts


def _date(value: str | None, flag: str = "--on") -> date | None:
    if value is None:
        return None
    from .values import parse_date, safe_repr  # noqa: PLC0415

    try:
        return parse_date(value)
    except ValueError:
        shown = safe_repr(value)
        raise _usage_error(
            f"{flag}: {shown} is not a date written YYYY-MM-DD (like 2026-01-01)",
            f"{flag}: {shown} är inte ett datum skrivet ÅÅÅÅ-MM-DD (som 2026-01-01)",
        ) from None


def _usage_error(en: str, sv: str) -> click.UsageError:
    """A mistake in the command line (exit status 2), in the command's language."""
    ctx = click.get_current_context(silent=True)
    if _command_lang() == "sv":
        return _SwedishUsageError(sv, ctx)
    return click.UsageError(en, ctx)


def _evaluation_options(f: Any) -> Any:
    """The options ``evaluate`` and ``explain`` share: the case, the date, the place."""
    for option in reversed(
        [
            click.argument("question", shell_complete=complete_question),
            click.option(
                "--facts",
                "facts_file",
                required=True,
                help="JSON file with the case's facts (an object; '-' reads standard input).",
            ),
            click.option("--on", "on", help="Evaluation date, YYYY-MM-DD (default: today)."),
            click.option(
                "--jurisdiction",
                default="se",
                show_default=True,
                shell_complete=complete_jurisdiction,
                help="Jurisdiction, e.g. se or se/stockholm.",
            ),
            click.option(
                "--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True
            ),
            _rules_option,
            _no_plugins_option,
        ]
    ):
        f = option(f)
    return f


def _decide(
    question: str,
    facts_file: str,
    on: str | None,
    jurisdiction: str,
    rules: tuple[str, ...],
    no_plugins: bool,
) -> Decision:
    engine = _engine(rules, no_plugins)
    facts = _read_facts(facts_file)
    try:
        return engine.evaluate(question, facts, on=_date(on), jurisdiction=jurisdiction)
    except LssSolRulesError as exc:
        raise _CliError(_library_message(exc)) from None


_BRIEF = {
    "sv": {
        "status": "Status",
        "decided": "avgjord",
        "undetermined": "kan inte avgöras (uppgifter saknas)",
        "missing": "Uppgifter som saknas",
        "more": "Alla skäl och prövade regler: {command}",
    },
    "en": {
        "status": "Status",
        "decided": "decided",
        "undetermined": "undetermined (facts missing)",
        "missing": "Missing facts",
        "more": "The full reasons: {command}",
    },
}


def _brief(d: Decision, lang: str, command: str) -> str:
    """The answer, its status, the missing facts, the assumptions and the sources, briefly."""
    from .explain import _WORDS, _answer  # noqa: PLC0415 - the words of the full text

    words, brief = _WORDS[lang], _BRIEF[lang]
    lines = [f"{words['question']}: {d.label.get(lang)} ({d.question})"]
    answer = _answer(d, lang) if d.decided else words["undetermined"]
    lines.append(f"{words['answer']}: {answer}")
    lines.append(f"{brief['status']}: {brief[d.status]}")
    lines.append(f"{words['on']}: {d.on.isoformat()}  ({words['jurisdiction']}: {d.jurisdiction})")
    if d.missing:
        lines.append(f"{brief['missing']}:")
        labels = list(d.missing_labels)
        for i, name in enumerate(d.missing):
            label = f"{labels[i].get(lang)} " if i < len(labels) else ""
            lines.append(f"  - {label}({name})")
    if d.assumptions:
        lines.append(f"{words['assumptions']}:")
        lines.extend(f"  - {a.text.get(lang)} ({a.fact})" for a in d.assumptions)
    if d.citations:
        lines.append(f"{words['sources']}: {'; '.join(str(c) for c in d.citations)}")
    lines.append(brief["more"].format(command=command))
    return "\n".join(lines)


@main.command()
@_evaluation_options
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def evaluate(
    question: str,
    facts_file: str,
    on: str | None,
    jurisdiction: str,
    lang: str,
    rules: tuple[str, ...],
    no_plugins: bool,
    fmt: str,
) -> None:
    """Answer QUESTION for the case in --facts: the answer, its status, the facts still
    missing, the assumptions made and the sources, briefly (``explain`` gives the reasons
    in full; ``--format json`` the whole decision)."""
    d = _decide(question, facts_file, on, jurisdiction, rules, no_plugins)
    if fmt == "json":
        click.echo(json.dumps(d.to_dict(), ensure_ascii=False, indent=2))
        return
    args = [question, "--facts", facts_file, "--on", d.on.isoformat()]
    if jurisdiction != "se":
        args += ["--jurisdiction", jurisdiction]
    for r in rules:
        args += ["--rules", r]
    if no_plugins:
        args.append("--no-plugins")
    if lang != "sv":
        args += ["--lang", lang]
    command = "lss-sol-rules explain " + " ".join(shlex.quote(a) for a in args)
    click.echo(_brief(d, lang, command))


@main.command()
@_evaluation_options
@click.option(
    "--style",
    type=click.Choice(["text", "beslut"]),
    default="text",
    show_default=True,
    help="text: the answer, every reason with its sources and conditions, the rules tried, "
    "the thresholds used; beslut: the motivation of a decision letter in plain language.",
)
def explain(
    question: str,
    facts_file: str,
    on: str | None,
    jurisdiction: str,
    lang: str,
    rules: tuple[str, ...],
    no_plugins: bool,
    style: str,
) -> None:
    """Answer QUESTION for the case in --facts and explain it in full: every reason with its
    sources and conditions, or (``--style beslut``) the decision letter's motivation."""
    d = _decide(question, facts_file, on, jurisdiction, rules, no_plugins)
    click.echo(d.explain(lang=lang, style=style))


@main.command()
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True)
@click.option("--all", "show_all", is_flag=True, help="Include internal helper questions.")
@_rules_option
@_no_plugins_option
def questions(
    fmt: str, lang: str, show_all: bool, rules: tuple[str, ...], no_plugins: bool
) -> None:
    """List the questions the loaded rules answer."""
    engine = _engine(rules, no_plugins)
    qs = engine.questions(include_internal=show_all)
    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "name": q.name,
                        "type": q.type,
                        "of": q.of,
                        "values": None if q.values is None else list(q.values),
                        "label": {"sv": q.label.sv, "en": q.label.en},
                    }
                    for q in qs
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for q in qs:
        values = f" [{', '.join(str(v) for v in q.values)}]" if q.values else ""
        click.echo(f"{q.name}  ({_type_word(q.type, lang)}{values})  {q.label.get(lang)}")


# The fact types as a Swedish reader says them; the type names themselves in English.
_TYPES_SV = {
    "bool": "sant/falskt",
    "int": "heltal",
    "number": "tal",
    "text": "text",
    "date": "datum",
    "list": "lista",
}


def _type_word(vtype: str, lang: str) -> str:
    return _TYPES_SV.get(vtype, vtype) if lang == "sv" else vtype


@main.command()
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True)
@_rules_option
@_no_plugins_option
@click.argument("names", nargs=-1, metavar="[NAME]...", shell_complete=complete_fact)
def facts(
    fmt: str, lang: str, rules: tuple[str, ...], no_plugins: bool, names: tuple[str, ...]
) -> None:
    """List the facts a case may carry, with types, units, ranges and enums (NAME picks
    facts; all by default)."""
    engine = _engine(rules, no_plugins)
    fs = engine.facts()
    known = {f.name for f in fs}
    for name in names:
        if name not in known:
            raise _CliError(
                f"unknown fact {name!r}{did_you_mean(name, known)}; "
                f"`lss-sol-rules facts` lists them",
                f"uppgiften {name!r} finns inte{did_you_mean(name, known, 'sv')}; "
                f"`lss-sol-rules facts` listar uppgifterna",
            )
    if names:
        fs = tuple(f for f in fs if f.name in names)
    if fmt == "json":
        click.echo(json.dumps([describe_type(f) for f in fs], ensure_ascii=False, indent=2))
        return
    for f in fs:
        listed = "lista med" if lang == "sv" else "list of"
        t = f"{listed} {_type_word(f.of or 'text', lang)}" if f.type == "list" else (
            _type_word(f.type, lang)
        )
        extra = []
        if f.unit:
            extra.append(unit_text(f.unit, lang))
        if f.min is not None or f.max is not None:
            low = "" if f.min is None else format_number(f.min, lang)
            high = "" if f.max is None else format_number(f.max, lang)
            extra.append(f"{low}..{high}")
        if f.values:
            extra.append("|".join(f.values))
        more = f"; {'; '.join(extra)}" if extra else ""
        click.echo(f"{f.name}  ({t}{more})  {f.label.get(lang)}")


def _parameter_readers(engine: Engine, jurisdiction: str) -> dict[str, list[str]]:
    """For each parameter name, the ids of the rules in force somewhere in *jurisdiction*
    (its own and its enclosing jurisdictions' rules) that read it."""
    view = engine.rulebook.view(jurisdiction)
    out: dict[str, set[str]] = {}
    for rules in view.rules.values():
        for rule in rules:
            for name in {*rule.params, *(n for n, _ in rule.params_at)}:
                out.setdefault(name, set()).add(rule.id)
    return {name: sorted(ids) for name, ids in out.items()}


def _value_json(v: ParameterValue) -> dict[str, Any]:
    return {
        "value": to_json(v.value),
        "valid_from": v.valid_from.isoformat(),
        "valid_to": None if v.valid_to is None else v.valid_to.isoformat(),
        "citations": [c.to_dict() for c in v.citations],
    }


_PARAM_WORDS = {
    "sv": {
        "none": "inget värde",
        "from": "från",
        "to": "till",
        "read_by": "läses av",
        "nobody": "ingen regel",
        "in": "i",
    },
    "en": {
        "none": "no value",
        "from": "from",
        "to": "to",
        "read_by": "read by",
        "nobody": "no rule",
        "in": "in",
    },
}


@main.command()
@click.argument("names", nargs=-1, metavar="[NAME]...", shell_complete=complete_parameter)
@click.option(
    "--jurisdiction",
    default="se",
    show_default=True,
    shell_complete=complete_jurisdiction,
    help="Whose parameters: its own and those of the jurisdictions enclosing it.",
)
@click.option("--on", "on", help="The values in force on this date, YYYY-MM-DD (default: today).")
@click.option(
    "--history", is_flag=True, help="Every dated value, past and future, instead of one date's."
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True)
@_rules_option
@_no_plugins_option
def parameters(
    names: tuple[str, ...],
    jurisdiction: str,
    on: str | None,
    history: bool,
    fmt: str,
    lang: str,
    rules: tuple[str, ...],
    no_plugins: bool,
) -> None:
    """The parameters (thresholds, age limits, day counts) the rules read: each with its
    value on a date (--on, default today) or its whole history (--history), its unit, its
    sources and the rules that read it. NAME picks parameters; all by default.

    For one date, the value in force is shown: a municipality's before the national one on
    the dates it covers, with the jurisdiction it comes from. --history and JSON list every
    jurisdiction's values, each named; JSON has the fields of the service's /parameters.
    """
    from .explain import format_value  # noqa: PLC0415

    if history and on is not None:
        raise _usage_error(
            "give --on DATE or --history, not both", "ange --on DATUM eller --history, inte båda"
        )
    when = _date(on) or date.today()
    engine = _engine(rules, no_plugins)
    try:
        params = engine.parameters(jurisdiction)
    except LssSolRulesError as exc:
        raise _CliError(_library_message(exc)) from None
    here = {p.name for p in params}
    for name in names:
        if name in here:
            continue
        elsewhere = sorted(
            j for j in engine.jurisdictions() if name in {p.name for p in engine.parameters(j)}
        )
        if elsewhere:
            raise _CliError(
                f"parameter {name!r} is not declared for jurisdiction {jurisdiction!r}; it is "
                f"in: {', '.join(elsewhere)} (pass --jurisdiction {elsewhere[0]})",
                f"parametern {name!r} finns inte i regelverket {jurisdiction!r}; den finns i: "
                f"{', '.join(elsewhere)} (ange --jurisdiction {elsewhere[0]})",
            )
        known = {p.name for j in engine.jurisdictions() for p in engine.parameters(j)}
        raise _CliError(
            f"unknown parameter {name!r}{did_you_mean(name, known)}; "
            f"`lss-sol-rules parameters` lists them",
            f"parametern {name!r} finns inte{did_you_mean(name, known, 'sv')}; "
            f"`lss-sol-rules parameters` listar parametrarna",
        )
    if names:
        params = tuple(p for p in params if p.name in names)
    readers = _parameter_readers(engine, jurisdiction)
    view = engine.rulebook.view(jurisdiction)
    if fmt == "json":
        out: list[dict[str, Any]] = []
        for p in params:
            entry: dict[str, Any] = {
                "name": p.name,
                "type": p.type,
                "of": p.of,
                "unit": p.unit,
                "label": {"sv": p.label.sv, "en": p.label.en},
                "jurisdiction": p.jurisdiction,
                "layer": p.layer,
                "values": [_value_json(v) for v in p.values],
                "read_by": readers.get(p.name, []),
            }
            if not history:
                found = view.param_value(p.name, when)
                entry["on"] = when.isoformat()
                entry["in_force"] = None if found is None else _value_json(found[0])
                entry["in_force_from_jurisdiction"] = (
                    None if found is None else found[1].jurisdiction
                )
            out.append(entry)
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    words = _PARAM_WORDS[lang]

    def shown(v: ParameterValue, unit: str | None) -> str:
        return format_value(v.value, lang) + (f" {unit_text(unit, lang)}" if unit else "")

    def sources(v: ParameterValue) -> str:
        return "; ".join(str(c) for c in v.citations)

    def read_by(name: str) -> str:
        return f"{words['read_by']}: {', '.join(readers.get(name, [])) or words['nobody']}"

    by_name: dict[str, list[Parameter]] = {}
    for p in params:
        by_name.setdefault(p.name, []).append(p)
    if not history:
        for name, versions in by_name.items():
            label = versions[0].label.get(lang)
            found = view.param_value(name, when)
            if found is None:
                click.echo(
                    f"{name}  {words['none']} {when.isoformat()}  {label}  ({read_by(name)})"
                )
                continue
            v, p = found
            until = f" {words['to']} {v.valid_to.isoformat()}" if v.valid_to else ""
            click.echo(
                f"{name}  {shown(v, p.unit)}  ({words['from']} {v.valid_from.isoformat()}{until}"
                f"; {sources(v)}; {p.jurisdiction})  {label}  ({read_by(name)})"
            )
        return
    blocks: list[str] = []
    for name, versions in by_name.items():
        lines = [f"{name}  {versions[0].label.get(lang)}"]
        for p in versions:
            unit = f", {unit_text(p.unit, lang)}" if p.unit else ""
            lines.append(f"  {words['in']} {p.jurisdiction} ({p.type}{unit}):")
            for v in p.values:
                until = v.valid_to.isoformat() if v.valid_to else ""
                span = f"{v.valid_from.isoformat()} – {until}".ljust(24)
                lines.append(f"    {span}  {shown(v, p.unit)}  [{sources(v)}]")
        lines.append(f"  {read_by(name)}")
        blocks.append("\n".join(lines))
    click.echo("\n\n".join(blocks))


@main.command(name="test")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("-v", "--verbose", is_flag=True, help="Print every case, not only failures.")
@_lang_option("Language of the messages.")
@_rules_option
@_no_plugins_option
def test_cases(
    paths: tuple[str, ...], verbose: bool, lang: str, rules: tuple[str, ...], no_plugins: bool
) -> None:
    """Run golden case files (TOML [[cases]]) and report failures; exit 1 if any fail."""
    engine = _engine(rules, no_plugins)
    try:
        cases = load_cases(paths)
    except RuleFileError as exc:
        raise _CliError(_library_message(exc)) from None
    passed = failed = 0
    sv = lang == "sv"
    for case in cases:
        result = run_case(engine, case)
        if result.passed:
            passed += 1
            if verbose:
                click.echo(f"{'OK' if sv else 'PASS'} {case.id}")
        else:
            failed += 1
            click.echo(f"{'FEL' if sv else 'FAIL'} {case.id}: {result.text(lang)}")
    if sv:
        click.echo(f"{passed} godkända, {failed} underkända")
    else:
        click.echo(f"{passed} passed, {failed} failed")
    if failed or not cases:
        sys.exit(1)


@main.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; the default serves this machine only.",
)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--max-body-bytes",
    default=1_000_000,
    show_default=True,
    type=int,
    help="Refuse request bodies larger than this (413).",
)
@click.option(
    "--access-log",
    is_flag=True,
    help="Log request lines (method, path without query, status, time). Bodies never.",
)
@click.option(
    "--max-batch-cases",
    default=1_000,
    show_default=True,
    type=click.IntRange(1),
    help="Refuse batches with more cases (413).",
)
@click.option(
    "--max-batch-decisions",
    default=200,
    show_default=True,
    type=click.IntRange(1),
    help='Refuse batches asking for more full decisions (413); "detail": "summary" has '
    "the --max-batch-cases limit.",
)
@click.option(
    "--max-concurrent",
    default=32,
    show_default=True,
    type=click.IntRange(1),
    help="Requests answered at once; more get 503 with Retry-After.",
)
@click.option(
    "--max-connections",
    default=200,
    show_default=True,
    type=click.IntRange(1),
    help="Open connections at once; more get 503.",
)
@click.option(
    "--header-timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds a client has to send its request headers before it is dropped.",
)
@click.option(
    "--body-timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds a client has to send its request body (408).",
)
@click.option(
    "--api-key-env",
    default="LSS_SOL_RULES_API_KEY",
    show_default=True,
    help="Environment variable holding the API key(s), comma-separated; when it is set, "
    "every request but /health needs 'Authorization: Bearer <key>' or 'X-API-Key'.",
)
@click.option("--ssl-certfile", type=click.Path(exists=True, dir_okay=False), default=None)
@click.option("--ssl-keyfile", type=click.Path(exists=True, dir_okay=False), default=None)
@click.option(
    "--forwarded-allow-ips",
    default=None,
    help="Comma-separated addresses of reverse proxies whose X-Forwarded-* headers to trust.",
)
@_lang_option("Language of the messages on the command line (the service answers in both).")
@_rules_option
@_no_plugins_option
def serve(
    host: str,
    port: int,
    max_body_bytes: int,
    access_log: bool,
    max_batch_cases: int,
    max_batch_decisions: int,
    max_concurrent: int,
    max_connections: int,
    header_timeout: float,
    body_timeout: float,
    api_key_env: str,
    ssl_certfile: str | None,
    ssl_keyfile: str | None,
    forwarded_allow_ips: str | None,
    lang: str,
    rules: tuple[str, ...],
    no_plugins: bool,
) -> None:
    """Start the HTTP decision service and rules explorer (needs the `server` extra)."""
    try:
        from .server import api_keys_from_env, create_app, run  # noqa: PLC0415 - optional
    except ImportError as exc:
        if isinstance(exc, LssSolRulesError):  # MissingExtraError: names the extra
            raise _CliError(_library_message(exc)) from None
        raise _CliError(
            f"the HTTP service cannot start: {exc}; pip install 'lss-sol-rules[server]'",
            f"HTTP-tjänsten kan inte starta ({exc}); installera den med "
            f"pip install 'lss-sol-rules[server]'",
        ) from None
    engine = _engine(rules, no_plugins)
    keys = api_keys_from_env(api_key_env)
    scheme = "https" if ssl_certfile else "http"
    if lang == "sv":
        started = (
            f"lss-sol-rules svarar på {scheme}://{host}:{port} (regelutforskaren: /, OpenAPI: "
            f"/docs{', API-nyckel krävs' if keys else ''})"
        )
    else:
        started = (
            f"lss-sol-rules serving on {scheme}://{host}:{port} (explorer: /, OpenAPI: /docs"
            f"{', API key required' if keys else ''})"
        )
    click.echo(started, err=True)
    app = create_app(
        engine,
        max_body_bytes,
        max_batch_cases=max_batch_cases,
        max_batch_decisions=max_batch_decisions,
        max_concurrent=max_concurrent,
        body_timeout=body_timeout,
        api_keys=keys,
        access_log=access_log,
    )
    run(
        app,
        host=host,
        port=port,
        header_timeout=header_timeout,
        max_connections=max_connections,
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
        forwarded_allow_ips=forwarded_allow_ips.split(",") if forwarded_allow_ips else None,
        access_log=access_log,
    )


_cases_option = click.option(
    "--cases",
    "cases_file",
    required=True,
    type=click.Path(),
    help="CSV, Parquet (.parquet) or Arrow (.arrow) file: one row per case, one column per "
    "fact, plus the id columns (--id) and columns left aside (--ignore-column).",
)
_id_option = click.option(
    "--id",
    "ids",
    multiple=True,
    metavar="COLUMN",
    help="Column that identifies a case (repeatable); kept beside every answer and error.",
)
_ignore_option = click.option(
    "--ignore-column",
    "ignore_columns",
    multiple=True,
    metavar="COLUMN",
    help="Column to leave aside (repeatable). Any other column that is not a fact is an error.",
)
_ignore_unknown_option = click.option(
    "--ignore-unknown-columns",
    is_flag=True,
    help="Leave aside every column that is not a fact (and not an --id).",
)


def _cases_from(
    engine: Engine,
    path: str,
    ids: tuple[str, ...],
    ignore_columns: tuple[str, ...],
    ignore_unknown: bool,
) -> Any:
    """The caseload of *path*, its columns checked; every problem a clean message."""
    from .batch import read_cases  # noqa: PLC0415 - only the batch commands

    try:
        return read_cases(
            engine,
            path,
            id=ids,
            ignore_columns=ignore_columns,
            ignore_unknown_columns=ignore_unknown,
        )
    except (LssSolRulesError, ImportError) as exc:
        raise _CliError(_library_message(exc)) from None


def _check_question(engine: Engine, question: str, when: date | None, jurisdiction: str) -> None:
    """Question, jurisdiction and rules in force on the date: checked before any work."""
    try:
        engine.view_for(question, jurisdiction).in_force(question, when or date.today())
    except LssSolRulesError as exc:
        raise _CliError(_library_message(exc)) from None


class _Progress:
    """A progress bar on standard error for long runs (quiet below *threshold* cases)."""

    def __init__(self, total: int, label: str, threshold: int = 10_000) -> None:
        self.bar: Any = None
        self.done = 0
        if total >= threshold:
            self.bar = click.progressbar(length=total, label=label, file=sys.stderr)
            self.bar.__enter__()

    def to(self, done: int, total: int | None = None) -> None:
        if self.bar is None:
            return
        if total is not None and total != self.bar.length:
            self.bar.length = total
        self.bar.update(max(0, done - self.done))
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@main.command()
@click.argument("question", shell_complete=complete_question)
@_cases_option
@click.option(
    "--out",
    "out_file",
    required=True,
    type=click.Path(),
    help="File to write, by its ending: .csv, .parquet, .arrow, .json or .jsonl. Columns: the "
    "ids, row, value, status, missing, error, error_fact. Written whole or not at all.",
)
@click.option("--on", "on", help="Evaluation date, YYYY-MM-DD (default: today).")
@click.option(
    "--jurisdiction", default="se", show_default=True, shell_complete=complete_jurisdiction
)
@_id_option
@_ignore_option
@_ignore_unknown_option
@click.option(
    "--fail-fast",
    is_flag=True,
    help="Stop at the first bad row (exit 1, nothing written) instead of reporting it.",
)
@_lang_option("Language of the messages and of the summary (the output file is data).")
@_rules_option
@_no_plugins_option
def batch(
    question: str,
    cases_file: str,
    out_file: str,
    on: str | None,
    jurisdiction: str,
    ids: tuple[str, ...],
    ignore_columns: tuple[str, ...],
    ignore_unknown_columns: bool,
    fail_fast: bool,
    lang: str,
    rules: tuple[str, ...],
    no_plugins: bool,
) -> None:
    """Answer QUESTION for every case in a CSV, Parquet or Arrow file.

    Bad rows (a cell that is not a number, a value out of range, a row with extra cells)
    are reported, not fatal: each gets status "error" and the message in the output, and a
    summary goes to standard error; every row of the input has a row in the output. The
    date, question, jurisdiction, output path and columns are checked before any work.
    Exit status 0 when the answers were written (even with bad rows), 1 when they were
    not (2 for a mistake in the command line).
    """
    from .batch import check_output_path, evaluate_many, write_result  # noqa: PLC0415

    when = _date(on)
    try:
        check_output_path(out_file)
    except (LssSolRulesError, ImportError) as exc:
        raise _CliError(_library_message(exc)) from None
    engine = _engine(rules, no_plugins)
    _check_question(engine, question, when, jurisdiction)
    cases = _cases_from(engine, cases_file, ids, ignore_columns, ignore_unknown_columns)
    total = cases.num_rows if hasattr(cases, "num_rows") else len(cases)
    bar = _Progress(total, "bedömer" if lang == "sv" else "evaluating")
    try:
        result = evaluate_many(
            engine,
            question,
            cases,
            on=when,
            jurisdiction=jurisdiction,
            errors="raise" if fail_fast else "collect",
            progress=bar.to,
            id=ids or None,
            ignore_columns=ignore_columns,
            ignore_unknown_columns=ignore_unknown_columns,
        )
    except LssSolRulesError as exc:
        raise _CliError(_library_message(exc)) from None
    finally:
        bar.close()
    try:
        write_result(result, out_file)
    except (LssSolRulesError, ImportError) as exc:
        raise _CliError(_library_message(exc)) from None
    if result.row_errors:
        click.echo(result.error_summary(lang=lang), err=True)
    summary = ", ".join(f"{k}: {v}" for k, v in result.counts().items())
    words = ("ärende", "ärenden") if lang == "sv" else ("case", "cases")
    cases_word = words[0] if len(result) == 1 else words[1]
    click.echo(f"{len(result)} {cases_word} → {out_file} ({summary})")


@main.command(name="diff")
@click.argument("question", shell_complete=complete_question)
@_cases_option
@click.option("--on", "on", help="Date of the old evaluation (default: today).")
@click.option(
    "--jurisdiction", default="se", show_default=True, shell_complete=complete_jurisdiction
)
@click.option("--against-on", help="Date of the new evaluation.")
@click.option(
    "--against-jurisdiction",
    shell_complete=complete_jurisdiction,
    help="Jurisdiction of the new evaluation.",
)
@click.option(
    "--against-rules",
    multiple=True,
    type=click.Path(exists=True),
    help="Extra rule files for the new evaluation (e.g. a proposed routine); their "
    "jurisdiction must be --against-jurisdiction or enclose it.",
)
@_id_option
@_ignore_option
@_ignore_unknown_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "csv"]),
    default="text",
    show_default=True,
    help="text: groups with reasons and examples; json: the whole report; csv: one row per "
    "changed case (ids, row, old, new, group, shift_days, because).",
)
@click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True)
@_rules_option
@_no_plugins_option
def diff_cmd(
    question: str,
    cases_file: str,
    on: str | None,
    jurisdiction: str,
    against_on: str | None,
    against_jurisdiction: str | None,
    against_rules: tuple[str, ...],
    ids: tuple[str, ...],
    ignore_columns: tuple[str, ...],
    ignore_unknown_columns: bool,
    fmt: str,
    lang: str,
    rules: tuple[str, ...],
    no_plugins: bool,
) -> None:
    """Which cases change answer between two dates, jurisdictions or rulebooks, and why.

    Give at least one of --against-on, --against-jurisdiction, --against-rules. Changed
    cases are grouped by old → new answer and by the rules and parameters whose use
    differs, with an example per group; moved dates are summarised in days.
    """
    import csv  # noqa: PLC0415

    if not (against_on or against_jurisdiction or against_rules):
        raise _usage_error(
            "nothing to compare: give --against-on DATE, --against-jurisdiction NAME or "
            "--against-rules FILE (or several)",
            "inget att jämföra: ange --against-on DATUM, --against-jurisdiction NAMN eller "
            "--against-rules FIL (eller flera av dem)",
        )
    when, against_when = _date(on), _date(against_on, "--against-on")
    engine = _engine(rules, no_plugins)
    other = _engine(rules + against_rules, no_plugins) if against_rules else None
    _check_question(engine, question, when, jurisdiction)
    _check_question(
        other or engine, question, against_when or when, against_jurisdiction or jurisdiction
    )
    cases = _cases_from(engine, cases_file, ids, ignore_columns, ignore_unknown_columns)
    total = cases.num_rows if hasattr(cases, "num_rows") else len(cases)
    bar = _Progress(2 * total, "jämför" if lang == "sv" else "comparing")
    try:
        report = engine.diff(
            question,
            cases,
            on=when,
            jurisdiction=jurisdiction,
            against=other,
            against_on=against_when,
            against_jurisdiction=against_jurisdiction,
            id=ids or None,
            ignore_columns=ignore_columns,
            ignore_unknown_columns=ignore_unknown_columns,
            progress=bar.to,
        )
    except LssSolRulesError as exc:
        raise _CliError(_library_message(exc)) from None
    finally:
        bar.close()
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str))
    elif fmt == "csv":
        cols = [*report.ids, "row", "old", "new", "group", "shift_days", "because"]
        writer = csv.DictWriter(sys.stdout, fieldnames=cols, lineterminator="\n")
        writer.writeheader()
        writer.writerows(report.to_records())
    else:
        click.echo(report.render(lang))


# -- watch lists ----------------------------------------------------------------------------
_events_option = click.option(
    "--events",
    "events_file",
    required=True,
    type=click.Path(exists=True),
    help='JSON Lines file, one case event per line: {"case_id", "kind", "on", "data"}.',
)
_backend_option = click.option(
    "--backend",
    type=click.Choice(["pure", "durable"]),
    default="pure",
    show_default=True,
    help="Compute from case state (pure) or on durable-rules (needs the durable extra).",
)
_format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
)
_watch_jurisdiction_option = click.option(
    "--jurisdiction",
    default=None,
    shell_complete=complete_jurisdiction,
    help="Whose watches, e.g. se/stockholm (default: the one the events name, else se when "
    "no installed jurisdiction declares more watches).",
)


class _PureWatch:
    """The case-state path behind the same three calls as ``DurableWatch``."""

    def __init__(self, engine: Engine, jurisdiction: str) -> None:
        from .watch import Caseload  # noqa: PLC0415

        self.engine = engine
        self.jurisdiction = jurisdiction
        self.caseload = Caseload(engine)

    def post(self, event: Any) -> str:
        return self.caseload.apply(event)

    def watchlist(self, on: date) -> Any:
        from .watch import watchlist  # noqa: PLC0415

        return watchlist(self.engine, self.caseload, on, self.jurisdiction)

    def ivo_report(self, quarter: str) -> Any:
        from .watch import ivo_report  # noqa: PLC0415

        return ivo_report(self.engine, self.caseload, quarter, self.jurisdiction)


def _watch_source(
    events_file: str,
    backend: str,
    jurisdiction: str | None,
    rules: tuple[str, ...],
    no_plugins: bool,
) -> Any:
    """The chosen backend (pure or durable), fed with the events of the file.

    The jurisdiction is ``--jurisdiction``, else the one the events name (an optional
    ``"jurisdiction"`` field), else ``se`` when no installed jurisdiction declares more
    watches; otherwise the command says which to pass.
    """
    from .watch import Event, watches  # noqa: PLC0415

    engine = _engine(rules, no_plugins)
    text = _read_text(events_file, "events file")  # a clean message if unreadable
    parsed: list[tuple[int, Any]] = []
    named: dict[str, int] = {}
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line, object_pairs_hook=unique_keys)
        except DuplicateKeyError as exc:
            raise _CliError(
                f"{events_file}:{line_no}: the key {safe_repr(exc.key)} appears twice in one "
                f"object; give it once",
                f"{events_file}:{line_no}: nyckeln {safe_repr(exc.key)} förekommer två gånger i "
                f"samma objekt; ange den en gång",
            ) from None
        except (json.JSONDecodeError, RecursionError, ValueError) as exc:
            detail = exc.msg if isinstance(exc, json.JSONDecodeError) else type(exc).__name__
            raise _CliError(
                f"{events_file}:{line_no}: not JSON: {detail}",
                f"{events_file}:{line_no}: raden är inte giltig JSON (tolkens beskrivning, på "
                f"engelska: {detail})",
            ) from None
        if isinstance(raw, dict) and isinstance(raw.get("jurisdiction"), str):
            named.setdefault(raw["jurisdiction"], line_no)
        parsed.append((line_no, raw))
    if jurisdiction is None:
        if len(named) > 1:
            listed = ", ".join(f"{j} (line {n})" for j, n in sorted(named.items()))
            listed_sv = ", ".join(f"{j} (rad {n})" for j, n in sorted(named.items()))
            raise _CliError(
                f"the events name several jurisdictions: {listed}; draw one list per "
                f"jurisdiction with --jurisdiction",
                f"händelserna anger flera regelverk: {listed_sv}; ta fram en lista per "
                f"regelverk med --jurisdiction",
            )
        if named:
            jurisdiction = next(iter(named))
        else:
            national = {w.name for w in watches(engine, "se")}
            more = {
                j: sorted({w.name for w in watches(engine, j)} - national)
                for j in engine.jurisdictions()
            }
            more = {j: extra for j, extra in more.items() if extra}
            if more:
                listed = "; ".join(f"{j}: + {', '.join(x)}" for j, x in sorted(more.items()))
                raise _CliError(
                    f"which jurisdiction's list? The events name none; pass --jurisdiction "
                    f'(or add "jurisdiction" to the events). se has the national watches; '
                    f"{listed}",
                    f"vilket regelverks lista? Händelserna anger inget; ange --jurisdiction "
                    f'(eller lägg till "jurisdiction" i händelserna). se har de nationella '
                    f"bevakningarna; {listed}",
                )
            jurisdiction = "se"
    elif named and set(named) != {jurisdiction}:
        listed = ", ".join(f"{j} (line {n})" for j, n in sorted(named.items()))
        listed_sv = ", ".join(f"{j} (rad {n})" for j, n in sorted(named.items()))
        raise _CliError(
            f"--jurisdiction {jurisdiction} but the events name {listed}; make them agree",
            f"--jurisdiction {jurisdiction} men händelserna anger {listed_sv}; de måste stämma "
            f"överens",
        )
    target: Any
    try:
        if backend == "durable":
            from .watch import DurableWatch  # noqa: PLC0415

            target = DurableWatch(engine, jurisdiction)
        else:
            target = _PureWatch(engine, jurisdiction)
    except LssSolRulesError as exc:  # MissingExtraError too: it names the extra
        raise _CliError(_library_message(exc)) from None
    except ImportError as exc:
        raise _CliError(
            f"the durable backend cannot start: {exc}; pip install 'lss-sol-rules[durable]'",
            f"den beständiga bevakningen kan inte starta ({exc}); installera den med "
            f"pip install 'lss-sol-rules[durable]'",
        ) from None
    for line_no, raw in parsed:
        try:
            target.post(Event.from_dict(raw))
        except LssSolRulesError as exc:
            raise _CliError(f"{events_file}:{line_no}: {_library_message(exc)}") from None
    return target


@main.command()
@_events_option
@click.option(
    "--on",
    "on",
    help="Watch date, YYYY-MM-DD (default: today); events after it are not yet known then.",
)
@_watch_jurisdiction_option
@_backend_option
@_format_option
@click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True)
@_rules_option
@_no_plugins_option
def watchlist(
    events_file: str,
    on: str | None,
    jurisdiction: str | None,
    backend: str,
    fmt: str,
    lang: str,
    rules: tuple[str, ...],
    no_plugins: bool,
) -> None:
    """The monthly watch list (bevakningslista) as of a date: deadlines due this month,
    overdue, open or reportable, from a log of case events (a full log is fine)."""
    from . import watch  # noqa: PLC0415

    when = _date(on) or date.today()
    source = _watch_source(events_file, backend, jurisdiction, rules, no_plugins)
    try:
        alerts = source.watchlist(when)
    except LssSolRulesError as exc:
        raise _CliError(_library_message(exc)) from None
    if fmt == "json":
        click.echo(json.dumps([a.to_dict(lang) for a in alerts], ensure_ascii=False, indent=2))
        return
    click.echo(watch.render_watchlist(alerts, when, lang))


@main.command(name="ivo-report")
@_events_option
@click.option("--quarter", required=True, help="Quarter, e.g. 2026Q3.")
@_watch_jurisdiction_option
@_backend_option
@_format_option
@click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True)
@_rules_option
@_no_plugins_option
def ivo_report(
    events_file: str,
    quarter: str,
    jurisdiction: str | None,
    backend: str,
    fmt: str,
    lang: str,
    rules: tuple[str, ...],
    no_plugins: bool,
) -> None:
    """Decisions to report to IVO for a quarter: not carried out (or interrupted and not
    resumed) within three months, or carried out late during the quarter."""
    from . import watch  # noqa: PLC0415

    try:
        watch.quarter_bounds(quarter)
    except ValueError:
        from .values import safe_repr  # noqa: PLC0415

        raise _usage_error(
            f"--quarter: {safe_repr(quarter)} is not a quarter; write it like 2026Q3",
            f"--quarter: {safe_repr(quarter)} är inget kvartal; skriv det som 2026Q3",
        ) from None
    source = _watch_source(events_file, backend, jurisdiction, rules, no_plugins)
    try:
        rows = source.ivo_report(quarter)
    except LssSolRulesError as exc:
        raise _CliError(_library_message(exc)) from None
    if fmt == "json":
        click.echo(json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=2))
        return
    click.echo(watch.render_ivo(rows, quarter, lang))
