"""Read access to the organisation register (not patient data, so not audit-logged)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from naravard import seeding
from naravard.actor import Actor
from naravard.errors import NotFound
from naravard.organizations.actions import OrganizationAction
from naravard.organizations.models import CareUnit, Organization, Practitioner, PractitionerRole

# The kinds and professions are part of this service's interface (the seeding rows take their values).
from naravard.organizations.models import OrganizationKind as OrganizationKind
from naravard.organizations.models import Profession as Profession
from naravard.organizations.models import UnitKind as UnitKind


@dataclass(frozen=True)
class UnitView:
    id: uuid.UUID
    name: str
    kind: str
    hsa_id: str
    municipality_code: str
    organization_id: uuid.UUID
    organization_name: str
    organization_kind: str


def _view(unit: CareUnit, org: Organization) -> UnitView:
    return UnitView(
        id=unit.id,
        name=unit.name,
        kind=unit.kind,
        hsa_id=unit.hsa_id,
        municipality_code=unit.municipality_code,
        organization_id=org.id,
        organization_name=org.name,
        organization_kind=org.kind,
    )


def get_unit(session: Session, unit_id: uuid.UUID) -> UnitView:
    row = session.execute(
        select(CareUnit, Organization).join(Organization).where(CareUnit.id == unit_id)
    ).first()
    if row is None:
        raise NotFound(f"no care unit {unit_id}")
    return _view(row[0], row[1])


def get_units(session: Session, unit_ids: set[uuid.UUID]) -> dict[uuid.UUID, UnitView]:
    if not unit_ids:
        return {}
    rows = session.execute(select(CareUnit, Organization).join(Organization).where(CareUnit.id.in_(unit_ids)))
    return {u.id: _view(u, o) for u, o in rows}


def list_units(session: Session) -> list[UnitView]:
    rows = session.execute(select(CareUnit, Organization).join(Organization).order_by(CareUnit.name))
    return [_view(u, o) for u, o in rows]


def get_organization_name(session: Session, organization_id: uuid.UUID) -> str:
    name = session.scalar(select(Organization.name).where(Organization.id == organization_id))
    if name is None:
        raise NotFound(f"no organisation {organization_id}")
    return name


def unit_ids_of(organization_id: uuid.UUID | None) -> Select[uuid.UUID]:
    """A subquery for the access policy: the units of an organisation."""
    return select(CareUnit.id).where(CareUnit.organization_id == organization_id)


def unit_organization_ids() -> Select[uuid.UUID, uuid.UUID]:
    """A subquery for the access policy: (unit, organisation) of every unit."""
    return select(CareUnit.id.label("unit_id"), CareUnit.organization_id)


def list_organizations(session: Session) -> list[tuple[uuid.UUID, str, str]]:
    """(id, name, kind) of every organisation, by name: whom a patient may consent for."""
    rows = session.execute(
        select(Organization.id, Organization.name, Organization.kind).order_by(Organization.name)
    )
    return [(r[0], r[1], r[2]) for r in rows]


# --- Seeding (naravard.seeding) ----------------------------------------------------------------------------


def organization_exists(session: Session, *, org_number: str) -> bool:
    """Is an organisation with this organisationsnummer in the register (a demo region, say)?"""
    found = session.scalar(select(Organization.id).where(Organization.org_number == org_number).limit(1))
    return found is not None


def seed_rows(
    session: Session,
    *,
    actor: Actor,
    organizations: seeding.Rows = (),
    care_units: seeding.Rows = (),
    practitioners: seeding.Rows = (),
    practitioner_roles: seeding.Rows = (),
) -> None:
    """Seeding interface (`naravard.seeding`): the organisation register (organisations, their care units,
    practitioners and their roles at units), inserted as given, ids included, parents first, by the system
    actor only, one audit row per table. ``kind`` and ``profession`` take the values of `OrganizationKind`,
    `UnitKind` and `Profession`."""
    seeding.insert_rows(
        session,
        actor=actor,
        model=Organization,
        rows=organizations,
        action=OrganizationAction.ORGANIZATION_SEED,
    )
    seeding.insert_rows(
        session, actor=actor, model=CareUnit, rows=care_units, action=OrganizationAction.CARE_UNIT_SEED
    )
    seeding.insert_rows(
        session,
        actor=actor,
        model=Practitioner,
        rows=practitioners,
        action=OrganizationAction.PRACTITIONER_SEED,
    )
    seeding.insert_rows(
        session,
        actor=actor,
        model=PractitionerRole,
        rows=practitioner_roles,
        action=OrganizationAction.PRACTITIONER_ROLE_SEED,
    )
