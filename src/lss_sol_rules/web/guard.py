"""The ASGI guard in front of the HTTP service: everything a request must pass before the
application sees it, and the last word when the application fails.

In order, for every HTTP request:

1. **Health** — ``GET /health`` is answered here, without authentication or queueing.
2. **Authentication** (when API keys are configured) — ``Authorization: Bearer <key>``,
   ``X-API-Key: <key>`` or HTTP Basic with the key as password (so a browser can open the
   explorer); keys are compared in constant time. Otherwise 401.
3. **Concurrency** — at most ``max_concurrent`` requests are inside the application at
   once; the next one gets 503 with ``Retry-After`` at once instead of queueing.
4. **Body** — read whole, at most ``max_body_bytes`` (413, whatever ``Content-Length``
   says) and within ``body_timeout`` seconds (408), so a slow client cannot hold a slot.
5. **JSON sanity** — a JSON body is parsed once here and refused with 422 if it is not
   JSON, nests deeper than :data:`MAX_DEPTH`, holds more than :data:`MAX_VALUES` values,
   carries a lone surrogate (``"\\ud800"``) in any key or text, or a number with more digits
   than Python reads. The application then only sees bodies it can encode back.
6. **Sending** — a response goes out in pieces of :data:`SEND_CHUNK` bytes, each of which
   the client must take within ``send_timeout`` seconds, or the connection is dropped (so
   a client that stops reading holds neither a slot nor the response in memory).
7. **Last resort** — any exception from the application becomes a 500 in the service's
   one error shape; the log gets the exception's *class* and its stack frames (file, line,
   function), never its message, which may quote the case's facts.

Logging: only ``lss_sol_rules.server`` (errors) and, when asked for,
``lss_sol_rules.server.access`` (method, route, status, milliseconds). The route is the
matched route's template or a fixed path, never text the client chose: no body, no query
string, no path parameter, no header value is ever logged.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hmac
import json
import logging
import sys
import time
import traceback
from collections.abc import Iterable
from typing import Any

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..values import DuplicateKeyError, unique_keys
from .errors import ErrorBody, ErrorDetail, ServiceError, service_error_body

__all__ = ["MAX_DEPTH", "MAX_VALUES", "SEND_CHUNK", "Guard", "dump_json"]

MAX_DEPTH = 32
MAX_VALUES = 200_000
SEND_CHUNK = 64 * 1024

log = logging.getLogger("lss_sol_rules.server")
access = logging.getLogger("lss_sol_rules.server.access")


def dump_json(content: Any) -> bytes:
    """JSON bytes that can always be sent: a lone surrogate is written as its escape."""
    return json.dumps(
        content, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
    ).encode("utf-8", "backslashreplace")


class _SendTimeout(Exception):
    pass


async def send_error(send: Send, body: ErrorBody, headers: dict[str, str] | None = None) -> None:
    """Send *body* as a complete JSON error response."""
    payload = dump_json(body.model_dump())
    raw = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
        (b"cache-control", b"no-store"),
    ]
    raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": body.status, "headers": raw})
    await send({"type": "http.response.body", "body": payload})


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value)
    return None


def _offered_keys(scope: Scope) -> list[bytes]:
    offered: list[bytes] = []
    key = _header(scope, b"x-api-key")
    if key is not None:
        offered.append(key.strip())
    auth = _header(scope, b"authorization")
    if auth is not None:
        scheme, _, rest = auth.strip().partition(b" ")
        if scheme.lower() == b"bearer":
            offered.append(rest.strip())
        elif scheme.lower() == b"basic":
            try:
                _, _, password = base64.b64decode(rest.strip(), validate=True).partition(b":")
            except (binascii.Error, ValueError):
                password = b""
            offered.append(password)
    return offered


def check_json(value: Any) -> tuple[str, list[str | int]] | None:
    """The service error code and JSON location of the first part of a parsed body the
    service refuses, or ``None``.

    Walks the value without recursion: depth at most :data:`MAX_DEPTH`, at most
    :data:`MAX_VALUES` values, every key and text encodable as UTF-8.
    """
    stack: list[tuple[Any, int, tuple[str | int, ...]]] = [(value, 0, ())]
    seen = 0
    while stack:
        item, depth, loc = stack.pop()
        seen += 1
        if seen > MAX_VALUES or depth > MAX_DEPTH:
            return "RequestTooComplex", list(loc[:MAX_DEPTH])
        if isinstance(item, str):
            if not _encodable(item):
                return "InvalidText", list(loc)
        elif isinstance(item, dict):
            for k, v in item.items():
                if not _encodable(k):
                    return "InvalidText", [*loc, _escaped(k)]
                stack.append((v, depth + 1, (*loc, k)))
        elif isinstance(item, list):
            stack.extend((v, depth + 1, (*loc, i)) for i, v in enumerate(item))
    return None


def _escaped(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def refuse_json_body(body: bytes) -> ErrorBody | None:
    """Parse *body* as the application will; the error body if the service refuses it."""
    try:
        value = json.loads(body, object_pairs_hook=unique_keys)
    except DuplicateKeyError:
        return service_error_body("DuplicateKey")
    except RecursionError:
        return service_error_body("RequestTooComplex", MAX_DEPTH)
    except UnicodeDecodeError:
        return service_error_body("InvalidText")
    except ValueError as exc:
        # json.JSONDecodeError, or an integer beyond sys.get_int_max_str_digits().
        if "digits" in str(exc) and not isinstance(exc, json.JSONDecodeError):
            return service_error_body("NumberTooLong", sys.get_int_max_str_digits())
        return service_error_body("InvalidJSON")
    problem = check_json(value)
    if problem is None:
        return None
    code, loc = problem
    refused = service_error_body(code, MAX_DEPTH if code == "RequestTooComplex" else None)
    where = ".".join(_escaped(str(p)) for p in ["body", *loc])
    refused.message += f" (at {where})"
    refused.message_sv = f"{refused.message_sv} (i {where})"
    refused.details = [
        ErrorDetail(loc=["body", *loc], message=refused.message, message_sv=refused.message_sv)
    ]
    return refused


class Guard:
    """The ASGI middleware described in the module docstring."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        max_concurrent: int,
        body_timeout: float,
        send_timeout: float,
        api_keys: Iterable[str] = (),
        access_log: bool = False,
        open_paths: Iterable[str] = ("/health",),
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_concurrent = max_concurrent
        self.body_timeout = body_timeout
        self.send_timeout = send_timeout
        self.api_keys = tuple(k.encode("utf-8") for k in api_keys if k)
        self.access_log = access_log
        self.open_paths = frozenset(open_paths)
        self.inside = 0
        # Paths the log may name as they are: the application's routes without parameters.
        routes = getattr(app, "routes", ())
        self.fixed_paths = frozenset(
            str(r.path) for r in routes if "{" not in str(getattr(r, "path", "{"))
        )

    def loggable_path(self, scope: Scope) -> str:
        """The request's route for a log line, never text the client chose: the matched
        route's template (``/regelverk/{jurisdiction:path}``), a fixed path, or a stand-in."""
        route = getattr(scope.get("route"), "path", None)
        if isinstance(route, str):
            return route
        path = str(scope.get("path", ""))
        return path if path in self.fixed_paths else "(other path)"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 0}

        async def timed_send(message: Message) -> None:
            try:
                with anyio.fail_after(self.send_timeout):
                    await send(message)
            except TimeoutError:
                raise _SendTimeout from None

        async def tracking_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = int(message["status"])
            body = message.get("body", b"") if message["type"] == "http.response.body" else b""
            if len(body) <= SEND_CHUNK:
                await timed_send(message)
                return
            # A large body goes out in pieces, each awaiting the client's reading, so a
            # client that stops reading is dropped after send_timeout instead of holding
            # the whole response in the server's memory.
            more = bool(message.get("more_body", False))
            view = memoryview(body)
            for start in range(0, len(body), SEND_CHUNK):
                last = start + SEND_CHUNK >= len(body)
                await timed_send(
                    {
                        "type": "http.response.body",
                        "body": bytes(view[start : start + SEND_CHUNK]),
                        "more_body": more or not last,
                    }
                )

        try:
            await self._handle(scope, receive, tracking_send)
        except ServiceError as refused:
            if not status["code"]:
                await send_error(tracking_send, refused.body, refused.headers)
        except _SendTimeout:
            log.warning(
                "dropped a client that did not read its response: %s", self.loggable_path(scope)
            )
        except Exception as exc:  # the last resort: nothing escapes to the server's log
            log.error(
                "internal error %s in %s %s\n%s",
                type(exc).__name__,
                scope.get("method"),
                self.loggable_path(scope),
                "".join(traceback.format_list(traceback.extract_tb(exc.__traceback__))),
            )
            if not status["code"]:
                with contextlib.suppress(Exception):  # the client may be gone already
                    await send_error(tracking_send, service_error_body("InternalError"))
        finally:
            if self.access_log:
                access.info(
                    "%s %s %s %.1f ms",
                    scope.get("method"),
                    self.loggable_path(scope),
                    status["code"] or "-",
                    (time.perf_counter() - started) * 1000,
                )

    async def _handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if path in self.open_paths:
            await self.app(scope, receive, send)
            return
        if self.api_keys and not self._authorised(scope):
            raise ServiceError(
                service_error_body("Unauthorized"),
                {"www-authenticate": 'Basic realm="lss-sol-rules", charset="UTF-8"'},
            )
        if self.inside >= self.max_concurrent:
            raise ServiceError(
                service_error_body("ServiceBusy", self.max_concurrent), {"retry-after": "1"}
            )
        self.inside += 1
        try:
            body = await self._read_body(scope, receive)
            if body and scope.get("method") == "POST" and self._is_json(scope):
                refused = refuse_json_body(body)
                if refused is not None:
                    raise ServiceError(refused)
            delivered = False

            async def replay() -> Message:
                nonlocal delivered
                if not delivered:
                    delivered = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

            await self.app(scope, replay, send)
        finally:
            self.inside -= 1

    def _authorised(self, scope: Scope) -> bool:
        ok = False
        for offered in _offered_keys(scope):
            for key in self.api_keys:
                # Every pair is compared, so the time taken does not tell which key matched.
                ok |= hmac.compare_digest(offered, key)
        return ok

    @staticmethod
    def _is_json(scope: Scope) -> bool:
        ctype = (_header(scope, b"content-type") or b"").split(b";")[0].strip().lower()
        return ctype in (b"", b"application/json") or ctype.endswith(b"+json")

    async def _read_body(self, scope: Scope, receive: Receive) -> bytes:
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            raise ServiceError(service_error_body("RequestTooLarge", self.max_body_bytes))
        chunks: list[bytes] = []
        seen = 0
        try:
            with anyio.fail_after(self.body_timeout):
                while True:
                    message = await receive()
                    if message["type"] != "http.request":
                        break
                    chunk = message.get("body", b"")
                    seen += len(chunk)
                    if seen > self.max_body_bytes:
                        raise ServiceError(
                            service_error_body("RequestTooLarge", self.max_body_bytes)
                        )
                    chunks.append(chunk)
                    if not message.get("more_body", False):
                        break
        except TimeoutError:
            raise ServiceError(
                service_error_body("RequestTimeout", self.body_timeout), {"connection": "close"}
            ) from None
        return b"".join(chunks)
