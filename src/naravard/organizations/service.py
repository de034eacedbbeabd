"""The organisation register: reads for the other contexts (not patient data, so not audit-logged), and the
administrator's register (organisations, care units, the import of the region's unit catalogue), each
write and each of its reads audit-logged, a refusal too."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from naravard import seeding
from naravard.actor import Actor, CareDomain, Role
from naravard.audit import service as audit_service
from naravard.errors import Conflict, Invalid, NotFound
from naravard.organizations.actions import OrganizationAction
from naravard.organizations.catalogue import parse_catalogue
from naravard.organizations.models import CareUnit, Organization, Practitioner, PractitionerRole

# The kinds and professions are part of this service's interface (the seeding rows take their values).
from naravard.organizations.models import OrganizationKind as OrganizationKind
from naravard.organizations.models import Profession as Profession
from naravard.organizations.models import UnitKind as UnitKind
from naravard.organizations.rules import check_hsa_id, check_municipality, check_org_number
from naravard.organizations.schemas import (
    CareUnitIn,
    CareUnitOut,
    CatalogueReport,
    OrganizationIn,
    OrganizationOut,
)


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


# --- The administrator's register (issue 20) ---------------------------------------------------------------

ADMIN_ROLES = frozenset({Role.ADMINISTRATOR, Role.SYSTEM})


def require_administrator(session: Session, *, actor: Actor, action: OrganizationAction) -> None:
    """Only an administrator (or the system, for the CLI) keeps the register; refused and logged else."""
    if actor.role not in ADMIN_ROLES:
        audit_service.refuse(
            session,
            actor=actor,
            action=action,
            reason="role_not_permitted",
            message="only an administrator keeps the organisation register",
        )


def _org_out(org: Organization, units: int = 0) -> OrganizationOut:
    return OrganizationOut(
        id=org.id,
        name=org.name,
        kind=org.kind,
        org_number=org.org_number,
        hsa_id=org.hsa_id,
        municipality_code=org.municipality_code,
        units=units,
    )


def _unit_out(unit: CareUnit, org: Organization) -> CareUnitOut:
    return CareUnitOut(
        id=unit.id,
        name=unit.name,
        kind=unit.kind,
        hsa_id=unit.hsa_id,
        municipality_code=unit.municipality_code,
        organization_id=org.id,
        organization_name=org.name,
        organization_hsa_id=org.hsa_id,
        accepts_listing=unit.accepts_listing,
    )


def admin_organizations(session: Session, *, actor: Actor) -> list[OrganizationOut]:
    """Every organisation with its number of units, by name."""
    action = OrganizationAction.ORGANIZATION_LIST
    require_administrator(session, actor=actor, action=action)
    counts = dict(
        session.execute(
            select(CareUnit.organization_id, func.count()).group_by(CareUnit.organization_id)
        ).all()
    )
    orgs = list(session.scalars(select(Organization).order_by(Organization.name)))
    audit_service.record(session, actor=actor, action=action, detail={"returned": len(orgs)})
    return [_org_out(o, counts.get(o.id, 0)) for o in orgs]


def _clean_org(data: OrganizationIn) -> OrganizationIn:
    kinds = [k.value for k in OrganizationKind]
    if data.kind not in kinds:
        raise Invalid("kind must be one of %(kinds)s", field="kind", params={"kinds": kinds})
    name = data.name.strip()
    if not name:
        raise Invalid("a name is required", field="name")
    for field, problem in (
        ("org_number", check_org_number(data.org_number.strip())),
        ("hsa_id", check_hsa_id(data.hsa_id.strip())),
        (
            "municipality_code",
            check_municipality(data.municipality_code.strip()) if data.municipality_code else None,
        ),
    ):
        if problem:
            raise Invalid(problem, field=field)
    return data.model_copy(
        update={
            "name": name,
            "org_number": data.org_number.strip(),
            "hsa_id": data.hsa_id.strip(),
            "municipality_code": (data.municipality_code or "").strip() or None,
        }
    )


def _org_taken(session: Session, data: OrganizationIn, own: uuid.UUID | None) -> None:
    stmt = select(Organization.id).where(
        or_(Organization.hsa_id == data.hsa_id, Organization.org_number == data.org_number)
    )
    if own is not None:
        stmt = stmt.where(Organization.id != own)
    if session.scalar(stmt.limit(1)) is not None:
        raise Conflict("another organisation has this HSA-id or organisationsnummer")


def create_organization(session: Session, *, actor: Actor, data: OrganizationIn) -> OrganizationOut:
    action = OrganizationAction.ORGANIZATION_CREATE
    require_administrator(session, actor=actor, action=action)
    data = _clean_org(data)
    _org_taken(session, data, None)
    org = Organization(**data.model_dump())
    session.add(org)
    session.flush()
    audit_service.record(
        session, actor=actor, action=action, detail={"organization_id": str(org.id), **data.model_dump()}
    )
    return _org_out(org)


def _org_by_hsa(session: Session, hsa_id: str) -> Organization:
    org = session.scalar(select(Organization).where(Organization.hsa_id == hsa_id.strip()))
    if org is None:
        raise NotFound("no organisation with HSA-id %(hsa)s", params={"hsa": hsa_id})
    return org


def get_organization(session: Session, *, actor: Actor, hsa_id: str) -> OrganizationOut:
    action = OrganizationAction.ORGANIZATION_LIST
    require_administrator(session, actor=actor, action=action)
    org = _org_by_hsa(session, hsa_id)
    units = session.scalar(
        select(func.count()).select_from(CareUnit).where(CareUnit.organization_id == org.id)
    )
    audit_service.record(session, actor=actor, action=action, detail={"organization_id": str(org.id)})
    return _org_out(org, units or 0)


def update_organization(
    session: Session, *, actor: Actor, hsa_id: str, data: OrganizationIn
) -> OrganizationOut:
    """Change an organisation's name, kind, numbers or municipality; the audit row holds before and after."""
    action = OrganizationAction.ORGANIZATION_UPDATE
    require_administrator(session, actor=actor, action=action)
    org = _org_by_hsa(session, hsa_id)
    data = _clean_org(data)
    _org_taken(session, data, org.id)
    before = _org_out(org).model_dump(mode="json", exclude={"units", "id"})
    for key, value in data.model_dump().items():
        setattr(org, key, value)
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action=action,
        detail={"organization_id": str(org.id), "before": before, "after": data.model_dump()},
    )
    return _org_out(org)


def admin_units(session: Session, *, actor: Actor, query: str = "", limit: int = 500) -> list[CareUnitOut]:
    """Care units, by name; `query` matches the name or HSA-id (any case, literally)."""
    action = OrganizationAction.CARE_UNIT_LIST
    require_administrator(session, actor=actor, action=action)
    stmt = select(CareUnit, Organization).join(Organization).order_by(CareUnit.name).limit(limit)
    text = query.strip().lower()
    if text:
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        stmt = stmt.where(
            or_(
                func.lower(CareUnit.name).like(pattern, escape="\\"),
                func.lower(CareUnit.hsa_id).like(pattern, escape="\\"),
            )
        )
    rows = session.execute(stmt).all()
    audit_service.record(
        session, actor=actor, action=action, detail={"query": text[:100], "returned": len(rows)}
    )
    return [_unit_out(u, o) for u, o in rows]


def _organization_for(session: Session, ref: str) -> Organization | None:
    """An organisation named by its HSA-id or organisationsnummer."""
    ref = ref.strip()
    return session.scalar(
        select(Organization).where(or_(Organization.hsa_id == ref, Organization.org_number == ref))
    )


def _clean_unit(session: Session, data: CareUnitIn) -> tuple[dict[str, object], Organization]:
    kinds = [k.value for k in UnitKind]
    if data.kind not in kinds:
        raise Invalid("kind must be one of %(kinds)s", field="kind", params={"kinds": kinds})
    name = data.name.strip()
    if not name:
        raise Invalid("a name is required", field="name")
    for field, problem in (
        ("hsa_id", check_hsa_id(data.hsa_id.strip())),
        ("municipality_code", check_municipality(data.municipality_code.strip())),
    ):
        if problem:
            raise Invalid(problem, field=field)
    org = _organization_for(session, data.organization)
    if org is None:
        raise Invalid("no organisation with this HSA-id or organisationsnummer", field="organization")
    values: dict[str, object] = {
        "name": name,
        "kind": data.kind,
        "hsa_id": data.hsa_id.strip(),
        "municipality_code": data.municipality_code.strip(),
        "organization_id": org.id,
        "accepts_listing": data.accepts_listing,
    }
    return values, org


def _unit_by_hsa(session: Session, hsa_id: str) -> CareUnit:
    unit = session.scalar(select(CareUnit).where(CareUnit.hsa_id == hsa_id.strip()))
    if unit is None:
        raise NotFound("no care unit with HSA-id %(hsa)s", params={"hsa": hsa_id})
    return unit


def get_admin_unit(session: Session, *, actor: Actor, hsa_id: str) -> CareUnitOut:
    require_administrator(session, actor=actor, action=OrganizationAction.CARE_UNIT_LIST)
    unit = _unit_by_hsa(session, hsa_id)
    org = session.get(Organization, unit.organization_id)
    assert org is not None
    audit_service.record(
        session, actor=actor, action=OrganizationAction.CARE_UNIT_LIST, detail={"unit_id": str(unit.id)}
    )
    return _unit_out(unit, org)


def create_unit(session: Session, *, actor: Actor, data: CareUnitIn) -> CareUnitOut:
    action = OrganizationAction.CARE_UNIT_CREATE
    require_administrator(session, actor=actor, action=action)
    values, org = _clean_unit(session, data)
    if session.scalar(select(CareUnit.id).where(CareUnit.hsa_id == values["hsa_id"])) is not None:
        raise Conflict("a care unit with this HSA-id exists")
    unit = CareUnit(**values, private_ownership=org.kind == OrganizationKind.PRIVATE_PROVIDER.value)
    session.add(unit)
    session.flush()
    audit_service.record(
        session, actor=actor, action=action, detail={"unit_id": str(unit.id), **_jsonable(values)}
    )
    return _unit_out(unit, org)


def update_unit(session: Session, *, actor: Actor, hsa_id: str, data: CareUnitIn) -> CareUnitOut:
    """Change a unit's name, kind, HSA-id, organisation, municipality or listing; audit row before and after."""
    action = OrganizationAction.CARE_UNIT_UPDATE
    require_administrator(session, actor=actor, action=action)
    unit = _unit_by_hsa(session, hsa_id)
    values, org = _clean_unit(session, data)
    clash = session.scalar(
        select(CareUnit.id).where(CareUnit.hsa_id == values["hsa_id"], CareUnit.id != unit.id)
    )
    if clash is not None:
        raise Conflict("a care unit with this HSA-id exists")
    before = {key: getattr(unit, key) for key in values}
    for key, value in values.items():
        setattr(unit, key, value)
    unit.private_ownership = org.kind == OrganizationKind.PRIVATE_PROVIDER.value
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action=action,
        detail={"unit_id": str(unit.id), "before": _jsonable(before), "after": _jsonable(values)},
    )
    return _unit_out(unit, org)


def _jsonable(values: dict[str, object]) -> dict[str, object]:
    return {k: str(v) if isinstance(v, uuid.UUID) else v for k, v in values.items()}


def import_catalogue(
    session: Session, *, actor: Actor, content: bytes, import_valid_rows: bool = False
) -> CatalogueReport:
    """Check the region's unit catalogue (CSV: id, name, kind, organisation, municipality) as a whole and
    import it, idempotent by HSA-id: a new id makes a unit, a known one is updated (reported). A file with
    any bad row imports nothing unless `import_valid_rows` asks for the good rows (the bad ones listed as
    skipped). One audit row, whatever happens: what was checked, created, updated and skipped."""
    action = OrganizationAction.CATALOGUE_IMPORT
    require_administrator(session, actor=actor, action=action)
    orgs: dict[str, Organization] = {}
    for org in session.scalars(select(Organization)):
        orgs[org.hsa_id] = org
        orgs[org.org_number] = org
    parsed = parse_catalogue(content, known_organizations=set(orgs), unit_kinds={k.value for k in UnitKind})
    bad_rows = sorted({p.row for p in parsed.problems})
    report = CatalogueReport(
        rows=len(parsed.rows) + len([r for r in bad_rows if r > 1]),
        valid_rows=len(parsed.rows),
        problems=parsed.problems,
        imported=False,
    )
    file_level = any(p.row <= 1 for p in parsed.problems)
    if (parsed.problems and not import_valid_rows) or file_level or not parsed.rows:
        audit_service.record(
            session,
            actor=actor,
            action=action,
            reason="not_imported",
            detail={"rows": report.rows, "problems": len(parsed.problems), "imported": False},
        )
        return report
    existing = {
        u.hsa_id: u
        for u in session.scalars(select(CareUnit).where(CareUnit.hsa_id.in_([r.hsa_id for r in parsed.rows])))
    }
    for row in parsed.rows:
        org = orgs[row.organization]
        values = {
            "name": row.name,
            "kind": row.kind,
            "municipality_code": row.municipality_code,
            "organization_id": org.id,
            "private_ownership": org.kind == OrganizationKind.PRIVATE_PROVIDER.value,
        }
        unit = existing.get(row.hsa_id)
        if unit is None:
            accepts = row.kind == UnitKind.HEALTH_CENTRE.value
            session.add(CareUnit(hsa_id=row.hsa_id, accepts_listing=accepts, **values))
            report.created.append(row.hsa_id)
        elif any(getattr(unit, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(unit, key, value)
            report.updated.append(row.hsa_id)
        else:
            report.unchanged.append(row.hsa_id)
    session.flush()
    report.imported = True
    report.skipped_rows = bad_rows
    audit_service.record(
        session,
        actor=actor,
        action=action,
        reason="partial_import" if bad_rows else None,
        detail={
            "rows": report.rows,
            "problems": len(parsed.problems),
            "imported": True,
            "created": report.created[:200],
            "updated": report.updated[:200],
            "unchanged": len(report.unchanged),
            "skipped_rows": bad_rows[:200],
        },
    )
    return report
