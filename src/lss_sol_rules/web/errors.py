"""The one error body of the HTTP service, for every 4xx and 5xx.

Every refused request — a library error (bad fact, unknown question), a malformed request,
an over-long body, a missing API key, a busy server, an internal error — is answered with
the same JSON object::

    {"error": "FactError", "status": 422,
     "message": "fact 'alder': must be at least 0, got -1", "message_sv": "...",
     "fact": "alder", "problem": "...", "problem_sv": "...",
     "details": null, "limit": null, "hint": "GET /facts lists ...", "hint_sv": "..."}

``error`` is a stable code (the library's error class, or one of the service's codes
below); ``message`` is English, ``message_sv`` Swedish where a Swedish text exists.
``details`` lists each problem of a malformed request (``loc`` is the path into the JSON
body); ``limit`` is the number a size or count limit allows.

Nothing in this module logs; building an error body never reads the case beyond what the
library's own error message already says to the caller.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from ..errors import FactError, LssSolRulesError, QuestionError

__all__ = [
    "ErrorBody",
    "ErrorDetail",
    "ServiceError",
    "error_text",
    "fact_problem",
    "for_http",
    "library_error_body",
    "library_error_status",
    "service_error_body",
    "validation_error_body",
]


class ErrorDetail(BaseModel):
    """One problem of a malformed request: where in the body, and what is wrong."""

    loc: list[str | int]
    message: str
    message_sv: str


class ErrorBody(BaseModel):
    """A refused request, in pieces a host application can show (one shape for all errors)."""

    error: str
    status: int
    message: str
    message_sv: str | None = None
    fact: str | None = None
    problem: str | None = None
    problem_sv: str | None = None
    details: list[ErrorDetail] | None = None
    limit: int | None = None
    hint: str | None = None
    hint_sv: str | None = None


class ServiceError(Exception):
    """A refusal by the service itself (not the library): carries its finished body."""

    def __init__(self, body: ErrorBody, headers: dict[str, str] | None = None) -> None:
        super().__init__(body.error)
        self.body = body
        self.headers = headers or {}


# The service's own errors: code -> (status, English, Swedish). ``{limit}`` is filled in.
_SERVICE: dict[str, tuple[int, str, str]] = {
    "RequestTooLarge": (
        413,
        "the request body is larger than {limit} bytes; send fewer cases per request",
        "begäran är större än {limit} byte; skicka färre ärenden per begäran",
    ),
    "BatchTooLarge": (
        413,
        "a batch may hold at most {limit} cases; split it into several requests",
        "en batch får innehålla högst {limit} ärenden; dela upp den i flera begäranden",
    ),
    "BatchTooDetailed": (
        413,
        'a batch with "detail": "full" may hold at most {limit} cases; ask for '
        '"detail": "summary" (value, status, missing facts) or split the batch',
        'en batch med "detail": "full" får innehålla högst {limit} ärenden; be om '
        '"detail": "summary" (svar, status, saknade uppgifter) eller dela upp batchen',
    ),
    "RequestTimeout": (
        408,
        "the request body did not arrive within {limit} seconds",
        "begäran kom inte fram inom {limit} sekunder",
    ),
    "ServiceBusy": (
        503,
        "the service is answering {limit} requests already; retry in a moment",
        "tjänsten besvarar redan {limit} begäranden; försök igen om en stund",
    ),
    "Unauthorized": (
        401,
        "this service needs an API key: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'",
        "tjänsten kräver en API-nyckel: skicka 'Authorization: Bearer <nyckel>' eller "
        "'X-API-Key: <nyckel>'",
    ),
    "InvalidJSON": (
        422,
        "the request body is not valid JSON",
        "begärans innehåll är inte giltig JSON",
    ),
    "DuplicateKey": (
        422,
        "the request body names one key twice in an object; give each key once",
        "begärans innehåll anger samma nyckel två gånger i ett objekt; ange varje nyckel en gång",
    ),
    "RequestTooComplex": (
        422,
        "the request body nests deeper than {limit} levels or holds too many values",
        "begärans innehåll är nästlat djupare än {limit} nivåer eller har för många värden",
    ),
    "InvalidText": (
        422,
        "text in the request is not valid Unicode (a lone surrogate such as \\ud800)",
        "text i begäran är inte giltig Unicode (ett ensamt surrogattecken som \\ud800)",
    ),
    "NumberTooLong": (
        422,
        "a number in the request has more digits than the service reads ({limit})",
        "ett tal i begäran har fler siffror än tjänsten läser ({limit})",
    ),
    "BadHTTPRequest": (
        400,
        "the request is not valid HTTP/1.1",
        "begäran är inte giltig HTTP/1.1",
    ),
    "NotFound": (
        404,
        "no such page or endpoint; GET /openapi.json lists the endpoints",
        "sidan eller anropet finns inte; GET /openapi.json listar anropen",
    ),
    "MethodNotAllowed": (
        405,
        "this endpoint does not take that HTTP method",
        "anropet tar inte emot den HTTP-metoden",
    ),
    "InternalError": (
        500,
        "the service failed to answer; the operator's log has the error class and place "
        "(never the case's facts)",
        "tjänsten kunde inte svara; driftens logg har feltyp och plats (aldrig ärendets uppgifter)",
    ),
}


def service_error_body(code: str, limit: int | float | None = None) -> ErrorBody:
    """The body of one of the service's own refusals (``RequestTooLarge``, ...)."""
    status, en, sv = _SERVICE[code]
    shown = "" if limit is None else f"{limit:g}" if isinstance(limit, float) else str(limit)
    return ErrorBody(
        error=code,
        status=status,
        message=en.format(limit=shown),
        message_sv=sv.format(limit=shown),
        limit=None if limit is None else int(limit),
    )


def http_error_body(status: int, detail: str | None = None) -> ErrorBody:
    """The body for a bare HTTP error raised by the framework (unknown path, wrong method)."""
    if status == 404:
        return service_error_body("NotFound")
    if status == 405:
        return service_error_body("MethodNotAllowed")
    text = detail or "request refused"
    return ErrorBody(
        error=f"HTTP{status}",
        status=status,
        message=text,
        message_sv=f"begäran avvisades (HTTP {status}; på engelska: {text})",
    )


def library_error_status(exc: LssSolRulesError) -> int:
    """404 for an unknown question, 422 for every other library error."""
    return 404 if isinstance(exc, QuestionError) else 422


def error_text(exc: LssSolRulesError, lang: str) -> str | None:
    """The library error's whole message in *lang*, with its hint worded for an HTTP client
    (``err.message(lang, "http")``); ``None`` when the error has no text in *lang*."""
    message = getattr(exc, "message", None)
    if callable(message):
        try:
            text = message(lang, "http")
        except TypeError:  # an older error without the (lang, where) signature
            text = None
        if isinstance(text, str) and text:
            return for_http(text)
    if lang != "sv":
        return for_http(str(exc))
    if isinstance(exc, FactError) and exc.problem_sv:
        return for_http(f"uppgiften {exc.fact!r}: {exc.problem_sv}")
    return None


def fact_problem(exc: FactError, lang: str) -> str | None:
    """What is wrong with the fact, in *lang*, with the hint worded for HTTP."""
    base = getattr(exc, "problem_en", None) if lang != "sv" else exc.problem_sv
    hint = getattr(exc, "hint", None)
    if isinstance(base, str) and base:
        after = getattr(hint, "after", None)
        return for_http(base + (after(lang, "http") if callable(after) else ""))
    if lang != "sv":
        return for_http(exc.problem)
    # A FactError raised outside the library with English only: said so, in Swedish.
    return for_http(f"(texten finns bara på engelska) {exc.problem}")


def _hint(exc: LssSolRulesError) -> tuple[str | None, str | None]:
    hint = getattr(exc, "hint", None)
    text = getattr(hint, "text", None)
    if callable(text):  # the library's own hint, worded for an HTTP client
        en, sv = text("en", "http"), text("sv", "http")
        if isinstance(en, str) and en and isinstance(sv, str) and sv:
            return for_http(en), for_http(sv)
    if isinstance(exc, QuestionError):
        return "GET /questions lists the questions", "GET /questions listar frågorna"
    if isinstance(exc, FactError) and exc.problem.startswith("unknown fact"):
        return "GET /facts lists the facts", "GET /facts listar uppgifterna"
    if str(exc).startswith("unknown jurisdiction"):
        return (
            "GET /jurisdictions lists the jurisdictions",
            "GET /jurisdictions listar regelverken",
        )
    return None, None


# Hints the library words for a terminal or a Python caller, reworded for an HTTP client.
_FOR_HTTP = (
    (re.compile(r"`lss-sol-rules (questions|facts|jurisdictions)`"), r"GET /\1"),
    (re.compile(r"`lss-sol-rules [a-z-]+`"), "GET /openapi.json"),
    (re.compile(r"\bpass (jurisdiction|on|question|facts)=\.\.\."), r'send "\1" in the body'),
    (re.compile(r"\bange (jurisdiction|on|question|facts)=\.\.\."), r'skicka "\1" i anropet'),
    (re.compile(r"--(jurisdiction|on|question|facts)\b"), r'"\1" in the body'),
)


def for_http(message: str) -> str:
    """*message* with command-line and Python hints replaced by what an HTTP client does."""
    for pattern, replacement in _FOR_HTTP:
        message = pattern.sub(replacement, message)
    return message


def library_error_body(exc: LssSolRulesError) -> ErrorBody:
    """The body for a library error: its class, message and pieces, both languages, with
    hints that name endpoints rather than commands."""
    hint, hint_sv = _hint(exc)
    body = ErrorBody(
        error=type(exc).__name__,
        status=library_error_status(exc),
        message=_safe(error_text(exc, "en") or str(exc)),
        message_sv=None if (sv := error_text(exc, "sv")) is None else _safe(sv),
        hint=hint,
        hint_sv=hint_sv,
    )
    if isinstance(exc, FactError):
        body.fact = _safe(exc.fact)
        body.problem = _safe(fact_problem(exc, "en") or exc.problem)
        body.problem_sv = None if (psv := fact_problem(exc, "sv")) is None else _safe(psv)
    return body


# Pydantic's error types, in Swedish. Anything not listed gets the generic sentence.
_PYDANTIC_SV: dict[str, str] = {
    "missing": "uppgiften saknas",
    "extra_forbidden": "okänt fält; ta bort det",
    "string_type": "ska vara text",
    "string_too_long": "texten är för lång",
    "string_unicode": "texten är inte giltig Unicode",
    "dict_type": "ska vara ett objekt (namn: värde)",
    "list_type": "ska vara en lista",
    "too_long": "listan är för lång",
    "literal_error": "är inte ett av de tillåtna värdena",
    "date_parsing": "ska vara ett datum (ÅÅÅÅ-MM-DD)",
    "date_from_datetime_parsing": "ska vara ett datum (ÅÅÅÅ-MM-DD)",
    "date_from_datetime_inexact": "ska vara ett datum utan klockslag (ÅÅÅÅ-MM-DD)",
    "date_type": "ska vara ett datum (ÅÅÅÅ-MM-DD)",
    "json_invalid": "är inte giltig JSON",
    "model_attributes_type": "ska vara ett JSON-objekt",
    "bool_type": "ska vara true eller false",
    "int_type": "ska vara ett heltal",
}


def validation_error_body(errors: list[dict[str, Any]]) -> ErrorBody:
    """A 422 body for a request the models refuse, from pydantic's error list.

    Only the location, type and pydantic's generic message are kept: pydantic's ``input``
    (which may hold the case's facts) and ``ctx`` never reach the body or a log.
    """
    details: list[ErrorDetail] = []
    for err in errors[:50]:
        loc = [p if isinstance(p, int) else _safe(str(p)) for p in err.get("loc", ())]
        kind = str(err.get("type", ""))
        msg = _safe(str(err.get("msg", "invalid value")))
        if kind == "extra_forbidden":
            msg = "unknown field; remove it"
        details.append(
            ErrorDetail(
                loc=loc,
                message=msg,
                message_sv=_PYDANTIC_SV.get(kind, "ogiltigt värde"),
            )
        )
    first = details[0] if details else None
    where = "" if first is None else " at " + ".".join(str(p) for p in first.loc)
    where_sv = "" if first is None else " i " + ".".join(str(p) for p in first.loc)
    return ErrorBody(
        error="RequestValidationError",
        status=422,
        message=f"the request does not match the schema{where}: "
        f"{first.message if first else 'invalid'}",
        message_sv=f"begäran följer inte schemat{where_sv}: "
        f"{first.message_sv if first else 'ogiltig'}",
        details=details,
        hint="GET /openapi.json describes every request body",
        hint_sv="GET /openapi.json beskriver varje begäran",
    )


def _safe(text: str) -> str:
    """*text* with any lone surrogate replaced, so the body can always be encoded."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
