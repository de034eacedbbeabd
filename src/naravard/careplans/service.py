"""Care plans: the Patientkontrakt and the SIP (samordnad individuell plan), one plan per patient and kind,
agreed with the patient and shared across organisations.

Access: every read and write opens the patient through `consent.service.open_patient`. A care relationship
at the actor's unit (or the patient themself) opens the plan as the policy says. Where the policy's basis is
the patient's consent (another organisation, sammanhållen vård- och omsorgsdokumentation), the plan is open
only while the actor's organisation is a participant of the plan's current version, and a SIP only with the
patient's consent to the SIP: participation is an additional condition, never a substitute. Emergency access
opens reading as the policy says. Consent gives reading only, so writing needs a care relationship.

Versions: every save is a new immutable version; a save names its base version and the conditional update
of `care_plan.current_version_no` lets one writer per base version through (412 for the others)."""

from __future__ import annotations

import functools
import json
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from naravard import seeding
from naravard.actor import CARE_ROLES, Actor, Role
from naravard.audit import service as audit_service
from naravard.careplans.actions import CarePlanAction
from naravard.careplans.models import CarePlan, CarePlanVersion
from naravard.careplans.schemas import (
    TRANSITIONS,
    ActivityRef,
    Agreement,
    AgreementMethod,
    Author,
    Change,
    CreatePlan,
    Figures,
    PatientStatementIn,
    PlanContent,
    PlanDiff,
    PlanKind,
    PlanListItem,
    PlanOut,
    PlanState,
    Statement,
    TransitionRequest,
    VersionOut,
)
from naravard.consent import service as consent_service
from naravard.contacts import service as contacts_service
from naravard.db import utcnow
from naravard.errors import BusinessRule, Conflict, Invalid, NotFound, PreconditionFailed
from naravard.notifications import service as notifications_service
from naravard.organizations import service as org_service
from naravard.patients import service as patients_service

Access = consent_service.Access
ATTENTION_DAYS = 14  # proposed but not agreed for longer than this needs attention


# --- Loading and access -----------------------------------------------------------------------------------------


def _plan(session: Session, plan_id: uuid.UUID) -> CarePlan:
    plan = session.get(CarePlan, plan_id)
    if plan is None:
        raise NotFound("no care plan %(id)s", params={"id": str(plan_id)})
    return plan


def _version(session: Session, plan_id: uuid.UUID, version_no: int) -> CarePlanVersion:
    row = session.scalar(
        select(CarePlanVersion).where(
            CarePlanVersion.plan_id == plan_id, CarePlanVersion.version_no == version_no
        )
    )
    if row is None:
        raise NotFound("no version %(no)s of this care plan", params={"no": version_no})
    return row


# A version is immutable (a save is a new row), so its parsed content can be kept: the plan's read then does
# not re-validate the whole JSON with pydantic on every request. Keyed by (plan, version, saved at: a version
# written in a transaction that was then rolled back cannot stand in for the one saved later); LRU. The
# objects are shared between requests and must not be mutated (the services copy: `model_copy`, `list(...)`).
_PARSED_MAX = 512
_parsed: OrderedDict[tuple[uuid.UUID, int, datetime], PlanContent] = OrderedDict()
_parsed_lock = threading.Lock()


def _content(row: CarePlanVersion) -> PlanContent:
    key = (row.plan_id, row.version_no, row.created_at)
    with _parsed_lock:
        hit = _parsed.get(key)
        if hit is not None:
            _parsed.move_to_end(key)
            return hit
    content = PlanContent.model_validate_json(row.content)
    with _parsed_lock:
        _parsed[key] = content
        while len(_parsed) > _PARSED_MAX:
            _parsed.popitem(last=False)
    return content


# The names of the units a plan shows ("unit (organisation)"), kept a short while per process: a read shows
# a dozen units, and loading them is a third of the read. Names only: access never uses this cache (the
# participation rule reads the units' organisations afresh), and a renamed unit shows within a minute.
_NAMES_TTL = 60.0
_names: dict[tuple[str, uuid.UUID], tuple[float, str, str]] = {}


def _unit_names(session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, tuple[str, str]]:
    """unit id -> (unit name, organisation name) for the units that exist."""
    db = str(session.get_bind().engine.url)
    now = time.monotonic()
    out: dict[uuid.UUID, tuple[str, str]] = {}
    missing = set()
    for i in ids:
        hit = _names.get((db, i))
        if hit is not None and hit[0] > now:
            out[i] = (hit[1], hit[2])
        else:
            missing.add(i)
    if missing:
        if len(_names) > 10_000:
            _names.clear()
        for uid, u in org_service.get_units(session, missing).items():
            _names[(db, uid)] = (now + _NAMES_TTL, u.name, u.organization_name)
            out[uid] = (u.name, u.organization_name)
    return out


def _dump(content: PlanContent) -> str:
    return json.dumps(content.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)


def _unit_ids(content: PlanContent) -> set[uuid.UUID]:
    ids = {a.unit_id for a in content.activities} | {s.unit_id for s in content.timeline}
    ids |= {p.unit_id for p in content.participants}
    if content.sip is not None:
        ids |= {i.unit_id for i in content.sip.invitations}
        ids |= {m.unit_id for m in content.sip.needs_mapping}
        ids |= {content.sip.main_responsible_unit_id, content.sip.called_by_unit_id}
    return {i for i in ids if i is not None}


def participant_organization_ids(session: Session, content: PlanContent) -> set[uuid.UUID]:
    """The organisations taking part: the staff participants' units' and (SIP) the invited units'."""
    ids = {p.unit_id for p in content.participants if p.unit_id is not None}
    if content.sip is not None:
        ids |= {i.unit_id for i in content.sip.invitations}
    return {u.organization_id for u in org_service.get_units(session, ids).values()}


def _open_named(
    session: Session,
    actor: Actor,
    plan: CarePlan,
    content: PlanContent,
    access: consent_service.Access,
    action: CarePlanAction,
) -> tuple[consent_service.PatientGrant, str]:
    """The grant, and the patient's name for what the grant lets the caller show."""
    brief = patients_service.brief_for_grant(session, plan.person_id)
    grant = consent_service.open_patient(
        session,
        actor=actor,
        person_id=plan.person_id,
        protected_identity=brief.protected_identity,
        access=access,
        action=action,
    )
    if grant.basis == "consent":
        if actor.organization_id not in participant_organization_ids(session, content):
            audit_service.refuse(
                session,
                actor=actor,
                action=action,
                reason="not_a_plan_participant",
                message="your organisation does not take part in this plan",
                patient_id=plan.person_id,
            )
        if plan.kind == PlanKind.SIP and (content.sip is None or not content.sip.patient_consent):
            audit_service.refuse(
                session,
                actor=actor,
                action=action,
                reason="no_sip_consent",
                message="the patient has not consented to the SIP",
                patient_id=plan.person_id,
            )
    return grant, brief.name


def _open(
    session: Session,
    actor: Actor,
    plan: CarePlan,
    content: PlanContent,
    access: consent_service.Access,
    action: CarePlanAction,
) -> consent_service.PatientGrant:
    return _open_named(session, actor, plan, content, access, action)[0]


def _out(session: Session, plan: CarePlan, content: PlanContent, name: str | None = None) -> PlanOut:
    """The plan as read; called only under a grant for its patient (the name is shown to those let in)."""
    ids = _unit_ids(content) | {plan.unit_id}
    units = _unit_names(session, ids)
    owner = units.get(plan.unit_id)
    return PlanOut(
        id=plan.id,
        person_id=plan.person_id,
        person_name=name
        if name is not None
        else patients_service.brief_for_grant(session, plan.person_id).name,
        kind=PlanKind(plan.kind),
        state=PlanState(plan.state),
        unit_id=plan.unit_id,
        unit_name=owner[0] if owner else "",
        coordinator_user_id=plan.coordinator_user_id,
        version_no=plan.current_version_no,
        created_at=plan.created_at,
        updated_at=plan.updated_at,
        proposed_at=plan.proposed_at,
        agreed_at=plan.agreed_at,
        closed_at=plan.closed_at,
        closed_reason=plan.closed_reason,
        content=content,
        unit_names={str(k): f"{name} ({org})" for k, (name, org) in units.items()},
    )


# --- Validation -------------------------------------------------------------------------------------------------


def _validate(
    session: Session, actor: Actor, *, person_id: uuid.UUID, kind: PlanKind, content: PlanContent
) -> None:
    """Refuse (422, naming the field and the rule) what may never be saved; nothing is written before."""
    units = org_service.get_units(session, _unit_ids(content))
    for i, a in enumerate(content.activities):
        if a.unit_id is None and a.practitioner_id is None and not a.by_name:
            raise Invalid(
                "activities[%(i)s].unit_id: required (by whom: a unit, a practitioner or a name)",
                field=f"activities[{i}].unit_id",
                params={"i": i},
            )
    for uid in _unit_ids(content):
        if uid not in units:
            raise Invalid("unit_id: unknown unit %(id)s", field="unit_id", params={"id": str(uid)})
    facts = consent_service.gather_facts(
        session,
        actor=actor,
        person_id=person_id,
        protected_identity=patients_service.brief_for_grant(session, person_id).protected_identity,
    )
    own = {actor.organization_id} | set(facts.direct_organization_ids)
    shared: list[tuple[str, uuid.UUID | None]] = [
        (f"participants[{i}].unit_id", p.unit_id) for i, p in enumerate(content.participants)
    ]
    if content.sip is not None:
        shared += [
            (f"sip.invitations[{i}].unit_id", v.unit_id) for i, v in enumerate(content.sip.invitations)
        ]
    for field, ref in shared:
        if ref is None:
            continue
        org = units[ref].organization_id
        if org not in own and org not in facts.consent_organization_ids:
            raise Invalid(
                "%(field)s: consent_required: the patient has not consented to sharing with that organisation",
                field=field,
                params={"field": field},
            )
    if kind is PlanKind.SIP:
        sip = content.sip
        if sip is None or not sip.patient_consent:
            raise Invalid(
                "sip.patient_consent: required: a SIP needs the patient's consent",
                field="sip.patient_consent",
            )
        if sip.called_on and sip.follow_up_date and sip.follow_up_date < sip.called_on:
            raise Invalid("sip.follow_up_date: must not be before sip.called_on", field="sip.follow_up_date")
        for i, m in enumerate(sip.meetings):
            if sip.called_on and m.on < sip.called_on:
                raise Invalid(
                    "sip.meetings[%(i)s].on: must not be before sip.called_on",
                    field=f"sip.meetings[{i}].on",
                    params={"i": i},
                )
    elif content.sip is not None:
        raise Invalid("sip: only a plan of kind sip has SIP steps", field="sip")


def _check_patient_statements(before: PlanContent | None, after: PlanContent) -> None:
    """Staff may keep or remove what the patient wrote, never write in the patient's name."""
    known: set[tuple[uuid.UUID, str]] = set()
    if before is not None:
        known = {(s.id, s.text) for s in before.goals + before.matters if s.author is Author.PATIENT}
    for section in ("goals", "matters"):
        for i, s in enumerate(getattr(after, section)):
            if s.author is Author.PATIENT and (s.id, s.text) not in known:
                raise Invalid(
                    "%(section)s[%(i)s].author: only the patient writes patient-authored statements",
                    field=f"{section}[{i}].author",
                    params={"section": section, "i": i},
                )


def _invited_units(content: PlanContent | None) -> set[uuid.UUID]:
    if content is None:
        return set()
    units = {p.unit_id for p in content.participants if p.unit_id is not None}
    if content.sip is not None:
        units |= {i.unit_id for i in content.sip.invitations}
    return units


def _notify_invited(
    session: Session, actor: Actor, plan: CarePlan, before: PlanContent | None, after: PlanContent
) -> None:
    """Tell each unit newly taking part (not the actor's own) through the shared outbox; no patient's name
    or number in the text (the whole unit sees it; the link leads to the plan, which checks access)."""
    for unit_id in sorted(_invited_units(after) - _invited_units(before) - {actor.unit_id}, key=str):
        notifications_service.notify(
            session,
            actor=actor,
            kind="careplan_invitation",
            subject="Inbjudan att delta i en samordnad plan",
            body="Er enhet är inbjuden att delta i en patients vårdplan (Patientkontrakt eller SIP). "
            "Öppna länken för att läsa planen.",
            to_unit_id=unit_id,
            link=f"/planer/{plan.id}",
        )


# --- Writing a version ------------------------------------------------------------------------------------------


def _write_version(
    session: Session,
    actor: Actor,
    plan: CarePlan,
    *,
    base: int,
    state: PlanState,
    content: PlanContent,
    note: str,
    extra: dict[str, Any] | None = None,
) -> None:
    """Version ``base + 1``, if ``base`` is still the current version (else 412, nothing written)."""
    now = utcnow()
    follow_up = (
        content.sip.follow_up_date if content.sip and content.sip.follow_up_date else content.follow_up_date
    )
    values: dict[str, Any] = {
        "current_version_no": base + 1,
        "state": state.value,
        "updated_at": now,
        "follow_up_date": follow_up,
        **(extra or {}),
    }
    result = session.execute(
        update(CarePlan)
        .where(CarePlan.id == plan.id, CarePlan.current_version_no == base)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise PreconditionFailed(
            "the plan was changed by someone else: version %(base)s is no longer the current version",
            params={"base": base},
        )
    session.add(
        CarePlanVersion(
            plan_id=plan.id,
            version_no=base + 1,
            state=state.value,
            content=_dump(content),
            saved_by=actor.username[:64],
            saved_by_role=actor.role.value,
            note=note[:500],
        )
    )
    try:
        session.flush()
    except IntegrityError as exc:  # the unique (plan_id, version_no): another writer won meanwhile
        raise Conflict("the plan was changed by someone else; reload and try again") from exc
    session.refresh(plan)


# --- Use cases: staff -------------------------------------------------------------------------------------------


def create_plan(session: Session, *, actor: Actor, request: CreatePlan) -> PlanOut:
    """A new plan in draft, version 1; the coordinator is the one named, else the creating user. The owning
    unit is the creator's, which must have a care relationship with the patient (write access)."""
    kind = PlanKind(request.kind)
    brief = patients_service.brief_for_grant(session, request.person_id)
    grant = consent_service.open_patient(
        session,
        actor=actor,
        person_id=request.person_id,
        protected_identity=brief.protected_identity,
        access=Access.WRITE,
        action=CarePlanAction.CREATE,
    )
    if actor.unit_id is None or actor.role not in CARE_ROLES:
        raise BusinessRule("unit_id: a plan belongs to a care unit")
    _check_patient_statements(None, request.content)
    _validate(session, actor, person_id=request.person_id, kind=kind, content=request.content)
    open_same = session.scalar(
        select(CarePlan.id).where(
            CarePlan.person_id == request.person_id,
            CarePlan.kind == kind.value,
            CarePlan.state != PlanState.CLOSED.value,
        )
    )
    if open_same is not None:
        raise Conflict("the patient already has an open plan of this kind")
    # the default coordinator: the patient's fast vårdkontakt, when there is one (an audited read of them)
    coordinator_practitioner = next(
        (
            c.practitioner_id
            for c in contacts_service.fixed_contacts_of(session, actor=actor, person_id=request.person_id)
            if c.active and c.kind == "care_contact"
        ),
        None,
    )
    plan = CarePlan(
        person_id=request.person_id,
        kind=kind.value,
        state=PlanState.DRAFT.value,
        unit_id=actor.unit_id,
        coordinator_user_id=request.coordinator_user_id or actor.user_id,
        coordinator_practitioner_id=coordinator_practitioner,
        current_version_no=1,
        updated_at=utcnow(),
        follow_up_date=request.content.follow_up_date,
    )
    session.add(plan)
    session.flush()
    session.add(
        CarePlanVersion(
            plan_id=plan.id,
            version_no=1,
            state=PlanState.DRAFT.value,
            content=_dump(request.content),
            saved_by=actor.username[:64],
            saved_by_role=actor.role.value,
            note="created",
        )
    )
    session.flush()
    _notify_invited(session, actor, plan, None, request.content)
    grant.record(detail={"plan_id": str(plan.id), "kind": kind.value})
    return _out(session, plan, request.content)


@functools.cache
def _current_statement() -> Select[CarePlan, CarePlanVersion]:
    """The plan with its current version, built once (building a select costs as much as running it)."""
    return (
        select(CarePlan, CarePlanVersion)
        .join(
            CarePlanVersion,
            (CarePlanVersion.plan_id == CarePlan.id)
            & (CarePlanVersion.version_no == CarePlan.current_version_no),
        )
        .where(CarePlan.id == bindparam("plan_id"))
    )


def get_plan(session: Session, *, actor: Actor, plan_id: uuid.UUID) -> PlanOut:
    """The plan's current version; one audited read."""
    row = session.execute(_current_statement(), {"plan_id": plan_id}).first()
    if row is None:
        raise NotFound("no care plan %(id)s", params={"id": str(plan_id)})
    plan, content = row[0], _content(row[1])
    grant, name = _open_named(session, actor, plan, content, Access.READ, CarePlanAction.READ)
    grant.record(detail={"plan_id": str(plan.id), "version": plan.current_version_no})
    return _out(session, plan, content, name)


def save_plan(
    session: Session, *, actor: Actor, plan_id: uuid.UUID, base_version: int, content: PlanContent
) -> PlanOut:
    """A new version with this content, based on ``base_version`` (412 when it is no longer current)."""
    plan = _plan(session, plan_id)
    current = _content(_version(session, plan.id, plan.current_version_no))
    grant = _open(session, actor, plan, current, Access.WRITE, CarePlanAction.SAVE)
    if plan.state == PlanState.CLOSED.value:
        raise Conflict("the plan is closed; a closed plan is not changed")
    if base_version != plan.current_version_no:
        raise PreconditionFailed(
            "the plan was changed by someone else: version %(base)s is no longer the current version",
            params={"base": base_version},
        )
    _check_patient_statements(current, content)
    _validate(session, actor, person_id=plan.person_id, kind=PlanKind(plan.kind), content=content)
    _write_version(
        session, actor, plan, base=base_version, state=PlanState(plan.state), content=content, note="edit"
    )
    _notify_invited(session, actor, plan, current, content)
    grant.record(detail={"plan_id": str(plan.id), "version": plan.current_version_no})
    return _out(session, plan, content)


def transition(
    session: Session, *, actor: Actor, plan_id: uuid.UUID, base_version: int, request: TransitionRequest
) -> PlanOut:
    """Move the plan along its lifecycle (409 naming both states when not allowed); a new version."""
    plan = _plan(session, plan_id)
    content = _content(_version(session, plan.id, plan.current_version_no))
    grant = _open(session, actor, plan, content, Access.WRITE, CarePlanAction.TRANSITION)
    return _transition(session, actor, plan, content, grant, base_version, request)


def _transition(
    session: Session,
    actor: Actor,
    plan: CarePlan,
    content: PlanContent,
    grant: consent_service.PatientGrant,
    base_version: int,
    request: TransitionRequest,
) -> PlanOut:
    before, to = PlanState(plan.state), PlanState(request.to)
    if to not in TRANSITIONS[before]:
        raise Conflict(
            "a plan in state %(before)s cannot move to %(to)s",
            params={"before": before.value, "to": to.value},
        )
    if base_version != plan.current_version_no:
        raise PreconditionFailed(
            "the plan was changed by someone else: version %(base)s is no longer the current version",
            params={"base": base_version},
        )
    extra: dict[str, Any] = {}
    now = utcnow()
    if to is PlanState.CLOSED:
        if not (request.reason or "").strip():
            raise Invalid("reason: required when closing a plan", field="reason")
        extra = {"closed_at": now, "closed_reason": request.reason.strip()}  # type: ignore[union-attr]
    elif to is PlanState.PROPOSED:
        extra = {"proposed_at": now}
    elif to is PlanState.AGREED:
        if request.agreement is None:
            raise Invalid("agreement: required: how the patient agreed", field="agreement")
        content = content.model_copy(update={"agreement": request.agreement})
        extra = {"agreed_at": now}
    _write_version(
        session,
        actor,
        plan,
        base=base_version,
        state=to,
        content=content,
        note=f"{before.value} -> {to.value}",
        extra=extra,
    )
    grant.record(
        detail={
            "plan_id": str(plan.id),
            "from": before.value,
            "to": to.value,
            "version": plan.current_version_no,
        }
    )
    return _out(session, plan, content)


def versions(session: Session, *, actor: Actor, plan_id: uuid.UUID) -> list[VersionOut]:
    """Every version of the plan, newest first; one audited read."""
    plan = _plan(session, plan_id)
    rows = list(
        session.scalars(
            select(CarePlanVersion)
            .where(CarePlanVersion.plan_id == plan.id)
            .order_by(CarePlanVersion.version_no.desc())
        )
    )
    grant = _open(session, actor, plan, _content(rows[0]), Access.READ, CarePlanAction.READ)
    grant.record(detail={"plan_id": str(plan.id), "versions": len(rows)})
    return [
        VersionOut(
            version_no=r.version_no,
            state=PlanState(r.state),
            saved_at=r.created_at,
            saved_by=r.saved_by,
            saved_by_role=r.saved_by_role,
            note=r.note,
        )
        for r in rows
    ]


def _items(content: PlanContent) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for s in content.matters:
        out[("matters", str(s.id))] = f"{s.text} ({s.author.value})"
    for s in content.goals:
        out[("goals", str(s.id))] = f"{s.text} ({s.author.value})"
    for n in content.needs:
        out[("needs", str(n.id))] = n.text
    for a in content.activities:
        out[("activities", str(a.id))] = (
            f"{a.what}; {a.by_name or ''} {a.frequency or ''} {a.start_date or ''}-{a.end_date or ''} {a.status.value}"
        )
    for st in content.timeline:
        out[("timeline", str(st.id))] = f"{st.on}: {st.what}"
    for i, p in enumerate(content.participants):
        out[("participants", f"{p.unit_id or p.name}-{i}")] = (
            f"{p.name} {p.role or ''} {p.responsibility or ''}".strip()
        )
    if content.sip is not None:
        out[("sip", "sip")] = json.dumps(content.sip.model_dump(mode="json"), sort_keys=True)
    if content.agreement is not None:
        out[("agreement", "agreement")] = f"{content.agreement.method.value} {content.agreement.on}"
    if content.follow_up_date is not None:
        out[("follow_up_date", "-")] = str(content.follow_up_date)
    return out


def diff_contents(a: PlanContent, b: PlanContent) -> list[Change]:
    """What changed from `a` to `b`, item by item (by id where items have one)."""
    before, after = _items(a), _items(b)
    changes = []
    for key in list(before) + [k for k in after if k not in before]:
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        kind = "added" if old is None else "removed" if new is None else "changed"
        changes.append(Change(section=key[0], change=kind, before=old, after=new))
    return changes


def diff(
    session: Session, *, actor: Actor, plan_id: uuid.UUID, from_version: int, to_version: int
) -> PlanDiff:
    plan = _plan(session, plan_id)
    a = _content(_version(session, plan.id, from_version))
    b = _content(_version(session, plan.id, to_version))
    grant = _open(
        session,
        actor,
        plan,
        _content(_version(session, plan.id, plan.current_version_no)),
        Access.READ,
        CarePlanAction.READ,
    )
    grant.record(detail={"plan_id": str(plan.id), "diff": [from_version, to_version]})
    return PlanDiff(
        plan_id=plan.id, from_version=from_version, to_version=to_version, changes=diff_contents(a, b)
    )


def units_to_choose(session: Session) -> list[tuple[uuid.UUID, str]]:
    """Every care unit as "unit (organisation)", for the pages' pickers (no patient data)."""
    return sorted(
        ((u.id, f"{u.name} ({u.organization_name})") for u in org_service.list_units(session)),
        key=lambda x: x[1],
    )


def version_content(session: Session, *, actor: Actor, plan_id: uuid.UUID, version_no: int) -> PlanContent:
    plan = _plan(session, plan_id)
    current = _content(_version(session, plan.id, plan.current_version_no))
    grant = _open(session, actor, plan, current, Access.READ, CarePlanAction.READ)
    content = _content(_version(session, plan.id, version_no))
    grant.record(detail={"plan_id": str(plan.id), "version": version_no})
    return content


def _attention(plan: CarePlan, content: PlanContent, today: date) -> list[str]:
    out = []
    if (
        plan.state == PlanState.PROPOSED.value
        and plan.proposed_at is not None
        and plan.proposed_at.date() < today - timedelta(days=ATTENTION_DAYS)
    ):
        out.append("proposed_not_agreed")
    if (
        plan.state != PlanState.CLOSED.value
        and plan.follow_up_date is not None
        and plan.follow_up_date < today
    ):
        out.append("follow_up_passed")
    if (
        plan.kind == PlanKind.SIP.value
        and plan.state != PlanState.CLOSED.value
        and (content.sip is None or content.sip.main_responsible_unit_id is None)
    ):
        out.append("sip_without_main_party")
    return out


def _current_rows(session: Session, plans: Sequence[CarePlan]) -> dict[uuid.UUID, PlanContent]:
    if not plans:
        return {}
    wanted = {(p.id, p.current_version_no) for p in plans}
    rows = session.scalars(select(CarePlanVersion).where(CarePlanVersion.plan_id.in_([p.id for p in plans])))
    return {r.plan_id: _content(r) for r in rows if (r.plan_id, r.version_no) in wanted}


def plans_of_person(session: Session, *, actor: Actor, person_id: uuid.UUID) -> list[PlanListItem]:
    """The patient's plans the actor may see (participation counts where consent is the basis)."""
    brief = patients_service.brief_for_grant(session, person_id)
    grant = consent_service.open_patient(
        session,
        actor=actor,
        person_id=person_id,
        protected_identity=brief.protected_identity,
        access=Access.READ,
        action=CarePlanAction.LIST,
    )
    plans = list(
        session.scalars(select(CarePlan).where(CarePlan.person_id == person_id).order_by(CarePlan.created_at))
    )
    contents = _current_rows(session, plans)
    if grant.basis == "consent":
        plans = [
            p
            for p in plans
            if actor.organization_id in participant_organization_ids(session, contents[p.id])
            and (p.kind != PlanKind.SIP.value or (contents[p.id].sip and contents[p.id].sip.patient_consent))  # type: ignore[union-attr]
        ]
    if actor.role is Role.PATIENT:
        plans = [p for p in plans if p.state != PlanState.DRAFT.value]
    grant.record(detail={"plans": len(plans)})
    today = date.today()
    return [_item(p, brief.name, contents[p.id], today) for p in plans]


def _item(plan: CarePlan, name: str, content: PlanContent, today: date) -> PlanListItem:
    return PlanListItem(
        id=plan.id,
        person_id=plan.person_id,
        person_name=name,
        kind=PlanKind(plan.kind),
        state=PlanState(plan.state),
        version_no=plan.current_version_no,
        updated_at=plan.updated_at,
        attention=_attention(plan, content, today),
    )


def worklist(session: Session, *, actor: Actor) -> list[PlanListItem]:
    """The coordinator's open plans with what needs attention; the patients limited to those the actor may
    read (`restrict_to_visible`); one audit row for the list."""
    if actor.role not in CARE_ROLES or actor.user_id is None:
        audit_service.refuse(
            session,
            actor=actor,
            action=CarePlanAction.LIST,
            reason="role_not_permitted",
            message="the worklist is for care staff",
        )
    mine = select(CarePlan.person_id).where(CarePlan.coordinator_user_id == actor.user_id)
    briefs = patients_service.visible_briefs(session, actor=actor, person_ids=mine)
    plans = list(
        session.scalars(
            select(CarePlan)
            .where(CarePlan.coordinator_user_id == actor.user_id, CarePlan.person_id.in_(list(briefs)))
            .order_by(CarePlan.updated_at.desc())
        )
    )
    contents = _current_rows(session, plans)
    today = date.today()
    items = [_item(p, briefs[p.person_id].name, contents[p.id], today) for p in plans]
    audit_service.record(session, actor=actor, action=CarePlanAction.LIST, detail={"plans": len(items)})
    return sorted(items, key=lambda i: (not i.attention, i.state == PlanState.CLOSED))


def unit_attention(session: Session, *, actor: Actor) -> list[PlanListItem]:
    """The open plans of the actor's unit that need attention (any coordinator), the patients limited to
    those the actor may read (`restrict_to_visible`); one audit row for the list. For the command line's
    `naravard careplans list` and any unit-wide worklist."""
    if actor.role not in CARE_ROLES or actor.unit_id is None:
        audit_service.refuse(
            session,
            actor=actor,
            action=CarePlanAction.LIST,
            reason="role_not_permitted",
            message="the worklist is for care staff",
        )
    of_unit = (CarePlan.unit_id == actor.unit_id, CarePlan.state != PlanState.CLOSED.value)
    briefs = patients_service.visible_briefs(
        session, actor=actor, person_ids=select(CarePlan.person_id).where(*of_unit)
    )
    plans = list(
        session.scalars(
            select(CarePlan)
            .where(*of_unit, CarePlan.person_id.in_(list(briefs)))
            .order_by(CarePlan.updated_at.desc())
        )
    )
    contents = _current_rows(session, plans)
    today = date.today()
    items = [_item(p, briefs[p.person_id].name, contents[p.id], today) for p in plans]
    items = [i for i in items if i.attention]
    audit_service.record(
        session, actor=actor, action=CarePlanAction.LIST, detail={"scope": "unit", "plans": len(items)}
    )
    return items


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def _attended(content: PlanContent) -> bool:
    return content.sip is not None and any(m.patient_attended for m in content.sip.meetings)


def compute_figures(
    plans: Sequence[CarePlan], contents: dict[uuid.UUID, PlanContent], today: date
) -> Figures:
    """The live figures over open plans (closed ones left out)."""
    open_plans = [p for p in plans if p.state != PlanState.CLOSED.value]
    n = len(open_plans)
    goals = sum(1 for p in open_plans if any(g.author is Author.PATIENT for g in contents[p.id].goals))
    agreed = sum(1 for p in open_plans if p.agreed_at is not None)
    nxt = sum(1 for p in open_plans if any(s.on >= today for s in contents[p.id].timeline))
    sips = [p for p in open_plans if p.kind == PlanKind.SIP.value]
    attended = sum(1 for p in sips if _attended(contents[p.id]))
    return Figures(
        plans=n,
        patient_goals_share=_share(goals, n),
        agreed_share=_share(agreed, n),
        next_appointment_share=_share(nxt, n),
        sips=len(sips),
        sip_patient_attended_share=_share(attended, len(sips)),
    )


def figures(session: Session, *, actor: Actor, scope: str = "coordinator") -> Figures:
    """Aggregates only (no patient's data shown): the coordinator's plans, or (a unit manager) the unit's."""
    if actor.role not in CARE_ROLES or actor.unit_id is None:
        audit_service.refuse(
            session,
            actor=actor,
            action=CarePlanAction.FIGURES,
            reason="role_not_permitted",
            message="the figures are for care staff",
        )
    if scope == "unit":
        if actor.role is not Role.UNIT_MANAGER:
            audit_service.refuse(
                session,
                actor=actor,
                action=CarePlanAction.FIGURES,
                reason="role_not_permitted",
                message="the unit's figures are for the unit manager",
            )
        stmt = select(CarePlan).where(CarePlan.unit_id == actor.unit_id)
    else:
        stmt = select(CarePlan).where(CarePlan.coordinator_user_id == actor.user_id)
    plans = list(session.scalars(stmt))
    out = compute_figures(plans, _current_rows(session, plans), date.today())
    audit_service.record(
        session, actor=actor, action=CarePlanAction.FIGURES, detail={"scope": scope, "plans": out.plans}
    )
    return out


# --- Use cases: the patient -------------------------------------------------------------------------------------


def _patient_only(session: Session, actor: Actor, action: CarePlanAction) -> uuid.UUID:
    if actor.role is not Role.PATIENT or actor.person_id is None:
        audit_service.refuse(
            session,
            actor=actor,
            action=action,
            reason="role_not_permitted",
            message="these pages are the patient's own",
        )
    assert actor.person_id is not None
    return actor.person_id


def my_plans(session: Session, *, actor: Actor) -> list[PlanOut]:
    """The patient's own plans (drafts are the staff's work and left out), newest first; one audited read."""
    person_id = _patient_only(session, actor, CarePlanAction.READ)
    brief = patients_service.brief_for_grant(session, person_id)
    grant = consent_service.open_patient(
        session,
        actor=actor,
        person_id=person_id,
        protected_identity=brief.protected_identity,
        access=Access.READ,
        action=CarePlanAction.READ,
    )
    plans = list(
        session.scalars(
            select(CarePlan)
            .where(CarePlan.person_id == person_id, CarePlan.state != PlanState.DRAFT.value)
            .order_by(CarePlan.created_at.desc())
        )
    )
    contents = _current_rows(session, plans)
    grant.record(detail={"plans": len(plans)})
    return [_out(session, p, contents[p.id]) for p in plans]


def patient_statement(
    session: Session, *, actor: Actor, plan_id: uuid.UUID, base_version: int, request: PatientStatementIn
) -> PlanOut:
    """The patient adds (or edits their own) goal or what matters; a new version, patient-authored."""
    person_id = _patient_only(session, actor, CarePlanAction.PATIENT_STATEMENT)
    plan = _plan(session, plan_id)
    if plan.person_id != person_id or plan.state == PlanState.DRAFT.value:
        raise NotFound("no care plan %(id)s", params={"id": str(plan_id)})
    content = _content(_version(session, plan.id, plan.current_version_no))
    grant = _open(session, actor, plan, content, Access.WRITE, CarePlanAction.PATIENT_STATEMENT)
    if plan.state == PlanState.CLOSED.value:
        raise Conflict("the plan is closed; a closed plan is not changed")
    if base_version != plan.current_version_no:
        raise PreconditionFailed(
            "the plan was changed by someone else: version %(base)s is no longer the current version",
            params={"base": base_version},
        )
    items = list(getattr(content, request.section))
    text = request.text.strip()
    if not text:
        raise Invalid("text: required", field="text")
    if request.id is None:
        items.append(Statement(text=text, author=Author.PATIENT))
    else:
        for i, s in enumerate(items):
            if s.id == request.id:
                if s.author is not Author.PATIENT:
                    raise Invalid("id: only your own statements can be edited", field="id")
                items[i] = s.model_copy(update={"text": text})
                break
        else:
            raise Invalid("id: no such statement", field="id")
    content = content.model_copy(update={request.section: items})
    _write_version(
        session,
        actor,
        plan,
        base=base_version,
        state=PlanState(plan.state),
        content=content,
        note=f"patient: {request.section}",
    )
    grant.record(
        detail={"plan_id": str(plan.id), "section": request.section, "version": plan.current_version_no}
    )
    return _out(session, plan, content)


def patient_agree(session: Session, *, actor: Actor, plan_id: uuid.UUID, base_version: int) -> PlanOut:
    """The patient agrees to the proposed version (the patient's act, audited)."""
    person_id = _patient_only(session, actor, CarePlanAction.PATIENT_AGREE)
    plan = _plan(session, plan_id)
    if plan.person_id != person_id or plan.state == PlanState.DRAFT.value:
        raise NotFound("no care plan %(id)s", params={"id": str(plan_id)})
    content = _content(_version(session, plan.id, plan.current_version_no))
    grant = _open(session, actor, plan, content, Access.WRITE, CarePlanAction.PATIENT_AGREE)
    if plan.state not in (PlanState.PROPOSED.value, PlanState.REVISED.value):
        raise Conflict(
            "a plan in state %(before)s cannot move to %(to)s",
            params={"before": plan.state, "to": PlanState.AGREED.value},
        )
    request = TransitionRequest(
        to=PlanState.AGREED, agreement=Agreement(method=AgreementMethod.DIGITAL, on=date.today())
    )
    return _transition(session, actor, plan, content, grant, base_version, request)


# --- For other contexts -----------------------------------------------------------------------------------------


def activity_ref(session: Session, *, actor: Actor, activity_id: uuid.UUID) -> ActivityRef:
    """One activity of a plan's current version, for the coordination context; access-checked as a plan read.
    The activity is looked up among the current versions of the plans that hold its id."""
    needle = str(activity_id)
    candidates = session.scalars(
        select(CarePlanVersion)
        .join(
            CarePlan,
            (CarePlan.id == CarePlanVersion.plan_id)
            & (CarePlan.current_version_no == CarePlanVersion.version_no),
        )
        .where(CarePlanVersion.content.contains(needle))
    )
    for row in candidates:
        content = _content(row)
        for a in content.activities:
            if a.id == activity_id:
                plan = _plan(session, row.plan_id)
                grant = _open(session, actor, plan, content, Access.READ, CarePlanAction.ACTIVITY_READ)
                grant.record(detail={"plan_id": str(plan.id), "activity_id": needle})
                return ActivityRef(
                    plan_id=plan.id,
                    person_id=plan.person_id,
                    coordinator_user_id=plan.coordinator_user_id,
                    activity_id=a.id,
                    text=a.what,
                    responsible_unit_id=a.unit_id,
                )
    raise NotFound("no plan activity %(id)s", params={"id": needle})


def lake_rows(
    session: Session,
    *,
    actor: Actor,
    pseudonym: Callable[[uuid.UUID], int],
    unit_id_of: Callable[[uuid.UUID], int | None],
) -> dict[str, list[dict[str, Any]]]:
    """Rows of the lake's `contracts` and `sip_meetings` (followup/lake/schema.py) from the platform's plans,
    for the follow-up purpose only (`consent.service.may_export_population`); one audit row. Plans whose unit
    is not in the lake (``unit_id_of`` gives None) are left out of `contracts`."""
    consent_service.may_export_population(session, actor=actor, action=CarePlanAction.EXPORT)
    plans = list(session.scalars(select(CarePlan).order_by(CarePlan.created_at)))
    contents = _current_rows(session, plans)
    contracts: list[dict[str, Any]] = []
    meetings: list[dict[str, Any]] = []
    for p in plans:
        c = contents[p.id]
        unit = unit_id_of(p.unit_id)
        if unit is not None:
            contracts.append(
                {
                    "contract_id": pseudonym(p.id),
                    "person_id": pseudonym(p.person_id),
                    "unit_id": unit,
                    "created_date": p.created_at.date(),
                    "agreed_date": p.agreed_at.date() if p.agreed_at else None,
                    "closed_date": p.closed_at.date() if p.closed_at else None,
                    "patient_goals": sum(1 for g in c.goals if g.author is Author.PATIENT),
                    "total_goals": len(c.goals),
                }
            )
        if c.sip is not None:
            for m in c.sip.meetings:
                meetings.append(
                    {
                        "meeting_id": pseudonym(m.id),
                        "person_id": pseudonym(p.person_id),
                        "meeting_date": m.on,
                        "patient_attended": m.patient_attended,
                    }
                )
    audit_service.record(
        session,
        actor=actor,
        action=CarePlanAction.EXPORT,
        detail={"contracts": len(contracts), "sip_meetings": len(meetings)},
    )
    return {"contracts": contracts, "sip_meetings": meetings}


def seed_rows(
    session: Session, *, actor: Actor, care_plans: seeding.Rows = (), care_plan_versions: seeding.Rows = ()
) -> None:
    """Seeding interface (`naravard.seeding`): plans and their versions as the models take them, by the
    system actor only, one audit row per table."""
    seeding.insert_rows(
        session, actor=actor, model=CarePlan, rows=care_plans, action=CarePlanAction.PLAN_SEED
    )
    seeding.insert_rows(
        session,
        actor=actor,
        model=CarePlanVersion,
        rows=care_plan_versions,
        action=CarePlanAction.VERSION_SEED,
    )
