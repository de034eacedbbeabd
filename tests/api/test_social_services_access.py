"""Social services by the law (issue 19, ADR 0004): they have no emergency access (it is health care's), and
read a patient's data with the patient's consent (lag (2022:913) covers omsorgsgivare), also what their own
municipality's home health care holds: SoL and HSL are different secrecy areas, so the same-organisation
rule (inre sekretess) binds each care domain separately. On SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from naravard.actor import Role
from naravard.audit.models import AuditEvent
from naravard.consent.models import EmergencyAccess
from naravard.organizations.models import CareUnit, Organization
from tests import factories as f


@dataclass
class Municipality:
    org: Organization
    home_care: CareUnit
    other_home_care: CareUnit
    social: CareUnit
    health_centre: CareUnit


def _world(db: Session) -> Municipality:
    region = f.organization(db, name="Region Gävleborg")
    municipality = f.organization(db, name="Gävle kommun", kind="municipality")
    return Municipality(
        municipality,
        f.unit(db, municipality, name="Hemsjukvård Gävle", kind="home_health_care"),
        f.unit(db, municipality, name="Hemsjukvård Gävle norr", kind="home_health_care"),
        f.unit(db, municipality, name="Biståndsenheten Gävle", kind="social_services"),
        f.unit(db, region, name="Strand hälsocentral"),
    )


# (where the patient is held in the municipality, consent for the municipality, reader) -> may read
CASES = [
    ("home_care", False, "social", False),
    ("home_care", True, "social", True),  # other care domain: consent opens it
    ("home_care", True, "other_home_care", False),  # same domain: inre sekretess, consent does not
    ("social", True, "home_care", True),
    ("social", False, "home_care", False),
    ("social", True, "social", True),  # own unit: the care relationship
]


@pytest.mark.parametrize(("held_by", "consented", "reader", "may_read"), CASES)
def test_consent_across_care_domains_of_one_municipality(
    client: TestClient, db: Session, held_by: str, consented: bool, reader: str, may_read: bool
) -> None:
    w = _world(db)
    patient = f.person(db, listed_at=w.health_centre)
    f.relationship(db, patient, getattr(w, held_by))
    if consented:
        f.consent(db, patient, w.org)
    staff = f.user(db, role=Role.MUNICIPAL_STAFF, at=getattr(w, reader))
    db.commit()
    response = client.get(f"/api/patients/{patient.id}", headers=staff.headers)
    assert response.status_code == (200 if may_read else 403), response.text
    rows = db.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.patient_id == patient.id))
    assert rows == 1


def test_social_services_have_no_emergency_access(client: TestClient, db: Session) -> None:
    w = _world(db)
    patient = f.person(db, listed_at=w.health_centre)
    social = f.user(db, role=Role.MUNICIPAL_STAFF, at=w.social)
    nurse = f.user(db, role=Role.MUNICIPAL_STAFF, at=w.home_care)
    db.commit()
    reason = {"reason": "Akut försämring i hemmet, behöver läkemedelslistan"}
    refused = client.post(f"/api/patients/{patient.id}/emergency-access", json=reason, headers=social.headers)
    assert refused.status_code == 403 and refused.json()["reason"] == "emergency_not_in_social_services"
    assert db.scalars(select(EmergencyAccess)).all() == []
    # The refusal page offers no emergency access to social services; home health care gets it.
    client.cookies.set("naravard_session", social.token)
    page = client.get(f"/patients/{patient.id}")
    assert page.status_code == 403 and 'action="/patients/' not in page.text
    client.cookies.set("naravard_session", nurse.token)
    page = client.get(f"/patients/{patient.id}")
    assert page.status_code == 403 and f'action="/patients/{patient.id}/emergency-access"' in page.text
    opened = client.post(f"/api/patients/{patient.id}/emergency-access", json=reason, headers=nurse.headers)
    assert opened.status_code == 201


# The authorization matrix extended by emergency access: who may open it, for a patient of another
# organisation and for one who has blocked the actor's organisation (a block holds even then).
EMERGENCY_ACTORS = [
    ("clinician", Role.CLINICIAN, "health_centre", True),
    ("unit_manager", Role.UNIT_MANAGER, "health_centre", False),
    ("home_health_care", Role.MUNICIPAL_STAFF, "home_care", True),
    ("social_services", Role.MUNICIPAL_STAFF, "social", False),
    ("analyst", Role.ANALYST, "health_centre", False),
    ("administrator", Role.ADMINISTRATOR, "health_centre", False),
    ("log_reviewer", Role.LOG_REVIEWER, "health_centre", False),
]


@pytest.mark.parametrize("blocked", [False, True], ids=["unrelated", "blocked"])
@pytest.mark.parametrize(
    ("who", "role", "unit", "may_open"), EMERGENCY_ACTORS, ids=[a[0] for a in EMERGENCY_ACTORS]
)
def test_emergency_access_matrix(
    client: TestClient, db: Session, who: str, role: Role, unit: str, may_open: bool, blocked: bool
) -> None:
    w = _world(db)
    private = f.organization(db, name="Privat Vård AB", kind="private_provider")
    patient = f.person(db, listed_at=f.unit(db, private, name="Privat hälsocentral"))
    staff = f.user(db, role=role, at=getattr(w, unit))
    if blocked:
        f.block(db, patient, db.get(Organization, staff.actor.organization_id))
    db.commit()
    before = db.scalar(select(func.count()).select_from(AuditEvent)) or 0
    response = client.post(
        f"/api/patients/{patient.id}/emergency-access",
        json={"reason": "Akut försämring, behöver läkemedelslistan"},
        headers=staff.headers,
    )
    after = db.scalar(select(func.count()).select_from(AuditEvent)) or 0
    assert after - before == 1, "exactly one audit row per request"
    if may_open and not blocked:
        assert response.status_code == 201, response.text
    else:
        assert response.status_code == 403, response.text
        assert db.scalars(select(EmergencyAccess)).all() == []
