"""Browser tests: a real uvicorn server over a fresh demo region, driven by Debian's Chromium.

One server per test session (per xdist worker), on a free loopback port. Patients for the flows are
chosen from the demo database (read-only) and confirmed through the JSON API, so a change in the
generator cannot silently turn a "no access" patient into an accessible one.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page

from naravard.app import create_app
from naravard.cli import prepare_demo
from naravard.config import Settings
from tests.live import serve

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CLINICIAN = "lakare.gavle"
LOG_REVIEWER = "logg"


@dataclass(frozen=True)
class DemoPatient:
    id: uuid.UUID
    name: str
    identifier: str  # as shown: YYYYMMDD-NNNN
    listed_unit: str


@dataclass(frozen=True)
class DemoPatients:
    mine: DemoPatient  # listed at the clinician's unit
    unrelated: DemoPatient  # listed elsewhere, no consent for the clinician's organisation


def _sqlite_path(settings: Settings) -> Path:
    return Path(settings.database_url.removeprefix("sqlite:///"))


@pytest.fixture(scope="session")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return prepare_demo(tmp_path_factory.mktemp("demo"), persons=400, seed=7)


@pytest.fixture(scope="session")
def live_server(demo_settings: Settings) -> Iterator[str]:
    with serve(create_app(demo_settings)) as base:
        yield base


def api_token(base: str, username: str, password: str) -> str:
    response = httpx.post(f"{base}/api/auth/login", json={"username": username, "password": password})
    response.raise_for_status()
    token: str = response.json()["token"]
    return token


# Active listing, not protected, personnummer; `where` narrows it down.
PATIENTS_SQL = """
SELECT p.id, p.given_name || ' ' || p.family_name, p.identifier, cu.name
FROM person p
JOIN listing l ON l.person_id = p.id AND l.end_date IS NULL
JOIN care_unit cu ON cu.id = l.unit_id
WHERE p.protected_identity = 0 AND p.identifier_kind = 'personnummer' AND {where}
ORDER BY p.identifier LIMIT 20
"""
# Listed at a health centre in another municipality, with no consent, care relationship, block or
# emergency access that would touch the clinician's unit or organisation.
UNRELATED_SQL = """
cu.kind = 'health_centre'
AND cu.municipality_code <> (SELECT municipality_code FROM care_unit WHERE id = :unit)
AND NOT EXISTS (SELECT 1 FROM consent c WHERE c.person_id = p.id AND c.organization_id = :org)
AND NOT EXISTS (SELECT 1 FROM care_relationship r WHERE r.person_id = p.id AND r.unit_id = :unit)
AND NOT EXISTS (SELECT 1 FROM access_block b WHERE b.person_id = p.id)
AND NOT EXISTS (SELECT 1 FROM emergency_access e WHERE e.person_id = p.id)
"""


def _format_identifier(raw: str) -> str:
    return f"{raw[:8]}-{raw[8:]}"


@pytest.fixture(scope="session")
def demo_patients(live_server: str, demo_settings: Settings) -> DemoPatients:
    """One patient the clinician may see and one without any relation, confirmed through the API."""
    db = sqlite3.connect(f"file:{_sqlite_path(demo_settings)}?mode=ro", uri=True)
    try:
        unit_id, org_id = db.execute(
            "SELECT m.unit_id, cu.organization_id FROM user_account u JOIN membership m ON m.user_id = u.id"
            " JOIN care_unit cu ON cu.id = m.unit_id WHERE u.username = ?",
            (CLINICIAN,),
        ).fetchone()
        mine = db.execute(PATIENTS_SQL.format(where="l.unit_id = :unit"), {"unit": unit_id}).fetchall()
        unrelated = db.execute(
            PATIENTS_SQL.format(where=UNRELATED_SQL), {"unit": unit_id, "org": org_id}
        ).fetchall()
    finally:
        db.close()

    token = api_token(live_server, CLINICIAN, demo_settings.demo_password)
    headers = {"Authorization": f"Bearer {token}"}

    def first_with_status(rows: list[tuple[str, str, str, str]], status: int) -> DemoPatient:
        for row_id, name, identifier, unit_name in rows:
            person_id = uuid.UUID(row_id)
            if httpx.get(f"{live_server}/api/patients/{person_id}", headers=headers).status_code == status:
                return DemoPatient(person_id, name, _format_identifier(identifier), unit_name)
        raise AssertionError(f"no demo patient answers {status} for {CLINICIAN}")

    return DemoPatients(mine=first_with_status(mine, 200), unrelated=first_with_status(unrelated, 403))


@pytest.fixture(scope="session")
def browser(shared_chromium: Browser) -> Browser:
    return shared_chromium


@pytest.fixture
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server, locale="sv-SE")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
