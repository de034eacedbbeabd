"""The consent pages without a browser: the patient gives and withdraws consent at /min/samtycken, and the
log reviewer reviews a staff-recorded consent at /audit/consents (issue 22)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from naravard.actor import Role
from naravard.consent.models import Consent
from tests import factories as f
from tests.api.test_web_pages import _csrf, _login


def test_the_patient_gives_and_withdraws_consent_on_their_own_page(client: TestClient, db: Session) -> None:
    region = f.organization(db, name="Region Gävleborg")
    private = f.organization(db, name="Privat Vård AB", kind="private_provider")
    patient = f.person(db, listed_at=f.unit(db, private, name="Privat hälsocentral"))
    f.user(db, role=Role.PATIENT, at=None, person_id=patient.id, username="greta")
    db.commit()
    _login(client, "greta")
    page = client.get("/min/samtycken")
    assert page.status_code == 200 and "Mina samtycken" in page.text and "Inga samtycken." in page.text
    assert 'href="/min/samtycken"' in page.text  # in the navigation
    assert page.headers["Cache-Control"] == "no-store"  # patient data: never cached
    given = client.post(
        "/min/samtycken", data={"organization_id": str(region.id), "csrf_token": _csrf(page.text)}
    )
    assert (
        given.status_code == 200 and "Region Gävleborg" in given.text and "Själv via e-tjänst" in given.text
    )
    consent = db.scalars(select(Consent).where(Consent.person_id == patient.id)).one()
    assert consent.method == "self_service" and consent.withdrawn_at is None
    bad = client.post("/min/samtycken", data={"organization_id": "x", "csrf_token": _csrf(given.text)})
    assert bad.status_code == 422 and "välj organisationen" in bad.text
    withdrawn = client.post(f"/min/samtycken/{consent.id}/withdraw", data={"csrf_token": _csrf(bad.text)})
    assert withdrawn.status_code == 200 and "Återkallat" in withdrawn.text
    db.refresh(consent)
    assert consent.withdrawn_at is not None and consent.withdrawn_by == "greta"


def test_staff_may_not_open_the_patients_own_page(client: TestClient, db: Session) -> None:
    region = f.organization(db)
    f.user(db, role=Role.CLINICIAN, at=f.unit(db, region), username="doc")
    db.commit()
    _login(client, "doc")
    assert client.get("/min/samtycken").status_code == 403


def test_the_log_reviewer_reviews_a_consent_recorded_by_staff(client: TestClient, db: Session) -> None:
    municipality = f.organization(db, name="Gävle kommun", kind="municipality")
    home = f.unit(db, municipality, name="Hemsjukvård Gävle", kind="home_health_care")
    patient = f.person(db)
    f.relationship(db, patient, home)
    nurse = f.user(db, role=Role.MUNICIPAL_STAFF, at=home)
    f.user(db, role=Role.LOG_REVIEWER, at=home, username="granskare")
    db.commit()
    created = client.post(
        f"/api/patients/{patient.id}/consents",
        json={"method": "verbal", "given_by": "patient"},
        headers=nurse.headers,
    )
    assert created.status_code == 201
    _login(client, "granskare")
    page = client.get("/audit/consents")
    assert page.status_code == 200 and "Samtycken registrerade av personal" in page.text
    assert nurse.user.username in page.text and "Muntligt" in page.text
    action = re.search(r'action="(/audit/consents/[^"]+/review)"', page.text)
    assert action
    # issue 19: the review asks for a confirmation first, then lands in the history
    asked = client.post(action.group(1), data={"note": "Kontrollerat", "csrf_token": _csrf(page.text)})
    assert asked.status_code == 200 and "Markera som granskad?" in asked.text
    reviewed = client.post(
        action.group(1), data={"note": "Kontrollerat", "confirm": "1", "csrf_token": _csrf(asked.text)}
    )
    assert reviewed.status_code == 200 and "Kontrollerat" in reviewed.text
    done = client.get("/audit/consents")
    assert done.status_code == 200 and "Inga samtycken registrerade av personal att granska." in done.text
    consent = db.scalars(select(Consent).where(Consent.person_id == patient.id)).one()
    db.refresh(consent)
    assert consent.reviewed_by == "granskare" and consent.review_note == "Kontrollerat"
