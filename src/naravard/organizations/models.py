"""Organisations (vårdgivare, huvudmän), care units (vårdenheter with HSA-id) and practitioners."""

from __future__ import annotations

import uuid
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from naravard.db import Base, IdMixin, TimestampMixin


class OrganizationKind(StrEnum):
    REGION = "region"
    MUNICIPALITY = "municipality"
    PRIVATE_PROVIDER = "private_provider"


class UnitKind(StrEnum):
    HEALTH_CENTRE = "health_centre"  # hälsocentral
    HOSPITAL_CLINIC = "hospital_clinic"
    HOME_HEALTH_CARE = "home_health_care"  # kommunal hemsjukvård
    SOCIAL_SERVICES = "social_services"  # socialtjänst / äldreomsorg
    MOBILE_TEAM = "mobile_team"
    ADMINISTRATION = "administration"


class Profession(StrEnum):
    DOCTOR = "doctor"  # läkare
    NURSE = "nurse"  # sjuksköterska / distriktssköterska
    ASSISTANT_NURSE = "assistant_nurse"  # undersköterska
    OCCUPATIONAL_THERAPIST = "occupational_therapist"  # arbetsterapeut
    PHYSIOTHERAPIST = "physiotherapist"  # fysioterapeut
    COUNSELLOR = "counsellor"  # kurator
    PSYCHOLOGIST = "psychologist"  # psykolog
    CARE_ASSESSOR = "care_assessor"  # biståndshandläggare
    DIETITIAN = "dietitian"  # dietist
    PHARMACIST = "pharmacist"  # farmaceut
    ADMINISTRATOR = "administrator"
    ANALYST = "analyst"


class Organization(IdMixin, TimestampMixin, Base):
    __tablename__ = "organization"

    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    org_number: Mapped[str] = mapped_column(String(11), unique=True)  # organisationsnummer NNNNNN-NNNN
    hsa_id: Mapped[str] = mapped_column(String(31), unique=True)
    municipality_code: Mapped[str | None] = mapped_column(String(4))


class CareUnit(IdMixin, TimestampMixin, Base):
    __tablename__ = "care_unit"

    organization_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organization.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    hsa_id: Mapped[str] = mapped_column(String(31), unique=True)
    municipality_code: Mapped[str] = mapped_column(String(4))
    # Hälsocentraler run by the region or under contract in Hälsoval accept listings (HSL 7 kap. 3 a §).
    accepts_listing: Mapped[bool] = mapped_column(default=False)
    private_ownership: Mapped[bool] = mapped_column(default=False)


class Practitioner(IdMixin, TimestampMixin, Base):
    __tablename__ = "practitioner"

    hsa_id: Mapped[str] = mapped_column(String(31), unique=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    profession: Mapped[str] = mapped_column(String(32))


class PractitionerRole(IdMixin, Base):
    """A practitioner working at a unit (one row per unit)."""

    __tablename__ = "practitioner_role"
    __table_args__ = (UniqueConstraint("practitioner_id", "unit_id"),)

    practitioner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("practitioner.id"), index=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_unit.id"), index=True)
