"""The fixed contacts' rules in the service, on both databases: who appoints, which doctor, one fast
läkarkontakt in force, history, a listing that ends takes its fixed doctor, notices, audit rows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from naravard.actor import Role
from naravard.audit.models import AuditEvent
from naravard.contacts import service
from naravard.contacts.models import FixedContact, Notice
from naravard.contacts.schemas import AssignRequest, ChangeRequest, EndRequest, UnitSettings
from naravard.errors import BusinessRule, Conflict, Forbidden
from tests import factories
from tests.integration.contacts.helpers import env


def _assign(
    db: Session, e, person, practitioner, kind: str = "doctor", reason: str = "patient_request", **kw
):  # type: ignore[no-untyped-def]
    return service.assign_fixed_contact(
        db,
        actor=e.manager.actor,
        request=AssignRequest(
            person_id=person.id, kind=kind, practitioner_id=practitioner.id, reason=reason, **kw
        ),
    )


def test_assign_a_fixed_doctor_writes_history_notice_and_audit(db: Session) -> None:
    e = env(db)
    p = e.patients[0]
    out = _assign(db, e, p, e.doctors[0])
    assert out.active and out.kind == "doctor" and out.unit_id == e.hc.id
    assert out.practitioner_name.startswith("Doktor0")
    notice = db.scalar(select(Notice).where(Notice.fixed_contact_id == out.id))
    assert notice is not None and notice.status == "pending" and notice.event == "assigned"
    rows = db.scalars(select(AuditEvent).where(AuditEvent.patient_id == p.id)).all()
    assert [r.action for r in rows] == ["contacts:fixed_contact:assign"]
    history = service.fixed_contacts_of(db, actor=e.manager.actor, person_id=p.id)
    assert [h.id for h in history] == [out.id]


def test_one_fixed_doctor_in_force_then_change_keeps_history(db: Session) -> None:
    e = env(db)
    p = e.patients[0]
    first = _assign(db, e, p, e.doctors[0])
    with pytest.raises(Conflict, match="one_fixed_doctor"):
        _assign(db, e, p, e.doctors[1])
    result = service.change_fixed_contact(
        db,
        actor=e.manager.actor,
        contact_id=first.id,
        request=ChangeRequest(
            practitioner_id=e.doctors[1].id, reason="patient_request", version=first.version
        ),
    )
    assert result.contact is not None and result.contact.practitioner_id == e.doctors[1].id
    assert result.ended[0].id == first.id and result.ended[0].end_reason == "change"
    with pytest.raises(Conflict, match="already ended"):
        service.change_fixed_contact(
            db,
            actor=e.manager.actor,
            contact_id=first.id,
            request=ChangeRequest(practitioner_id=e.doctors[0].id, version=first.version),
        )
    history = service.fixed_contacts_of(db, actor=e.manager.actor, person_id=p.id)
    assert len(history) == 2 and sum(h.active for h in history) == 1


def test_a_stale_version_is_a_conflict(db: Session) -> None:
    e = env(db)
    out = _assign(db, e, e.patients[0], e.doctors[0])
    with pytest.raises(Conflict, match="changed by someone else"):
        service.end_fixed_contact(
            db,
            actor=e.manager.actor,
            contact_id=out.id,
            request=EndRequest(reason="other", version=out.version + 1),
        )
    ended = service.end_fixed_contact(
        db,
        actor=e.manager.actor,
        contact_id=out.id,
        request=EndRequest(reason="patient_request", version=out.version),
    )
    assert not ended.active and ended.end_reason == "patient_request"


def test_the_partial_unique_index_holds_one_fixed_doctor(db: Session) -> None:
    e = env(db)
    p = e.patients[0]
    _assign(db, e, p, e.doctors[0])
    row = db.scalar(select(FixedContact).where(FixedContact.person_id == p.id))
    assert row is not None
    with pytest.raises(IntegrityError), db.begin_nested():
        db.add(
            FixedContact(
                person_id=p.id,
                kind="doctor",
                practitioner_id=e.doctors[1].id,
                unit_id=e.hc.id,
                valid_from=date.today(),
                valid_to=None,
                reason="need",
                created_by="t",
            )
        )
        db.flush()


def test_doctor_rules_name_the_rule(db: Session) -> None:
    e = env(db)
    p = e.patients[0]
    with pytest.raises(BusinessRule, match="fixed_doctor_at_listing_unit"):
        _assign(db, e, p, e.other_doctor)
    with pytest.raises(BusinessRule, match="fixed_doctor_at_listing_unit"):
        _assign(db, e, p, e.nurse)
    unlisted = factories.person(db)
    factories.relationship(db, unlisted, e.hc)
    with pytest.raises(BusinessRule, match="fixed_doctor_needs_listing"):
        _assign(db, e, unlisted, e.doctors[0])


def test_capacity_of_a_doctor(db: Session) -> None:
    e = env(db, patients=3)
    service.update_unit_settings(
        db, actor=e.manager.actor, unit_id=e.hc.id, settings=UnitSettings(capacity_per_fte=100, version=0)
    )
    service.set_doctor_fte(
        db, actor=e.manager.actor, unit_id=e.hc.id, practitioner_id=e.doctors[0].id, percent=2
    )
    _assign(db, e, e.patients[0], e.doctors[0])
    _assign(db, e, e.patients[1], e.doctors[0])
    with pytest.raises(BusinessRule, match="doctor_list_full"):
        _assign(db, e, e.patients[2], e.doctors[0])


def test_settings_are_versioned(db: Session) -> None:
    e = env(db)
    saved = service.update_unit_settings(
        db, actor=e.manager.actor, unit_id=e.hc.id, settings=UnitSettings(need_min_age=80, version=0)
    )
    assert saved.version == 1 and saved.need_min_age == 80
    with pytest.raises(Conflict):
        service.update_unit_settings(
            db, actor=e.manager.actor, unit_id=e.hc.id, settings=UnitSettings(need_min_age=70, version=0)
        )


def test_care_contact_any_licensed_profession_in_another_organisation(db: Session) -> None:
    e = env(db)
    p = e.patients[0]
    out = _assign(db, e, p, e.municipal_nurse, kind="care_contact", reason="need")
    assert out.unit_id == e.home_care.id and out.organization_name == "Testby kommun"
    _assign(db, e, p, e.nurse, kind="care_contact", reason="discharge")  # a second one, at the health centre
    with pytest.raises(Conflict):
        _assign(db, e, p, e.nurse, kind="care_contact", reason="need")
    with pytest.raises(BusinessRule, match="care_contact_licensed"):
        _assign(db, e, p, e.assistant, kind="care_contact", reason="need")
    with pytest.raises(BusinessRule, match="life_threatening_needs_doctor"):
        _assign(db, e, e.patients[1], e.nurse, kind="care_contact", reason="life_threatening")


def test_only_a_unit_manager_with_access_appoints(db: Session) -> None:
    e = env(db)
    clinician = factories.user(db, role=Role.CLINICIAN, at=e.hc)
    request = AssignRequest(
        person_id=e.patients[0].id, kind="doctor", practitioner_id=e.doctors[0].id, reason="need"
    )
    with pytest.raises(Forbidden):
        service.assign_fixed_contact(db, actor=clinician.actor, request=request)
    with pytest.raises(Forbidden):  # the other unit's manager has no care relationship with the patient
        service.assign_fixed_contact(db, actor=e.other_manager.actor, request=request)


def test_ending_a_listing_ends_the_fixed_doctor_and_says_so(db: Session) -> None:
    e = env(db)
    p = e.patients[0]
    doc = _assign(db, e, p, e.doctors[0])
    care = _assign(db, e, p, e.municipal_nurse, kind="care_contact", reason="need")
    result = service.end_listing(db, actor=e.manager.actor, person_id=p.id)
    assert [x.id for x in result.ended] == [doc.id]
    assert result.ended[0].end_reason == "listing_ended"
    assert "fast läkarkontakt" in result.message
    assert service.active_listing(db, p.id) is None
    rows = {r.id: r for r in db.scalars(select(FixedContact).where(FixedContact.person_id == p.id))}
    assert rows[doc.id].valid_to == date.today() - timedelta(days=1)
    assert rows[care.id].valid_to is None  # a fast vårdkontakt does not depend on the listing
    ended_notices = db.scalar(select(func.count()).select_from(Notice).where(Notice.event == "ended"))
    assert ended_notices == 1


def test_moving_a_listing_ends_the_fixed_doctor_in_the_same_transaction(db: Session) -> None:
    e = env(db)
    p = e.patients[0]
    doc = _assign(db, e, p, e.doctors[0])
    user = factories.user(db, role=Role.PATIENT, at=None, person_id=p.id)
    result = service.move_listing(db, actor=user.actor, person_id=p.id, unit_id=e.other_hc.id)
    assert [x.id for x in result.ended] == [doc.id]
    assert service.active_listing(db, p.id) == (e.other_hc.id, date.today())
    with pytest.raises(BusinessRule, match="listing_same_unit"):
        service.move_listing(db, actor=user.actor, person_id=p.id, unit_id=e.other_hc.id)
    service.move_listing(db, actor=user.actor, person_id=p.id, unit_id=e.hc.id)
    with pytest.raises(BusinessRule, match="listing_changes"):
        service.move_listing(db, actor=user.actor, person_id=p.id, unit_id=e.other_hc.id)
