"""Issue 20: the administrator's users and assignments, organisations and care units, and consent and blocks
recorded on the patient's written request, through the API and the pages (the same service functions),
each write audit-logged."""

from __future__ import annotations

import json
import re
import uuid
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from naravard.accounts.models import LoginSession, Membership, User
from naravard.actor import Role
from naravard.audit.models import AuditEvent
from naravard.consent.models import Block, Consent
from naravard.db import utcnow
from naravard.deps import SESSION_COOKIE
from naravard.organizations.models import CareUnit, Organization
from tests import factories as f


def _world(db: Session) -> dict[str, Any]:
    region = f.organization(db, name="Region Gävleborg")
    hc = f.unit(db, region, name="Strand hälsocentral")
    office = f.unit(db, region, name="HS-förvaltningen", kind="administration")
    private = f.organization(db, name="Privat Vård AB", kind="private_provider")
    w = dict(
        region=region,
        hc=hc,
        office=office,
        private=private,
        admin=f.user(db, role=Role.ADMINISTRATOR, at=office, username="admin"),
        doc=f.user(db, role=Role.CLINICIAN, at=hc, username="doc"),
        patient=f.person(db, listed_at=hc),
    )
    db.commit()
    return w


def _events(db: Session, action: str) -> list[AuditEvent]:
    db.expire_all()
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))


def _detail(event: AuditEvent) -> Any:
    return json.loads(event.detail or "null")


def test_users_create_assign_end_and_unlock(client: TestClient, db: Session) -> None:
    w = _world(db)
    h = w["admin"].headers
    new = {
        "username": "Ny.Lakare",
        "display_name": "Ny Läkare",
        "password": "ett langt losenord",
        "role": "clinician",
        "unit_hsa_id": w["hc"].hsa_id,
    }
    r = client.post("/api/users", json=new, headers=h)
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["username"] == "ny.lakare" and created["locked"] is False
    (a,) = created["assignments"]
    assert (a["role"], a["purpose"], a["unit_name"], a["is_active"]) == (
        "clinician",
        "care",
        "Strand hälsocentral",
        True,
    )
    assert client.post("/api/users", json=new, headers=h).status_code == 422  # the username is taken
    bad_role = client.post("/api/users", json={**new, "username": "x1", "role": "system"}, headers=h)
    assert bad_role.status_code == 422 and "role" in bad_role.text
    bad_unit = client.post("/api/users", json={**new, "username": "x2", "unit_hsa_id": "SE0"}, headers=h)
    assert bad_unit.status_code == 422 and "unit_hsa_id" in bad_unit.text
    # the new user logs in
    assert (
        client.post(
            "/api/auth/login", json={"username": "ny.lakare", "password": new["password"]}
        ).status_code
        == 200
    )
    # a second assignment at the administration as analyst; the same again is a conflict
    body = {"role": "analyst", "unit_hsa_id": w["office"].hsa_id}
    r = client.post("/api/users/ny.lakare/assignments", json=body, headers=h)
    assert r.status_code == 201
    assert {(x["role"], x["purpose"]) for x in r.json()["assignments"]} == {
        ("clinician", "care"),
        ("analyst", "followup"),
    }
    assert client.post("/api/users/ny.lakare/assignments", json=body, headers=h).status_code == 409
    # ending the clinician assignment ends the sessions acting for it
    clinician = next(x for x in r.json()["assignments"] if x["role"] == "clinician")
    ended = client.post(f"/api/users/ny.lakare/assignments/{clinician['id']}/end", headers=h)
    assert ended.status_code == 200
    assert {x["role"]: x["is_active"] for x in ended.json()["assignments"]} == {
        "clinician": False,
        "analyst": True,
    }
    db.expire_all()
    user = db.scalar(select(User).where(User.username == "ny.lakare"))
    assert user is not None
    open_sessions = db.scalars(
        select(LoginSession).where(
            LoginSession.membership_id == uuid.UUID(clinician["id"]), LoginSession.revoked_at.is_(None)
        )
    ).all()
    assert open_sessions == []
    assert (
        client.post(f"/api/users/ny.lakare/assignments/{clinician['id']}/end", headers=h).status_code == 409
    )
    # an administrator does not end their own assignment
    own = w["admin"].membership.id
    assert client.post(f"/api/users/admin/assignments/{own}/end", headers=h).status_code == 422
    # lock state shown, unlock through the same service as `naravard users unlock`
    db.execute(
        update(User)
        .where(User.username == "doc")
        .values(failed_logins=7, locked_until=utcnow() + timedelta(minutes=5))
    )
    db.commit()
    locked = client.get("/api/users", params={"locked": "true"}, headers=h).json()
    assert [u["username"] for u in locked] == ["doc"] and locked[0]["locked"] is True
    assert client.post("/api/users/doc/unlock", headers=h).json()["was_locked"] is True
    assert client.get("/api/users/doc", headers=h).json()["locked"] is False
    # the search finds by username or name; patients' own accounts are not listed
    f.user(db, role=Role.PATIENT, at=None, person_id=w["patient"].id, username="patient1")
    db.commit()
    names = [u["username"] for u in client.get("/api/users", params={"q": "Ä"}, headers=h).json()]
    assert names == ["ny.lakare"]
    assert "patient1" not in [u["username"] for u in client.get("/api/users", headers=h).json()]
    assert client.get("/api/users/patient1", headers=h).status_code == 404
    for action, n in (
        ("accounts:user:create", 1),
        ("accounts:membership:add", 1),
        ("accounts:membership:end", 1),
        ("accounts:user:unlock", 1),
    ):
        assert len(_events(db, action)) == n, action
    assert _detail(_events(db, "accounts:membership:end")[0])["sessions_revoked"] == 1


def test_organisations_and_units_create_and_edit(client: TestClient, db: Session) -> None:
    w = _world(db)
    h = w["admin"].headers
    org = {
        "name": "Kommun Test",
        "kind": "municipality",
        "org_number": "212000-9999",
        "hsa_id": "SE2120009999-KN",
        "municipality_code": "2180",
    }
    assert client.post("/api/organizations", json=org, headers=h).status_code == 201
    assert client.post("/api/organizations", json=org, headers=h).status_code == 409
    bad = client.post(
        "/api/organizations", json={**org, "org_number": "12-3", "hsa_id": "SE2120009998-KN"}, headers=h
    )
    assert bad.status_code == 422 and "org_number" in bad.text
    r = client.put("/api/organizations/SE2120009999-KN", json={**org, "name": "Testby kommun"}, headers=h)
    assert r.status_code == 200 and r.json()["name"] == "Testby kommun"
    unit = {
        "name": "Testby hemsjukvård",
        "kind": "home_health_care",
        "hsa_id": "SE2120009999-HS1",
        "organization": "212000-9999",
        "municipality_code": "2180",
    }
    r = client.post("/api/units", json=unit, headers=h)
    assert r.status_code == 201 and r.json()["organization_name"] == "Testby kommun"
    assert client.post("/api/units", json=unit, headers=h).status_code == 409
    bad = client.post("/api/units", json={**unit, "hsa_id": "SE2120009999-HS2", "kind": "castle"}, headers=h)
    assert bad.status_code == 422 and "kind" in bad.text
    r = client.put(
        "/api/units/SE2120009999-HS1", json={**unit, "name": "Testby hemsjukvård norra"}, headers=h
    )
    assert r.status_code == 200
    assert [u["name"] for u in client.get("/api/units", params={"q": "hs1"}, headers=h).json()] == [
        "Testby hemsjukvård norra"
    ]
    assert client.get("/api/units/SE0000000000-NO", headers=h).status_code == 404
    db.expire_all()
    row = db.scalar(select(CareUnit).where(CareUnit.hsa_id == "SE2120009999-HS1"))
    assert row is not None and row.name == "Testby hemsjukvård norra"
    assert (
        db.scalar(select(Organization.name).where(Organization.hsa_id == "SE2120009999-KN"))
        == "Testby kommun"
    )
    update_row = _events(db, "organizations:care_unit:update")[0]
    assert _detail(update_row)["before"]["name"] == "Testby hemsjukvård"
    for action in (
        "organizations:organization:create",
        "organizations:organization:update",
        "organizations:care_unit:create",
    ):
        assert len(_events(db, action)) == 1, action


def test_consent_and_block_on_a_written_request(client: TestClient, db: Session) -> None:
    w = _world(db)
    h = w["admin"].headers
    ident = w["patient"].identifier
    consent = {
        "identifier": ident,
        "organization_id": str(w["private"].id),
        "given_by": "guardian",
        "request_reference": "HSF 2026/1234",
        "reason": "Skriftlig begäran om samtycke för Privat Vård AB",
    }
    r = client.post("/api/admin/consents", json=consent, headers=h)
    assert r.status_code == 201, r.text
    out = r.json()
    assert (out["method"], out["given_by"], out["flagged"], out["request_reference"]) == (
        "written",
        "guardian",
        True,
        "HSF 2026/1234",
    )
    # no reference, or no words for the request: refused, nothing written
    assert (
        client.post("/api/admin/consents", json={**consent, "request_reference": " "}, headers=h).status_code
        == 422
    )
    short = client.post("/api/admin/consents", json={**consent, "reason": "ok"}, headers=h)
    assert short.status_code == 422 and "reason" in short.text
    assert client.post(
        "/api/admin/consents", json={**consent, "identifier": "191212121299"}, headers=h
    ).status_code in (404, 422)
    # the log reviewer's queue holds it; the patient sees it with its reference
    reviewer = f.user(db, role=Role.LOG_REVIEWER, at=w["office"])
    me = f.user(db, role=Role.PATIENT, at=None, person_id=w["patient"].id)
    db.commit()
    flagged = client.get("/api/consents/flagged", headers=reviewer.headers).json()
    assert [c["request_reference"] for c in flagged] == ["HSF 2026/1234"]
    mine = client.get(f"/api/patients/{w['patient'].id}/consents", headers=me.headers).json()
    assert [(c["recorded_by"], c["request_reference"]) for c in mine] == [("admin", "HSF 2026/1234")]
    client.cookies.set(SESSION_COOKIE, me.token)
    own_page = client.get("/min/samtycken")
    client.cookies.clear()
    assert "På din skriftliga begäran HSF 2026/1234" in own_page.text
    # a block for one organisation on request
    block = {
        "identifier": ident,
        "blocked_organization_id": str(w["private"].id),
        "given_by": "patient",
        "request_reference": "HSF 2026/1300",
        "reason": "Patienten begär spärr mot Privat Vård AB",
    }
    r = client.post("/api/admin/blocks", json=block, headers=h)
    assert r.status_code == 201, r.text
    db.expire_all()
    row = db.scalar(select(Block).where(Block.request_reference == "HSF 2026/1300"))
    assert row is not None and (row.given_by, row.recorded_by) == ("patient", "admin")
    listed = client.get("/api/admin/on-request", headers=h).json()
    assert [(x["kind"], x["request_reference"]) for x in listed] == [
        ("block", "HSF 2026/1300"),
        ("consent", "HSF 2026/1234"),
    ]
    assert "identifier" not in listed[0] and ident not in json.dumps(listed)
    (event,) = _events(db, "consent:consent:record-on-request")
    assert event.patient_id == w["patient"].id and event.reason == "written_request"
    assert _detail(event)["request_reference"] == "HSF 2026/1234"
    assert len(_events(db, "consent:block:add-on-request")) == 1
    assert (
        db.scalar(select(Consent.note).where(Consent.request_reference == "HSF 2026/1234"))
        == consent["reason"]
    )


def test_the_pages_call_the_same_services(client: TestClient, db: Session) -> None:
    w = _world(db)
    login = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', login.text)
    assert token is not None
    r = client.post(
        "/login",
        data={"username": "admin", "password": f.password(), "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/admin"
    home = client.get("/admin")
    assert home.status_code == 200 and "Administration" in home.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', home.text)
    assert csrf is not None
    c = csrf.group(1)
    # create a unit through the page: the redirect, and the audit row the API would write
    r = client.post(
        "/admin/enheter",
        data={
            "csrf_token": c,
            "name": "Sidans hälsocentral",
            "kind": "health_centre",
            "hsa_id": "SE2321000198-SIDA",
            "organization": w["region"].hsa_id,
            "municipality_code": "2180",
            "accepts_listing": "1",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert len(_events(db, "organizations:care_unit:create")) == 1
    # a bad value shows the page again in Swedish, with what was typed
    r = client.post(
        "/admin/enheter",
        data={
            "csrf_token": c,
            "name": "Fel",
            "kind": "health_centre",
            "hsa_id": "fel",
            "organization": w["region"].hsa_id,
            "municipality_code": "2180",
        },
    )
    assert r.status_code == 422 and "ett HSA-id är SE" in r.text and 'value="fel"' in r.text
    # users page: create, then unlock through the page
    r = client.post(
        "/admin/anvandare",
        data={
            "csrf_token": c,
            "username": "sida",
            "display_name": "Sida Test",
            "password": "langt nog 123",
            "role": "clinician",
            "unit_hsa_id": w["hc"].hsa_id,
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/admin/anvandare/sida")
    db.execute(
        update(User)
        .where(User.username == "sida")
        .values(failed_logins=5, locked_until=utcnow() + timedelta(minutes=1))
    )
    db.commit()
    page = client.get("/admin/anvandare/sida")
    assert "Låst" in page.text and "Lås upp kontot" in page.text
    r = client.post("/admin/anvandare/sida/las-upp", data={"csrf_token": c}, follow_redirects=True)
    assert r.status_code == 200 and "Kontot är upplåst." in r.text and "Inte låst" in r.text
    assert _detail(_events(db, "accounts:user:unlock")[0])["was_locked"] is True
    # consent on request through the page
    r = client.post(
        "/admin/samtycken/samtycke",
        data={
            "csrf_token": c,
            "identifier": w["patient"].identifier,
            "organization_id": str(w["private"].id),
            "given_by": "patient",
            "request_reference": "D-1",
            "reason": "Skriftlig begäran inkom per post",
        },
        follow_redirects=True,
    )
    assert r.status_code == 200 and "Samtycket är registrerat." in r.text and "D-1" in r.text
    assert w["patient"].identifier not in r.text
    memberships = db.scalars(select(Membership).join(User).where(User.username == "sida")).all()
    assert len(memberships) == 1
