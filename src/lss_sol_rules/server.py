"""HTTP decision service and rules explorer for host applications outside Python (extra
``server``).

``lss-sol-rules serve`` starts it on loopback. Endpoints (OpenAPI at ``/openapi.json``, read
offline at ``/docs`` and ``/redoc``):

- ``GET /questions``, ``GET /facts``, ``GET /jurisdictions`` — the vocabulary, with Swedish
  and English labels, types and enums; ``GET /parameters`` — every parameter with its dated
  values, sources and the rules that read it (``?on=`` adds the value in force);
  ``GET /health`` — liveness, open without a key;
- ``POST /evaluate`` — one case; ``POST /evaluate/batch`` — many cases of one question (at
  most ``max_batch_cases``, else 413); ``POST /explain`` — the explanation text (``style``
  ``text`` or ``beslut``);
- ``GET /`` and below — the rules explorer and decision form for people (see
  :mod:`lss_sol_rules.web`).

Every 4xx and 5xx has one body shape (:class:`~lss_sol_rules.web.errors.ErrorBody`), with
English and Swedish texts. The request guard (:mod:`lss_sol_rules.web.guard`) bounds body
size, read time, nesting and concurrency, checks the optional API keys and turns any
internal failure into a 500 whose log line names the error class and place — never a
fact, a decision or a request body.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, Literal

try:
    from fastapi import FastAPI, Query, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse
    from pydantic import BaseModel, ConfigDict, Field
    from starlette.exceptions import HTTPException as StarletteHTTPException
    from starlette.types import ASGIApp
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    from .extras import MissingExtraError

    raise MissingExtraError("server", "FastAPI", "the HTTP service", "HTTP-tjänsten") from exc

from . import load
from .engine import Engine
from .errors import EvaluationError, FactError, Hint, LssSolRulesError, did_you_mean
from .facts import describe_type
from .model import ParameterValue
from .values import to_json
from .web.catalogue import public_decision
from .web.errors import (
    ErrorBody,
    ServiceError,
    http_error_body,
    library_error_body,
    service_error_body,
    validation_error_body,
)
from .web.guard import Guard, dump_json

__all__ = [
    "API_KEY_ENV",
    "DEFAULT_BODY_TIMEOUT",
    "DEFAULT_MAX_BATCH_CASES",
    "DEFAULT_MAX_BATCH_DECISIONS",
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_MAX_CONCURRENT",
    "api_keys_from_env",
    "create_app",
    "parameter_infos",
    "run",
]

DEFAULT_MAX_BODY_BYTES = 1_000_000
DEFAULT_MAX_BATCH_CASES = 1_000
DEFAULT_MAX_BATCH_DECISIONS = 200  # full decisions are about 15 kB each in JSON
DEFAULT_MAX_CONCURRENT = 32
DEFAULT_BODY_TIMEOUT = 10.0
DEFAULT_SEND_TIMEOUT = 30.0
API_KEY_ENV = "LSS_SOL_RULES_API_KEY"

_VERSION = "0.1.0"


def api_keys_from_env(name: str = API_KEY_ENV) -> tuple[str, ...]:
    """The API keys in environment variable *name*: comma-separated, so a key can be rotated
    by serving the old and the new one for a while. Empty or unset: no authentication."""
    raw = os.environ.get(name, "")
    return tuple(k.strip() for k in raw.split(",") if k.strip())


class SafeJSONResponse(JSONResponse):
    """JSON that can always be encoded (a stray lone surrogate is written as its escape)."""

    def render(self, content: Any) -> bytes:
        return dump_json(content)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EvaluateRequest(_Strict):
    """One case."""

    question: str = Field(max_length=200, examples=["personlig_assistans.huvudman"])
    facts: dict[str, Any] = Field(examples=[{"grundlaggande_behov_timmar_per_vecka": 25}])
    on: date | None = None
    jurisdiction: str = Field(default="se", max_length=200)
    lang: Literal["sv", "en"] = "sv"


class ExplainRequest(EvaluateRequest):
    """One case, explained as text."""

    style: Literal["text", "beslut"] = "text"


class BatchCase(_Strict):
    """One case of a batch."""

    facts: dict[str, Any]
    on: date | None = None


class BatchRequest(_Strict):
    """Many cases of one question: at most the service's ``max_batch_cases`` with
    ``detail`` ``"summary"`` (value, status, missing facts), at most
    ``max_batch_decisions`` with ``"full"`` decisions (reasons, parameters, sources); else 413.
    """

    question: str = Field(max_length=200)
    cases: list[BatchCase]
    jurisdiction: str = Field(default="se", max_length=200)
    detail: Literal["full", "summary"] = "full"


class EvaluateResponse(BaseModel):
    """A decision (``Decision.to_dict()``) and its explanation."""

    decision: dict[str, Any]
    explanation: str


class ExplainResponse(BaseModel):
    """An explanation."""

    text: str


class BatchItem(BaseModel):
    """One batch result: a decision (full, or its summary), or the error for that case."""

    decision: dict[str, Any] | None = None
    error: ErrorBody | None = None


class BatchResponse(BaseModel):
    """Batch results, in the order of the cases."""

    results: list[BatchItem]


class ParameterValueInfo(BaseModel):
    """One dated value of a parameter and its sources."""

    value: Any
    valid_from: date
    valid_to: date | None
    citations: list[dict[str, Any]]


class ParameterInfo(BaseModel):
    """A parameter as declared in one jurisdiction, with its history and the rules that
    read it; ``in_force`` is the value that applies on the date asked for (if one was)."""

    name: str
    type: str
    of: str | None
    unit: str | None
    label: dict[str, str]
    jurisdiction: str
    layer: str
    values: list[ParameterValueInfo]
    read_by: list[str]
    in_force: ParameterValueInfo | None = None
    in_force_from_jurisdiction: str | None = None


def parameter_infos(
    engine: Engine, jurisdiction: str = "se", on: date | None = None, name: str | None = None
) -> list[ParameterInfo]:
    """The parameters of *jurisdiction* as :class:`ParameterInfo` (the ``/parameters``
    endpoint); raises the library's errors for an unknown jurisdiction or parameter name.
    A name declared only in another jurisdiction gives an empty list."""
    from .web.catalogue import questions_in, readers  # noqa: PLC0415 - a light import

    params = engine.parameters(jurisdiction)
    if name is not None:
        known = {p.name for j in engine.jurisdictions() for p in engine.parameters(j)}
        if name not in known:
            raise EvaluationError(
                f"unknown parameter {name!r}{did_you_mean(name, known)}",
                sv=f"parametern {name!r} finns inte{did_you_mean(name, known, lang='sv')}",
                hint=Hint(
                    python=(
                        "`engine.parameters(jurisdiction)` lists them",
                        "`engine.parameters(jurisdiction)` listar parametrarna",
                    ),
                    cli=(
                        "`lss-sol-rules parameters` lists them",
                        "`lss-sol-rules parameters` listar parametrarna",
                    ),
                    http=(
                        "GET /parameters?jurisdiction=... lists them",
                        "GET /parameters?jurisdiction=... listar parametrarna",
                    ),
                    default="http",
                ),
            )
        # Declared, but perhaps only in another jurisdiction: then there is none here.
        params = tuple(p for p in params if p.name == name)
    read_by = readers(questions_in(engine, jurisdiction))
    view = engine.rulebook.view(jurisdiction)

    def info(v: ParameterValue) -> ParameterValueInfo:
        return ParameterValueInfo(
            value=to_json(v.value),
            valid_from=v.valid_from,
            valid_to=v.valid_to,
            citations=[c.to_dict() for c in v.citations],
        )

    out: list[ParameterInfo] = []
    for p in params:
        entry = ParameterInfo(
            name=p.name,
            type=p.type,
            of=p.of,
            unit=p.unit,
            label={"sv": p.label.sv, "en": p.label.en},
            jurisdiction=p.jurisdiction,
            layer=p.layer,
            values=[info(v) for v in p.values],
            read_by=sorted(set(read_by.get(p.name, []))),
        )
        if on is not None:
            found = view.param_value(p.name, on)
            if found is not None:
                entry.in_force = info(found[0])
                entry.in_force_from_jurisdiction = found[1].jurisdiction
        out.append(entry)
    return out


class Health(BaseModel):
    """The service is up and its rules are loaded."""

    status: Literal["ok"]
    version: str
    questions: int
    jurisdictions: list[str]


_SUMMARY_KEYS = ("question", "value", "value_type", "value_label", "status", "missing", "on")


def _summary(decision: dict[str, Any]) -> dict[str, Any]:
    """The parts of a decision a caseload needs: the answer, or the facts still missing."""
    return {k: decision[k] for k in _SUMMARY_KEYS}


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    what = {
        401: "An API key is required (when the service is configured with one)",
        404: "Unknown question",
        408: "The request body arrived too slowly",
        413: "Request body or batch too large (the body says the limit)",
        422: "Bad facts, a malformed request, or a question the rules cannot answer then",
        500: "Internal error (logged by class and place, never with the case)",
        503: "Too many requests at once; retry after the Retry-After seconds",
    }
    return {s: {"model": ErrorBody, "description": what[s]} for s in statuses}


_COMMON = (401, 408, 413, 422, 500, 503)


def create_app(
    engine: Engine | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    *,
    max_batch_cases: int = DEFAULT_MAX_BATCH_CASES,
    max_batch_decisions: int = DEFAULT_MAX_BATCH_DECISIONS,
    max_concurrent: int = DEFAULT_MAX_CONCURRENT,
    body_timeout: float = DEFAULT_BODY_TIMEOUT,
    send_timeout: float = DEFAULT_SEND_TIMEOUT,
    api_keys: Iterable[str] | None = None,
    access_log: bool = False,
    explorer: bool = True,
) -> ASGIApp:
    """The ASGI application around *engine* (default: national law and installed plugins).

    :param max_body_bytes: larger request bodies get 413.
    :param max_batch_cases: a batch with more cases gets 413 ``BatchTooLarge``.
    :param max_batch_decisions: a batch asking for full decisions (``detail`` ``"full"``)
        with more cases gets 413 ``BatchTooDetailed``, which suggests ``"summary"``.
    :param max_concurrent: requests inside the application at once; more get 503.
    :param body_timeout: seconds a client has to send its whole body (else 408).
    :param send_timeout: seconds a client has to take each chunk of a response.
    :param api_keys: keys a client must present; ``None`` reads :data:`API_KEY_ENV`
        (comma-separated), an empty list turns authentication off.
    :param access_log: log method, path (no query), status and time of each request to
        ``lss_sol_rules.server.access``.
    :param explorer: serve the rules explorer and decision form at ``/`` (HTML pages).
    """
    eng = engine if engine is not None else load()
    keys = api_keys_from_env() if api_keys is None else tuple(api_keys)
    app = FastAPI(
        title="lss-sol-rules",
        description=(
            "Swedish LSS / SoL / SFB rules as explained, dated, cited decisions.\n\n"
            f"Limits: request bodies up to {max_body_bytes} bytes, batches up to "
            f"{max_batch_cases} cases ({max_batch_decisions} with full decisions), "
            f"{max_concurrent} requests at once (413 / 503 say "
            "which). Every error has one body shape with English and Swedish texts."
        ),
        version=_VERSION,
        docs_url=None,
        redoc_url=None,
        default_response_class=SafeJSONResponse,
    )

    @app.exception_handler(LssSolRulesError)
    async def library_error(request: Request, exc: LssSolRulesError) -> JSONResponse:
        body = library_error_body(exc)
        return SafeJSONResponse(body.model_dump(), status_code=body.status)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        body = validation_error_body(list(exc.errors()))
        return SafeJSONResponse(body.model_dump(), status_code=body.status)

    @app.exception_handler(ServiceError)
    async def service_error(request: Request, exc: ServiceError) -> JSONResponse:
        return SafeJSONResponse(
            exc.body.model_dump(), status_code=exc.body.status, headers=exc.headers
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        body = http_error_body(exc.status_code, str(exc.detail))
        return SafeJSONResponse(body.model_dump(), status_code=body.status)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> JSONResponse:
        # The guard logs the class and place when the exception is re-raised past here.
        body = service_error_body("InternalError")
        return SafeJSONResponse(body.model_dump(), status_code=500)

    @app.get("/health", summary="Liveness: the service is up and its rules are loaded")
    def health() -> Health:
        return Health(
            status="ok",
            version=_VERSION,
            questions=len(eng.questions()),
            jurisdictions=list(eng.jurisdictions()),
        )

    @app.get("/questions", summary="The questions the rules answer", responses=_errors(401))
    def questions() -> list[dict[str, Any]]:
        return [
            {
                "name": q.name,
                "type": q.type,
                "of": q.of,
                "values": None if q.values is None else list(q.values),
                "label": {"sv": q.label.sv, "en": q.label.en},
            }
            for q in eng.questions()
        ]

    @app.get("/facts", summary="The facts a case may carry", responses=_errors(401))
    def facts() -> list[dict[str, Any]]:
        return [describe_type(f) for f in eng.facts()]

    @app.get(
        "/jurisdictions",
        summary="Jurisdictions the service can evaluate in",
        responses=_errors(401),
    )
    def jurisdictions() -> list[str]:
        return list(eng.jurisdictions())

    # Listed in the OpenAPI schema, so generated clients (and Schemathesis) know the names.
    jurisdiction_names = list(eng.jurisdictions())
    param_names = sorted({p.name for j in jurisdiction_names for p in eng.parameters(j)})

    @app.get(
        "/parameters",
        summary="Parameters (thresholds) with their dated values, sources and readers",
        responses=_errors(401, 422),
    )
    def parameters(
        jurisdiction: str = Query("se", json_schema_extra={"enum": jurisdiction_names}),
        on: date | None = None,
        name: str | None = Query(None, json_schema_extra={"enum": param_names}),
    ) -> list[ParameterInfo]:
        """Every parameter that applies in *jurisdiction* (its own and its ancestors'), each
        with its full history; with ``on``, also the value in force that day (a local value
        before a national one). ``name`` picks one parameter."""
        return parameter_infos(eng, jurisdiction, on, name)

    @app.post(
        "/evaluate",
        response_model=EvaluateResponse,
        responses=_errors(404, *_COMMON),
        summary="Answer one question for one case",
    )
    def evaluate(body: EvaluateRequest) -> EvaluateResponse:
        d = eng.evaluate(body.question, body.facts, on=body.on, jurisdiction=body.jurisdiction)
        return EvaluateResponse(
            decision=public_decision(d.to_dict()), explanation=d.explain(body.lang)
        )

    @app.post(
        "/explain",
        response_model=ExplainResponse,
        responses=_errors(404, *_COMMON),
        summary="Explain a decision as text or as a decision-letter motivation",
    )
    def explain(body: ExplainRequest) -> ExplainResponse:
        d = eng.evaluate(body.question, body.facts, on=body.on, jurisdiction=body.jurisdiction)
        return ExplainResponse(text=d.explain(body.lang, style=body.style))

    @app.post(
        "/evaluate/batch",
        response_model=BatchResponse,
        responses=_errors(404, *_COMMON),
        summary=f"Answer one question for many cases (at most {max_batch_cases}; "
        f"{max_batch_decisions} with full decisions)",
    )
    def batch(body: BatchRequest) -> BatchResponse:
        if len(body.cases) > max_batch_cases:
            raise ServiceError(service_error_body("BatchTooLarge", max_batch_cases))
        if body.detail == "full" and len(body.cases) > max_batch_decisions:
            raise ServiceError(service_error_body("BatchTooDetailed", max_batch_decisions))
        shape = public_decision if body.detail == "full" else _summary
        eng.view_for(body.question, body.jurisdiction)
        results: list[BatchItem] = []
        for case in body.cases:
            try:
                d = eng.evaluate(
                    body.question, case.facts, on=case.on, jurisdiction=body.jurisdiction
                )
            except (FactError, EvaluationError) as exc:
                results.append(BatchItem(error=library_error_body(exc)))
            else:
                results.append(BatchItem(decision=shape(d.to_dict())))
        return BatchResponse(results=results)

    _add_offline_docs(app)
    if explorer:
        from .web.pages import add_explorer  # noqa: PLC0415 - jinja2 only when pages are served

        add_explorer(app, eng)

    return Guard(
        app,
        max_body_bytes=max_body_bytes,
        max_concurrent=max_concurrent,
        body_timeout=body_timeout,
        send_timeout=send_timeout,
        api_keys=keys,
        access_log=access_log,
    )


def _add_offline_docs(app: FastAPI) -> None:
    """``/docs`` (Swagger UI) and ``/redoc`` from assets shipped in a Python package, so both
    work on an intranet without internet (the ``fastapi-offline`` package's static files)."""
    from .web.assets import add_api_docs  # noqa: PLC0415 - keeps this module short

    add_api_docs(app)


def run(
    app: ASGIApp,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    header_timeout: float = 10.0,
    keep_alive: int = 5,
    max_connections: int = 200,
    ssl_certfile: str | None = None,
    ssl_keyfile: str | None = None,
    forwarded_allow_ips: Sequence[str] | None = None,
    access_log: bool = False,
) -> None:
    """Serve *app* with uvicorn, hardened: a header timeout, a keep-alive timeout, a cap on
    open connections (503 ``ServiceBusy`` beyond it, and 400 ``BadHTTPRequest`` for what is
    not HTTP, both in the service's error shape), optional TLS, and the server's access log off
    (the guard's, without query strings, is used instead when *access_log* is set)."""
    import uvicorn  # noqa: PLC0415 - optional extra

    from .web.protocol import with_header_timeout  # noqa: PLC0415

    if access_log:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        logger = logging.getLogger("lss_sol_rules.server.access")
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    uvicorn.run(
        app,
        host=host,
        port=port,
        http=with_header_timeout(header_timeout, max_connections),
        timeout_keep_alive=keep_alive,
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
        forwarded_allow_ips=list(forwarded_allow_ips) if forwarded_allow_ips else None,
        access_log=False,
        log_level="warning",
    )
