"""A small county for the coordination tests: a hospital clinic, a hälsocentral where the patient is listed,
the patient's municipality with its home health care and social services, another municipality, and users
at each."""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlalchemy.orm import Session

from naravard.actor import Role
from naravard.organizations.models import CareUnit, Organization
from naravard.patients.models import Person
from tests import factories
from tests.factories import LoggedIn


@dataclass
class World:
    region: Organization
    hospital: CareUnit
    hc: CareUnit
    municipality: Organization
    home_care: CareUnit
    social: CareUnit
    other_home_care: CareUnit
    patient: Person
    code: str
    nurse: LoggedIn  # at the hospital
    hc_nurse: LoggedIn
    municipal: LoggedIn  # home health care of the patient's municipality
    other_municipal: LoggedIn  # another municipality's home health care
    social_worker: LoggedIn


def world(db: Session, *, code: str | None = None) -> World:
    """A world whose municipality code is its own (random unless given), so that the receiving unit the
    service finds is this world's even when other tests' units are in the database."""
    code = code or f"{random.randrange(3000, 9999)}"
    other = f"{(int(code) + 1) % 10000:04d}"
    region = factories.organization(db, name="Region Test")
    hospital = factories.unit(
        db, region, name="Medicinkliniken Test", kind="hospital_clinic", municipality_code=code
    )
    hc = factories.unit(db, region, name="Testby hälsocentral", kind="health_centre", municipality_code=code)
    municipality = factories.organization(db, name="Testby kommun", kind="municipality")
    municipality.municipality_code = code
    home_care = factories.unit(
        db, municipality, name="Testby hemsjukvård", kind="home_health_care", municipality_code=code
    )
    social = factories.unit(
        db, municipality, name="Testby socialtjänst", kind="social_services", municipality_code=code
    )
    other_org = factories.organization(db, name="Annanby kommun", kind="municipality")
    other_org.municipality_code = other
    other_home_care = factories.unit(
        db, other_org, name="Annanby hemsjukvård", kind="home_health_care", municipality_code=other
    )
    patient = factories.person(db, listed_at=hc, given="Greta")
    patient.municipality_code = code
    db.flush()
    return World(
        region=region,
        hospital=hospital,
        hc=hc,
        municipality=municipality,
        home_care=home_care,
        social=social,
        other_home_care=other_home_care,
        patient=patient,
        code=code,
        nurse=factories.user(db, role=Role.CLINICIAN, at=hospital),
        hc_nurse=factories.user(db, role=Role.CLINICIAN, at=hc),
        municipal=factories.user(db, role=Role.MUNICIPAL_STAFF, at=home_care),
        other_municipal=factories.user(db, role=Role.MUNICIPAL_STAFF, at=other_home_care),
        social_worker=factories.user(db, role=Role.MUNICIPAL_STAFF, at=social),
    )
