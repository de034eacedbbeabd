"""A small region for the care-plan tests: a health centre (the coordinator's), another health centre of the
same region, a municipality's home health care, a listed patient who consented to the municipality."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from naravard.actor import Role
from naravard.organizations.models import CareUnit, Organization
from naravard.patients.models import Person
from tests import factories


@dataclass
class PlanEnv:
    region: Organization
    hc: CareUnit
    other_hc: CareUnit
    municipality: Organization
    home_care: CareUnit
    patient: Person
    coordinator: factories.LoggedIn
    municipal: factories.LoggedIn
    patient_user: factories.LoggedIn


def plan_env(db: Session, *, consent: bool = True) -> PlanEnv:
    region = factories.organization(db)
    hc = factories.unit(db, region, name="Norrby hälsocentral")
    other_hc = factories.unit(db, region, name="Söderby hälsocentral")
    municipality = factories.organization(db, name="Testby kommun", kind="municipality")
    home_care = factories.unit(db, municipality, name="Hemsjukvården", kind="home_health_care")
    patient = factories.person(db, listed_at=hc)
    if consent:
        factories.consent(db, patient, municipality)
    return PlanEnv(
        region=region,
        hc=hc,
        other_hc=other_hc,
        municipality=municipality,
        home_care=home_care,
        patient=patient,
        coordinator=factories.user(db, role=Role.CLINICIAN, at=hc),
        municipal=factories.user(db, role=Role.MUNICIPAL_STAFF, at=home_care),
        patient_user=factories.user(db, role=Role.PATIENT, at=None, person_id=patient.id),
    )


def content(e: PlanEnv, *, with_municipality: bool = True, **extra: Any) -> dict[str, Any]:
    """A plan's content as the API takes it: goals, a need, activities by both organisations, a next step."""
    today = date.today()
    participants: list[dict[str, Any]] = [
        {"name": "Sara Sjuksköterska", "unit_id": str(e.hc.id), "role": "fast vårdkontakt"}
    ]
    if with_municipality:
        participants.append(
            {"name": "Kim Kommun", "unit_id": str(e.home_care.id), "role": "distriktssköterska"}
        )
    return {
        "matters": [{"text": "Att kunna bo kvar hemma", "author": "staff"}],
        "goals": [{"text": "Gå till affären själv", "author": "staff"}],
        "needs": [{"text": "Hjälp med läkemedel"}],
        "activities": [
            {
                "what": "Läkemedelsgenomgång",
                "unit_id": str(e.hc.id),
                "frequency": "en gång",
                "start_date": str(today),
            },
            {
                "what": "Hemsjukvård, såromläggning",
                "unit_id": str(e.home_care.id),
                "frequency": "två gånger i veckan",
            },
        ],
        "timeline": [
            {
                "on": str(today + timedelta(days=7)),
                "what": "Återbesök hos sjuksköterskan",
                "unit_id": str(e.hc.id),
            }
        ],
        "participants": participants,
        **extra,
    }


def sip_section(e: PlanEnv, *, consent: bool = True, **extra: Any) -> dict[str, Any]:
    today = date.today()
    return {
        "called_by_unit_id": str(e.hc.id),
        "called_on": str(today - timedelta(days=3)),
        "patient_consent": consent,
        "patient_consent_on": str(today - timedelta(days=3)),
        "invitations": [{"unit_id": str(e.home_care.id), "invited_on": str(today - timedelta(days=3))}],
        "meetings": [
            {"on": str(today - timedelta(days=1)), "attendees": ["Sara", "Kim"], "patient_attended": True}
        ],
        "needs_mapping": [{"need": "Såromläggning", "unit_id": str(e.home_care.id)}],
        "main_responsible_unit_id": str(e.hc.id),
        "follow_up_date": str(today + timedelta(days=30)),
        **extra,
    }


def new_id() -> str:
    return str(uuid.uuid4())
