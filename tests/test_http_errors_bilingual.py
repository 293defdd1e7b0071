"""Every refused HTTP request gets the one error body, in both languages, with hints an
HTTP client can follow (an endpoint or a body field, never a command or a Python keyword)."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient

import lss_sol_rules as lsr
from lss_sol_rules.server import create_app
from lss_sol_rules.web.errors import ErrorBody

Q = "personlig_assistans.huvudman"


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(lsr.load()), raise_server_exceptions=False)


# (method, path, JSON body or raw text, expected status, expected error code)
PROBES: list[tuple[str, str, Any, int, str]] = [
    ("POST", "/evaluate", {"question": "no.such", "facts": {}}, 404, "QuestionError"),
    (
        "POST",
        "/evaluate",
        {"question": Q, "facts": {"grundlaggande_behov_timmar_per_vecka": 168.5}},
        422,
        "FactError",
    ),
    ("POST", "/evaluate", {"question": Q, "facts": {"aldr": 3}}, 422, "FactError"),
    (
        "POST",
        "/evaluate",
        {"question": Q, "facts": {}, "jurisdiction": "se/nowhere"},
        422,
        "EvaluationError",
    ),
    (
        "POST",
        "/evaluate",
        {"question": Q, "facts": {}, "on": "1900-01-01"},
        422,
        "NoRuleInForceError",
    ),
    (
        "POST",
        "/evaluate",
        {"question": Q, "facts": {}, "on": "2026-13-01"},
        422,
        "RequestValidationError",
    ),
    ("POST", "/evaluate", "{bad", 422, "InvalidJSON"),
    ("GET", "/nope", None, 404, "NotFound"),
    ("PUT", "/evaluate", None, 405, "MethodNotAllowed"),
    ("GET", "/parameters?name=nosuch", None, 422, "EvaluationError"),
    (
        "POST",
        "/evaluate/batch",
        {"question": Q, "cases": [{"facts": {"alder": "x"}}]},
        200,
        "",
    ),
]


def _send(client: TestClient, method: str, path: str, body: Any) -> Any:
    if isinstance(body, str):
        return client.request(
            method, path, content=body, headers={"content-type": "application/json"}
        )
    if body is None:
        return client.request(method, path)
    return client.request(method, path, json=body)


@pytest.mark.parametrize(("method", "path", "body", "status", "code"), PROBES)
def test_one_error_body_in_both_languages(
    client: TestClient, method: str, path: str, body: Any, status: int, code: str
) -> None:
    r = _send(client, method, path, body)
    assert r.status_code == status, r.text
    if status == 200:
        return
    data = r.json()
    assert set(data) == set(ErrorBody.model_fields), data  # one shape for every error
    assert data["error"] == code
    assert data["status"] == status
    assert data["message"]
    assert data["message_sv"]
    assert data["message_sv"] != data["message"]
    assert (data["hint"] is None) == (data["hint_sv"] is None)
    if data["problem"] is not None:
        assert data["problem_sv"]
    for text in (data["message"], data["message_sv"], data["hint"] or "", data["hint_sv"] or ""):
        assert "lss-sol-rules " not in text, text  # a command, not an endpoint
        assert "jurisdiction=..." not in text or "GET /" in text, text
        assert "engine." not in text, text
        assert "--on" not in text, text


def test_a_batch_row_error_carries_both_languages(client: TestClient) -> None:
    r = client.post(
        "/evaluate/batch",
        json={"question": Q, "cases": [{"facts": {"grundlaggande_behov_timmar_per_vecka": -1}}]},
    )
    assert r.status_code == 200, r.text
    item = r.json()["results"][0]
    error = item.get("error")
    assert error is not None, item
    assert error["message_sv"]
    assert error["message"] != error["message_sv"]


def test_the_hints_of_an_error_follow_the_library_s_own(client: TestClient) -> None:
    data = client.post("/evaluate", json={"question": Q, "facts": {}, "on": "1900-01-01"}).json()
    assert data["hint"].startswith('"on" in the body')
    assert data["hint_sv"].startswith('"on" i anropet')
    data = client.get("/parameters?name=nosuch").json()
    assert data["hint_sv"] == "GET /parameters?jurisdiction=... listar parametrarna"
    assert data["message_sv"].startswith("parametern 'nosuch' finns inte")
