"""The patient's and the clinician's pages in a real browser (issue 19): the patient sees who read their data,
with name, profession, unit and why (an emergency access with its reason), and reports a read; the search says
how many it found, where a name finds nothing, and reads a protected identity once; the login form keeps the
user name; no page asks for an icon that is not there."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, Response, expect

from naravard import migrate
from naravard.actor import Role
from naravard.app import create_app
from naravard.config import Settings
from naravard.db import make_engine, make_session_factory
from naravard.patients.identity import format_identifier
from tests import factories as f
from tests.live import serve
from tests.web.conftest import CLINICIAN, api_token
from tests.web.test_flows import log_in, search

pytestmark = pytest.mark.browser

PATIENT = "patient1"  # a portal account of a patient listed at the clinician's hälsocentral
OTHER_CLINICIAN = "lakare.hudiksvall"  # same region, another hälsocentral: emergency access only
KEY = "s" * 40


def _me(base: str, token: str) -> dict[str, str]:
    me: dict[str, str] = httpx.get(f"{base}/api/auth/me", headers={"Authorization": f"Bearer {token}"}).json()
    return me


def test_the_patient_sees_who_read_their_data_and_reports_a_read(
    page: Page, live_server: str, demo_settings: Settings
) -> None:
    password = demo_settings.demo_password
    doctor_token = api_token(live_server, CLINICIAN, password)
    doctor = _me(live_server, doctor_token)
    other_token = api_token(live_server, OTHER_CLINICIAN, password)
    other = _me(live_server, other_token)
    person_id = _me(live_server, api_token(live_server, PATIENT, password))["person_id"]
    assert person_id

    # The clinician of the patient's own unit reads the overview; a clinician elsewhere needs emergency access.
    read = httpx.get(
        f"{live_server}/api/patients/{person_id}", headers={"Authorization": f"Bearer {doctor_token}"}
    )
    assert read.status_code == 200
    other_headers = {"Authorization": f"Bearer {other_token}"}
    url = f"{live_server}/api/patients/{person_id}"
    assert httpx.get(url, headers=other_headers).status_code == 403
    reason = "Inkommen akut till Hudiksvall, behöver aktuella kontaktuppgifter"
    opened = httpx.post(f"{url}/emergency-access", json={"reason": reason}, headers=other_headers)
    assert opened.status_code == 201, opened.text
    assert httpx.get(url, headers=other_headers).status_code == 200

    log_in(page, PATIENT, password)
    expect(page).to_have_url(re.compile(r"/min/$"))
    expect(page.get_by_role("heading", name="Vem har läst mina uppgifter")).to_be_visible()
    expect(page.locator("header").get_by_role("link", name="Mina samtycken")).to_be_visible()

    rows = page.locator("#access-log tbody tr")
    care = rows.filter(has_text=doctor["display_name"]).filter(has_text="Läste din översikt").first
    expect(care).to_contain_text("Läkare")
    expect(care).to_contain_text(doctor["unit_name"])
    expect(care).to_contain_text(doctor["organization_name"])
    expect(care).to_contain_text("Vård och behandling: du är patient på enheten")
    expect(care.locator("td").first).to_have_text(re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$"))

    emergency = rows.filter(has_text=other["display_name"]).filter(has_text="Läste din översikt").first
    expect(emergency).to_contain_text("Nödåtkomst")
    expect(emergency).to_contain_text(f"Angivet skäl: {reason}")
    expect(emergency).to_contain_text(other["unit_name"])
    expect(rows.filter(has_text="Öppnade nödåtkomst till dina uppgifter").first).to_contain_text(reason)
    expect(page.locator("#access-log")).not_to_contain_text("patient:overview:read")
    if shots := os.environ.get("NARAVARD_SCREENSHOT_DIR"):  # for a person to look at; never committed
        page.screenshot(path=str(Path(shots) / "patient-access-log.png"), full_page=True)

    emergency.get_by_text("Anmäl läsningen").click()
    emergency.get_by_label("Vad ifrågasätter du? (frivilligt)").fill("Jag har aldrig varit i Hudiksvall.")
    emergency.get_by_role("button", name="Skicka anmälan").click()
    expect(page).to_have_url(re.compile(r"/min/\?reported=1$"))
    expect(page.get_by_role("status")).to_contain_text("Din anmälan går till logggranskaren")
    reported = rows.filter(has_text=other["display_name"]).filter(has_text="Läste din översikt").first
    expect(reported).to_contain_text("Anmäld")
    expect(reported.get_by_text("Anmäl läsningen")).to_have_count(0)


@dataclass(frozen=True)
class SearchWorld:
    base: str
    stranger: str  # a name the clinician may not open, and its personnummer
    stranger_number: str
    protected_number: str  # a protected identity of the clinician's own unit


@pytest.fixture()
def search_page(browser: Browser, tmp_path: Path) -> Iterator[tuple[Page, SearchWorld]]:
    """A clinician's page on a fresh database: 23 patients of one name at the clinician's unit, a protected
    identity there, and a patient elsewhere."""
    url = f"sqlite:///{tmp_path / 'search.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with make_session_factory(engine, audit_key=KEY.encode(), expire_on_commit=False)() as db:
        hc = f.unit(db, f.organization(db), name="Strand hälsocentral")
        for n in range(23):
            f.person(db, listed_at=hc, given="Karin", family=f"Månsdotter{n:02d}")
        hidden = f.person(db, listed_at=hc, given="Hemlig", family="Hemligsson", protected=True)
        stranger = f.person(
            db, listed_at=f.unit(db, f.organization(db, name="Region Annan")), given="Nils", family="Främling"
        )
        login = f.user(db, role=Role.CLINICIAN, at=hc)
        db.commit()
        world = (format_identifier(stranger.identifier), format_identifier(hidden.identifier), login.token)
    engine.dispose()
    settings = Settings(environment="test", audit_hmac_key=KEY, database_url=url, data_dir=tmp_path)  # type: ignore[call-arg]
    with serve(create_app(settings)) as base:
        context = browser.new_context(base_url=base, locale="sv-SE")
        context.add_cookies([{"name": "naravard_session", "value": world[2], "url": base}])
        context.set_default_timeout(10_000)
        yield context.new_page(), SearchWorld(base, "Nils Främling", world[0], world[1])
        context.close()


def test_search_says_how_many_where_a_name_finds_nothing_and_reads_a_protected_identity_once(
    search_page: tuple[Page, SearchWorld],
) -> None:
    page, world = search_page
    page.goto("/patients")
    search(page, "karin måns")
    expect(page.locator("#hit-count")).to_have_text(
        "Visar 20 av 23. Skriv mer av namnet för att begränsa sökningen."
    )
    expect(page.locator("#hits tbody tr")).to_have_count(20)
    search(page, "karin månsdotter1")
    expect(page.locator("#hits tbody tr")).to_have_count(10)
    expect(page.locator("#hit-count")).to_have_count(0)

    search(page, world.stranger)
    expect(page.locator("#no-hits")).to_have_text("Ingen patient som du får öppna matchar namnet.")
    expect(page.locator("#emergency-hint")).to_contain_text("En sökning på hela personnumret")
    search(page, world.stranger_number)
    hit = page.locator("#hits tbody tr")
    expect(hit).to_have_count(1)
    expect(hit).to_contain_text(world.stranger)
    expect(hit).to_contain_text("Ingen åtkomst")

    search(page, world.protected_number)
    expect(page.locator("#hits tbody tr")).to_have_count(1)
    expect(page.locator("#hits tbody tr")).to_contain_text("Hemlig Hemligsson")
    expect(page.locator("#hits tbody tr").get_by_text("Skyddad identitet")).to_have_count(1)

    search(page, "19121212-1213")
    expect(page.get_by_role("alert")).to_have_text("fel kontrollsiffra: sista siffran är 3 men ska vara 2")


def test_a_wrong_password_keeps_the_user_name_and_nothing_is_missing(page: Page) -> None:
    missing: list[str] = []

    def note(response: Response) -> None:
        if response.status == 404:
            missing.append(response.url)

    page.on("response", note)
    log_in(page, CLINICIAN, "fel-lösenord")
    expect(page.get_by_role("alert")).to_have_text("Fel användarnamn eller lösenord.")
    expect(page.get_by_label("Användarnamn")).to_have_value(CLINICIAN)
    expect(page.get_by_label("Lösenord")).to_have_value("")
    expect(page.get_by_label("Lösenord")).to_be_focused()
    icon = page.request.get("/favicon.ico")
    assert icon.status == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert missing == []
