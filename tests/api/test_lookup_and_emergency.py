"""Identity lookups and emergency reasons (issue 22), on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from naravard.actor import Role
from naravard.audit.models import AuditEvent
from naravard.consent.models import EmergencyAccess
from naravard.organizations.models import CareUnit
from naravard.patients import service as patients_service
from naravard.patients.identity import format_identifier
from tests import factories as f


def _world(db: Session) -> tuple[f.LoggedIn, object, object]:
    region = f.organization(db, name="Region Gävleborg")
    private = f.organization(db, name="Privat Vård AB", kind="private_provider")
    mine = f.unit(db, region, name="Strand hälsocentral")
    elsewhere = f.unit(db, private, name="Privat hälsocentral")
    blocked = f.person(db, listed_at=elsewhere, given="Greta", family="Spärrsson")
    f.block(db, blocked, region)
    stranger = f.person(db, listed_at=elsewhere, given="Nils", family="Främling")
    doctor = f.user(db, role=Role.CLINICIAN, at=mine)
    db.commit()
    return doctor, blocked, stranger


def test_a_blocked_patient_is_shown_as_blocked_without_details(client: TestClient, db: Session) -> None:
    doctor, blocked, stranger = _world(db)
    number = format_identifier(blocked.identifier)  # type: ignore[attr-defined]
    [hit] = client.get("/api/patients", params={"q": number}, headers=doctor.headers).json()
    assert hit["blocked"] is True and hit["accessible"] is False
    assert hit["name"] == "Spärrad" and "Greta" not in json.dumps(hit) and "Spärrsson" not in json.dumps(hit)
    assert hit["birth_date"] is None and hit["sex"] is None and hit["listed_unit"] is None
    # Someone without a block is still found for emergency access.
    [other] = client.get(
        "/api/patients",
        params={"q": format_identifier(stranger.identifier)},
        headers=doctor.headers,  # type: ignore[attr-defined]
    ).json()
    assert other["name"] == "Nils Främling" and other["blocked"] is False and other["listed_unit"]
    # The HTML search says so too.
    page = client.get("/patients", params={"q": number}, headers=doctor.headers)
    assert "Spärrsson" not in page.text and "Patienten har spärrat din organisation." in page.text


def test_a_lookup_that_finds_nobody_is_audited(client: TestClient, db: Session) -> None:
    doctor, _, _ = _world(db)
    before = db.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1)).first() or 0
    # a valid number from the test series that no person in this world has
    hits = client.get("/api/patients", params={"q": "19121212-1212"}, headers=doctor.headers)
    assert hits.status_code == 200 and hits.json() == []
    rows = list(db.scalars(select(AuditEvent).where(AuditEvent.seq > before)))
    assert [(r.action, r.username, r.patient_id) for r in rows] == [
        ("patient:search", doctor.user.username, None)
    ]
    assert json.loads(rows[0].detail or "{}") == {"query_kind": "identifier", "hits": 0}


def test_lookups_are_limited_per_user(
    client: TestClient, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(patients_service, "LOOKUP_LIMIT", 3)
    doctor, blocked, _ = _world(db)
    colleague = f.user(db, role=Role.CLINICIAN, at=db.get(CareUnit, doctor.actor.unit_id))
    db.commit()
    number = format_identifier(blocked.identifier)  # type: ignore[attr-defined]
    for _ in range(3):
        assert client.get("/api/patients", params={"q": number}, headers=doctor.headers).status_code == 200
    limited = client.get("/api/patients", params={"q": "19121212-1212"}, headers=doctor.headers)
    assert limited.status_code == 429 and "too many" in limited.json()["detail"]
    refusal = db.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()
    assert (refusal.outcome, refusal.reason, refusal.username) == (
        "denied",
        "rate_limited",
        doctor.user.username,
    )
    # The limit is the user's own: a colleague still looks people up.
    assert client.get("/api/patients", params={"q": number}, headers=colleague.headers).status_code == 200
    # Name searches are not lookups; the HTML page says it in Swedish with 429.
    assert client.get("/api/patients", params={"q": "Främling"}, headers=doctor.headers).status_code == 200
    page = client.get("/patients", params={"q": number}, headers=doctor.headers)
    assert page.status_code == 429 and "för många sökningar" in page.text


@pytest.mark.parametrize(
    "reason",
    ["\u200b" * 10, "aaaaaaaaaa", "\u200b\u200c\u200d\u2060\ufeff" * 2 + "Akut läge nu", "  kort      "],
    ids=["zero-width", "repeated", "invisible-inside", "short"],
)
def test_an_empty_emergency_reason_is_refused(client: TestClient, db: Session, reason: str) -> None:
    doctor, _, stranger = _world(db)
    response = client.post(
        f"/api/patients/{stranger.id}/emergency-access",
        json={"reason": reason},
        headers=doctor.headers,  # type: ignore[attr-defined]
    )
    assert response.status_code == 422 and response.json()["field"] == "reason"
    assert db.scalars(select(EmergencyAccess)).all() == []
    ok = client.post(
        f"/api/patients/{stranger.id}/emergency-access",  # type: ignore[attr-defined]
        json={"reason": "Akut inkommen, medvetslös"},
        headers=doctor.headers,
    )
    assert ok.status_code == 201


def test_a_contact_edit_logs_which_fields_changed_not_their_values(client: TestClient, db: Session) -> None:
    region = f.organization(db, name="Region Gävleborg")
    mine = f.unit(db, region, name="Strand hälsocentral")
    patient = f.person(db, listed_at=mine)
    doctor = f.user(db, role=Role.CLINICIAN, at=mine)
    db.commit()
    response = client.patch(
        f"/api/patients/{patient.id}",
        json={"phone": "070-765 43 21", "email": "greta@example.se"},
        headers=doctor.headers,
    )
    assert response.status_code == 200
    row = db.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "patient:contact:update")
        .order_by(AuditEvent.seq.desc())
    ).first()
    assert row is not None and json.loads(row.detail or "{}") == {"changed": ["email", "phone"]}
    assert "070" not in (row.detail or "") and "greta" not in (row.detail or "")
