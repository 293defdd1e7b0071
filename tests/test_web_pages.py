"""The rules explorer and decision form (issue #16), rendered by the service's own app."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import lss_sol_rules as lsr
from lss_sol_rules.server import create_app
from lss_sol_rules.web.catalogue import facts_read, questions_in
from lss_sol_rules.web.pages import form_facts

ON = "2026-01-01"


@pytest.fixture(scope="module")
def engine() -> lsr.Engine:
    return lsr.load()


@pytest.fixture(scope="module")
def client(engine: lsr.Engine) -> TestClient:
    return TestClient(create_app(engine, api_keys=()))


def _machine_paths(engine: lsr.Engine) -> set[str]:
    out = {str(Path(lsr.__file__).resolve().parent), "site-packages"}
    for rule in engine.rulebook.rules:
        out.add(str(Path(rule.file).parent))
    return out


def _assert_page(html: str, engine: lsr.Engine, lang: str = "sv") -> None:
    assert f'<html lang="{lang}">' in html
    for path in _machine_paths(engine):
        assert path not in html, f"machine path {path!r} on the page"
    for url in re.findall(r'(?:src|href|action)="([^"]*)"', html):
        assert url.startswith(("/", "#")), f"asset or link outside the service: {url}"


def _post(client: TestClient, question: str, facts: dict[str, Any], **extra: str) -> Any:
    data: dict[str, Any] = {"lang": "sv", "fraga": question, "regelverk": "se", "datum": ON}
    data.update(extra)
    data.update({f"f.{k}": v for k, v in facts.items()})
    return client.post("/beslut", data=data)


def test_start_page(client: TestClient, engine: lsr.Engine) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-security-policy"].startswith("default-src 'self'")
    _assert_page(r.text, engine)
    for j in engine.jurisdictions():
        assert f'href="/regelverk/{j}?lang=sv"' in r.text
    for q in engine.questions():
        assert q.label.sv in r.text
    en = client.get("/?lang=en")
    _assert_page(en.text, engine, "en")
    assert "Try a case" in en.text


@pytest.mark.parametrize("jurisdiction", ["se", "se/stockholm", "se/stockholm/exempel"])
def test_jurisdiction_page_shows_every_rule_parameter_and_fact(
    client: TestClient, engine: lsr.Engine, jurisdiction: str
) -> None:
    r = client.get(f"/regelverk/{jurisdiction}")
    assert r.status_code == 200
    html = r.text
    _assert_page(html, engine)
    view = engine.rulebook.view(jurisdiction)
    for rules in view.rules.values():
        for rule in rules:
            assert f'id="regel-{rule.id}"' in html
            for c in rule.citations:
                assert str(c).replace("&", "&amp;") in html or c.text in html
    for p in engine.parameters(jurisdiction):
        assert f"<code>{p.name}</code>" in html
    assert html.count('<svg class="timeline"') == len(engine.parameters(jurisdiction))
    for f in engine.facts():
        assert f'id="uppgift-{f.name}"' in html


def test_parameter_history_as_a_timeline(client: TestClient) -> None:
    html = client.get("/regelverk/se").text
    start = html.index("<code>pa_aldersgrans_ar</code>")
    section = html[start : html.index("</section>", start)]
    assert section.count("<rect") == 2  # 65 until 2022, 66 from 2023
    assert "65 år" in section
    assert "66 år" in section
    assert "SFS 2022:880" in section  # the amending act, in the tooltip and the table
    assert 'role="img"' in section
    assert '<td class="nowrap">2023-01-01</td>' in section


def test_rule_explanation_templates_and_decision_tables(client: TestClient) -> None:
    html = client.get("/regelverk/se").text
    assert "{grundlaggande_behov_timmar_per_vecka}" in html  # the template, unrendered
    row = html[html.index('id="regel-sfb.51.3.forsakringskassan"') :]
    row = row[: row.index("</tr>")]
    assert "grundlaggande_behov_timmar_per_vecka &gt; pa_timgrans" in row
    assert "SFB 51 kap. 3 § (SFS 2010:110)" in row
    assert "assistansersattning.toml:" in row  # file name and line, not the path


def test_unknown_jurisdiction_page_is_404(client: TestClient, engine: lsr.Engine) -> None:
    r = client.get("/regelverk/se/stokholm")
    assert r.status_code == 404
    _assert_page(r.text, engine)


def test_form_is_generated_from_the_vocabulary(client: TestClient, engine: lsr.Engine) -> None:
    r = client.get("/beslut?fraga=lss.ratt_till_insats&regelverk=se")
    assert r.status_code == 200
    html = r.text
    _assert_page(html, engine)
    assert 'method="post" action="/beslut"' in html
    names = {f.name for f in facts_read(engine, "lss.ratt_till_insats", "se")}
    for name in names:
        assert f'name="f.{name}"' in html
    assert '<select id="f-insats" name="f.insats">' in html  # an enum is a choice
    assert 'type="checkbox" id="f-diagnoser-autism"' in html  # a list of enums: boxes
    assert 'type="radio" id="f-behov_tillgodoses_pa_annat_satt-ja"' in html  # bool
    assert 'type="date" id="f-fodelsedatum"' in html
    hours = client.get("/beslut?fraga=personlig_assistans.huvudman").text
    assert re.search(
        r'type="number" id="f-grundlaggande_behov_timmar_per_vecka"[^>]*'
        r'min="0" max="168"',
        hours,
    )
    assert "(timmar per vecka, 0–168)" in hours


def test_every_question_has_a_working_form(client: TestClient, engine: lsr.Engine) -> None:
    for j in engine.jurisdictions():
        for qr in questions_in(engine, j):
            if qr.question.internal:
                continue
            q = qr.question.name
            r = client.get(f"/beslut?fraga={q}&regelverk={j}")
            assert r.status_code == 200, (q, j)
            r = _post(client, q, {}, regelverk=j)
            assert r.status_code in (200, 422), (q, j)
            assert "Resultat" in r.text or "Det finns fel" in r.text


def test_form_answer_with_missing_facts_highlighted(client: TestClient, engine: lsr.Engine) -> None:
    r = _post(
        client, "lss.ratt_till_insats", {"diagnoser": ["autism"], "insats": "ledsagarservice"}
    )
    assert r.status_code == 200
    html = r.text
    _assert_page(html, engine)
    assert "Kan inte avgöras ännu" in html
    fieldset = re.search(
        r'<fieldset class="field missing" id="f-behov_tillgodoses_pa_annat_satt"'
        r'[^>]*aria-describedby="f-behov_tillgodoses_pa_annat_satt-missing"',
        html,
    )
    assert fieldset, "the missing fact is highlighted and described"
    assert '<a href="#f-behov_tillgodoses_pa_annat_satt">' in html
    assert html.count('class="field missing"') == 1
    assert 'value="autism" checked' in html  # the case is shown again
    d = engine.evaluate(
        "lss.ratt_till_insats",
        {"diagnoser": ["autism"], "insats": "ledsagarservice"},
        on=date.fromisoformat(ON),
    )
    letter = d.explain("sv", style="beslut")
    assert letter.splitlines()[2] in html


def test_form_answer_decided_with_motivation_and_links(
    client: TestClient, engine: lsr.Engine
) -> None:
    r = _post(
        client,
        "lss.ratt_till_insats",
        {
            "diagnoser": ["autism"],
            "insats": "ledsagarservice",
            "behov_tillgodoses_pa_annat_satt": "ja",
        },
    )
    assert r.status_code == 200
    html = r.text
    assert "Ansökan avslås." in html  # the decision-letter motivation
    assert "tre veckor" in html  # how to appeal
    assert 'href="/regelverk/se?lang=sv#regel-' in html
    en = _post(
        client,
        "personlig_assistans.huvudman",
        {"grundlaggande_behov_timmar_per_vecka": "20,5", "alder": "40"},
        sprak="en",
    )
    assert "Försäkringskassan" in en.text
    assert '<div class="letter" lang="en">' in en.text
    assert 'href="/regelverk/se?lang=sv#regel-sfb.51.3.forsakringskassan"' in en.text


def test_form_errors_are_shown_on_the_field(client: TestClient, engine: lsr.Engine) -> None:
    r = _post(
        client, "personlig_assistans.huvudman", {"grundlaggande_behov_timmar_per_vecka": "-5"}
    )
    assert r.status_code == 422
    html = r.text
    _assert_page(html, engine)
    assert 'class="error-summary"' in html
    assert '<a href="#f-grundlaggande_behov_timmar_per_vecka">' in html
    assert 'aria-invalid="true"' in html
    assert "ska vara minst 0 timmar per vecka" in html  # the library's Swedish text
    bad = _post(
        client, "personlig_assistans.huvudman", {"grundlaggande_behov_timmar_per_vecka": "x"}
    )
    assert bad.status_code == 422
    assert "ska vara ett tal" in bad.text
    wrong_day = _post(client, "personlig_assistans.huvudman", {}, datum="2026-13-01")
    assert wrong_day.status_code == 422
    assert 'aria-describedby="datum-error"' in wrong_day.text
    surrogate = client.post(
        "/beslut",
        content=b"fraga=%ED%A0%80&f.x=%ED%A0%80",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert surrogate.status_code == 200  # undecodable bytes are replaced, never a 500


def test_form_facts_reads_fields() -> None:
    engine = lsr.load(plugins=False)
    decls = facts_read(engine, "lss.ratt_till_insats", "se")
    facts, errors, _ = form_facts(
        decls,
        [
            ("f.diagnoser", "__inga__"),
            ("f.alder", "42"),
            ("f.insats", "ledsagarservice"),
            ("f.behov_tillgodoses_pa_annat_satt", "nej"),
            ("f.fodelsedatum", ""),
            ("f.funktionsnedsattning_stor", ""),
        ],
        "sv",
    )
    assert errors == {}
    assert facts == {
        "diagnoser": [],
        "alder": 42,
        "insats": "ledsagarservice",
        "behov_tillgodoses_pa_annat_satt": False,
    }
    hours = facts_read(engine, "personlig_assistans.huvudman", "se")
    facts, errors, _ = form_facts(hours, [("f.grundlaggande_behov_timmar_per_vecka", "20,5")], "sv")
    assert facts == {"grundlaggande_behov_timmar_per_vecka": Decimal("20.5")}
    for bad in ("NaN", "Infinity", "1" * 50, "tjugo"):
        _, errors, _ = form_facts(hours, [("f.grundlaggande_behov_timmar_per_vecka", bad)], "en")
        assert errors == {"grundlaggande_behov_timmar_per_vecka": "must be a number"}


def test_pages_need_the_key_when_one_is_set(engine: lsr.Engine) -> None:
    c = TestClient(create_app(engine, api_keys=("k",)))
    r = c.get("/")
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Basic")
    assert c.get("/", auth=("", "k")).status_code == 200


def test_explorer_can_be_left_out(engine: lsr.Engine) -> None:
    c = TestClient(create_app(engine, api_keys=(), explorer=False))
    assert c.get("/").status_code == 404
    assert c.get("/questions").status_code == 200


def test_language_switch_keeps_the_question_not_the_case(client: TestClient) -> None:
    r = _post(client, "personlig_assistans.huvudman", {"alder": "57"}, regelverk="se/stockholm")
    link = re.search(r'<a href="([^"]*)" lang="en" hreflang="en">In English</a>', r.text)
    assert link is not None
    url = link.group(1).replace("&amp;", "&")
    assert url == "/beslut?fraga=personlig_assistans.huvudman&regelverk=se/stockholm&lang=en"
    assert "57" not in url
    assert 'lang="en"' in client.get(url).text
