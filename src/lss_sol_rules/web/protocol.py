"""uvicorn's HTTP/1.1 protocol with a header timeout and a connection cap, answering in the
service's one error shape even below the application.

uvicorn closes idle keep-alive connections, but a connection that sends half a request line
and then nothing is held open for ever, and enough of them exhaust the server.
:class:`HeaderTimeoutH11Protocol` closes a connection whose next request's headers have not
all arrived within ``header_timeout`` seconds of the connection opening or of the previous
response ending; beyond ``max_connections`` open connections a new one is answered 503
``ServiceBusy`` and closed; a request that is not HTTP gets 400 ``BadHTTPRequest`` — both as
JSON in the service's error shape, not uvicorn's plain text. Bodies are timed by the
:class:`~lss_sol_rules.web.guard.Guard`.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

from .errors import ErrorBody, service_error_body
from .guard import dump_json

__all__ = ["HEADER_TIMEOUT", "HeaderTimeoutH11Protocol", "with_header_timeout"]

HEADER_TIMEOUT = 10.0


class HeaderTimeoutH11Protocol(H11Protocol):
    """H11Protocol that drops a connection whose request headers are too slow to arrive."""

    header_timeout: float = HEADER_TIMEOUT
    max_connections: int | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_timer: asyncio.TimerHandle | None = None

    def _arm(self) -> None:
        self._disarm()
        self._header_timer = self.loop.call_later(self.header_timeout, self._headers_overdue)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_overdue(self) -> None:
        self._header_timer = None
        waiting = self.cycle is None or self.cycle.response_complete
        if waiting and not self.transport.is_closing():
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if self.max_connections is not None and len(self.connections) > self.max_connections:
            self._refuse(service_error_body("ServiceBusy", self.max_connections), "1")
            return
        self._arm()

    def _refuse(self, body: ErrorBody, retry_after: str | None = None) -> None:
        """Answer *body* as a complete HTTP/1.1 response and close, below h11's state."""
        payload = dump_json(body.model_dump())
        reason = {400: b"Bad Request", 503: b"Service Unavailable"}.get(body.status, b"Error")
        head = [
            b"HTTP/1.1 " + str(body.status).encode() + b" " + reason,
            b"content-type: application/json",
            b"content-length: " + str(len(payload)).encode(),
            b"connection: close",
        ]
        if retry_after is not None:
            head.append(b"retry-after: " + retry_after.encode())
        self.transport.write(b"\r\n".join(head) + b"\r\n\r\n" + payload)
        self.transport.close()

    def send_400_response(self, msg: str) -> None:
        """A request that is not HTTP/1.1: 400 in the service's error shape."""
        self._refuse(service_error_body("BadHTTPRequest"))

    def handle_events(self) -> None:
        before = self.cycle
        super().handle_events()
        if self.cycle is not before:  # a new request's headers are complete
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


def with_header_timeout(
    seconds: float, max_connections: int | None = None
) -> type[HeaderTimeoutH11Protocol]:
    """A protocol class for ``uvicorn.run(http=...)`` with a header timeout of *seconds* and
    at most *max_connections* open connections (``None``: no cap)."""
    return type(
        "HeaderTimeoutH11Protocol",
        (HeaderTimeoutH11Protocol,),
        {"header_timeout": seconds, "max_connections": max_connections},
    )
