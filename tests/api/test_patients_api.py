"""The patient routes end to end through the API: search, overview, versioned edits, emergency access,
the patient's own access log, the log reviewer's search, and clear 4xx answers to bad input."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from naravard.actor import Role
from naravard.audit.models import AuditEvent
from naravard.patients.identity import format_identifier
from naravard.patients.models import Person
from tests import factories as f


def _world(db: Session) -> dict[str, object]:
    region = f.organization(db, name="Region Gävleborg")
    private = f.organization(db, name="Privat Vård AB", kind="private_provider")
    hc = f.unit(db, region, name="Strand hälsocentral")
    other = f.unit(db, private, name="Privat hälsocentral")
    admin_unit = f.unit(db, region, name="HS-förvaltningen", kind="administration")
    mine = f.person(db, listed_at=hc, given="Astrid", family="Lindgrenova")
    stranger = f.person(db, listed_at=other, given="Astrid", family="Lindgrensson")
    hidden = f.person(db, listed_at=hc, given="Astrid", family="Lindgrenhemlig", protected=True)
    doctor = f.user(db, role=Role.CLINICIAN, at=hc, username="doc")
    reviewer = f.user(db, role=Role.LOG_REVIEWER, at=admin_unit, username="reviewer")
    patient_user = f.user(db, role=Role.PATIENT, at=None, person_id=mine.id, username="astrid")
    db.commit()
    return dict(
        hc=hc,
        mine=mine,
        stranger=stranger,
        hidden=hidden,
        doctor=doctor,
        reviewer=reviewer,
        patient=patient_user,
    )


def test_login_with_password_and_me(client: TestClient, db: Session) -> None:
    w = _world(db)
    bad = client.post("/api/auth/login", json={"username": "doc", "password": "wrong"})
    assert bad.status_code == 401 and bad.json()["title"] == "unauthenticated"
    ok = client.post("/api/auth/login", json={"username": "DOC", "password": f.password()})
    assert ok.status_code == 200, ok.text
    token = ok.json()["token"]
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["role"] == "clinician" and me["unit_name"] == "Strand hälsocentral"
    assert me["organization_name"] == "Region Gävleborg" and me["purpose"] == "care"
    assert w["doctor"] is not None


def test_unauthenticated_is_401(client: TestClient) -> None:
    r = client.get(f"/api/patients/{uuid.uuid4()}")
    assert r.status_code == 401 and r.json()["detail"]


def test_search_by_personnummer_and_name(client: TestClient, db: Session) -> None:
    w = _world(db)
    h = w["doctor"].headers  # type: ignore[attr-defined]
    mine: Person = w["mine"]  # type: ignore[assignment]
    stranger: Person = w["stranger"]  # type: ignore[assignment]
    by_number = client.get(
        "/api/patients", params={"q": format_identifier(mine.identifier)}, headers=h
    ).json()
    assert [hit["id"] for hit in by_number] == [str(mine.id)] and by_number[0]["accessible"]
    # A 10-digit form with the separator finds the same person.
    short = mine.identifier[2:8] + "-" + mine.identifier[8:]
    assert client.get("/api/patients", params={"q": short}, headers=h).json()[0]["id"] == str(mine.id)
    # By name only the patients the clinician may see; protected identities never by name.
    names = {
        hit["id"] for hit in client.get("/api/patients", params={"q": "astrid lindgren"}, headers=h).json()
    }
    assert names == {str(mine.id)}
    # The identity lookup of someone else's patient shows the person, marked not accessible.
    other = client.get(
        "/api/patients", params={"q": format_identifier(stranger.identifier)}, headers=h
    ).json()
    assert other[0]["accessible"] is False
    searched = db.scalars(select(AuditEvent).where(AuditEvent.action == "patient:search")).all()
    assert {e.patient_id for e in searched} == {mine.id, stranger.id}


def test_protected_identity_lookup_is_masked_and_address_hidden(client: TestClient, db: Session) -> None:
    w = _world(db)
    h = w["doctor"].headers  # type: ignore[attr-defined]
    hidden: Person = w["hidden"]  # type: ignore[assignment]
    overview = client.get(f"/api/patients/{hidden.id}", headers=h).json()
    assert overview["protected_identity"] and overview["address"] is None and overview["municipality"] is None


def test_overview_fields_and_etag(client: TestClient, db: Session) -> None:
    w = _world(db)
    mine: Person = w["mine"]  # type: ignore[assignment]
    r = client.get(f"/api/patients/{mine.id}", headers=w["doctor"].headers)  # type: ignore[attr-defined]
    body = r.json()
    assert r.status_code == 200 and r.headers["ETag"] == 'W/"1"'
    assert body["identifier"] == format_identifier(mine.identifier)
    assert body["identifier_system"] == "http://electronichealth.se/identifier/personnummer"
    assert (
        body["listing"]["unit_name"] == "Strand hälsocentral" and body["access_basis"] == "care_relationship"
    )
    assert r.headers["Cache-Control"] == "no-store"


def test_versioned_edit_refuses_a_stale_version(client: TestClient, db: Session) -> None:
    w = _world(db)
    h = w["doctor"].headers  # type: ignore[attr-defined]
    url = f"/api/patients/{w['mine'].id}"  # type: ignore[attr-defined]
    first = client.patch(url, json={"phone": "070-111 11 11"}, headers={**h, "If-Match": 'W/"1"'})
    assert first.status_code == 200 and first.headers["ETag"] == 'W/"2"'
    stale = client.patch(url, json={"phone": "070-222 22 22"}, headers={**h, "If-Match": 'W/"1"'})
    assert stale.status_code == 412 and "changed by someone else" in stale.json()["detail"]
    assert client.get(url, headers=h).json()["phone"] == "070-111 11 11"


def test_bad_input_is_a_clear_4xx(client: TestClient, db: Session) -> None:
    w = _world(db)
    h = w["doctor"].headers  # type: ignore[attr-defined]
    url = f"/api/patients/{w['mine'].id}"  # type: ignore[attr-defined]
    checksum = client.get("/api/patients", params={"q": "19121212-1213"}, headers=h)
    assert checksum.status_code == 422 and "check digit" in checksum.json()["detail"]
    bad_date = client.get("/api/patients", params={"q": "19121312-1212"}, headers=h)
    assert bad_date.status_code == 422 and "date" in bad_date.json()["detail"]
    assert client.get(f"/api/patients/{uuid.uuid4()}", headers=h).status_code == 404
    not_uuid = client.get("/api/patients/not-a-uuid", headers=h)
    assert not_uuid.status_code == 422 and "person_id" in not_uuid.json()["detail"]
    malformed = client.patch(url, content=b'{"phone": ', headers={**h, "Content-Type": "application/json"})
    assert malformed.status_code == 422 and malformed.json()["errors"]
    too_long = client.patch(url, json={"email": "a" * 300 + "@x.se"}, headers=h)
    assert too_long.status_code == 422 and "email" in too_long.json()["detail"]
    unknown_field = client.patch(url, json={"family_name": "Hacker"}, headers=h)
    assert unknown_field.status_code == 422
    bad_if_match = client.patch(url, json={"phone": "070-1"}, headers={**h, "If-Match": "banana"})
    assert bad_if_match.status_code == 422
    long_query = client.get("/api/patients", params={"q": "x" * 101}, headers=h)
    assert long_query.status_code == 422
    # Nothing half-written: the person is unchanged.
    assert client.get(url, headers=h).json()["version"] == 1


def test_emergency_access_flow_is_flagged_and_reviewed(client: TestClient, db: Session) -> None:
    w = _world(db)
    h = w["doctor"].headers  # type: ignore[attr-defined]
    stranger: Person = w["stranger"]  # type: ignore[assignment]
    url = f"/api/patients/{stranger.id}"
    assert client.get(url, headers=h).status_code == 403
    short = client.post(f"{url}/emergency-access", json={"reason": "akut"}, headers=h)
    assert short.status_code == 422
    opened = client.post(
        f"{url}/emergency-access", json={"reason": "Medvetslös patient på akuten"}, headers=h
    )
    assert opened.status_code == 201, opened.text
    read = client.get(url, headers=h)
    assert read.status_code == 200 and read.json()["access_basis"] == "emergency"
    assert client.patch(url, json={"phone": "070-1234567"}, headers=h).status_code == 403
    rows = db.scalars(
        select(AuditEvent).where(AuditEvent.patient_id == stranger.id).order_by(AuditEvent.seq)
    ).all()
    assert [(r.action, r.outcome) for r in rows] == [
        ("patient:overview:read", "denied"),
        ("patient:emergency-access:open", "emergency"),
        ("patient:overview:read", "emergency"),
        ("patient:contact:update", "denied"),
    ]
    assert rows[2].purpose == "emergency"
    rh = w["reviewer"].headers  # type: ignore[attr-defined]
    pending = client.get("/api/emergency-accesses", headers=rh).json()
    assert [p["person_id"] for p in pending] == [str(stranger.id)]
    assert client.get("/api/emergency-accesses", headers=h).status_code == 403
    done = client.post(f"/api/emergency-accesses/{pending[0]['id']}/review", json={"note": "ok"}, headers=rh)
    assert done.status_code == 200 and done.json()["reviewed_by"] == "reviewer"
    assert client.get("/api/emergency-accesses", headers=rh).json() == []


def test_patient_sees_who_read_their_data(client: TestClient, db: Session) -> None:
    w = _world(db)
    mine: Person = w["mine"]  # type: ignore[assignment]
    client.get(f"/api/patients/{mine.id}", headers=w["doctor"].headers)  # type: ignore[attr-defined]
    ph = w["patient"].headers  # type: ignore[attr-defined]
    log = client.get(f"/api/patients/{mine.id}/access-log", headers=ph)
    assert log.status_code == 200, log.text
    entries = log.json()
    assert [(e["who"], e["unit"], e["action"]) for e in entries] == [
        ("doc", "Strand hälsocentral", "patient:overview:read")
    ]
    other = client.get(f"/api/patients/{w['stranger'].id}/access-log", headers=ph)  # type: ignore[attr-defined]
    assert other.status_code == 403


def test_log_reviewer_filters_the_audit_log(client: TestClient, db: Session) -> None:
    w = _world(db)
    mine: Person = w["mine"]  # type: ignore[assignment]
    client.get(f"/api/patients/{mine.id}", headers=w["doctor"].headers)  # type: ignore[attr-defined]
    rh = w["reviewer"].headers  # type: ignore[attr-defined]
    page = client.get("/api/audit/events", params={"patient_id": str(mine.id)}, headers=rh).json()
    assert page["total"] == 1 and page["events"][0]["username"] == "doc"
    by_user = client.get("/api/audit/events", params={"username": "doc"}, headers=rh).json()
    assert by_user["total"] >= 1
    by_unit = client.get("/api/audit/events", params={"unit_id": str(w["hc"].id)}, headers=rh).json()  # type: ignore[attr-defined]
    assert all(e["unit_id"] == str(w["hc"].id) for e in by_unit["events"])  # type: ignore[attr-defined]
    future = client.get("/api/audit/events", params={"since": "2999-01-01T00:00:00"}, headers=rh).json()
    assert future["total"] == 0
    assert client.get("/api/audit/events", headers=w["doctor"].headers).status_code == 403  # type: ignore[attr-defined]
    assert db.scalars(select(AuditEvent).where(AuditEvent.action == "audit:log:read")).first() is not None


def test_cookie_writes_need_the_csrf_token(client: TestClient, db: Session) -> None:
    w = _world(db)
    doc = w["doctor"]
    client.cookies.set("naravard_session", doc.token)  # type: ignore[attr-defined]
    url = f"/api/patients/{w['mine'].id}"  # type: ignore[attr-defined]
    assert client.get(url).status_code == 200
    refused = client.patch(url, json={"phone": "070-1234567"})
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    ok = client.patch(url, json={"phone": "070-1234567"}, headers={"X-CSRF-Token": doc.csrf})  # type: ignore[attr-defined]
    assert ok.status_code == 200


def test_openapi_document(client: TestClient) -> None:
    doc = client.get("/api/openapi.json").json()
    assert "/api/patients/{person_id}" in doc["paths"] and "/api/auth/login" in doc["paths"]
    assert "/api/audit/events" in doc["paths"]


def test_switch_assignment(client: TestClient, db: Session) -> None:
    from naravard.accounts.models import Membership

    w = _world(db)
    doc = w["doctor"]
    other_unit = f.unit(
        db,
        f.organization(db, name="Hudiksvall kommun", kind="municipality"),
        name="Hemsjukvård Hudiksvall",
        kind="home_health_care",
    )
    second = Membership(user_id=doc.user.id, unit_id=other_unit.id, role="municipal_staff")  # type: ignore[attr-defined]
    db.add(second)
    db.commit()
    me = client.post("/api/auth/switch", json={"membership_id": str(second.id)}, headers=doc.headers)  # type: ignore[attr-defined]
    assert me.status_code == 200 and me.json()["unit_name"] == "Hemsjukvård Hudiksvall"
    assert me.json()["role"] == "municipal_staff"
    # Now acting for the home care unit, the health centre's patient is out of reach.
    mine = w["mine"]
    assert client.get(f"/api/patients/{mine.id}", headers=doc.headers).status_code == 403  # type: ignore[attr-defined]
    bad = client.post("/api/auth/switch", json={"membership_id": str(uuid.uuid4())}, headers=doc.headers)  # type: ignore[attr-defined]
    assert bad.status_code == 422


def test_name_search_treats_wildcards_literally(client: TestClient, db: Session) -> None:
    w = _world(db)
    h = w["doctor"].headers  # type: ignore[attr-defined]
    assert client.get("/api/patients", params={"q": "%%"}, headers=h).json() == []
    assert client.get("/api/patients", params={"q": "__"}, headers=h).json() == []
    assert len(client.get("/api/patients", params={"q": "lindgren"}, headers=h).json()) == 1


def test_name_search_folds_swedish_letters(client: TestClient, db: Session) -> None:
    region = f.organization(db)
    hc = f.unit(db, region)
    p = f.person(db, listed_at=hc, given="Åsa", family="Öberg")
    doc = f.user(db, role=Role.CLINICIAN, at=hc)
    db.commit()
    for q in ("öberg", "ÖBERG", "åsa öb"):
        hits = client.get("/api/patients", params={"q": q}, headers=doc.headers).json()
        assert [h["id"] for h in hits] == [str(p.id)], q
