"""Issue 20: the authorization matrix of the administrator's pages and endpoints, on both databases. Only the
administrator passes; every other role (each care role, the analyst, the log reviewer, a patient) gets a 403
on every page and endpoint, and every refusal writes exactly one denied audit row by the caller and nothing
else."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from naravard.actor import Role
from naravard.audit.models import AuditEvent
from naravard.deps import SESSION_COOKIE
from tests import factories as f

OTHER_ROLES = [
    Role.CLINICIAN,
    Role.MUNICIPAL_STAFF,
    Role.UNIT_MANAGER,
    Role.ANALYST,
    Role.LOG_REVIEWER,
    Role.PATIENT,
]


@dataclass
class World:
    region_hsa: str
    region_org_number: str
    hc_hsa: str
    office_hsa: str
    org_id: str
    patient_identifier: str
    doc_membership: str
    block_id: str


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    path: str  # formatted with the World's fields
    page: bool  # a page (cookie and form CSRF) or the API (Bearer)
    body: Callable[[World], dict[str, Any]] | None = None
    admin_status: int = 200
    audited: bool = True  # for the administrator too (a blank form reads nothing)


CSV = "id,name,kind,organisation,municipality\nSE2321000198-MATRIX{n},Matris hc,health_centre,{org},2180\n"

ROUTES = [
    # accounts: users and assignments, unlocking
    Route("users", "GET", "/api/users", False),
    Route("user", "GET", "/api/users/doc", False),
    Route(
        "create user",
        "POST",
        "/api/users",
        False,
        lambda w: {
            "username": "ny.api",
            "display_name": "Ny Api",
            "password": "langt losenord",
            "role": "clinician",
            "unit_hsa_id": w.hc_hsa,
        },
        201,
    ),
    Route(
        "add assignment",
        "POST",
        "/api/users/doc/assignments",
        False,
        lambda w: {"role": "unit_manager", "unit_hsa_id": w.hc_hsa},
        201,
    ),
    Route("unlock", "POST", "/api/users/doc/unlock", False),
    Route("end assignment", "POST", "/api/users/doc/assignments/{doc_membership}/end", False),
    # organisations and units
    Route("organisations", "GET", "/api/organizations", False),
    Route("organisation", "GET", "/api/organizations/{region_hsa}", False),
    Route(
        "create organisation",
        "POST",
        "/api/organizations",
        False,
        lambda w: {
            "name": "Ny kommun",
            "kind": "municipality",
            "org_number": "212000-1111",
            "hsa_id": "SE2120001111-KN",
        },
        201,
    ),
    Route(
        "edit organisation",
        "PUT",
        "/api/organizations/{region_hsa}",
        False,
        lambda w: {
            "name": "Region Gävleborg",
            "kind": "region",
            "org_number": w.region_org_number,
            "hsa_id": w.region_hsa,
        },
    ),
    Route("units", "GET", "/api/units", False),
    Route("unit", "GET", "/api/units/{hc_hsa}", False),
    Route(
        "create unit",
        "POST",
        "/api/units",
        False,
        lambda w: {
            "name": "Ny enhet",
            "kind": "mobile_team",
            "hsa_id": "SE2321000198-NYTT",
            "organization": w.region_hsa,
            "municipality_code": "2180",
        },
        201,
    ),
    Route(
        "edit unit",
        "PUT",
        "/api/units/{hc_hsa}",
        False,
        lambda w: {
            "name": "Strand hälsocentral",
            "kind": "health_centre",
            "hsa_id": w.hc_hsa,
            "organization": w.region_hsa,
            "municipality_code": "2180",
        },
    ),
    Route(
        "import", "POST", "/api/units/import", False, lambda w: {"file": CSV.format(n=1, org=w.region_hsa)}
    ),
    # consent and blocks on the patient's written request
    Route(
        "consent on request",
        "POST",
        "/api/admin/consents",
        False,
        lambda w: {
            "identifier": w.patient_identifier,
            "organization_id": w.org_id,
            "given_by": "patient",
            "request_reference": "D-1",
            "reason": "Skriftlig begäran om samtycke",
        },
        201,
    ),
    Route(
        "block on request",
        "POST",
        "/api/admin/blocks",
        False,
        lambda w: {
            "identifier": w.patient_identifier,
            "given_by": "patient",
            "request_reference": "D-2",
            "reason": "Skriftlig begäran om spärr",
        },
        201,
    ),
    Route("on request", "GET", "/api/admin/on-request", False),
    Route("lift block", "POST", "/api/blocks/{block_id}/lift", False),
    # the pages
    Route("page: administration", "GET", "/admin", True),
    Route("page: users", "GET", "/admin/anvandare", True),
    Route("page: user", "GET", "/admin/anvandare/doc", True),
    Route(
        "page: create user",
        "POST",
        "/admin/anvandare",
        True,
        lambda w: {
            "username": "ny.sida",
            "display_name": "Ny Sida",
            "password": "langt losenord",
            "role": "analyst",
            "unit_hsa_id": w.office_hsa,
        },
        303,
    ),
    Route(
        "page: add assignment",
        "POST",
        "/admin/anvandare/doc/uppdrag",
        True,
        lambda w: {"role": "analyst", "unit_hsa_id": w.office_hsa},
        303,
    ),
    Route("page: unlock", "POST", "/admin/anvandare/doc/las-upp", True, lambda w: {}, 303),
    Route("page: organisations", "GET", "/admin/organisationer", True),
    Route("page: organisation", "GET", "/admin/organisationer/{region_hsa}", True),
    Route(
        "page: create organisation",
        "POST",
        "/admin/organisationer",
        True,
        lambda w: {
            "name": "Sidkommun",
            "kind": "municipality",
            "org_number": "212000-2222",
            "hsa_id": "SE2120002222-KN",
        },
        303,
    ),
    Route(
        "page: edit organisation",
        "POST",
        "/admin/organisationer/{region_hsa}",
        True,
        lambda w: {
            "name": "Region Gävleborg",
            "kind": "region",
            "org_number": w.region_org_number,
            "new_hsa_id": w.region_hsa,
        },
        303,
    ),
    Route("page: units", "GET", "/admin/enheter", True),
    Route("page: unit", "GET", "/admin/enheter/{hc_hsa}", True),
    Route(
        "page: create unit",
        "POST",
        "/admin/enheter",
        True,
        lambda w: {
            "name": "Sidenhet",
            "kind": "mobile_team",
            "hsa_id": "SE2321000198-SIDA",
            "organization": w.region_hsa,
            "municipality_code": "2180",
        },
        303,
    ),
    Route(
        "page: edit unit",
        "POST",
        "/admin/enheter/{hc_hsa}",
        True,
        lambda w: {
            "name": "Strand hälsocentral",
            "kind": "health_centre",
            "new_hsa_id": w.hc_hsa,
            "organization": w.region_hsa,
            "municipality_code": "2180",
        },
        303,
    ),
    Route("page: import", "GET", "/admin/enheter/import", True, audited=False),
    Route(
        "page: import a file",
        "POST",
        "/admin/enheter/import",
        True,
        lambda w: {"file": CSV.format(n=2, org=w.region_hsa)},
    ),
    Route("page: on request", "GET", "/admin/samtycken", True),
    Route(
        "page: consent on request",
        "POST",
        "/admin/samtycken/samtycke",
        True,
        lambda w: {
            "identifier": w.patient_identifier,
            "organization_id": w.org_id,
            "given_by": "guardian",
            "request_reference": "D-3",
            "reason": "Skriftlig begäran om samtycke",
        },
        303,
    ),
    Route(
        "page: block on request",
        "POST",
        "/admin/samtycken/sparr",
        True,
        lambda w: {
            "identifier": w.patient_identifier,
            "given_by": "patient",
            "request_reference": "D-4",
            "reason": "Skriftlig begäran om spärr",
        },
        303,
    ),
]


def _world(db: Session) -> tuple[World, dict[Role, f.LoggedIn], f.LoggedIn]:
    region = f.organization(db, name="Region Gävleborg")
    private = f.organization(db, name="Privat Vård AB", kind="private_provider")
    hc = f.unit(db, region, name="Strand hälsocentral")
    home = f.unit(db, region, name="Hemsjukvården", kind="home_health_care")
    office = f.unit(db, region, name="HS-förvaltningen", kind="administration")
    patient = f.person(db, listed_at=hc)
    doc = f.user(db, role=Role.CLINICIAN, at=hc, username="doc")
    block = f.block(db, patient, private)
    callers = {
        Role.CLINICIAN: f.user(db, role=Role.CLINICIAN, at=hc),
        Role.MUNICIPAL_STAFF: f.user(db, role=Role.MUNICIPAL_STAFF, at=home),
        Role.UNIT_MANAGER: f.user(db, role=Role.UNIT_MANAGER, at=hc),
        Role.ANALYST: f.user(db, role=Role.ANALYST, at=office),
        Role.LOG_REVIEWER: f.user(db, role=Role.LOG_REVIEWER, at=office),
        Role.PATIENT: f.user(db, role=Role.PATIENT, at=None, person_id=patient.id),
        Role.ADMINISTRATOR: f.user(db, role=Role.ADMINISTRATOR, at=office, username="admin"),
    }
    db.commit()
    world = World(
        region_hsa=region.hsa_id,
        region_org_number=region.org_number,
        hc_hsa=hc.hsa_id,
        office_hsa=office.hsa_id,
        org_id=str(private.id),
        patient_identifier=patient.identifier,
        doc_membership=str(doc.membership.id),
        block_id=str(block.id),
    )
    return world, callers, callers[Role.ADMINISTRATOR]


def _call(client: TestClient, route: Route, world: World, caller: f.LoggedIn) -> Response:
    path = route.path.format(**world.__dict__)
    body = route.body(world) if route.body else None
    files = None
    if body is not None and "file" in body:
        files = {"file": ("katalog.csv", body.pop("file").encode(), "text/csv")}
    if route.page:
        client.cookies.set(SESSION_COOKIE, caller.token)
        data = {**(body or {}), "csrf_token": caller.csrf} if route.method == "POST" else None
        try:
            return client.request(route.method, path, data=data, files=files, follow_redirects=False)
        finally:
            client.cookies.clear()
    if files is not None:
        return client.request(route.method, path, files=files, headers=caller.headers)
    return client.request(route.method, path, json=body, headers=caller.headers)


def _rows_by(db: Session, username: str) -> list[AuditEvent]:
    db.expire_all()
    return list(
        db.scalars(select(AuditEvent).where(AuditEvent.username == username).order_by(AuditEvent.seq))
    )


@pytest.mark.parametrize("role", OTHER_ROLES, ids=[r.value for r in OTHER_ROLES])
def test_every_other_role_is_refused_everywhere_with_an_audit_row(
    client: TestClient, db: Session, role: Role
) -> None:
    world, callers, _ = _world(db)
    caller = callers[role]
    wrong: list[str] = []
    for route in ROUTES:
        before = len(_rows_by(db, caller.user.username))
        r = _call(client, route, world, caller)
        rows = _rows_by(db, caller.user.username)[before:]
        if r.status_code != 403:
            wrong.append(f"{route.name}: {r.status_code} {r.text[:200]}")
        elif [(e.outcome, e.reason) for e in rows] != [("denied", "role_not_permitted")]:
            wrong.append(f"{route.name}: audit rows {[(e.action, e.outcome, e.reason) for e in rows]}")
    assert not wrong, "\n".join(wrong)


def test_the_administrator_passes_everywhere_and_is_audited(client: TestClient, db: Session) -> None:
    world, _, admin = _world(db)
    wrong: list[str] = []
    for route in ROUTES:
        before = len(_rows_by(db, "admin"))
        r = _call(client, route, world, admin)
        rows = _rows_by(db, "admin")[before:]
        if r.status_code != route.admin_status:
            wrong.append(f"{route.name}: {r.status_code} {r.text[:300]}")
        elif (route.audited and not rows) or any(e.outcome != "allowed" for e in rows):
            wrong.append(f"{route.name}: audit rows {[(e.action, e.outcome) for e in rows]}")
    assert not wrong, "\n".join(wrong)
