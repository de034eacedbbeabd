"""Fixed contacts over HTTP on both databases: the API's rules and status codes, the manager's pages, the
patient's own page (audited as a read), and the notices' outbox: delivery with retries, never twice, re-sent."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from naravard.actor import Role, system_actor
from naravard.audit.models import AuditEvent
from naravard.contacts import service
from naravard.contacts.models import FixedContact, Notice
from naravard.contacts.notices import MAX_ATTEMPTS, MemoryChannel
from naravard.db import utcnow
from tests import factories
from tests.integration.contacts.helpers import env


def test_assign_change_conflict_and_rule_errors(client: TestClient, db: Session) -> None:
    e = env(db)
    p = e.patients[0]
    h = e.manager.headers
    body = {
        "person_id": str(p.id),
        "kind": "doctor",
        "practitioner_id": str(e.doctors[0].id),
        "reason": "need",
    }
    r = client.post("/api/contacts/fixed", json=body, headers=h)
    assert r.status_code == 201, r.text
    made = r.json()
    r = client.post("/api/contacts/fixed", json=body, headers=h)
    assert r.status_code == 409 and "one_fixed_doctor" in r.text
    wrong = {**body, "person_id": str(e.patients[1].id), "practitioner_id": str(e.other_doctor.id)}
    r = client.post("/api/contacts/fixed", json=wrong, headers=h)
    assert r.status_code == 422 and "fixed_doctor_at_listing_unit" in r.text
    change = {
        "practitioner_id": str(e.doctors[1].id),
        "reason": "patient_request",
        "version": made["version"] + 5,
    }
    assert client.post(f"/api/contacts/fixed/{made['id']}/change", json=change, headers=h).status_code == 409
    change["version"] = made["version"]
    r = client.post(f"/api/contacts/fixed/{made['id']}/change", json=change, headers=h)
    assert r.status_code == 200 and r.json()["ended"][0]["id"] == made["id"]
    r = client.post("/api/contacts/fixed", json=body, headers=e.other_manager.headers)
    assert r.status_code == 403


def test_unit_page_proposal_and_confirm_over_http(client: TestClient, db: Session) -> None:
    e = env(db, patients=3)
    h = e.manager.headers
    page = client.get("/enhet/kontakter", headers=h)
    assert page.status_code == 200 and "Utan fast läkarkontakt" in page.text
    assert client.get(f"/api/contacts/units/{e.hc.id}", headers=e.other_manager.headers).status_code == 403
    proposal = client.get(f"/api/contacts/units/{e.hc.id}/proposal", headers=h).json()
    rows = [{"person_id": r["person_id"], "practitioner_id": r["practitioner_id"]} for r in proposal["rows"]]
    assert len(rows) == 3
    r = client.post(f"/api/contacts/units/{e.hc.id}/proposal/confirm", json={"rows": rows}, headers=h)
    assert r.status_code == 200 and r.json()["assigned"] == 3
    r = client.post(f"/api/contacts/units/{e.hc.id}/proposal/confirm", json={"rows": rows}, headers=h)
    assert r.status_code == 409
    assert client.get("/enhet/kontakter/forslag", headers=h).status_code == 200


def test_the_patients_own_page_is_audited(client: TestClient, db: Session) -> None:
    e = env(db, patients=1)
    p = e.patients[0]
    service.assign_fixed_contact(
        db,
        actor=e.manager.actor,
        request=service.AssignRequest(
            person_id=p.id, kind="doctor", practitioner_id=e.doctors[0].id, reason="patient_request"
        ),
    )
    me = factories.user(db, role=Role.PATIENT, at=None, person_id=p.id)
    r = client.get("/min/kontakter", headers=me.headers)
    assert r.status_code == 200 and "Doktor0" in r.text
    assert client.get("/api/contacts/mine", headers=me.headers).json()["doctor"]["practitioner_id"] == str(
        e.doctors[0].id
    )
    reads = db.scalars(
        select(AuditEvent).where(AuditEvent.patient_id == p.id, AuditEvent.action == "contacts:mine:read")
    ).all()
    assert len(reads) == 2 and all(r.outcome == "allowed" for r in reads)
    assert client.get("/min/kontakter", headers=e.manager.headers).status_code == 403


def test_delivery_retries_never_sends_twice_and_a_failed_notice_is_resent(
    session_factory: sessionmaker[Session], db: Session
) -> None:
    e = env(db, patients=1)
    p = e.patients[0]
    made = service.assign_fixed_contact(
        db,
        actor=e.manager.actor,
        request=service.AssignRequest(
            person_id=p.id, kind="doctor", practitioner_id=e.doctors[0].id, reason="need"
        ),
    )
    db.commit()

    @contextmanager
    def unit_of_work():  # type: ignore[no-untyped-def]
        s = session_factory()
        try:
            yield s
            s.commit()
        finally:
            s.close()

    system = system_actor("deliver")
    channel = MemoryChannel(fail=MAX_ATTEMPTS)
    now = utcnow()
    for i in range(MAX_ATTEMPTS):
        counts = service.deliver_notices(
            unit_of_work, actor=system, channel=channel, now=now + timedelta(hours=i)
        )
        assert counts["delivered"] == 0
    notice = db.scalar(select(Notice).where(Notice.fixed_contact_id == made.id))
    assert notice is not None
    db.refresh(notice)
    assert notice.status == "failed" and notice.attempts == MAX_ATTEMPTS
    listed = service.undelivered_notices(db, actor=e.manager.actor, unit_id=e.hc.id)
    assert [n.id for n in listed] == [notice.id]
    service.resend_notice(db, actor=e.manager.actor, notice_id=notice.id, version=listed[0].version)
    db.commit()
    counts = service.deliver_notices(unit_of_work, actor=system, channel=channel, now=utcnow())
    assert counts["delivered"] == 1 and list(channel.sent) == [str(notice.id)]
    assert (
        service.deliver_notices(unit_of_work, actor=system, channel=channel, now=utcnow())["delivered"] == 0
    )
    contact = db.get(FixedContact, made.id)
    assert contact is not None
    db.refresh(contact)
    assert contact.informed_at is not None and contact.informed_how == "message"
