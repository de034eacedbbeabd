"""Chromium logs in through the local OpenID Connect provider (panva's oidc-provider): a clinician of the demo
region by the HSA-id of her practitioner, a patient of the demo region by personnummer. The app is the
demo region's, served a second time with the `NARAVARD_OIDC_*` settings pointing at the provider."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from naravard.app import create_app
from naravard.config import Settings
from tests.live import serve
from tests.oidc_live import PATIENT_CLAIM, STAFF_CLAIM, OidcProvider, oidc_provider
from tests.web.conftest import CLINICIAN

__all__ = ["oidc_provider"]  # the session fixture, used below

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def oidc_server(demo_settings: Settings, oidc_provider: OidcProvider) -> Iterator[str]:
    settings = demo_settings.model_copy(update=oidc_provider.settings())
    with serve(create_app(settings)) as base:
        yield base


@pytest.fixture(scope="module")
def demo_identities(demo_settings: Settings) -> tuple[str, tuple[str, str]]:
    """The clinician's HSA-id, and a demo patient account's (display name, personnummer)."""
    path = Path(demo_settings.database_url.removeprefix("sqlite:///"))
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (hsa_id,) = db.execute(
            "SELECT p.hsa_id FROM user_account u JOIN practitioner p ON p.id = u.practitioner_id"
            " WHERE u.username = ?",
            (CLINICIAN,),
        ).fetchone()
        name, identifier = db.execute(
            "SELECT u.display_name, p.identifier FROM user_account u JOIN person p ON p.id = u.person_id"
            " JOIN membership m ON m.user_id = u.id AND m.role = 'patient' ORDER BY u.username LIMIT 1"
        ).fetchone()
    finally:
        db.close()
    return hsa_id, (name, identifier)


def _log_in_at_the_provider(page: Page, login: str) -> None:
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any password")
    page.locator("button[type=submit]").click()


def test_staff_and_patient_log_in_through_the_identity_provider(
    shared_chromium: Browser,
    oidc_server: str,
    oidc_provider: OidcProvider,
    demo_identities: tuple[str, tuple[str, str]],
) -> None:
    hsa_id, (patient_name, personnummer) = demo_identities
    staff_login = oidc_provider.add_account("demo-clinician", {STAFF_CLAIM: hsa_id})
    patient_login = oidc_provider.add_account("demo-patient", {PATIENT_CLAIM: personnummer})

    for button, login, landing, name in [
        ("Personal: logga in med e-legitimation", staff_login, "/patients", None),
        ("Invånare: logga in med e-legitimation", patient_login, "/min/", patient_name),
    ]:
        context = shared_chromium.new_context(base_url=oidc_server, locale="sv-SE")
        context.set_default_timeout(10_000)
        page = context.new_page()
        try:
            page.goto("/login")
            page.get_by_role("link", name=button).click()
            page.wait_for_url(f"{oidc_provider.issuer}/**")
            _log_in_at_the_provider(page, login)
            page.wait_for_url(f"{oidc_server}{landing}**")
            header = page.locator("header .who").first
            expect(header).to_be_visible()
            if name:
                expect(header).to_contain_text(name)
            # the session is the platform's own: logging out ends it
            page.locator("header form[action='/logout'] button").click()
            page.wait_for_url(f"{oidc_server}/login**")
        finally:
            context.close()
