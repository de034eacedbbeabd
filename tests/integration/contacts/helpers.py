"""A small region for the fixed-contact tests: a health centre with doctors and a nurse, a municipality's home
health care with a nurse, a manager, listed patients."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from naravard.actor import Role
from naravard.organizations.models import CareUnit, Organization, Practitioner, PractitionerRole
from naravard.patients.models import Person
from tests import factories


def practitioner(db: Session, unit: CareUnit, profession: str, name: str = "Doktor") -> Practitioner:
    p = Practitioner(
        hsa_id=f"SE2321000198-P{uuid.uuid4().hex[:8]}",
        given_name=name,
        family_name=uuid.uuid4().hex[:6],
        profession=profession,
    )
    db.add(p)
    db.flush()
    db.add(PractitionerRole(practitioner_id=p.id, unit_id=unit.id))
    db.flush()
    return p


@dataclass
class Env:
    region: Organization
    hc: CareUnit
    other_hc: CareUnit
    municipality: Organization
    home_care: CareUnit
    doctors: list[Practitioner]
    nurse: Practitioner
    municipal_nurse: Practitioner
    assistant: Practitioner
    other_doctor: Practitioner
    manager: factories.LoggedIn
    other_manager: factories.LoggedIn
    patients: list[Person] = field(default_factory=list)


def env(db: Session, *, doctors: int = 2, patients: int = 3) -> Env:
    region = factories.organization(db)
    hc = factories.unit(db, region, name="Norrby hälsocentral")
    other_hc = factories.unit(db, region, name="Söderby hälsocentral")
    municipality = factories.organization(db, name="Testby kommun", kind="municipality")
    home_care = factories.unit(db, municipality, name="Hemsjukvården", kind="home_health_care")
    e = Env(
        region=region,
        hc=hc,
        other_hc=other_hc,
        municipality=municipality,
        home_care=home_care,
        doctors=[practitioner(db, hc, "doctor", f"Doktor{i}") for i in range(doctors)],
        nurse=practitioner(db, hc, "nurse", "Syster"),
        municipal_nurse=practitioner(db, home_care, "nurse", "Kommunsyster"),
        assistant=practitioner(db, hc, "assistant_nurse", "Usk"),
        other_doctor=practitioner(db, other_hc, "doctor", "Annan"),
        manager=factories.user(db, role=Role.UNIT_MANAGER, at=hc),
        other_manager=factories.user(db, role=Role.UNIT_MANAGER, at=other_hc),
    )
    e.patients = [factories.person(db, listed_at=hc) for _ in range(patients)]
    for i, p in enumerate(e.patients):  # households of one (the factory gives everyone the same address)
        p.address = f"Testvägen {i + 1}"
    db.flush()
    return e
