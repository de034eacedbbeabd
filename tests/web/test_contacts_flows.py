"""Fixed contacts in a real browser over the demo region (which starts with realistic coverage: most listed
residents have a fast läkarkontakt, every unit has someone without one and a notice that failed): the unit
manager proposes, reviews, changes one row and confirms; the patient reads their own page; the manager
re-sends a failed notice. What the pages did is checked through the JSON API."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from naravard.config import Settings
from tests.web.conftest import api_token
from tests.web.test_flows import log_in

pytestmark = pytest.mark.browser

MANAGER = "chef.gavle"
PATIENT = "patient1"


def _api(base: str, username: str, password: str) -> httpx.Client:
    token = api_token(base, username, password)
    return httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"})


def test_the_manager_proposes_reviews_changes_one_row_and_confirms(
    page: Page, live_server: str, demo_settings: Settings
) -> None:
    log_in(page, MANAGER, demo_settings.demo_password)
    page.locator("header.top").get_by_role("link", name="Fasta kontakter").click()
    expect(page).to_have_url(re.compile(r"/enhet/kontakter$"))
    expect(page.get_by_role("heading", name=re.compile(r"^Utan fast läkarkontakt \([1-9]"))).to_be_visible()

    page.get_by_role("link", name="Föreslå fasta läkarkontakter för enheten").click()
    expect(page).to_have_url(re.compile(r"/enhet/kontakter/forslag$"))
    expect(page.get_by_role("heading", name=re.compile("Förslag på fasta läkarkontakter"))).to_be_visible()
    expect(page.locator("#effect")).to_contain_text("Andel med fast läkarkontakt")
    rows = page.locator("#proposal tbody tr")
    expect(rows.first).to_be_visible()
    count = rows.count()
    # every row proposes a doctor; change the first row's to another doctor of the unit
    first = rows.first
    person_id = first.get_attribute("data-person")
    select = first.locator("select")
    proposed = select.input_value()
    assert proposed
    doctors = [v for v in select.locator("option").evaluate_all("os => os.map(o => o.value)") if v]
    other = next((d for d in doctors if d != proposed), None)
    if other is None:  # a unit with one doctor: the change is "no doctor now"
        other = ""
    select.select_option(other)

    page.get_by_role("button", name="Bekräfta alla").click()
    expect(page).to_have_url(re.compile(r"/enhet/kontakter\?tilldelade=\d+$"))
    assigned = count - (other == "")
    expect(page.get_by_role("status")).to_have_text(f"Tilldelade: {assigned}")

    with _api(live_server, MANAGER, demo_settings.demo_password) as api:
        history = api.get(f"/api/contacts/persons/{person_id}")
        assert history.status_code == 200, history.text
        doctors_now = [c for c in history.json() if c["kind"] == "doctor" and c["active"]]
        if other:
            assert [c["practitioner_id"] for c in doctors_now] == [other]
            assert doctors_now[0]["reason"] == "unit_proposal"
        else:
            assert doctors_now == []
    page.get_by_role("link", name="Föreslå fasta läkarkontakter för enheten").click()
    expected = 1 if other == "" else 0  # only the row left without a doctor is proposed again
    expect(page.locator("#proposal tbody tr")).to_have_count(expected)


def test_the_patient_sees_their_fixed_doctor_and_the_history(
    page: Page, live_server: str, demo_settings: Settings
) -> None:
    with _api(live_server, PATIENT, demo_settings.demo_password) as api:
        mine = api.get("/api/contacts/mine").json()
    assert mine["doctor"] is not None  # the demo gives the portal accounts an informed fixed doctor
    log_in(page, PATIENT, demo_settings.demo_password)
    page.locator("header.top").get_by_role("link", name="Mina kontakter").click()
    expect(page).to_have_url(re.compile(r"/min/kontakter$"))
    expect(page.get_by_role("heading", name="Mina kontakter")).to_be_visible()
    expect(page.locator("#my-doctor")).to_contain_text(mine["doctor"]["practitioner_name"])
    expect(page.locator("#my-doctor")).to_contain_text(mine["doctor"]["unit_name"])
    expect(page.get_by_text(f"Listad på: {mine['listed_unit']}")).to_be_visible()
    history = page.locator("#history tbody tr")
    expect(history).to_have_count(len(mine["history"]))
    expect(history.filter(has_text=mine["doctor"]["practitioner_name"])).not_to_contain_text("ännu inte")


def test_the_manager_resends_a_failed_notice(page: Page, live_server: str, demo_settings: Settings) -> None:
    log_in(page, MANAGER, demo_settings.demo_password)
    page.goto("/enhet/kontakter")
    page.get_by_role("link", name="Ej levererade aviseringar").click()
    expect(page).to_have_url(re.compile(r"/enhet/kontakter/aviseringar$"))
    failed = page.locator("#notices tbody tr").filter(has_text="misslyckades")
    expect(failed.first).to_be_visible()
    before = failed.count()
    name = failed.first.locator("td").first.inner_text()

    failed.first.get_by_role("button", name="Skicka igen").click()
    expect(page).to_have_url(re.compile(r"/enhet/kontakter/aviseringar\?skickad=1$"))
    expect(page.get_by_role("status")).to_have_text("Aviseringen är köad igen.")
    expect(page.locator("#notices tbody tr").filter(has_text="misslyckades")).to_have_count(before - 1)
    again = page.locator("#notices tbody tr").filter(has_text=name).filter(has_text="väntar")
    expect(again.first).to_be_visible()
    expect(again.first.get_by_role("button", name="Skicka igen")).to_have_count(0)
