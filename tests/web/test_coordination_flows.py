"""Coordination in real Chromium on the demo region (issue 16): a hospital registers an admission (the
inskrivningsmeddelande), the municipality accepts, the patient is discharged and the days appear in the
municipality's figures; a task is declined with a reason and the sender sees why."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Browser, Page

from naravard.config import Settings
from naravard.web.templating import STOCKHOLM
from tests.web.conftest import _sqlite_path
from tests.web.test_flows import log_in

pytestmark = pytest.mark.browser

HOSPITAL = "lakare.medicin.gavle"
MUNICIPALITY = "hemsjukvard.gavle"
HEALTH_CENTRE = "ssk.gavle"


def _unit_of(db: sqlite3.Connection, username: str) -> tuple[str, str, str]:
    row = db.execute(
        "SELECT cu.id, cu.name, cu.municipality_code FROM user_account u JOIN membership m ON m.user_id = u.id"
        " JOIN care_unit cu ON cu.id = m.unit_id WHERE u.username = ?",
        (username,),
    ).fetchone()
    return row[0], row[1], row[2]


def _patients(settings: Settings, n: int) -> list[str]:
    """Personnummer of patients listed at the hälsocentral, living in its municipality, with no block and no
    coordination yet."""
    db = sqlite3.connect(f"file:{_sqlite_path(settings)}?mode=ro", uri=True)
    try:
        hc, _, code = _unit_of(db, HEALTH_CENTRE)
        rows = db.execute(
            "SELECT p.identifier FROM person p JOIN listing l ON l.person_id = p.id AND l.end_date IS NULL"
            " WHERE l.unit_id = ? AND p.municipality_code = ? AND p.protected_identity = 0"
            " AND p.identifier_kind = 'personnummer'"
            " AND NOT EXISTS (SELECT 1 FROM access_block b WHERE b.person_id = p.id AND b.lifted_at IS NULL)"
            " AND NOT EXISTS (SELECT 1 FROM coord_discharge d WHERE d.person_id = p.id)"
            " AND NOT EXISTS (SELECT 1 FROM coord_task t WHERE t.person_id = p.id)"
            " ORDER BY p.identifier DESC LIMIT ?",
            (hc, code, n),
        ).fetchall()
    finally:
        db.close()
    assert len(rows) == n
    return [r[0] for r in rows]


@contextmanager
def _as(browser: Browser, base: str, username: str, password: str) -> Iterator[Page]:
    context = browser.new_context(base_url=base, locale="sv-SE")
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, username, password)
    try:
        yield page
    finally:
        context.close()


def _figure(page: Page, cell: str) -> str:
    page.goto("/samordning")
    return page.locator(f"#{cell}").inner_text().strip()


def test_notice_accepted_discharged_and_the_days_in_the_figures(
    browser: Browser, live_server: str, demo_settings: Settings
) -> None:
    [personnummer] = _patients(demo_settings, 1)
    password = demo_settings.demo_password
    with (
        _as(browser, live_server, HOSPITAL, password) as hospital,
        _as(browser, live_server, MUNICIPALITY, password) as municipality,
    ):
        before = int(_figure(municipality, "discharge-count"))
        hospital.goto("/samordning")
        hospital.get_by_role("link", name="Registrera inskrivning").click()
        hospital.get_by_label("Personnummer").fill(personnummer)
        admitted = (datetime.now(STOCKHOLM) - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
        hospital.get_by_label("Inskriven").fill(admitted)
        hospital.get_by_role("button", name="Skicka inskrivningsmeddelande").click()
        assert hospital.locator("#discharge-status").inner_text() == "Inskrivningsmeddelande skickat"
        discharge_url = hospital.url.split("?")[0]
        hospital.get_by_role("button", name="Markera utskrivningsklar").click()
        assert hospital.locator("#discharge-status").inner_text() == "Utskrivningsklar"

        # the municipality finds the notice in its worklist (the notification too) and accepts
        municipality.goto("/aviseringar")
        assert municipality.get_by_role("link", name="En patient är utskrivningsklar").count() >= 1
        municipality.goto(discharge_url)
        municipality.get_by_label("Vad kommunen ska ge").fill("Hemsjukvård morgon och kväll")
        municipality.get_by_role("button", name="Acceptera").click()
        assert municipality.locator("#discharge-status").inner_text() == "Accepterad"

        hospital.goto(discharge_url)
        hospital.get_by_role("button", name="Skriv ut").click()
        assert hospital.locator("#discharge-status").inner_text() == "Avslutad"
        assert hospital.locator("#days-ready").inner_text() == "0"

        assert int(_figure(municipality, "discharge-count")) == before + 1
        assert municipality.locator("#median-days").inner_text() != "–"


def test_a_declined_task_shows_the_sender_why(
    browser: Browser, live_server: str, demo_settings: Settings
) -> None:
    [personnummer] = _patients(demo_settings, 2)[1:]
    db = sqlite3.connect(f"file:{_sqlite_path(demo_settings)}?mode=ro", uri=True)
    try:
        _, home_care, _ = _unit_of(db, MUNICIPALITY)
    finally:
        db.close()
    password = demo_settings.demo_password
    with (
        _as(browser, live_server, HEALTH_CENTRE, password) as sender,
        _as(browser, live_server, MUNICIPALITY, password) as receiver,
    ):
        sender.goto("/samordning/uppdrag/ny")
        sender.get_by_label("Personnummer").fill(personnummer)
        sender.get_by_label("Till enhet").select_option(label=home_care)
        sender.get_by_label("Vad").fill("Hjälp med kompressionsstrumpor")
        sender.get_by_label("Varför").fill("Bensår, behöver daglig hjälp")
        sender.get_by_role("button", name="Skicka uppdrag").click()
        assert sender.locator("#task-status").inner_text() == "Ny"
        task_url = sender.url.split("?")[0]

        receiver.goto("/samordning?typ=task&status=new")
        receiver.locator(f"a[href='{task_url.removeprefix(live_server)}']").first.click()
        receiver.get_by_label("Skäl").first.fill(
            "Insatsen kräver biståndsbeslut; kontakta biståndshandläggaren"
        )
        receiver.get_by_role("button", name="Avböj").click()
        assert receiver.locator("#task-status").inner_text() == "Avböjd"

        sender.goto(task_url)
        assert sender.locator("#task-status").inner_text() == "Avböjd"
        assert "biståndsbeslut" in sender.locator("#task-reason").inner_text()
