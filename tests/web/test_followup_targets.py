"""The targets form in a browser: an analyst adds a target of the region's own, edits it while someone else
changes it through the API, is told so, and saves again; deleting one asks first, on the page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from naravard import migrate
from naravard.actor import Role
from naravard.app import create_app
from naravard.config import Settings
from naravard.db import make_engine, make_session_factory
from tests import factories as f
from tests.integration.followup.targets_env import write_results
from tests.live import serve

pytestmark = pytest.mark.browser
KEY = "t" * 40


@pytest.fixture()
def analyst_page(browser: Browser, tmp_path: Path) -> Iterator[tuple[Page, str, str]]:
    """A page logged in as an analyst of a fresh database, the server's URL and the analyst's API token."""
    url = f"sqlite:///{tmp_path / 'targets.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with make_session_factory(engine, audit_key=KEY.encode(), expire_on_commit=True)() as db:
        login = f.user(db, role=Role.ANALYST, at=f.unit(db, f.organization(db)))
        db.commit()
    engine.dispose()
    settings = Settings(
        environment="test",
        audit_hmac_key=KEY,
        database_url=url,
        data_dir=tmp_path,
        results_dir=write_results(tmp_path / "results"),
    )  # type: ignore[call-arg]
    with serve(create_app(settings)) as base:
        context = browser.new_context(base_url=base, locale="sv-SE")
        context.add_cookies([{"name": "naravard_session", "value": login.token, "url": base}])
        context.set_default_timeout(10_000)
        yield context.new_page(), base, login.token
        context.close()


def test_add_then_edit_a_target_someone_else_changed(analyst_page: tuple[Page, str, str]) -> None:
    page, base, token = analyst_page
    page.goto("/followup")
    page.click("#targets-link")
    form = page.locator("#target-form")
    form.locator("select[name=indicator]").select_option("C_FLK")
    form.locator("select[name=scope_type]").select_option("municipality")
    form.locator("input[name=scope_id]").fill("2180")
    form.locator("input[name=value]").fill("0,6")
    form.locator("input[name=source]").fill("HSN 2026-03-12 § 4")
    form.locator("button[type=submit]").click()
    expect(page.locator(".flash.info")).to_have_text("Sparat.")
    row = page.locator("tr.fu-region")
    expect(row).to_contain_text("60,0 %")
    expect(row).to_contain_text("Kommun: Gävle")

    row.get_by_role("link", name="Ändra").click()
    page.locator("#target-form input[name=value]").fill("0,65")
    # meanwhile a colleague changes the same target
    headers = {"Authorization": f"Bearer {token}"}
    (mine,) = [t for t in httpx.get(f"{base}/api/followup/targets", headers=headers).json() if t["id"]]
    r = httpx.put(
        f"{base}/api/followup/targets/{mine['id']}",
        json={"value": 0.7, "source": "HSN 2026-05-01 § 3", "version": mine["version"]},
        headers=headers,
    )
    assert r.status_code == 200, r.text
    page.locator("#target-form button[type=submit]").click()
    expect(page.locator(".flash.error")).to_contain_text(
        "Någon annan har ändrat målet under tiden: nu 70,0 %"
    )
    expect(page.locator("#target-form input[name=value]")).to_have_value("0,65")
    page.locator("#target-form button[type=submit]").click()  # saved again, knowingly
    expect(page.locator(".flash.info")).to_have_text("Sparat.")
    expect(page.locator("tr.fu-region")).to_contain_text("65,0 %")


def test_delete_asks_first_without_a_javascript_dialog(analyst_page: tuple[Page, str, str]) -> None:
    """The list's "Ta bort" opens a confirmation on the page (no dialog to miss or to click away); "Avbryt"
    keeps the target, "Ja, ta bort" deletes it."""
    page, base, token = analyst_page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    r = httpx.post(
        f"{base}/api/followup/targets",
        json={"indicator": "C_FLK", "value": 0.6, "source": "HSN 2026-03-12 § 4"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 201, r.text
    page.goto("/followup/targets")
    page.locator("tr.fu-region").get_by_role("button", name="Ta bort").click()
    confirm = page.locator("#confirm-delete")
    expect(confirm).to_contain_text("Ta bort det här målet?")
    expect(confirm).to_contain_text("Därefter gäller i stället: 55,0 %")
    expect(page.locator("tr.fu-region")).to_have_count(1)  # asking deleted nothing
    confirm.get_by_role("link", name="Avbryt").click()
    expect(page.locator("#confirm-delete")).to_have_count(0)
    expect(page.locator("tr.fu-region")).to_have_count(1)
    page.locator("tr.fu-region").get_by_role("button", name="Ta bort").click()
    page.locator("#confirm-delete").get_by_role("button", name="Ja, ta bort").click()
    expect(page.locator(".flash.info")).to_have_text("Borttaget.")
    expect(page.locator("tr.fu-region")).to_have_count(0)
    assert dialogs == []
