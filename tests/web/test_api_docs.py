"""`/api/docs` in a real browser: Swagger UI loads from the app itself (the machines are offline and the CSP
refuses any other origin) and renders the API's operations."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

pytestmark = pytest.mark.browser


def test_api_docs_render_the_operations_from_our_own_origin(page: Page, live_server: str) -> None:
    requested: list[str] = []
    problems: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console: {message.text}")

    page.on("console", on_console)
    # a CSP refusal shows as this event (Chromium does not always log the blocked request)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI))"
    )

    response = page.goto("/api/docs")
    assert response is not None and response.status == 200
    patients = page.locator("#operations-tag-patients")
    expect(patients).to_be_visible()
    search = (
        patients.locator("xpath=following-sibling::*")
        .locator(".opblock")
        .filter(has=page.locator(".opblock-summary-path", has_text=re.compile(r"^/api/patients$")))
    )
    expect(search).to_have_count(1)
    expect(search.locator(".opblock-summary-method")).to_have_text("GET")
    search.locator(".opblock-summary").click()  # opened: its parameters and responses render too
    expect(search.locator(".parameters")).to_contain_text("q")
    expect(search.locator(".responses-table").first).to_be_visible()

    outside = [url for url in requested if urlsplit(url).hostname != "127.0.0.1"]
    assert not outside, f"requests left 127.0.0.1: {outside}"
    assert any(url.endswith("/static/api-docs/swagger-ui-bundle.js") for url in requested)
    assert not problems, problems
