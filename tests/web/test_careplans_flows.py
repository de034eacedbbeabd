"""Care plans in a real browser over the demo region: the coordinator (ssk.gavle) creates a Patientkontrakt
from the patient's page, invites the municipality's home health care and proposes it; an edit based on an
older version gets the conflict with the newer version shown and what was typed kept; the patient logs in,
adds a goal of their own and agrees; the municipal nurse (hemsjukvard.gavle) sees the plan."""

from __future__ import annotations

import re
import sqlite3
import uuid
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from naravard.config import Settings
from tests.web.conftest import api_token
from tests.web.test_flows import log_in

pytestmark = pytest.mark.browser

COORDINATOR, MUNICIPAL = "ssk.gavle", "hemsjukvard.gavle"


def _db(settings: Settings) -> sqlite3.Connection:
    path = Path(settings.database_url.removeprefix("sqlite:///"))
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def _setup(base: str, settings: Settings) -> tuple[str, str, str]:
    """A demo patient with a login and no open Patientkontrakt, consenting to the municipality: (username,
    person id, the home health care's unit id)."""
    db = _db(settings)
    try:
        home_unit, municipality = db.execute(
            "SELECT m.unit_id, cu.organization_id FROM user_account u JOIN membership m ON m.user_id = u.id"
            " JOIN care_unit cu ON cu.id = m.unit_id WHERE u.username = ?",
            (MUNICIPAL,),
        ).fetchone()
        patients = db.execute(
            "SELECT username, person_id FROM user_account WHERE username IN ('patient1', 'patient2') ORDER BY username"
        ).fetchall()
        open_plans = {
            r[0]: r[1]
            for r in db.execute(
                "SELECT person_id, id FROM care_plan WHERE kind = 'patientkontrakt' AND state <> 'closed'"
            ).fetchall()
        }
    finally:
        db.close()
    home_unit, municipality = str(uuid.UUID(home_unit)), str(uuid.UUID(municipality))
    patients = [(u, str(uuid.UUID(p))) for u, p in patients]
    open_plans = {str(uuid.UUID(k)): str(uuid.UUID(v)) for k, v in open_plans.items()}
    username, person = next(((u, p) for u, p in patients if p not in open_plans), patients[0])
    pw = settings.demo_password
    staff = {"Authorization": f"Bearer {api_token(base, COORDINATOR, pw)}"}
    if person in open_plans:  # close the demo's plan so a new one can be made
        plan = httpx.get(f"{base}/api/careplans/{open_plans[person]}", headers=staff)
        r = httpx.post(
            f"{base}/api/careplans/{open_plans[person]}/transitions",
            json={"to": "closed", "reason": "test"},
            headers={**staff, "If-Match": plan.headers["ETag"]},
        )
        assert r.status_code == 200, r.text
    own = {"Authorization": f"Bearer {api_token(base, username, pw)}"}
    consents = httpx.get(f"{base}/api/patients/{person}/consents", headers=own).json()
    if not any(c["organization_id"] == municipality and c["withdrawn_at"] is None for c in consents):
        r = httpx.post(
            f"{base}/api/patients/{person}/consents", json={"organization_id": municipality}, headers=own
        )
        assert r.status_code == 201, r.text
    return username, person, home_unit


def test_plan_from_draft_to_agreed_shared_with_the_municipality(
    browser: Browser, page: Page, live_server: str, demo_settings: Settings
) -> None:
    username, person, home_unit = _setup(live_server, demo_settings)
    log_in(page, COORDINATOR, demo_settings.demo_password)
    page.goto(f"/patients/{person}")
    page.locator("#care-plans-link").click()
    expect(page.get_by_role("heading", name="Ny vårdplan")).to_be_visible()
    page.get_by_label("Mål (ett per rad)").fill("Klara trappan hemma")
    page.get_by_label("Det som är viktigt för patienten (ett per rad)").fill("Mina barnbarn")
    page.get_by_role("button", name="Skapa plan").click()
    expect(page).to_have_url(re.compile(r"/planer/[0-9a-f-]{36}$"))
    plan_url = page.url
    expect(page.locator("#plan-state")).to_contain_text("Utkast")

    form = page.locator("#edit-plan")
    form.locator("input[name=new_participant_name]").fill("Distriktssköterskan")
    form.locator("select[name=new_participant_unit]").select_option(home_unit)
    form.locator("input[name=new_activity_what]").fill("Såromläggning i hemmet")
    form.locator("select[name=new_activity_unit]").select_option(home_unit)
    form.get_by_role("button", name="Spara en ny version").click()
    expect(page.get_by_role("status")).to_have_text("Sparat.")
    expect(page.locator("#plan-content")).to_contain_text("Distriktssköterskan")

    # a second tab still on version 2: the first proposes the plan (version 3), the second's save conflicts
    stale = page.context.new_page()
    stale.goto(plan_url)
    page.locator("#plan-status select[name=to]").select_option("proposed")
    page.locator("#plan-status").get_by_role("button", name="Ändra status").click()
    expect(page.locator("#plan-state")).to_contain_text("Föreslagen till patienten")
    stale.locator("#edit-plan textarea[name=needs]").fill("Behov skrivet i den gamla fliken")
    stale.locator("#edit-plan").get_by_role("button", name="Spara en ny version").click()
    expect(stale.locator("#plan-error")).to_contain_text("nyare version")
    expect(stale.locator("#plan-state")).to_contain_text("Föreslagen till patienten")
    expect(stale.locator("#edit-plan textarea[name=needs]")).to_have_value("Behov skrivet i den gamla fliken")
    stale.close()

    patient = browser.new_context(base_url=live_server, locale="sv-SE")
    p = patient.new_page()
    log_in(p, username, demo_settings.demo_password)
    p.locator("header.top").get_by_role("link", name="Min plan").click()
    card = p.locator(".plan").filter(has_text="Klara trappan hemma")
    card.get_by_label("Med dina egna ord").fill("Gå på dans igen")
    card.get_by_role("button", name="Lägg till").click()
    expect(p.get_by_role("status")).to_have_text("Sparat.")
    card = p.locator(".plan").filter(has_text="Klara trappan hemma")
    expect(card).to_contain_text("Gå på dans igen")
    card.get_by_role("button", name="Jag godkänner planen").click()
    expect(p.get_by_role("status")).to_have_text("Tack, din plan är godkänd.")
    patient.close()

    municipal = browser.new_context(base_url=live_server, locale="sv-SE")
    m = municipal.new_page()
    log_in(m, MUNICIPAL, demo_settings.demo_password)
    m.goto(plan_url)
    expect(m.locator("#plan-state")).to_contain_text("Godkänd av patienten")
    expect(m.locator("#plan-content")).to_contain_text("Gå på dans igen")
    municipal.close()
