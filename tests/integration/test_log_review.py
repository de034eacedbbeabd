"""The log reviewer works with people, not ids (issue 19), on both databases: the audit trail filtered by
personnummer, user name and unit name with names and words instead of ids and codes; the patients' names
read for the reviewer only and logged once per page; failed logins audited; reviews that need a note and
keep their history."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from naravard.accounts import service as accounts_service
from naravard.accounts.models import User
from naravard.actor import Role
from naravard.audit import review
from naravard.audit import service as audit_service
from naravard.audit.actions import AuditAction
from naravard.audit.models import AuditEvent
from naravard.consent import review as consent_review
from naravard.consent import service as consent_service
from naravard.db import transaction, utcnow
from naravard.errors import Conflict, Forbidden, Invalid, Unauthenticated
from naravard.organizations.models import CareUnit
from naravard.patients import service as patients_service
from naravard.patients.actions import PatientAction
from naravard.patients.models import Person
from tests import factories as f


@dataclass
class World:
    doc: f.LoggedIn
    nurse: f.LoggedIn
    reviewer: f.LoggedIn
    selma: Person  # listed at the doctor's health centre
    stranger: Person  # listed at a private provider's
    hc_name: str
    home: CareUnit  # the nurse's


def _world(db: Session) -> World:
    region = f.organization(db, name="Region Gävleborg")
    hc = f.unit(db, region, name="Strand hälsocentral")
    office = f.unit(db, region, name="HS-förvaltningen", kind="administration")
    municipality = f.organization(db, name="Gävle kommun", kind="municipality")
    home = f.unit(db, municipality, name="Hemsjukvård Gävle", kind="home_health_care")
    private = f.unit(db, f.organization(db, name="Privat AB", kind="private_provider"), name="Privat hc")
    doc = f.user(db, role=Role.CLINICIAN, at=hc, username="doc")
    nurse = f.user(db, role=Role.MUNICIPAL_STAFF, at=home, username="nurse")
    reviewer = f.user(db, role=Role.LOG_REVIEWER, at=office, username="granskare")
    doc.user.display_name, nurse.user.display_name = "Doktor Dahl", "Syster Ström"
    selma = f.person(db, listed_at=hc, given="Selma", family="Lagerlöf")
    stranger = f.person(db, listed_at=private, given="Nils", family="Holgersson")
    db.flush()
    return World(doc, nurse, reviewer, selma, stranger, hc.name, home)


def _pnr(person: Person) -> str:
    return f"{person.identifier[:8]}-{person.identifier[8:]}"


def _read(db: Session, who: f.LoggedIn, person: Person) -> None:
    """A read the trail holds: the doctor's allowed read, the nurse's refused one (written directly: a
    refusal's row is the unit of work's, after the rollback)."""
    if who.actor.role is Role.CLINICIAN:
        patients_service.get_overview(db, actor=who.actor, person_id=person.id)
    else:
        audit_service.record(
            db,
            actor=who.actor,
            action=PatientAction.OVERVIEW_READ,
            outcome=audit_service.Outcome.DENIED,
            patient_id=person.id,
            reason="no_care_relationship_or_consent",
        )


def _rows(db: Session, action: str) -> list[AuditEvent]:
    db.expire_all()
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))


def test_filter_by_personnummer_shows_names_and_words(db: Session) -> None:
    w = _world(db)
    _read(db, w.doc, w.selma)
    _read(db, w.nurse, w.selma)
    for typed in (_pnr(w.selma), w.selma.identifier, w.selma.identifier[2:]):
        page = review.search_log(db, actor=w.reviewer.actor, query=review.LogQuery(personnummer=typed))
        assert page.patient is not None and page.patient.name == "Selma Lagerlöf"
        assert {r.patient.identifier for r in page.rows if r.patient} == {_pnr(w.selma)}
        # the reviewer's own reads of the patient's log are in it too
        reads = [r for r in page.rows if r.username != "granskare"]
        assert len(reads) == 2 and all(r.action == "Read the audit log" for r in page.rows if r not in reads)
    allowed, denied = sorted(reads, key=lambda r: r.outcome)
    assert (allowed.user_name, allowed.unit, allowed.organization) == (
        "Doktor Dahl",
        w.hc_name,
        "Region Gävleborg",
    )
    assert allowed.action == "Read the patient overview" and allowed.outcome_text == "Allowed"
    assert allowed.purpose == "Care and treatment"
    assert allowed.reason == "Care relationship at your unit." and allowed.reason_is_code
    assert denied.user_name == "Syster Ström" and denied.outcome_text == "Denied"
    assert denied.reason == "No care relationship at your unit and no consent for your organisation."


def test_a_personnummer_nobody_has_is_said_so_and_logged(db: Session) -> None:
    w = _world(db)
    _read(db, w.doc, w.selma)
    nobody = "19121212-1212"
    assert db.scalar(select(Person.id).where(Person.identifier == nobody.replace("-", ""))) is None
    before = len(_rows(db, AuditAction.PATIENT_NAMES_READ))
    page = review.search_log(db, actor=w.reviewer.actor, query=review.LogQuery(personnummer=nobody))
    assert (page.rows, page.total, page.notice) == ([], 0, "No patient has this personnummer.")
    [miss] = _rows(db, AuditAction.PATIENT_NAMES_READ)[before:]
    assert json.loads(miss.detail or "{}")["hits"] == 0 and miss.username == "granskare"
    with pytest.raises(Invalid):
        review.search_log(db, actor=w.reviewer.actor, query=review.LogQuery(personnummer="12345"))


def test_filter_by_user_name_or_username(db: Session) -> None:
    w = _world(db)
    _read(db, w.doc, w.selma)
    _read(db, w.nurse, w.stranger)
    for typed in ("dahl", "Doktor", "DOC"):
        page = review.search_log(db, actor=w.reviewer.actor, query=review.LogQuery(user=typed))
        assert page.total >= 1 and {r.username for r in page.rows} == {"doc"}, typed
    nurse = review.search_log(db, actor=w.reviewer.actor, query=review.LogQuery(user="ström"))
    assert [r.patient.name for r in nurse.rows if r.patient] == ["Nils Holgersson"]
    none = review.search_log(db, actor=w.reviewer.actor, query=review.LogQuery(user="ingen alls"))
    assert none.total == 0


def test_filter_by_unit_name(db: Session) -> None:
    w = _world(db)
    _read(db, w.doc, w.selma)
    _read(db, w.nurse, w.stranger)
    page = review.search_log(db, actor=w.reviewer.actor, query=review.LogQuery(unit="strand"))
    assert page.total >= 1 and {r.unit for r in page.rows} == {w.hc_name}
    both = review.search_log(db, actor=w.reviewer.actor, query=review.LogQuery(unit="Gävle"))
    assert {r.unit for r in both.rows} == {"Hemsjukvård Gävle"}
    literal = review.search_log(db, actor=w.reviewer.actor, query=review.LogQuery(unit="%"))
    assert literal.total == 0 and literal.notice == "No unit's name contains this text."


def test_the_names_are_read_once_per_page_and_only_by_the_log_reviewer(
    db: Session, session_factory: sessionmaker[Session]
) -> None:
    w = _world(db)
    _read(db, w.doc, w.selma)
    _read(db, w.nurse, w.stranger)
    db.commit()
    before = len(_rows(db, AuditAction.PATIENT_NAMES_READ))
    page = review.search_log(db, actor=w.reviewer.actor, query=review.LogQuery())
    [names_read] = _rows(db, AuditAction.PATIENT_NAMES_READ)[before:]
    assert set(json.loads(names_read.detail or "{}")["person_ids"]) == {str(w.selma.id), str(w.stranger.id)}
    assert names_read.patient_id is None and names_read.outcome == "allowed"
    assert {r.patient.name for r in page.rows if r.patient} == {"Selma Lagerlöf", "Nils Holgersson"}
    db.commit()

    ids = [w.selma.id]
    for who in (w.doc, w.nurse):
        with pytest.raises(Forbidden), transaction(session_factory) as s:
            patients_service.names_for_log_review(
                s, actor=who.actor, person_ids=ids, action=AuditAction.PATIENT_NAMES_READ
            )
        with pytest.raises(Forbidden), transaction(session_factory) as s:
            patients_service.person_id_for_log_review(
                s, actor=who.actor, identifier=_pnr(w.selma), action=AuditAction.PATIENT_NAMES_READ
            )
        with pytest.raises(Forbidden), transaction(session_factory) as s:
            review.search_log(s, actor=who.actor, query=review.LogQuery(personnummer=_pnr(w.selma)))
    refused = [r for r in _rows(db, AuditAction.PATIENT_NAMES_READ) if r.outcome == "denied"]
    assert [(r.username, r.reason) for r in refused] == [
        ("doc", "role_not_permitted"),
        ("doc", "role_not_permitted"),
        ("nurse", "role_not_permitted"),
        ("nurse", "role_not_permitted"),
    ]
    assert {r.username for r in _rows(db, AuditAction.LOG_READ) if r.outcome == "denied"} == {"doc", "nurse"}


def test_a_protected_identity_is_shown_by_number_not_name(db: Session) -> None:
    w = _world(db)
    hidden = f.person(db, protected=True, given="Hemlig", family="Person")
    names = patients_service.names_for_log_review(
        db, actor=w.reviewer.actor, person_ids=[hidden.id, w.selma.id], action=AuditAction.PATIENT_NAMES_READ
    )
    assert names[hidden.id].name is None and names[hidden.id].protected_identity
    assert names[hidden.id].identifier == _pnr(hidden) and names[w.selma.id].name == "Selma Lagerlöf"


# -- failed logins ---------------------------------------------------------------------------------------


def _failed_login(factory: sessionmaker[Session], username: str, password: str) -> None:
    with pytest.raises(Unauthenticated), transaction(factory) as s:
        accounts_service.login(s, username=username, password=password, request_id="req-1")


def test_failed_logins_are_audited_after_the_rollback(
    db: Session, session_factory: sessionmaker[Session]
) -> None:
    w = _world(db)
    locked = f.user(db, role=Role.CLINICIAN, at=None, username="locked")
    inactive = f.user(db, role=Role.CLINICIAN, at=None, username="inactive")
    locked.user.locked_until = utcnow() + timedelta(minutes=5)
    inactive.user.is_active = False
    db.commit()
    wrong = "fel-lösenord-123"
    _failed_login(session_factory, "  DOC ", wrong)
    _failed_login(session_factory, "nobody-" + "x" * 100, f.password())
    _failed_login(session_factory, "locked", f.password())
    _failed_login(session_factory, "inactive", f.password())
    rows = _rows(db, "accounts:session:login-failed")
    assert [(r.username, r.reason, r.outcome) for r in rows] == [
        ("doc", "wrong_password", "denied"),
        (("nobody-" + "x" * 100)[:64], "unknown_user", "denied"),
        ("locked", "account_locked", "denied"),
        ("inactive", "account_inactive", "denied"),
    ]
    assert [r.user_id for r in rows] == [w.doc.user.id, None, locked.user.id, inactive.user.id]
    assert all(r.request_id == "req-1" and r.patient_id is None for r in rows)
    assert not any(wrong in (r.detail or "") or f.password() in (r.detail or "") for r in rows)
    # the wrong password was counted as before; the right one on a locked account was not
    db.expire_all()
    assert db.scalar(select(User.failed_logins).where(User.username == "doc")) == 1
    assert db.scalar(select(User.failed_logins).where(User.username == "locked")) == 0
    # the log reviewer finds them by the name tried, in words
    page = review.search_log(db, actor=w.reviewer.actor, query=review.LogQuery(user="doc"))
    failed = [r for r in page.rows if r.action == "Failed login"]
    assert [(r.outcome_text, r.reason, r.user_name) for r in failed] == [
        ("Denied", "Wrong password.", "Doktor Dahl")
    ]
    unknown = review.search_log(db, actor=w.reviewer.actor, query=review.LogQuery(user="nobody-"))
    assert [(r.reason, r.user_name) for r in unknown.rows] == [("No account has this username.", None)]


def test_a_login_without_an_assignment_is_audited(
    db: Session, session_factory: sessionmaker[Session]
) -> None:
    _world(db)
    bare = f.user(db, role=Role.CLINICIAN, at=None, username="bare")
    bare.membership.is_active = False
    db.commit()
    _failed_login(session_factory, "bare", f.password())
    [row] = _rows(db, "accounts:session:login-failed")
    assert (row.user_id, row.reason) == (bare.user.id, "no_active_assignment")


# -- reviews -----------------------------------------------------------------------------------------------


def test_an_emergency_review_needs_a_note_and_keeps_its_history(db: Session) -> None:
    w = _world(db)
    grant = consent_service.open_emergency_access(
        db,
        actor=w.doc.actor,
        person_id=w.stranger.id,
        protected_identity=False,
        reason="Akut, medvetslös patient",
    )
    for empty in ("", "   \n "):
        with pytest.raises(Invalid, match="write a note"):
            consent_service.review_emergency_access(
                db, actor=w.reviewer.actor, access_id=grant.id, note=empty
            )
    with pytest.raises(Invalid, match="at most 1000"):
        consent_service.review_emergency_access(
            db, actor=w.reviewer.actor, access_id=grant.id, note="x" * 1001
        )
    [waiting] = consent_review.emergency_items(db, actor=w.reviewer.actor, reviewed=False)
    assert (waiting.user_name, waiting.unit, waiting.reason) == (
        "Doktor Dahl",
        w.hc_name,
        "Akut, medvetslös patient",
    )
    assert waiting.patient is not None and waiting.patient.name == "Nils Holgersson"

    consent_service.review_emergency_access(
        db, actor=w.reviewer.actor, access_id=grant.id, note="  Styrkt i journalen  "
    )
    with pytest.raises(Conflict):
        consent_service.review_emergency_access(db, actor=w.reviewer.actor, access_id=grant.id, note="igen")
    assert consent_review.emergency_items(db, actor=w.reviewer.actor, reviewed=False) == []
    [done] = consent_review.emergency_items(db, actor=w.reviewer.actor, reviewed=True)
    assert (done.reviewed_by, done.review_note) == (w.reviewer.user.display_name, "Styrkt i journalen")
    assert done.reviewed_at is not None and done.id == grant.id
    everything = consent_service.list_emergency_accesses(db, actor=w.reviewer.actor, unreviewed_only=False)
    assert [(g.reviewed_by, g.review_note) for g in everything] == [("granskare", "Styrkt i journalen")]
    with pytest.raises(Forbidden):
        consent_review.emergency_items(db, actor=w.doc.actor, reviewed=True)


def test_a_consent_review_needs_a_note_and_keeps_its_history(db: Session) -> None:
    w = _world(db)
    patient = f.person(db, given="Greta", family="Garbo")
    f.relationship(db, patient, w.home)
    consent = consent_service.record_consent(
        db,
        actor=w.nurse.actor,
        person_id=patient.id,
        protected_identity=False,
        method=consent_service.ConsentMethod.VERBAL,
        given_by=consent_service.ConsentGiver.PATIENT,
    )
    with pytest.raises(Invalid, match="write a note"):
        consent_service.review_consent(db, actor=w.reviewer.actor, consent_id=consent.id, note=" ")
    [waiting] = consent_review.consent_items(db, actor=w.reviewer.actor, reviewed=False)
    assert waiting.recorded_by_name == "Syster Ström" and waiting.patient is not None
    assert waiting.patient.name == "Greta Garbo"
    consent_service.review_consent(db, actor=w.reviewer.actor, consent_id=consent.id, note="Kontrollerat")
    assert consent_review.consent_items(db, actor=w.reviewer.actor, reviewed=False) == []
    [done] = consent_review.consent_items(db, actor=w.reviewer.actor, reviewed=True)
    assert (done.reviewed_by, done.consent.review_note) == (w.reviewer.user.display_name, "Kontrollerat")
