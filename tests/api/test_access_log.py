"""The patient's access log in words and the reads a patient questions (issue 19), on SQLite and PostgreSQL:
who (name, profession, unit, organisation), why (care, consent, emergency access with its reason), what;
a question per row, once, by the patient only; the log reviewer's list of them; `/api/auth/me`'s person."""

from __future__ import annotations

import json
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from naravard.actor import Role
from naravard.audit.models import AuditEvent
from naravard.errors import Forbidden
from naravard.organizations.models import Practitioner
from naravard.patients import service as patients_service
from naravard.patients.models import Person
from tests import factories as f


class World:
    def __init__(self, db: Session) -> None:
        region = f.organization(db, name="Region Gävleborg")
        private = f.organization(db, name="Privat Vård AB", kind="private_provider")
        self.hc = f.unit(db, region, name="Strand hälsocentral")
        self.other = f.unit(db, private, name="Privat hälsocentral")
        admin = f.unit(db, region, name="HS-förvaltningen", kind="administration")
        self.person = f.person(db, listed_at=self.hc, given="Astrid", family="Lindgrenova")
        self.neighbour = f.person(db, listed_at=self.hc, given="Selma", family="Grannsson")
        f.consent(db, self.person, private)
        self.doctor = f.user(db, role=Role.CLINICIAN, at=self.hc, username="doc")
        practitioner = Practitioner(
            hsa_id=f"SE2321000198-P{uuid.uuid4().hex[:8]}",
            given_name="Doris",
            family_name="Doktorsson",
            profession="doctor",
        )
        db.add(practitioner)
        db.flush()
        self.doctor.user.practitioner_id = practitioner.id
        self.doctor.user.display_name = "Doris Doktorsson"
        self.private_doctor = f.user(db, role=Role.CLINICIAN, at=self.other, username="privdoc")
        self.stranger_doctor = f.user(
            db,
            role=Role.CLINICIAN,
            at=f.unit(db, f.organization(db, name="Region Uppsala"), name="Uppsala hc"),
            username="far",
        )
        self.reviewer = f.user(db, role=Role.LOG_REVIEWER, at=admin, username="reviewer")
        self.patient = f.user(db, role=Role.PATIENT, at=None, person_id=self.person.id, username="astrid")
        self.neighbour_login = f.user(
            db, role=Role.PATIENT, at=None, person_id=self.neighbour.id, username="selma"
        )
        db.commit()

    def log(self, client: TestClient) -> list[dict[str, object]]:
        response = client.get(f"/api/patients/{self.person.id}/access-log", headers=self.patient.headers)
        assert response.status_code == 200, response.text
        entries: list[dict[str, object]] = response.json()
        return entries


def test_the_log_names_who_read_with_profession_unit_and_why(client: TestClient, db: Session) -> None:
    w = World(db)
    client.get(f"/api/patients/{w.person.id}", headers=w.doctor.headers)
    client.get(f"/api/patients/{w.person.id}", headers=w.private_doctor.headers)  # by consent
    by_consent, by_care = w.log(client)
    assert by_care["who"] == "doc" and by_care["name"] == "Doris Doktorsson"
    assert by_care["profession"] == "Doctor"
    assert (by_care["unit"], by_care["organization"]) == ("Strand hälsocentral", "Region Gävleborg")
    assert by_care["what"] == "Read your overview" and by_care["action"] == "patient:overview:read"
    assert by_care["why"] == "Care and treatment: you are a patient of the unit"
    assert by_care["emergency_reason"] is None and by_care["questioned"] is False
    assert isinstance(by_care["seq"], int)
    assert by_consent["why"] == "Your consent (sammanhållen vård- och omsorgsdokumentation)"
    assert by_consent["name"] == "Test clinician" and by_consent["profession"] is None
    assert by_consent["organization"] == "Privat Vård AB"
    # reading the log is a read like any other, and the patient's own reads are not listed
    reads = db.scalars(
        select(AuditEvent).where(
            AuditEvent.patient_id == w.person.id, AuditEvent.action == "patient:access-log:read"
        )
    ).all()
    assert [r.username for r in reads] == ["astrid"]
    assert all(e["who"] != "astrid" for e in w.log(client))


def test_an_emergency_read_shows_the_reason_stated(client: TestClient, db: Session) -> None:
    w = World(db)
    reason = "Medvetslös på akuten, behöver läkemedelslistan"
    url = f"/api/patients/{w.person.id}"
    assert client.get(url, headers=w.stranger_doctor.headers).status_code == 403
    opened = client.post(
        f"{url}/emergency-access", json={"reason": reason}, headers=w.stranger_doctor.headers
    )
    assert opened.status_code == 201, opened.text
    assert client.get(url, headers=w.stranger_doctor.headers).status_code == 200
    read, open_row = w.log(client)  # the refused attempt is not a read
    assert open_row["what"] == "Opened emergency access to your data"
    assert read["what"] == "Read your overview"
    for entry in (read, open_row):
        assert entry["why"] == "Emergency access" and entry["emergency_reason"] == reason
        assert entry["purpose"] == "emergency" and entry["unit"] == "Uppsala hc"


def test_the_patient_questions_a_read_once(client: TestClient, db: Session) -> None:
    w = World(db)
    client.get(f"/api/patients/{w.person.id}", headers=w.doctor.headers)
    [entry] = w.log(client)
    url = f"/api/patients/{w.person.id}/access-log/questions"
    asked = client.post(
        url, json={"audit_seq": entry["seq"], "note": "Jag har aldrig varit där"}, headers=w.patient.headers
    )
    assert asked.status_code == 201, asked.text
    body = asked.json()
    assert body["note"] == "Jag har aldrig varit där" and body["person_id"] == str(w.person.id)
    assert body["questioned"]["seq"] == entry["seq"] and body["questioned"]["questioned"] is True
    [again] = w.log(client)
    assert again["questioned"] is True
    row = db.scalars(select(AuditEvent).where(AuditEvent.action == "patient:access-log:question")).one()
    assert row.patient_id == w.person.id and row.username == "astrid" and row.outcome == "allowed"
    assert json.loads(row.detail or "{}") == {
        "questioned_seq": entry["seq"],
        "note": "Jag har aldrig varit där",
    }

    twice = client.post(url, json={"audit_seq": entry["seq"]}, headers=w.patient.headers)
    assert twice.status_code == 409
    not_mine = client.post(
        url, json={"audit_seq": row.seq}, headers=w.patient.headers
    )  # the patient's own row
    assert not_mine.status_code == 404
    too_long = client.post(
        url, json={"audit_seq": entry["seq"], "note": "x" * 1001}, headers=w.patient.headers
    )
    assert too_long.status_code == 422
    control = client.post(url, json={"audit_seq": entry["seq"], "note": "a\x07b"}, headers=w.patient.headers)
    assert control.status_code == 422


def test_only_the_patient_questions_their_own_reads(client: TestClient, db: Session) -> None:
    w = World(db)
    client.get(f"/api/patients/{w.person.id}", headers=w.doctor.headers)
    [entry] = w.log(client)
    url = f"/api/patients/{w.person.id}/access-log/questions"
    by_staff = client.post(url, json={"audit_seq": entry["seq"]}, headers=w.doctor.headers)
    assert by_staff.status_code == 403
    by_neighbour = client.post(url, json={"audit_seq": entry["seq"]}, headers=w.neighbour_login.headers)
    assert by_neighbour.status_code == 403
    refused = db.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "patient:access-log:question", AuditEvent.outcome == "denied"
        )
    ).all()
    assert sorted(r.username for r in refused) == ["doc", "selma"]
    # a row of someone else's log is not the patient's to question
    client.get(f"/api/patients/{w.neighbour.id}", headers=w.doctor.headers)
    neighbours = client.get(
        f"/api/patients/{w.neighbour.id}/access-log", headers=w.neighbour_login.headers
    ).json()
    other = client.post(url, json={"audit_seq": neighbours[0]["seq"]}, headers=w.patient.headers)
    assert other.status_code == 404


def test_the_log_reviewer_lists_the_questioned_reads(client: TestClient, db: Session) -> None:
    w = World(db)
    reason = "Akut inkommen, medvetslös, behöver journalen"
    url = f"/api/patients/{w.person.id}"
    client.post(f"{url}/emergency-access", json={"reason": reason}, headers=w.stranger_doctor.headers)
    client.get(url, headers=w.stranger_doctor.headers)
    client.get(url, headers=w.doctor.headers)
    care, emergency_read, _ = w.log(client)
    for entry, note in ((emergency_read, "Känner inte igen Uppsala"), (care, "")):
        asked = client.post(
            f"{url}/access-log/questions",
            json={"audit_seq": entry["seq"], "note": note},
            headers=w.patient.headers,
        )
        assert asked.status_code == 201, asked.text

    with pytest.raises(Forbidden):
        patients_service.questioned_accesses(db, actor=w.doctor.actor)
    questions = patients_service.questioned_accesses(db, actor=w.reviewer.actor)
    assert [q.questioned.seq if q.questioned else None for q in questions] == [
        care["seq"],
        emergency_read["seq"],
    ]
    newest, oldest = questions
    assert newest.note is None and oldest.note == "Känner inte igen Uppsala"
    assert oldest.patient_name == "Astrid Lindgrenova" and oldest.person_id == w.person.id
    person = db.get(Person, w.person.id)
    assert person is not None and oldest.patient_identifier.replace("-", "") == person.identifier
    assert oldest.questioned is not None and oldest.questioned.emergency_reason == reason
    assert oldest.questioned.unit == "Uppsala hc" and oldest.questioned.questioned is True
    assert newest.questioned is not None and newest.questioned.name == "Doris Doktorsson"
    listed = db.scalars(
        select(AuditEvent).where(AuditEvent.action == "patient:access-log:list-questions")
    ).all()
    assert [(r.username, r.outcome, json.loads(r.detail or "{}")) for r in listed] == [
        ("reviewer", "allowed", {"returned": 2, "person_ids": [str(w.person.id)]})
    ]


def test_me_tells_a_patient_their_person(client: TestClient, db: Session) -> None:
    w = World(db)
    mine = client.get("/api/auth/me", headers=w.patient.headers).json()
    assert mine["person_id"] == str(w.person.id) and mine["role"] == "patient"
    assert client.get("/api/auth/me", headers=w.doctor.headers).json()["person_id"] is None


def test_a_cut_name_search_says_how_many_it_found(client: TestClient, db: Session) -> None:
    region = f.organization(db)
    hc = f.unit(db, region)
    elsewhere = f.unit(db, f.organization(db, name="Annan region"), name="Annan hc")
    for n in range(5):
        f.person(db, listed_at=hc, given="Karin", family=f"Månsdotter{n}")
    for n in range(3):  # matching, but not the doctor's to open: never counted
        f.person(db, listed_at=elsewhere, given="Karin", family=f"Månsdotter{n}x")
    f.person(db, listed_at=hc, given="Karin", family="Månsdotterhemlig", protected=True)
    doc = f.user(db, role=Role.CLINICIAN, at=hc)
    db.commit()
    cut = client.get("/api/patients", params={"q": "karin måns", "limit": 2}, headers=doc.headers)
    assert len(cut.json()) == 2 and cut.headers["X-Total-Count"] == "5"
    whole = client.get("/api/patients", params={"q": "karin måns"}, headers=doc.headers)
    assert len(whole.json()) == 5 and whole.headers["X-Total-Count"] == "5"
    result = patients_service.search_patients(db, actor=doc.actor, query="karin måns", limit=3)
    assert (len(result.hits), result.total, result.by_identifier) == (3, 5, False)
