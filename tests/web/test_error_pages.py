"""Every error path of the shell, rendered in Chromium: each page says in Swedish what happened (404, 405, 403
for a form without its CSRF token, 422 for a bad query or path parameter and for a NUL character, 500 for a
route that raises), with no English sentence on it; and in English when the user chose English.

The pages the checks look at come from a second app over the demo database with two test-only routes: one
with typed query parameters (a 422 of each kind) and one that raises."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

import pytest
from fastapi import Query
from fastapi.responses import HTMLResponse
from playwright.sync_api import Browser, Page, expect

from naravard.app import create_app
from naravard.config import Settings
from tests.live import serve
from tests.web.conftest import CLINICIAN
from tests.web.page_checks import PAGE_FACTS, PageFacts, offences
from tests.web.test_flows import log_in

pytestmark = pytest.mark.browser

TYPED = "/test-only/typed"
RAISES = "/test-only/raises"


@pytest.fixture(scope="module")
def error_server(demo_settings: Settings) -> Iterator[str]:
    app = create_app(demo_settings)

    @app.get(TYPED, include_in_schema=False, response_class=HTMLResponse)
    def typed(
        count: int,
        day: date,
        person: uuid.UUID,
        period: Literal["month", "year"],
        page: Annotated[int, Query(ge=1)] = 1,
        name: Annotated[str, Query(max_length=3)] = "",
        flag: bool = False,
    ) -> str:
        return "<p>ok</p>"

    @app.get(RAISES, include_in_schema=False)
    def raises() -> None:
        raise RuntimeError("a test-only failure")

    with serve(app) as base:
        yield base


@pytest.fixture
def error_page(browser: Browser, error_server: str) -> Iterator[Page]:
    context = browser.new_context(
        base_url=error_server, locale="sv-SE", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@dataclass(frozen=True)
class Case:
    name: str
    url: str
    status: int
    heading: str
    method: str = "GET"  # POST: a plain form without a CSRF token, submitted by the browser


def open_case(page: Page, case: Case) -> int:
    if case.method == "GET":
        response = page.goto(case.url)
        assert response is not None
        return response.status
    with page.expect_navigation() as navigation:
        page.evaluate(
            """url => { const form = document.createElement('form');
                        form.method = 'post'; form.action = url;
                        document.body.append(form); form.submit(); }""",
            case.url,
        )
    response = navigation.value
    assert response is not None
    return response.status


TYPED_BAD = f"{TYPED}?count=många&day=igår&person=x&period=vecka&page=0&name=abcd&flag=kanske"
CASES = [
    Case("404", "/no-such-page", 404, "Sidan finns inte"),
    Case("405", "/patients", 405, "Inte möjligt här", method="POST"),
    Case("403 CSRF", "/logout", 403, "Åtkomst nekad", method="POST"),
    Case("422 query", TYPED_BAD, 422, "Kontrollera uppgifterna"),
    Case("422 missing", TYPED, 422, "Kontrollera uppgifterna"),
    Case("422 path", "/patients/not-an-id", 422, "Kontrollera uppgifterna"),
    Case("422 NUL", "/patients?q=a%00b", 422, "Kontrollera uppgifterna"),
    Case("500", RAISES, 500, "Något gick fel"),
]
TYPED_PROBLEMS = [
    "”count” i adressen: måste vara ett heltal",
    "”day” i adressen: måste vara ett datum (ÅÅÅÅ-MM-DD)",
    "”person” i adressen: måste vara ett id (UUID)",
    "”period” i adressen: måste vara något av 'month' eller 'year'",
    "”page” i adressen: måste vara minst 1",
    "”name” i adressen: får vara högst 3 tecken",
    "”flag” i adressen: måste vara ja eller nej (true eller false)",
]


def test_every_error_page_of_the_shell_is_swedish(error_page: Page, demo_settings: Settings) -> None:
    page = error_page
    response = page.goto("/no-such-page")  # logged out as well
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Sidan finns inte")
    log_in(page, CLINICIAN, demo_settings.demo_password)
    expect(page).to_have_url(re.compile(r"/patients$"))

    found: list[str] = []
    for case in CASES:
        status = open_case(page, case)
        if status != case.status:
            found.append(f"{case.name} {case.url}: answered {status}, not {case.status}")
        heading = page.get_by_role("heading", level=1).inner_text()
        if heading != case.heading:
            found.append(f"{case.name} {case.url}: heading {heading!r}, not {case.heading!r}")
        facts: PageFacts = page.evaluate(PAGE_FACTS)
        if facts["lang"] != "sv":
            found.append(f"{case.name} {case.url}: <html lang={facts['lang']!r}>")
        # two words are enough here: "Not Found", "Method Not Allowed"
        found.extend(f"{case.name} {case.url}: {what}" for what in offences(facts, min_words=2))
        if case.name == "422 query":
            problems = page.locator("#problems li").all_inner_texts()
            if problems != TYPED_PROBLEMS:
                found.append(f"{case.name}: the problems read {problems}")
        if case.name == "500":
            if "a test-only failure" in facts["visible_text"] or "RuntimeError" in facts["visible_text"]:
                found.append("500: the page shows the exception")
            if "inget sparades" not in facts["visible_text"]:
                found.append("500: the page does not say that nothing was saved")
    assert not found, "\n".join(found)


def test_error_pages_are_english_on_english_pages(error_page: Page) -> None:
    page = error_page
    response = page.goto("/lang/en?next=/no-such-page")  # the language switch, then the page
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_role("alert")).to_contain_text("There is no page at this address.")
    response = page.goto(f"{TYPED}?count=many&day=2026-01-01&person={uuid.uuid4()}&period=month")
    assert response is not None and response.status == 422
    expect(page.locator("#problems li")).to_have_text(["“count” in the address: must be a whole number"])
