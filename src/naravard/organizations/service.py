"""Read access to the organisation register (not patient data, so not audit-logged)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from naravard import seeding
from naravard.actor import Actor, CareDomain
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


# Social services (SoL) is its own secrecy area and its own givare under lag (2022:913), even in a
# municipality that also runs health care; every other kind of unit gives health care (HSL).
_SOCIAL_KINDS = frozenset({UnitKind.SOCIAL_SERVICES.value})


def care_domain_of(kind: str) -> CareDomain:
    return CareDomain.SOCIAL if kind in _SOCIAL_KINDS else CareDomain.HEALTH


def _in_domain(domain: CareDomain) -> ColumnElement[bool]:
    social = CareUnit.kind.in_(_SOCIAL_KINDS)
    return social if domain is CareDomain.SOCIAL else ~social


def unit_ids_of(organization_id: uuid.UUID | None, *, domain: CareDomain) -> Select[uuid.UUID]:
    """A subquery for the access policy: the units of an organisation in one care domain."""
    return select(CareUnit.id).where(CareUnit.organization_id == organization_id, _in_domain(domain))


def unit_organization_ids(*, domain: CareDomain) -> Select[uuid.UUID, uuid.UUID]:
    """A subquery for the access policy: (unit, organisation) of every unit in one care domain."""
    return select(CareUnit.id.label("unit_id"), CareUnit.organization_id).where(_in_domain(domain))


def professions(session: Session, practitioner_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The profession (a `Profession` value) of each practitioner id that exists."""
    if not practitioner_ids:
        return {}
    rows = session.execute(
        select(Practitioner.id, Practitioner.profession).where(Practitioner.id.in_(practitioner_ids))
    )
    return {pid: profession for pid, profession in rows}


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


# --- The log reviewer's unit filter (issue 19) --------------------------------------------------------------


def unit_ids_named(session: Session, text: str, *, limit: int = 500) -> list[uuid.UUID]:
    """The units whose name contains `text` (any case, matched literally): the log reviewer filters the
    audit trail by a unit's name, not its id."""
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    stmt = (
        select(CareUnit.id)
        .where(func.lower(CareUnit.name).like(f"%{escaped}%", escape="\\"))
        .order_by(CareUnit.name)
        .limit(limit)
    )
    return list(session.scalars(stmt))


# --- Practitioners at units, for the fixed contacts (issue 14) ---------------------------------------------


@dataclass(frozen=True)
class PractitionerView:
    id: uuid.UUID
    hsa_id: str
    name: str
    profession: str  # a `Profession` value
    unit_ids: frozenset[uuid.UUID]


def practitioners(
    session: Session, *, ids: set[uuid.UUID] | None = None, unit_ids: set[uuid.UUID] | None = None
) -> dict[uuid.UUID, PractitionerView]:
    """Practitioners by id with the units they work at: those named (`ids`) and/or those working at any of
    `unit_ids`; not patient data, so not audit-logged."""
    if not ids and not unit_ids:
        return {}
    chosen = select(PractitionerRole.practitioner_id)
    if unit_ids:
        chosen = chosen.where(PractitionerRole.unit_id.in_(unit_ids))
    if ids:
        chosen = (
            select(Practitioner.id).where(Practitioner.id.in_(ids)).union(chosen)  # type: ignore[assignment]
            if unit_ids
            else select(Practitioner.id).where(Practitioner.id.in_(ids))
        )
    rows = session.execute(
        select(
            Practitioner.id,
            Practitioner.hsa_id,
            Practitioner.given_name,
            Practitioner.family_name,
            Practitioner.profession,
            PractitionerRole.unit_id,
        )
        .outerjoin(PractitionerRole, PractitionerRole.practitioner_id == Practitioner.id)
        .where(Practitioner.id.in_(chosen))
    )
    found: dict[uuid.UUID, tuple[str, str, str, set[uuid.UUID]]] = {}
    for pid, hsa, given, family, profession, unit_id in rows:
        entry = found.setdefault(pid, (hsa, f"{given} {family}", profession, set()))
        if unit_id is not None:
            entry[3].add(unit_id)
    return {
        pid: PractitionerView(pid, hsa, name, profession, frozenset(units))
        for pid, (hsa, name, profession, units) in found.items()
    }


def unit_by_hsa_id(session: Session, hsa_id: str) -> UnitView:
    row = session.execute(
        select(CareUnit, Organization).join(Organization).where(CareUnit.hsa_id == hsa_id.strip())
    ).first()
    if row is None:
        raise NotFound("no care unit with HSA-id %(hsa)s", params={"hsa": hsa_id})
    return _view(row[0], row[1])


def practitioner_ids_by_hsa(session: Session, hsa_ids: set[str]) -> dict[str, uuid.UUID]:
    """The practitioner id of each HSA-id that exists (a records system's export names practitioners so)."""
    if not hsa_ids:
        return {}
    rows = session.execute(
        select(Practitioner.hsa_id, Practitioner.id).where(Practitioner.hsa_id.in_(hsa_ids))
    )
    return {hsa: pid for hsa, pid in rows}
