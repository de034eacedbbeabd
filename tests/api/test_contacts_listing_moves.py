"""Listing changes over the JSON API on both databases: ending or moving a listing ends the fast läkarkontakt
that depended on it in the same transaction and says so; a third change within 12 months is refused (HSL 7
kap. 3 a §) with nothing changed; every request leaves its audit rows."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from naravard.actor import Role
from naravard.audit.models import AuditEvent
from naravard.contacts import service
from naravard.contacts.actions import ContactAction
from naravard.contacts.models import FixedContact, Listing
from naravard.contacts.schemas import AssignRequest
from tests import factories
from tests.integration.contacts.helpers import Env, env


def _with_doctor(db: Session, e: Env, i: int = 0) -> FixedContact:
    p = e.patients[i]
    out = service.assign_fixed_contact(
        db,
        actor=e.manager.actor,
        request=AssignRequest(person_id=p.id, kind="doctor", practitioner_id=e.doctors[0].id, reason="need"),
    )
    row = db.get(FixedContact, out.id)
    assert row is not None and row.valid_to is None
    return row


def _audit(db: Session, action: ContactAction, person_id: uuid.UUID) -> list[AuditEvent]:
    db.expire_all()
    return list(
        db.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == action.value, AuditEvent.patient_id == person_id)
            .order_by(AuditEvent.seq)
        )
    )


def _listings(db: Session, person_id: uuid.UUID) -> list[Listing]:
    db.expire_all()
    return list(
        db.scalars(select(Listing).where(Listing.person_id == person_id).order_by(Listing.start_date))
    )


def test_ending_a_listing_ends_the_fixed_doctor_in_the_same_transaction(
    client: TestClient, db: Session
) -> None:
    e = env(db, patients=1)
    p = e.patients[0]
    doctor = _with_doctor(db, e)
    r = client.post(f"/api/contacts/persons/{p.id}/listing/end", headers=e.manager.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert [x["id"] for x in body["ended"]] == [str(doctor.id)]
    assert "fast läkarkontakt" in body["message"] and "ended" in body["message"]
    db.expire_all()
    ended = db.get(FixedContact, doctor.id)
    assert (
        ended is not None
        and ended.valid_to == date.today() - timedelta(days=1)
        and ended.end_reason == "listing_ended"
    )
    (listing,) = _listings(db, p.id)
    assert listing.end_date == date.today() - timedelta(days=1)
    (row,) = _audit(db, ContactAction.LISTING_END, p.id)
    assert row.outcome == "allowed" and row.username == e.manager.actor.username
    assert json.loads(row.detail or "{}")["ended_fixed_contacts"] == [str(doctor.id)]
    # The patient is no longer listed there: the unit's manager has lost access to them.
    r = client.post(f"/api/contacts/persons/{p.id}/listing/end", headers=e.manager.headers)
    assert r.status_code == 403


def test_the_patient_ends_their_own_listing(client: TestClient, db: Session) -> None:
    e = env(db, patients=1)
    p = e.patients[0]
    doctor = _with_doctor(db, e)
    me = factories.user(db, role=Role.PATIENT, at=None, person_id=p.id)
    r = client.post(f"/api/contacts/persons/{p.id}/listing/end", headers=me.headers)
    assert r.status_code == 200, r.text
    assert [x["id"] for x in r.json()["ended"]] == [str(doctor.id)]
    (row,) = _audit(db, ContactAction.LISTING_END, p.id)
    assert row.outcome == "allowed" and row.role == "patient"


def test_moving_a_listing_ends_the_fixed_doctor_and_says_so(client: TestClient, db: Session) -> None:
    e = env(db, patients=1)
    p = e.patients[0]
    doctor = _with_doctor(db, e)
    me = factories.user(db, role=Role.PATIENT, at=None, person_id=p.id)
    r = client.post(
        f"/api/contacts/persons/{p.id}/listing/move", json={"unit_id": str(e.other_hc.id)}, headers=me.headers
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert [x["id"] for x in body["ended"]] == [str(doctor.id)]
    assert "fast läkarkontakt" in body["message"]
    db.expire_all()
    ended = db.get(FixedContact, doctor.id)
    assert (
        ended is not None
        and ended.valid_to == date.today() - timedelta(days=1)
        and ended.end_reason == "listing_ended"
    )
    old, new = _listings(db, p.id)
    assert old.unit_id == e.hc.id and old.end_date == date.today() - timedelta(days=1)
    assert new.unit_id == e.other_hc.id and new.start_date == date.today() and new.end_date is None
    (row,) = _audit(db, ContactAction.LISTING_MOVE, p.id)
    assert row.outcome == "allowed"
    detail = json.loads(row.detail or "{}")
    assert detail["unit_id"] == str(e.other_hc.id) and detail["ended_fixed_contacts"] == [str(doctor.id)]
    # Only the patient chooses: the manager is refused, and the refusal is audited.
    r = client.post(
        f"/api/contacts/persons/{p.id}/listing/move",
        json={"unit_id": str(e.hc.id)},
        headers=e.manager.headers,
    )
    assert r.status_code == 403
    denied = [a for a in _audit(db, ContactAction.LISTING_MOVE, p.id) if a.outcome == "denied"]
    assert len(denied) == 1


def test_a_move_without_a_fixed_doctor_ends_nothing(client: TestClient, db: Session) -> None:
    e = env(db, patients=1)
    p = e.patients[0]
    me = factories.user(db, role=Role.PATIENT, at=None, person_id=p.id)
    r = client.post(
        f"/api/contacts/persons/{p.id}/listing/move", json={"unit_id": str(e.other_hc.id)}, headers=me.headers
    )
    assert r.status_code == 200, r.text
    assert r.json()["ended"] == [] and r.json()["message"] == "The listing was changed."


def test_a_third_change_within_twelve_months_is_refused(client: TestClient, db: Session) -> None:
    e = env(db, patients=1)
    p = e.patients[0]
    today = date.today()
    # The history: at hc (since 400 days), other_hc from 200 days ago, back at hc from 100 days ago.
    (first,) = _listings(db, p.id)
    first.end_date = today - timedelta(days=201)
    db.add(
        Listing(
            person_id=p.id,
            unit_id=e.other_hc.id,
            start_date=today - timedelta(200),
            end_date=today - timedelta(101),
        )
    )
    db.add(Listing(person_id=p.id, unit_id=e.hc.id, start_date=today - timedelta(100), end_date=None))
    db.flush()
    doctor = _with_doctor(db, e)
    me = factories.user(db, role=Role.PATIENT, at=None, person_id=p.id)
    r = client.post(
        f"/api/contacts/persons/{p.id}/listing/move", json={"unit_id": str(e.other_hc.id)}, headers=me.headers
    )
    assert r.status_code == 422, r.text
    assert "listing_changes" in r.text
    # Nothing changed: the listing and the fast läkarkontakt stand.
    listings = _listings(db, p.id)
    assert len(listings) == 3 and listings[-1].end_date is None and listings[-1].unit_id == e.hc.id
    kept = db.get(FixedContact, doctor.id)
    assert kept is not None and kept.valid_to is None
    assert not [a for a in _audit(db, ContactAction.LISTING_MOVE, p.id) if a.outcome == "allowed"]
    # Ending the listing is not a change of provider: still allowed, and it takes the doctor with it.
    r = client.post(f"/api/contacts/persons/{p.id}/listing/end", headers=me.headers)
    assert r.status_code == 200 and [x["id"] for x in r.json()["ended"]] == [str(doctor.id)]


def test_two_moves_over_the_api_then_the_third_is_refused(client: TestClient, db: Session) -> None:
    e = env(db, patients=1)
    p = e.patients[0]
    me = factories.user(db, role=Role.PATIENT, at=None, person_id=p.id)
    url = f"/api/contacts/persons/{p.id}/listing/move"
    assert client.post(url, json={"unit_id": str(e.other_hc.id)}, headers=me.headers).status_code == 200
    assert client.post(url, json={"unit_id": str(e.hc.id)}, headers=me.headers).status_code == 200
    r = client.post(url, json={"unit_id": str(e.other_hc.id)}, headers=me.headers)
    assert r.status_code == 422 and "listing_changes" in r.text
    assert len([a for a in _audit(db, ContactAction.LISTING_MOVE, p.id) if a.outcome == "allowed"]) == 2
    listings = _listings(db, p.id)
    assert len(listings) == 3 and [x.end_date is None for x in listings].count(True) == 1
