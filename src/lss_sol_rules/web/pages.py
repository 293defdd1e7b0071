"""The rules explorer and decision form: server-rendered HTML pages of the decision service.

- ``GET /`` — the start page: jurisdictions, questions, where to begin;
- ``GET /regelverk/{jurisdiction}`` — one jurisdiction: its questions with their rules as
  decision tables (conditions, answer, validity, citations) and explanation templates, its
  parameters with each history as a timeline, and the fact vocabulary;
- ``GET /beslut`` and ``POST /beslut`` — the decision form, generated from the facts the
  chosen question reads: enums as choices, dates, numbers with units and ranges, the
  evaluation date and the jurisdiction. The answer comes back on the same page with the
  missing facts highlighted in the form, the decision-letter motivation and a link to each
  rule behind it.

Swedish by default, English with ``?lang=en``. The case travels only in the body of the
form's POST, never in a URL (so it is in no access log or browser history). The pages
carry no script, load nothing from outside the service, and follow WCAG 2.1 AA (labels,
``lang``, contrast, keyboard, error summary) — checked with axe-core in a real browser by
``tests/test_web_browser.py``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qsl, quote

from fastapi import FastAPI, Request
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from starlette.responses import HTMLResponse

from ..engine import Engine
from ..errors import FactError, LssSolRulesError
from ..explain import format_value
from ..model import Decision, FactDecl, Label
from .assets import add_static
from .catalogue import facts_read, parameter_history, questions_in, readers
from .errors import error_text, fact_problem
from .timeline import timeline_svg

__all__ = ["MAX_FORM_FIELDS", "add_explorer", "form_facts"]

MAX_FORM_FIELDS = 400

_HEADERS = {
    "content-security-policy": "default-src 'self'; img-src 'self' data:; "
    "style-src 'self'; script-src 'none'; form-action 'self'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}

_T: dict[str, dict[str, str]] = {
    "sv": {
        "site": "Regler för LSS, SoL och SFB",
        "skip": "Hoppa till innehållet",
        "start": "Start",
        "form": "Pröva ett ärende",
        "api": "API-dokumentation",
        "other_lang": "In English",
        "intro": "Här ser du reglerna som tjänsten tillämpar – frågorna, uppgifterna, "
        "gränsvärdena med deras historik och varje regel med lagrum och förklaring – och "
        "kan pröva ett ärende i formuläret.",
        "jurisdictions": "Regelverk",
        "jurisdiction": "Regelverk",
        "questions": "Frågor",
        "question": "Fråga",
        "facts": "Uppgifter",
        "fact": "Uppgift",
        "parameters": "Gränsvärden",
        "parameter": "Gränsvärde",
        "rules": "Regler",
        "rule": "Regel",
        "conditions": "Villkor",
        "answer": "Svar",
        "computed": "beräknas",
        "valid": "Gäller",
        "sources": "Källor",
        "explanations": "Förklaringsmallar",
        "default": "gäller när ingen annan regel gör det",
        "overrides": "går före",
        "place": "Regelfil",
        "type": "Typ",
        "unit": "Enhet",
        "range": "Intervall",
        "values": "Värden",
        "value": "Värde",
        "from": "Från",
        "to": "Till",
        "read_by": "Läses av",
        "history": "Historik",
        "layer": "Nivå",
        "none": "–",
        "internal": "delfråga",
        "contents": "Innehåll",
        "rules_count": "regler",
        "choose": "Välj fråga",
        "show_form": "Visa formuläret",
        "on": "Bedömningsdatum",
        "lang": "Språk för motiveringen",
        "evaluate": "Pröva",
        "unknown": "Ej angivet",
        "yes": "Ja",
        "no": "Nej",
        "none_of": "Inget av dessa",
        "result": "Resultat",
        "undetermined": "Kan inte avgöras ännu",
        "missing": "Uppgifter som behövs",
        "missing_note": "Behövs för att avgöra frågan",
        "motivation": "Motivering (beslutstext)",
        "full": "Fullständig förklaring",
        "cited": "Regler och lagrum bakom svaret",
        "parameters_used": "Gränsvärden som använts",
        "errors": "Det finns fel i formuläret",
        "not_number": "ska vara ett tal",
        "not_date": "ska vara ett datum (ÅÅÅÅ-MM-DD)",
        "form_intro": "Fälten nedan är de uppgifter frågan kan behöva. Lämna ett fält tomt "
        "om uppgiften inte är känd: svaret talar då om vilka uppgifter som saknas. "
        "Uppgifterna skickas bara till den här tjänsten och sparas inte.",
        "not_found": "Sidan finns inte",
        "unknown_jurisdiction": "Det finns inget regelverk som heter så.",
        "back": "Till startsidan",
        "to_form": "Pröva ett ärende i det här regelverket",
        "derived": "räknas fram ur",
    },
    "en": {
        "site": "Rules for LSS, SoL and SFB",
        "skip": "Skip to content",
        "start": "Start",
        "form": "Try a case",
        "api": "API documentation",
        "other_lang": "På svenska",
        "intro": "Here are the rules the service applies — the questions, the facts, the "
        "thresholds with their history and every rule with its legal source and explanation "
        "— and a form to try a case.",
        "jurisdictions": "Jurisdictions",
        "jurisdiction": "Jurisdiction",
        "questions": "Questions",
        "question": "Question",
        "facts": "Facts",
        "fact": "Fact",
        "parameters": "Thresholds",
        "parameter": "Threshold",
        "rules": "Rules",
        "rule": "Rule",
        "conditions": "Conditions",
        "answer": "Answer",
        "computed": "computed",
        "valid": "In force",
        "sources": "Sources",
        "explanations": "Explanation templates",
        "default": "applies when no other rule does",
        "overrides": "takes precedence over",
        "place": "Rule file",
        "type": "Type",
        "unit": "Unit",
        "range": "Range",
        "values": "Values",
        "value": "Value",
        "from": "From",
        "to": "To",
        "read_by": "Read by",
        "history": "History",
        "layer": "Layer",
        "none": "–",
        "internal": "sub-question",
        "contents": "Contents",
        "rules_count": "rules",
        "choose": "Choose a question",
        "show_form": "Show the form",
        "on": "Assessed as of",
        "lang": "Language of the motivation",
        "evaluate": "Evaluate",
        "unknown": "Not given",
        "yes": "Yes",
        "no": "No",
        "none_of": "None of these",
        "result": "Result",
        "undetermined": "Cannot be decided yet",
        "missing": "Facts needed",
        "missing_note": "Needed to decide the question",
        "motivation": "Motivation (decision letter)",
        "full": "Full explanation",
        "cited": "Rules and legal sources behind the answer",
        "parameters_used": "Thresholds applied",
        "errors": "There are errors in the form",
        "not_number": "must be a number",
        "not_date": "must be a date (YYYY-MM-DD)",
        "form_intro": "The fields below are the facts the question may need. Leave a field "
        "empty when the fact is not known: the answer then says which facts are missing. "
        "The facts are sent only to this service and are not stored.",
        "not_found": "Page not found",
        "unknown_jurisdiction": "There is no jurisdiction of that name.",
        "back": "To the start page",
        "to_form": "Try a case in this jurisdiction",
        "derived": "derived from",
    },
}

_NONE = "__inga__"


def _lang(request: Request, given: str | None = None) -> str:
    lang = given if given is not None else request.query_params.get("lang", "sv")
    return "en" if lang == "en" else "sv"


def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("lss_sol_rules.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["value"] = format_value
    env.filters["label"] = lambda label, lang: "" if label is None else label.get(lang)
    env.filters["url"] = lambda text: quote(str(text), safe="/")
    return env


def _field_type(decl: FactDecl) -> str:
    if decl.type == "list":
        return "checkboxes" if decl.values else "text"
    if decl.type == "bool":
        return "radio"
    if decl.type in ("int", "number"):
        return "number"
    if decl.type == "date":
        return "date"
    return "select" if decl.values else "text"


def form_facts(
    decls: list[FactDecl], form: list[tuple[str, str]], lang: str
) -> tuple[dict[str, object], dict[str, str], dict[str, Any]]:
    """Read the decision form's fields into facts for :meth:`Engine.evaluate`.

    Returns the facts, the fields the form itself refuses (name → message) and the values to
    show again in the form. An empty field is a fact not given.
    """
    t = _T[lang]
    raw: dict[str, list[str]] = {}
    for key, value in form:
        if key.startswith("f."):
            raw.setdefault(key[2:], []).append(value.strip())
    facts: dict[str, object] = {}
    errors: dict[str, str] = {}
    shown: dict[str, Any] = {}
    for decl in decls:
        given = [v for v in raw.get(decl.name, []) if v]
        kind = _field_type(decl)
        if kind == "checkboxes":
            shown[decl.name] = given
            if _NONE in given:
                facts[decl.name] = []
            elif given:
                facts[decl.name] = given
            continue
        value = given[0] if given else ""
        shown[decl.name] = value
        if not value:
            continue
        if kind == "radio":
            facts[decl.name] = value == "ja"
        elif kind == "number":
            try:
                number = Decimal(value.replace(",", ".").replace(" ", "").replace("\u00a0", ""))
            except InvalidOperation:
                errors[decl.name] = t["not_number"]
                continue
            if not number.is_finite() or len(value) > 40:
                errors[decl.name] = t["not_number"]
                continue
            facts[decl.name] = int(number) if decl.type == "int" and number % 1 == 0 else number
        elif kind == "text" and decl.type == "list":
            facts[decl.name] = [v.strip() for v in value.split(",") if v.strip()]
        else:
            facts[decl.name] = value
    return facts, errors, shown


def _problem(exc: FactError, lang: str) -> str:
    """What is wrong with a fact, in the page's language where the library has it."""
    return fact_problem(exc, lang) or fact_problem(exc, "en") or exc.problem


def _message(exc: LssSolRulesError, lang: str) -> str:
    """A library error's message in the page's language where the library has it."""
    return error_text(exc, lang) or str(exc)


def add_explorer(app: FastAPI, engine: Engine) -> None:
    """Add the explorer's pages and stylesheet to *app*."""
    env = _env()
    add_static(app)
    jurisdictions = engine.jurisdictions()
    questions = engine.questions()

    def page(name: str, request: Request, lang: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        other = "en" if lang == "sv" else "sv"
        ctx.setdefault("other_lang_url", f"{request.url.path}?{_query(request, lang=other)}")
        html = env.get_template(name).render(
            lang=lang, t=_T[lang], other_lang=other, path=request.url.path, **ctx
        )
        return HTMLResponse(html, status_code=status, headers=_HEADERS)

    def not_found(request: Request, lang: str) -> HTMLResponse:
        return page("not_found.html", request, lang, status=404)

    @app.get("/", include_in_schema=False)
    def start(request: Request) -> HTMLResponse:
        lang = _lang(request)
        counts = {j: len(questions_in(engine, j)) for j in jurisdictions}
        return page(
            "start.html",
            request,
            lang,
            jurisdictions=jurisdictions,
            counts=counts,
            questions=questions,
        )

    @app.get("/regelverk/{jurisdiction:path}", include_in_schema=False)
    def jurisdiction_page(request: Request, jurisdiction: str) -> HTMLResponse:
        lang = _lang(request)
        if jurisdiction not in jurisdictions:
            return not_found(request, lang)
        qs = questions_in(engine, jurisdiction)
        params = parameter_history(engine, jurisdiction)
        today = date.today()
        return page(
            "jurisdiction.html",
            request,
            lang,
            jurisdiction=jurisdiction,
            questions=qs,
            parameters=params,
            timelines=[timeline_svg(p, lang, today) for p in params],
            readers=readers(qs),
            facts=engine.facts(),
        )

    def form_page(
        request: Request,
        lang: str,
        question: str,
        jurisdiction: str,
        on: str,
        letter_lang: str,
        form: list[tuple[str, str]] | None,
    ) -> HTMLResponse:
        t = _T[lang]
        ctx: dict[str, Any] = {
            "questions": questions,
            "jurisdictions": jurisdictions,
            "question": question,
            "jurisdiction": jurisdiction,
            "on": on,
            "letter_lang": letter_lang,
            "fields": [],
            "shown": {},
            "errors": {},
            "general_error": None,
            "decision": None,
            "missing": (),
        }
        other = "en" if lang == "sv" else "sv"
        # The language switch keeps the question and jurisdiction, never the case's facts.
        ctx["other_lang_url"] = (
            f"/beslut?fraga={quote(question)}&regelverk={quote(jurisdiction)}&lang={other}"
        )
        names = {q.name for q in questions}
        if question not in names or jurisdiction not in jurisdictions:
            return page("form.html", request, lang, **ctx)
        try:
            decls = facts_read(engine, question, jurisdiction)
        except LssSolRulesError as exc:
            ctx["general_error"] = _message(exc, lang)
            return page("form.html", request, lang, status=422, **ctx)
        ctx["fields"] = [(d, _field_type(d)) for d in decls]
        if form is None:
            return page("form.html", request, lang, **ctx)
        facts, errors, shown = form_facts(decls, form, lang)
        ctx["shown"] = shown
        when: date | None = None
        try:
            when = date.fromisoformat(on) if on else date.today()
        except ValueError:
            errors["__on"] = t["not_date"]
        if not errors and when is not None:
            try:
                decision = engine.evaluate(question, facts, on=when, jurisdiction=jurisdiction)
            except FactError as exc:
                for name in exc.fact.split(", "):
                    if name in shown:
                        errors[name] = _problem(exc, lang)
                if not errors:
                    ctx["general_error"] = _problem(exc, lang)
            except LssSolRulesError as exc:
                ctx["general_error"] = _message(exc, lang)
            else:
                ctx.update(_decision_context(decision, lang, letter_lang))
        ctx["errors"] = errors
        failed = bool(errors or ctx["general_error"])
        return page("form.html", request, lang, status=422 if failed else 200, **ctx)

    @app.get("/beslut", include_in_schema=False)
    def form_get(request: Request) -> HTMLResponse:
        lang = _lang(request)
        qp = request.query_params
        return form_page(
            request,
            lang,
            qp.get("fraga", ""),
            qp.get("regelverk", "se"),
            qp.get("datum", date.today().isoformat()),
            "en" if qp.get("sprak") == "en" else lang,
            None,
        )

    @app.post("/beslut", include_in_schema=False)
    async def form_post(request: Request) -> HTMLResponse:
        body = await request.body()
        try:
            form = parse_qsl(
                body.decode("utf-8", "replace"),
                keep_blank_values=True,
                max_num_fields=MAX_FORM_FIELDS,
            )
        except ValueError:
            form = []
        fields = dict(form)
        lang = _lang(request, fields.get("lang"))
        return form_page(
            request,
            lang,
            fields.get("fraga", ""),
            fields.get("regelverk", "se"),
            fields.get("datum", ""),
            "en" if fields.get("sprak") == "en" else "sv",
            form,
        )


def _decision_context(decision: Decision, lang: str, letter_lang: str) -> dict[str, Any]:
    """What the form shows of a decision — no rule file paths, no internal ids but rules'."""
    cited: list[tuple[str, str, Label, tuple[str, ...]]] = []
    seen: set[str] = set()

    def walk(d: Decision) -> None:
        for r in d.reasons:
            if r.rule_id not in seen:
                seen.add(r.rule_id)
                cited.append((r.rule_id, d.jurisdiction, r.text, tuple(map(str, r.citations))))
        for s in d.supporting:
            walk(s)

    walk(decision)
    return {
        "decision": decision,
        "missing": decision.missing,
        "missing_labels": dict(zip(decision.missing, decision.missing_labels, strict=False)),
        "letter": decision.explain(letter_lang, style="beslut"),
        "full_text": decision.explain(letter_lang),
        "cited": cited,
        "answer": Markup.escape(
            decision.value_label.get(lang)
            if decision.value_label is not None
            else format_value(decision.value, lang)
        ),
    }


def _query(request: Request, **changes: str) -> str:
    params = dict(request.query_params)
    params.update(changes)
    return "&".join(f"{quote(k)}={quote(v)}" for k, v in params.items())
