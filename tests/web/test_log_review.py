"""The log reviewer works with people, not ids (issue 19), in a real browser: a search by personnummer shows
names, Swedish event names and Swedish local time in a table that fits a 1280 px window; an emergency access
is reviewed with a note after a confirmation and is then found in the history."""

from __future__ import annotations

import os
import re
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from naravard.config import Settings
from tests.web.conftest import LOG_REVIEWER, DemoPatients, api_token
from tests.web.test_flows import log_in

pytestmark = pytest.mark.browser

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# Not the clinician of test_flows: an emergency access is per user, and that flow needs its own refusal.
NURSE = "ssk.gavle"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


def _display_name(settings: Settings, username: str) -> str:
    path = Path(settings.database_url.removeprefix("sqlite:///"))
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (name,) = db.execute(
            "SELECT display_name FROM user_account WHERE username = ?", (username,)
        ).fetchone()
    finally:
        db.close()
    return str(name)


def _screenshot(page: Page, name: str) -> None:
    if shots := os.environ.get("NARAVARD_SCREENSHOT_DIR"):  # for a person to look at; never committed
        page.screenshot(path=str(Path(shots) / name), full_page=True)


def _minute(when: datetime) -> datetime:
    return when.astimezone(STOCKHOLM).replace(second=0, microsecond=0)


def _shown_time(cell: Locator) -> datetime:
    """The moment a cell shows ("YYYY-MM-DD HH:MM" first), read as Swedish local time."""
    match = re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", cell.inner_text())
    assert match, cell.inner_text()
    return datetime.strptime(match.group(0), "%Y-%m-%d %H:%M").replace(tzinfo=STOCKHOLM)


def _fits_the_window(page: Page, table: str) -> None:
    """No horizontal scrolling at 1280 px: neither the page nor the table is wider than its room."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate(
        "(sel) => { const t = document.querySelector(sel); return t.scrollWidth <= t.parentElement.clientWidth; }",
        table,
    )


def test_the_log_reviewer_finds_people_by_personnummer_and_reviews_with_a_note(
    page: Page, live_server: str, demo_settings: Settings, demo_patients: DemoPatients
) -> None:
    patient = demo_patients.unrelated
    password = demo_settings.demo_password
    nurse_name = _display_name(demo_settings, NURSE)
    reviewer_name = _display_name(demo_settings, LOG_REVIEWER)
    reason = "Akut inkommen med andnöd, behöver läkemedelslistan för granskning i webbläsaren"
    headers = {"Authorization": f"Bearer {api_token(live_server, NURSE, password)}"}
    before = _minute(datetime.now(STOCKHOLM))
    opened = httpx.post(
        f"{live_server}/api/patients/{patient.id}/emergency-access", json={"reason": reason}, headers=headers
    )
    assert opened.status_code == 201, opened.text
    assert httpx.get(f"{live_server}/api/patients/{patient.id}", headers=headers).status_code == 200
    after = _minute(datetime.now(STOCKHOLM)) + timedelta(minutes=1)

    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, LOG_REVIEWER, password)
    expect(page).to_have_url(re.compile(r"/audit$"))
    page.get_by_label("Personnummer").fill(patient.identifier)
    page.get_by_role("button", name="Filtrera").click()
    rows = page.locator("#audit-rows tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() == rows.filter(has_text=patient.identifier).count()
    expect(page.locator("#patient-filter")).to_contain_text(patient.name)
    opening = rows.filter(has_text="Öppnade nödåtkomst").filter(has_text=reason)
    expect(opening).to_have_count(1)
    expect(opening).to_contain_text(nurse_name)
    expect(opening).to_contain_text(patient.name)
    expect(opening).to_contain_text("Nödåtkomst")
    read = rows.filter(has_text="Läste patientöversikten").filter(has_text=nurse_name)
    expect(read.filter(has_text="Nödåtkomst").first).to_be_visible()
    assert before <= _shown_time(opening.locator("td.when")) <= after  # Swedish time, not UTC
    assert not UUID.search(page.locator("main").inner_text())
    _fits_the_window(page, "#audit-rows")
    _screenshot(page, "audit-log.png")

    page.get_by_role("link", name="Nödåtkomster att granska").click()
    row = page.locator("#emergency-rows tbody tr", has_text=reason)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(patient.name)
    expect(row).to_contain_text(patient.identifier)
    expect(row).to_contain_text(nurse_name)
    assert before <= _shown_time(row.locator("td").first) <= after
    assert not UUID.search(page.locator("main").inner_text())
    _fits_the_window(page, "#emergency-rows")
    _screenshot(page, "review-pending.png")

    row.get_by_placeholder("Anteckning").fill("   ")  # passes the browser's required check, not ours
    row.get_by_role("button", name="Markera granskad").click()
    expect(page.get_by_role("alert")).to_contain_text("skriv en anteckning om vad granskningen visade")

    note = "Styrkt i journalen: patienten kom in akut med ambulans"
    row.get_by_placeholder("Anteckning").fill(note)
    row.get_by_role("button", name="Markera granskad").click()
    expect(page.get_by_role("heading", name="Markera som granskad?")).to_be_visible()
    expect(page.locator("#review-note")).to_have_text(note)
    expect(page.locator("#confirm-review")).to_contain_text(patient.name)
    _screenshot(page, "review-confirm.png")
    page.get_by_role("button", name="Ja, markera som granskad").click()

    expect(page).to_have_url(re.compile(r"/audit/emergency/reviewed$"))
    expect(page.get_by_role("heading", name="Granskade nödåtkomster")).to_be_visible()
    done = page.locator("#emergency-rows tbody tr", has_text=reason)
    expect(done).to_have_count(1)
    expect(done).to_contain_text(note)
    expect(done).to_contain_text(reviewer_name)
    reviewed_at = _shown_time(done.locator("td.review-done"))
    assert before <= reviewed_at <= _minute(datetime.now(STOCKHOLM)) + timedelta(minutes=1)
    _fits_the_window(page, "#emergency-rows")
    _screenshot(page, "review-history.png")

    page.get_by_role("link", name="Att granska").click()
    expect(page.locator("#emergency-rows tbody tr", has_text=reason)).to_have_count(0)
