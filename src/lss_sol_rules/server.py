"""HTTP decision service for host applications outside Python (extra ``server``).

``lss-sol-rules serve`` starts it on loopback. Endpoints (OpenAPI at ``/openapi.json``):

- ``GET /questions``, ``GET /facts``, ``GET /jurisdictions`` — the vocabulary, with Swedish
  and English labels, types and enums;
- ``POST /evaluate`` — one case; ``POST /evaluate/batch`` — many cases of one question;
- ``POST /explain`` — the explanation text (``style`` ``text`` or ``beslut``).

Bad requests get a 4xx whose body carries the library's error: which fact, what is wrong.
Request bodies over ``max_body_bytes`` are refused with 413. The service logs nothing about
a case: no facts, no decisions.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

try:
    from fastapi import FastAPI, Request
    from fastapi.responses import JSONResponse
    from pydantic import BaseModel, ConfigDict, Field
    from starlette.types import ASGIApp, Message, Receive, Scope, Send
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "the HTTP service needs FastAPI: pip install 'lss-sol-rules[server]'"
    ) from exc

from . import load
from .engine import Engine
from .errors import EvaluationError, FactError, LssSolRulesError, QuestionError
from .facts import describe_type

__all__ = ["DEFAULT_MAX_BODY_BYTES", "create_app"]

DEFAULT_MAX_BODY_BYTES = 1_000_000
MAX_BATCH = 10_000


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
    """Many cases of one question."""

    question: str = Field(max_length=200)
    cases: list[BatchCase] = Field(max_length=MAX_BATCH)
    jurisdiction: str = Field(default="se", max_length=200)


class ErrorBody(BaseModel):
    """A refused request: the library's error, in pieces a host application can show."""

    error: str
    message: str
    fact: str | None = None
    problem: str | None = None
    problem_sv: str | None = None


class EvaluateResponse(BaseModel):
    """A decision (``Decision.to_dict()``) and its explanation."""

    decision: dict[str, Any]
    explanation: str


class ExplainResponse(BaseModel):
    """An explanation."""

    text: str


class BatchItem(BaseModel):
    """One batch result: a decision, or the error for that case."""

    decision: dict[str, Any] | None = None
    error: ErrorBody | None = None


class BatchResponse(BaseModel):
    """Batch results, in the order of the cases."""

    results: list[BatchItem]


def _error_body(exc: LssSolRulesError) -> ErrorBody:
    if isinstance(exc, FactError):
        return ErrorBody(
            error=type(exc).__name__,
            message=str(exc),
            fact=exc.fact,
            problem=exc.problem,
            problem_sv=exc.problem_sv,
        )
    return ErrorBody(error=type(exc).__name__, message=str(exc))


def _status(exc: LssSolRulesError) -> int:
    if isinstance(exc, QuestionError):
        return 404
    return 422


class _BodyLimit:
    """Refuse request bodies larger than *limit* bytes with 413, whatever the headers say."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(send)
            return
        # Read the whole body first (it is small by construction), so an over-long body
        # without Content-Length is refused here, not half-way inside the application.
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > self.limit:
                await self._refuse(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send) -> None:
        body = (
            b'{"error":"RequestTooLarge","message":"the request body is larger than '
            + str(self.limit).encode()
            + b' bytes"}'
        )
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "Unknown question"},
    413: {"model": ErrorBody, "description": "Request body too large"},
    422: {
        "model": ErrorBody,
        "description": "Bad facts, or a question the rules cannot answer on that date",
    },
}


def create_app(
    engine: Engine | None = None, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
) -> ASGIApp:
    """The ASGI application, around *engine* (default: national law and installed plugins)."""
    eng = engine if engine is not None else load()
    app = FastAPI(
        title="lss-sol-rules",
        description="Swedish LSS / SoL / SFB rules as explained, dated, cited decisions.",
        version="0.1.0",
    )

    @app.exception_handler(LssSolRulesError)
    async def library_error(request: Request, exc: LssSolRulesError) -> JSONResponse:
        return JSONResponse(_error_body(exc).model_dump(), status_code=_status(exc))

    @app.get("/questions", summary="The questions the rules answer")
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

    @app.get("/facts", summary="The facts a case may carry")
    def facts() -> list[dict[str, Any]]:
        return [describe_type(f) for f in eng.facts()]

    @app.get("/jurisdictions", summary="Jurisdictions the service can evaluate in")
    def jurisdictions() -> list[str]:
        return list(eng.jurisdictions())

    @app.post(
        "/evaluate",
        response_model=EvaluateResponse,
        responses=_ERRORS,
        summary="Answer one question for one case",
    )
    def evaluate(body: EvaluateRequest) -> EvaluateResponse:
        d = eng.evaluate(body.question, body.facts, on=body.on, jurisdiction=body.jurisdiction)
        return EvaluateResponse(decision=d.to_dict(), explanation=d.explain(body.lang))

    @app.post(
        "/explain",
        response_model=ExplainResponse,
        responses=_ERRORS,
        summary="Explain a decision as text or as a decision-letter motivation",
    )
    def explain(body: ExplainRequest) -> ExplainResponse:
        d = eng.evaluate(body.question, body.facts, on=body.on, jurisdiction=body.jurisdiction)
        return ExplainResponse(text=d.explain(body.lang, style=body.style))

    @app.post(
        "/evaluate/batch",
        response_model=BatchResponse,
        responses=_ERRORS,
        summary="Answer one question for many cases",
    )
    def batch(body: BatchRequest) -> BatchResponse:
        eng.question(body.question)
        results: list[BatchItem] = []
        for case in body.cases:
            try:
                d = eng.evaluate(
                    body.question, case.facts, on=case.on, jurisdiction=body.jurisdiction
                )
            except (FactError, EvaluationError) as exc:
                results.append(BatchItem(error=_error_body(exc)))
            else:
                results.append(BatchItem(decision=d.to_dict()))
        return BatchResponse(results=results)

    return _BodyLimit(app, max_body_bytes)
