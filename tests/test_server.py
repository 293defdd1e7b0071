"""The HTTP decision service, over real HTTP on loopback, and Schemathesis on its OpenAPI."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings

import lss_sol_rules as lsr
from lss_sol_rules.server import create_app
from lss_sol_rules.web.protocol import with_header_timeout

LIMIT = 20_000
HEADER_TIMEOUT = 1.0


class _Server:
    def __init__(self) -> None:
        app = create_app(lsr.load(), max_body_bytes=LIMIT, api_keys=())
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=0,
            log_level="warning",
            access_log=False,
            lifespan="off",
            http=with_header_timeout(HEADER_TIMEOUT),
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.02)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with _Server() as url:
        yield url


@pytest.fixture(scope="module")
def client(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=10) as c:
        yield c


def post(client: httpx.Client, path: str, body: dict[str, Any]) -> httpx.Response:
    return client.post(path, json=body)


def test_vocabulary(client: httpx.Client) -> None:
    qs = client.get("/questions").json()
    assert {"name": "personlig_assistans.huvudman"}.items() <= next(
        q for q in qs if q["name"] == "personlig_assistans.huvudman"
    ).items()
    facts = {f["name"]: f for f in client.get("/facts").json()}
    assert facts["grundlaggande_behov_timmar_per_vecka"]["max"] == "168"
    assert facts["insats"]["label"]["sv"] == "Insats"
    assert "se/stockholm" in client.get("/jurisdictions").json()


def test_evaluate(client: httpx.Client) -> None:
    r = post(
        client,
        "/evaluate",
        {
            "question": "personlig_assistans.huvudman",
            "facts": {"grundlaggande_behov_timmar_per_vecka": 20.01, "alder": 40},
            "on": "2026-01-01",
            "lang": "en",
        },
    )
    assert r.status_code == 200
    body = r.json()
    assert body["decision"]["value"] == "forsakringskassan"
    assert "Answer: Försäkringskassan" in body["explanation"]
    assert lsr.Decision.from_dict(body["decision"]).value == "forsakringskassan"


def test_undetermined_is_a_normal_answer(client: httpx.Client) -> None:
    r = post(
        client,
        "/evaluate",
        {"question": "personlig_assistans.huvudman", "facts": {}, "on": "2026-01-01"},
    )
    assert r.status_code == 200
    assert "grundlaggande_behov_timmar_per_vecka" in r.json()["decision"]["missing"]


def test_bad_facts_are_422_with_the_fact(client: httpx.Client) -> None:
    r = post(
        client,
        "/evaluate",
        {
            "question": "personlig_assistans.huvudman",
            "facts": {"grundlaggande_behov_timmar_per_vecka": -1},
        },
    )
    assert r.status_code == 422
    body = r.json()
    assert (body["error"], body["fact"]) == ("FactError", "grundlaggande_behov_timmar_per_vecka")
    assert "at least 0" in body["problem"]


def test_unknown_question_is_404_with_a_suggestion(client: httpx.Client) -> None:
    r = post(client, "/evaluate", {"question": "personlig_assistans.huvudmann", "facts": {}})
    assert r.status_code == 404
    assert "did you mean" in r.json()["message"]


def test_unknown_jurisdiction_is_422(client: httpx.Client) -> None:
    r = post(
        client,
        "/evaluate",
        {"question": "personlig_assistans.huvudman", "facts": {}, "jurisdiction": "se/stokholm"},
    )
    assert r.status_code == 422
    assert "se/stockholm" in r.json()["message"]


def test_malformed_requests_are_422(client: httpx.Client) -> None:
    assert post(client, "/evaluate", {"facts": {}}).status_code == 422
    assert post(client, "/evaluate", {"question": "x", "facts": [], "extra": 1}).status_code == 422
    r = client.post("/evaluate", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422


def test_body_over_the_limit_is_413(client: httpx.Client) -> None:
    r = post(
        client,
        "/evaluate",
        {"question": "personlig_assistans.huvudman", "facts": {"x": "a" * (LIMIT + 10)}},
    )
    assert r.status_code == 413
    assert (r.json()["error"], r.json()["limit"]) == ("RequestTooLarge", LIMIT)


def test_body_over_the_limit_without_content_length_is_413(client: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"question": "personlig_assistans.huvudman", "facts": {"x": "'
        for _ in range(LIMIT // 1000 + 2):
            yield b"a" * 1000
        yield b'"}}'

    r = client.post("/evaluate", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_batch_keeps_order_and_reports_errors_per_case(client: httpx.Client) -> None:
    r = post(
        client,
        "/evaluate/batch",
        {
            "question": "personlig_assistans.huvudman",
            "cases": [
                {
                    "facts": {"grundlaggande_behov_timmar_per_vecka": 5, "alder": 40},
                    "on": "2026-01-01",
                },
                {"facts": {"grundlaggande_behov_timmar_per_vecka": -5}},
                {
                    "facts": {"grundlaggande_behov_timmar_per_vecka": 50, "alder": 40},
                    "on": "2026-01-01",
                },
            ],
        },
    )
    assert r.status_code == 200
    results = r.json()["results"]
    assert results[0]["decision"]["value"] == "kommun"
    assert results[1]["error"]["error"] == "FactError"
    assert results[2]["decision"]["value"] == "forsakringskassan"


def test_explain_beslut(client: httpx.Client) -> None:
    r = post(
        client,
        "/explain",
        {
            "question": "lss.ratt_till_insats",
            "style": "beslut",
            "facts": {
                "diagnoser": ["autism"],
                "insats": "ledsagarservice",
                "behov_tillgodoses_pa_annat_satt": True,
            },
            "on": "2026-01-01",
        },
    )
    assert r.status_code == 200
    text = r.json()["text"]
    assert "Ansökan avslås." in text
    assert "tre veckor" in text


def test_openapi_is_published(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/evaluate", "/evaluate/batch", "/explain", "/questions", "/facts"} <= set(
        spec["paths"]
    )


def test_api_conforms_to_its_schema(base_url: str) -> None:
    """Schemathesis generates requests from the published OpenAPI for every operation and
    checks each response: no server error, status and body as documented."""
    api = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 6
    for operation in operations:

        @settings(
            max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        @given(case=operation.as_strategy())
        def check(case: Any) -> None:
            case.call_and_validate()

        check()


def test_no_personal_data_in_logs(caplog: pytest.LogCaptureFixture) -> None:
    from fastapi.testclient import TestClient

    marker = "1961-07-19"
    caplog.set_level(logging.DEBUG)
    client = TestClient(create_app(lsr.load(plugins=False), api_keys=()))
    ok = client.post(
        "/evaluate",
        json={
            "question": "personlig_assistans.aldersgrans_datum",
            "facts": {"fodelsedatum": marker},
            "on": "2026-01-01",
        },
    )
    assert ok.status_code == 200
    bad = client.post(
        "/evaluate",
        json={
            "question": "personlig_assistans.huvudman",
            "facts": {"fodelsedatum": "2099-07-19"},
            "on": "2026-01-01",
        },
    )
    assert bad.status_code == 422
    for record in caplog.records:
        assert marker not in record.getMessage()
        assert "2099-07-19" not in record.getMessage()


def test_serve_defaults_to_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from lss_sol_rules.cli import main

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    result = CliRunner().invoke(main, ["serve", "--no-plugins"])
    assert result.exit_code == 0, result.output
    assert calls[0]["host"] == "127.0.0.1"
    assert calls[0]["access_log"] is False


def test_parameters_with_history_sources_and_readers(client: httpx.Client) -> None:
    r = client.get("/parameters", params={"jurisdiction": "se", "name": "pa_aldersgrans_ar"})
    assert r.status_code == 200
    (age,) = r.json()
    assert [(v["value"], v["valid_from"], v["valid_to"]) for v in age["values"]][:2] == [
        (65, "2001-01-01", "2022-12-31"),
        (66, "2023-01-01", "2025-12-31"),
    ]
    assert {"text": "LSS 9 b §", "sfs": "2022:880", "url": None} in age["values"][1]["citations"]
    assert age["read_by"]
    assert age["in_force"] is None
    on = client.get("/parameters", params={"name": "pa_aldersgrans_ar", "on": "2024-06-01"})
    assert on.json()[0]["in_force"]["value"] == 66
    # A local parameter shows in its jurisdiction, with where the value in force comes from.
    local = client.get("/parameters", params={"jurisdiction": "se/stockholm", "on": "2026-01-01"})
    names = {p["name"]: p for p in local.json()}
    assert names["uppfoljning_manader"]["in_force_from_jurisdiction"] == "se/stockholm"
    assert "uppfoljning_manader" not in {p["name"] for p in client.get("/parameters").json()}
    unknown = client.get("/parameters", params={"name": "pa_aldersgrans"})
    assert unknown.status_code == 422
    assert "pa_aldersgrans_ar" in unknown.json()["message"]
    assert client.get("/parameters", params={"jurisdiction": "se/x"}).status_code == 422
    elsewhere = client.get("/parameters", params={"name": "uppfoljning_manader"})
    assert elsewhere.status_code == 200
    assert elsewhere.json() == []  # declared in se/stockholm, not in se


def test_decisions_name_no_machine_path(client: httpx.Client) -> None:
    from pathlib import Path

    root = str(Path(lsr.__file__).resolve().parents[2])
    body = {
        "question": "personlig_assistans.huvudman",
        "facts": {"grundlaggande_behov_timmar_per_vecka": 25, "alder": 40},
        "on": "2026-01-01",
    }
    for r in (
        post(client, "/evaluate", body),
        post(
            client,
            "/evaluate/batch",
            {"question": body["question"], "cases": [{"facts": body["facts"], "on": body["on"]}]},
        ),
    ):
        assert r.status_code == 200, r.text
        assert root not in r.text
        sources = list(r.text.split('"source":"')[1:])
        assert sources
        for s in sources:
            assert not s.startswith("/"), s[:80]
            assert s.split('"')[0].split(":")[0].endswith(".toml")
