"""The explorer and decision form in a real browser: Debian's Chromium driven by Playwright
(no browser download), checked with axe-core (WCAG 2.1 A and AA rules), fully offline.

Skips with the reason when no Chromium is installed here; CI installs one (``.ci/run``)
and sets ``LSS_SOL_RULES_BROWSER_TESTS=required``, which turns the skip into a failure.
``LSS_SOL_RULES_SCREENSHOTS=docs/img`` also writes the screenshots the docs show.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import uvicorn

import lss_sol_rules as lsr
from lss_sol_rules.server import create_app

REQUIRED = os.environ.get("LSS_SOL_RULES_BROWSER_TESTS") == "required"
SHOTS = os.environ.get("LSS_SOL_RULES_SCREENSHOTS")
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _chromium() -> str | None:
    given = os.environ.get("LSS_SOL_RULES_CHROMIUM")
    if given:
        return given if Path(given).is_file() else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _skip(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"browser test required (LSS_SOL_RULES_BROWSER_TESTS=required): {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium() -> str:
    path = _chromium()
    if path is None:
        _skip(
            "no Chromium on this machine: install Debian's (apt-get install chromium) or set "
            "LSS_SOL_RULES_CHROMIUM to a Chromium or Chrome binary"
        )
    assert path is not None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _skip("Playwright is not installed: pip install -e '.[test]'")
    return path


@pytest.fixture(scope="module")
def axe_source() -> str:
    try:
        source = files("axe_playwright_python").joinpath("axe.min.js").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        _skip("axe-core is not installed: pip install axe-playwright-python")
        raise
    return source


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    app = create_app(lsr.load(), api_keys=())
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("server did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield b
        b.close()


class _Page:
    """A browser page that refuses, and records, every request that leaves the service."""

    def __init__(
        self, browser: Any, base_url: str, axe_source: str, bypass_csp: bool = True
    ) -> None:
        # The pages forbid scripts (CSP); axe is the test's own script, injected past it.
        self.context = browser.new_context(
            bypass_csp=bypass_csp, viewport={"width": 1024, "height": 768}, locale="sv-SE"
        )
        self.outside: list[str] = []
        host = urlsplit(base_url).netloc

        def route(r: Any) -> None:
            if urlsplit(r.request.url).netloc == host:
                r.continue_()
            else:
                self.outside.append(r.request.url)
                r.abort()

        self.context.route("**/*", route)
        self.page = self.context.new_page()
        self.base = base_url
        self.axe = axe_source

    def goto(self, path: str) -> Any:
        response = self.page.goto(self.base + path)
        assert response is not None
        return response

    def violations(self) -> list[dict[str, Any]]:
        self.page.evaluate(self.axe)
        result: dict[str, Any] = self.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        return list(result["violations"])

    def assert_accessible(self, what: str) -> None:
        found = self.violations()
        serious = [v for v in found if v.get("impact") in ("serious", "critical")]
        detail = "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
            for v in found
        )
        assert not serious, f"{what}: axe-core found\n{detail}"
        assert not found, f"{what}: axe-core found minor issues too\n{detail}"

    def shot(self, name: str, full_page: bool = False) -> None:
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(Path(SHOTS) / name), full_page=full_page)


@pytest.fixture
def page(browser: Any, base_url: str, axe_source: str) -> Iterator[_Page]:
    p = _Page(browser, base_url, axe_source)
    yield p
    assert not p.outside, f"requests left the service: {p.outside}"
    p.context.close()


@pytest.fixture
def page_with_csp(browser: Any, base_url: str, axe_source: str) -> Iterator[_Page]:
    """A page that obeys the service's Content-Security-Policy, as every browser does."""
    p = _Page(browser, base_url, axe_source, bypass_csp=False)
    yield p
    assert not p.outside, f"requests left the service: {p.outside}"
    p.context.close()


def test_start_and_jurisdiction_pages(page: _Page) -> None:
    assert page.goto("/").status == 200
    assert page.page.get_attribute("html", "lang") == "sv"
    page.assert_accessible("start page")
    page.shot("explorer-start.png")
    # Keyboard: the skip link is the first stop and moves focus to the content.
    page.page.keyboard.press("Tab")
    assert page.page.evaluate("document.activeElement.className") == "skip"
    page.page.get_by_role("link", name="se/stockholm", exact=True).click()
    assert page.page.url.endswith("/regelverk/se/stockholm?lang=sv")
    page.assert_accessible("jurisdiction page se/stockholm")
    page.goto("/regelverk/se#gransvarden")
    page.assert_accessible("jurisdiction page se")
    age = page.page.locator(
        "section.parameter", has=page.page.locator("code", has_text="pa_aldersgrans_ar")
    )
    age.first.scroll_into_view_if_needed()
    page.shot("explorer-parameters.png")
    page.goto("/regelverk/se?lang=en")
    assert page.page.get_attribute("html", "lang") == "en"
    page.assert_accessible("jurisdiction page in English")


def test_decision_form_submitted_in_the_browser(page: _Page) -> None:
    page.goto("/beslut")
    page.assert_accessible("empty form")
    page.page.select_option("#fraga", "lss.ratt_till_insats")
    page.page.click("text=Visa formuläret")
    page.page.wait_for_selector("form.case")
    page.assert_accessible("form for lss.ratt_till_insats")
    page.page.fill("#datum", "2026-01-01")
    page.page.check("#f-diagnoser-autism")
    page.page.select_option("#f-insats", "ledsagarservice")
    # Submit with the keyboard: Enter in a text field submits the form.
    page.page.focus("#f-alder")
    page.page.keyboard.type("30")
    page.page.keyboard.press("Enter")
    page.page.wait_for_selector("section.result")
    assert page.page.locator("section.result").inner_text().count("Kan inte avgöras ännu") == 1
    missing = page.page.locator(".field.missing")
    assert missing.count() == 1
    assert missing.get_attribute("id") == "f-behov_tillgodoses_pa_annat_satt"
    page.assert_accessible("form with an undetermined answer")
    page.page.evaluate("document.querySelector('.field.missing').scrollIntoView({block: 'center'})")
    page.shot("explorer-form-missing.png")
    # Answer the missing fact and evaluate again.
    page.page.check("#f-behov_tillgodoses_pa_annat_satt-ja")
    page.page.click("form.case button[type=submit]")
    page.page.wait_for_selector("section.result")
    letter = page.page.locator("section.result .letter").first.inner_text()
    assert "Ansökan avslås." in letter
    page.assert_accessible("form with a decision")
    page.shot("explorer-form-decision.png")
    # A cited rule's link leads to the rule on its jurisdiction page.
    link = page.page.locator("ul.cited a").first
    target = link.get_attribute("href")
    assert target is not None
    link.click()
    anchor = target.split("#", 1)[1]
    assert page.page.locator(f"[id='{anchor}']").count() == 1


def test_form_errors_in_the_browser(page: _Page) -> None:
    page.goto("/beslut?fraga=personlig_assistans.huvudman")
    page.page.fill("#datum", "2026-01-01")
    page.page.fill("#f-grundlaggande_behov_timmar_per_vecka", "200")
    page.page.click("form.case button[type=submit]")
    page.page.wait_for_selector(".error-summary")
    assert (
        page.page.locator("#f-grundlaggande_behov_timmar_per_vecka").get_attribute("aria-invalid")
        == "true"
    )
    page.assert_accessible("form with an error")


def test_api_docs_work_offline(page_with_csp: _Page) -> None:
    page = page_with_csp
    page.goto("/docs")
    page.page.wait_for_selector(".opblock", timeout=15_000)
    assert page.page.locator(".opblock").count() >= 5
    page.goto("/redoc")
    page.page.wait_for_selector("[data-section-id]", timeout=15_000)
