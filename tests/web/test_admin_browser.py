"""Issue 20 in a real browser: the administrator imports the region's unit catalogue, sees the bad row listed
with nothing imported, fixes the file and imports it; then creates a user at a new unit, and unlocks the
account after it was locked by wrong passwords."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from naravard.config import Settings
from naravard.reference import REGION_HSA
from tests.web.test_flows import log_in

pytestmark = pytest.mark.browser

HEADER = "id,name,kind,organisation,municipality\n"
ORG = f"{REGION_HSA}-RG"


def _upload(page: Page, content: str, *, good_rows_only: bool = False) -> None:
    page.goto("/admin/enheter/import")
    page.locator("input[name=file]").set_input_files(
        files=[{"name": "katalog.csv", "mimeType": "text/csv", "buffer": content.encode()}]
    )
    if good_rows_only:
        page.get_by_label("Importera de korrekta raderna", exact=False).check()
    page.get_by_role("button", name="Kontrollera och importera").click()


def test_admin_imports_the_catalogue_and_unlocks_a_user(
    page: Page, live_server: str, demo_settings: Settings
) -> None:
    log_in(page, "admin", demo_settings.demo_password)
    expect(page).to_have_url(f"{live_server}/admin")
    expect(page.get_by_role("heading", name="Administration")).to_be_visible()

    # a file with a bad row (an unknown kind): listed by row, field and rule; nothing imported
    good = f"{REGION_HSA}-BRW1,Webbtest hälsocentral,health_centre,{ORG},2180\n"
    bad = f"{REGION_HSA}-BRW2,Webbtest team,slott,{ORG},2180\n"
    _upload(page, HEADER + good + bad)
    expect(page.locator("#import-result")).to_contain_text("Ingenting importerades.")
    problems = page.locator("#problems tbody tr")
    expect(problems).to_have_count(1)
    expect(problems.first).to_contain_text("3")
    expect(problems.first).to_contain_text("typ")
    expect(problems.first).to_contain_text("okänd typ av enhet")
    page.goto("/admin/enheter?q=BRW")
    expect(page.locator("#units tbody tr")).to_have_count(0)

    # fixed, and imported: both units in the register
    fixed = bad.replace("slott", "mobile_team")
    _upload(page, HEADER + good + fixed)
    expect(page.locator("#import-result")).to_contain_text("Importerat.")
    expect(page.locator("#import-result")).to_contain_text("Nya enheter: 2")
    page.goto("/admin/enheter?q=BRW")
    expect(page.locator("#units tbody tr")).to_have_count(2)
    expect(page.locator("#units")).to_contain_text("mobilt team")

    # a new user at the imported unit
    page.goto("/admin/anvandare")
    form = page.locator("#new-user")
    form.get_by_label("Användarnamn").fill("webbtest.ssk")
    form.get_by_label("Namn", exact=True).fill("Webb Testsköterska")
    form.get_by_label("Första lösenord", exact=False).fill("ett bra losenord 1")
    form.get_by_label("Roll").select_option("clinician")
    form.get_by_label("Enhet (HSA-id)").fill(f"{REGION_HSA}-BRW1")
    form.get_by_role("button", name="Skapa").click()
    expect(page.locator("#assignments")).to_contain_text("Webbtest hälsocentral")
    expect(page.locator("#assignments")).to_contain_text("Vård och behandling")

    # five wrong passwords lock it; the administrator sees the lock and lifts it
    for _ in range(5):
        r = httpx.post(
            f"{live_server}/api/auth/login", json={"username": "webbtest.ssk", "password": "fel fel fel"}
        )
        assert r.status_code == 401
    page.goto("/admin")
    expect(page.locator("#locked")).to_contain_text("webbtest.ssk")
    page.locator("#locked").get_by_role("link").filter(has_text="webbtest.ssk").click()
    expect(page.locator("#lock-state")).to_contain_text("Låst")
    page.get_by_role("button", name="Lås upp kontot").click()
    expect(page.get_by_role("status")).to_contain_text("Kontot är upplåst.")
    expect(page.locator("#lock-state")).to_contain_text("Inte låst")
    r = httpx.post(
        f"{live_server}/api/auth/login", json={"username": "webbtest.ssk", "password": "ett bra losenord 1"}
    )
    assert r.status_code == 200
