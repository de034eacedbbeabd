"""Login, sessions and the actor a session acts as."""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import Select, bindparam, func, or_, select
from sqlalchemy.orm import Session

from naravard import seeding
from naravard.accounts.actions import AccountAction
from naravard.accounts.models import LoginSession, Membership, User
from naravard.accounts.passwords import hash_password, needs_rehash, verify_password
from naravard.accounts.schemas import (
    AdminUserOut,
    AssignmentOut,
    AssignmentRequest,
    DemoUserOut,
    Me,
    MembershipOut,
    NewUserRequest,
    UnlockOut,
    UserName,
)
from naravard.actor import DEFAULT_PURPOSE, Actor, CareDomain, Purpose, Role
from naravard.audit import service as audit_service
from naravard.db import keep_after_rollback, utcnow
from naravard.errors import Conflict, Invalid, NotFound, Unauthenticated
from naravard.organizations import service as org_service

# Back-off after wrong passwords (instead of a lock for good, which anyone knowing a username could set off):
# the 5th consecutive failure locks the account for 1 minute, each further failure after a lock has run out
# doubles the lock, up to 30 minutes. A right password after the lock resets the count; so does an
# administrator's unlock. Attempts while locked are refused without counting (they learn nothing: even the
# right password fails), so hammering a locked account does not lengthen its lock.
LOCK_AFTER_FAILURES = 5
FIRST_LOCK = timedelta(minutes=1)
MAX_LOCK = timedelta(minutes=30)
# One message for a wrong password, an unknown user, an inactive account and a locked one: an
# unauthenticated caller must not learn which (nor whether the account exists).
LOGIN_FAILED = "wrong username or password, or the account is temporarily locked"
UNLOCK_ROLES = frozenset({Role.ADMINISTRATOR, Role.SYSTEM})


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class SessionInfo:
    token: str
    csrf_token: str
    actor: Actor


def _memberships(session: Session, user_id: uuid.UUID) -> list[Membership]:
    return list(
        session.scalars(
            select(Membership)
            .where(Membership.user_id == user_id, Membership.is_active.is_(True))
            .order_by(Membership.created_at, Membership.id)
        )
    )


def _actor_for(session: Session, user: User, membership: Membership, request_id: str | None = None) -> Actor:
    org_id, domain = None, CareDomain.HEALTH
    if membership.unit_id is not None:
        unit = org_service.get_unit(session, membership.unit_id)
        org_id, domain = unit.organization_id, org_service.care_domain_of(unit.kind)
    return _make_actor(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        person_id=user.person_id,
        role=Role(membership.role),
        unit_id=membership.unit_id,
        organization_id=org_id,
        care_domain=domain,
        request_id=request_id,
    )


def _make_actor(
    *,
    user_id: uuid.UUID,
    username: str,
    display_name: str,
    person_id: uuid.UUID | None,
    role: Role,
    unit_id: uuid.UUID | None,
    organization_id: uuid.UUID | None,
    care_domain: CareDomain,
    request_id: str | None,
) -> Actor:
    kwargs = {"request_id": request_id} if request_id else {}
    return Actor(
        user_id=user_id,
        username=username,
        role=role,
        unit_id=unit_id,
        organization_id=organization_id,
        purpose=DEFAULT_PURPOSE[role],
        display_name=display_name,
        person_id=person_id if role is Role.PATIENT else None,
        care_domain=care_domain,
        **kwargs,
    )


def lock_period(failures: int) -> timedelta | None:
    """How long the account is locked after its `failures`-th consecutive wrong password (None: not)."""
    if failures < LOCK_AFTER_FAILURES:
        return None
    doublings = min(failures - LOCK_AFTER_FAILURES, 16)  # bounded: 2**16 minutes is far past the cap
    return min(FIRST_LOCK * 2**doublings, MAX_LOCK)


def is_locked(user: User, now: datetime | None = None) -> bool:
    return user.locked_until is not None and user.locked_until > (now or utcnow())


def _revoke_sessions(session: Session, user_id: uuid.UUID, now: datetime) -> int:
    """End every open session of the user; the number ended."""
    open_sessions = list(
        session.scalars(
            select(LoginSession).where(
                LoginSession.user_id == user_id,
                LoginSession.revoked_at.is_(None),
                LoginSession.expires_at > now,
            )
        )
    )
    for login_session in open_sessions:
        login_session.revoked_at = now
    session.flush()
    return len(open_sessions)


def _account_actor(user: User, request_id: str | None) -> Actor:
    """The platform acting on this account (a lock after wrong passwords): the audit row carries the
    account's identity, so the log reviewer finds it under the user, with the system role and purpose."""
    actor = Actor(
        user_id=user.id,
        username=user.username,
        role=Role.SYSTEM,
        unit_id=None,
        organization_id=None,
        purpose=Purpose.SYSTEM,
        display_name=user.display_name,
    )
    return replace(actor, request_id=request_id) if request_id else actor


def _count_failure(session: Session, user: User, now: datetime, request_id: str | None) -> None:
    """One more wrong password; at the threshold lock the account, end its sessions and log the lock."""
    user.failed_logins += 1
    period = lock_period(user.failed_logins)
    if period is None:
        return
    user.locked_until = now + period
    revoked = _revoke_sessions(session, user.id, now)
    audit_service.record(
        session,
        actor=_account_actor(user, request_id),
        action=AccountAction.LOCKED,
        reason="failed_logins",
        detail={
            "failed_logins": user.failed_logins,
            "locked_until": user.locked_until.isoformat(),
            "lock_seconds": int(period.total_seconds()),
            "sessions_revoked": revoked,
        },
    )


def _count_failure_of(user_id: uuid.UUID, now: datetime, request_id: str | None, session: Session) -> None:
    user = session.scalar(select(User).where(User.id == user_id).with_for_update())
    if user is not None:
        _count_failure(session, user, now, request_id)


def _tried_username(username: str) -> str:
    """The username a failed login tried, as its audit row holds it: as the login looked it up (trimmed,
    lower case), printable characters only, at most 64 (the column's width)."""
    return "".join(ch for ch in username.strip().lower() if ch.isprintable())[:64]


def _failure_reason(user: User | None, *, ok: bool, locked: bool) -> str:
    """Why a login was refused, for the log reviewer only (the caller gets one message for all)."""
    if user is None:
        return "unknown_user"
    if locked:
        return "account_locked"
    return "wrong_password" if not ok else "account_inactive"


def _keep_failed_login(
    session: Session, *, user: User | None, username: str, reason: str, request_id: str | None
) -> None:
    """Log a refused login (PDL 4 kap. 3 §: the log reviewer follows up attempts on accounts too): outcome
    denied, the username tried and why, never the password; written by the unit of work after its rollback.
    A known account's row carries its identity, as its lock's does; an unknown user's has no user id."""
    if user is not None:
        actor = _account_actor(user, request_id)
    else:
        tried = _tried_username(username)
        actor = Actor(
            user_id=None,
            username=tried,
            role=Role.SYSTEM,
            unit_id=None,
            organization_id=None,
            purpose=Purpose.SYSTEM,
            display_name=tried,
        )
        actor = replace(actor, request_id=request_id) if request_id else actor
    keep_after_rollback(
        session,
        partial(
            audit_service.record,
            actor=actor,
            action=AccountAction.LOGIN_FAILED,
            outcome=audit_service.Outcome.DENIED,
            reason=reason,
        ),
    )


def login(
    session: Session,
    *,
    username: str,
    password: str,
    membership_id: uuid.UUID | None = None,
    hours: int = 10,
    request_id: str | None = None,
) -> SessionInfo:
    """Check the password and open a session acting for one membership (the first by default).

    A wrong password is counted (and may lock the account, see `LOCK_AFTER_FAILURES`); the count, the lock,
    the revoked sessions and the lock's audit row are kept by the unit of work after it rolls the request
    back, so they outlive the refused login; so is the row every refused login writes
    (`AccountAction.LOGIN_FAILED`)."""
    # The row lock (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises) makes parallel attempts on one
    # account wait for each other, so they cannot all be checked before the count reaches the lock.
    user = session.scalar(select(User).where(User.username == username.strip().lower()).with_for_update())
    # The password is checked even for an unknown or locked account: the same work, so the same time.
    ok = verify_password(user.password_hash if user else None, password)
    locked = user is not None and is_locked(user)
    if user is None or not ok or not user.is_active or locked:
        _keep_failed_login(
            session,
            user=user,
            username=username,
            reason=_failure_reason(user, ok=ok, locked=locked),
            request_id=request_id,
        )
        if user is not None and not ok and not locked:
            # counted only while not locked: a locked account refuses even the right password, so attempts
            # then learn nothing and do not lengthen the lock; counted by the unit of work after its
            # rollback, so the count outlives the refused request
            keep_after_rollback(session, partial(_count_failure_of, user.id, utcnow(), request_id))
        raise Unauthenticated(LOGIN_FAILED)
    memberships = _memberships(session, user.id)
    if not memberships:
        _keep_failed_login(
            session, user=user, username=username, reason="no_active_assignment", request_id=request_id
        )
        raise Unauthenticated("the account has no active assignment (medarbetaruppdrag)")
    chosen = memberships[0]
    if membership_id is not None:
        match = [m for m in memberships if m.id == membership_id]
        if not match:
            raise Invalid("no such assignment for this user", field="membership_id")
        chosen = match[0]
    user.failed_logins = 0
    user.locked_until = None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return _open_session(session, user, chosen, hours=hours, request_id=request_id)


def _open_session(
    session: Session,
    user: User,
    chosen: Membership,
    *,
    hours: int,
    request_id: str | None,
    detail: dict[str, object] | None = None,
) -> SessionInfo:
    """The login session for one assignment, and its `LOGIN` audit row: the same for every way of logging
    in (password here, OpenID Connect in `oidc_service`)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(
        LoginSession(
            token_hash=_token_hash(token),
            user_id=user.id,
            membership_id=chosen.id,
            csrf_token=csrf,
            expires_at=utcnow() + timedelta(hours=hours),
            revoked_at=None,
        )
    )
    actor = _actor_for(session, user, chosen, request_id)
    audit_service.record(session, actor=actor, action=AccountAction.LOGIN, detail=detail)
    return SessionInfo(token=token, csrf_token=csrf, actor=actor)


def login_verified(
    session: Session,
    *,
    user_id: uuid.UUID,
    hours: int = 10,
    request_id: str | None = None,
    detail: dict[str, object] | None = None,
) -> SessionInfo:
    """Open a session for an account whose identity was verified elsewhere (an OpenID Connect provider,
    `oidc_service`), acting for its first active assignment as the password login does (the user switches
    assignment the same way afterwards). Refuses an inactive account or one without an active assignment.
    A lock after wrong passwords does not apply (it throttles guessing the password; none was tried)."""
    user = session.scalar(select(User).where(User.id == user_id))
    if user is None or not user.is_active:
        raise Unauthenticated(LOGIN_FAILED)
    memberships = _memberships(session, user.id)
    if not memberships:
        raise Unauthenticated("the account has no active assignment (medarbetaruppdrag)")
    return _open_session(session, user, memberships[0], hours=hours, request_id=request_id, detail=detail)


def _resolve_statement() -> Select[Any]:
    """The session, its account, its assignment and the assignment's unit's organisation and care domain
    in one round trip, for `:token_hash`. Built once (`_RESOLVE`): it runs on every request, and building
    the expression cost more CPU than running it. The unit comes from the two per-domain (unit,
    organisation) subqueries of `org_service`: a match in the social one means the social domain."""
    health = org_service.unit_organization_ids(domain=CareDomain.HEALTH).subquery()
    social = org_service.unit_organization_ids(domain=CareDomain.SOCIAL).subquery()
    return (
        select(
            LoginSession,
            User.username,
            User.display_name,
            User.person_id,
            User.is_active.label("user_active"),
            Membership.unit_id,
            Membership.role,
            Membership.is_active.label("membership_active"),
            health.c.organization_id.label("health_org"),
            social.c.organization_id.label("social_org"),
        )
        .join(User, User.id == LoginSession.user_id)
        .join(Membership, Membership.id == LoginSession.membership_id)
        .outerjoin(health, health.c.unit_id == Membership.unit_id)
        .outerjoin(social, social.c.unit_id == Membership.unit_id)
        .where(LoginSession.token_hash == bindparam("token_hash"))
    )


_RESOLVE: list[Select[Any]] = []


def resolve(session: Session, *, token: str, request_id: str | None = None) -> tuple[Actor, LoginSession]:
    """The actor behind a session token; refuses expired, revoked and unknown tokens. Read from the
    database on every call (no cache): a logout, a revoked session or a deactivated account or assignment
    takes effect on the next request, in every worker."""
    if not _RESOLVE:
        _RESOLVE.append(_resolve_statement())
    row = session.execute(_RESOLVE[0], {"token_hash": _token_hash(token)}).first()
    if row is None:
        raise Unauthenticated("not logged in")
    login_session = row.LoginSession
    if login_session.revoked_at is not None or login_session.expires_at <= utcnow():
        raise Unauthenticated("the session has ended; log in again")
    if not row.user_active or not row.membership_active:
        raise Unauthenticated("the account or assignment is no longer active")
    if row.unit_id is not None and row.health_org is None and row.social_org is None:
        raise NotFound(f"no care unit {row.unit_id}")  # what `org_service.get_unit` says in `_actor_for`
    actor = _make_actor(
        user_id=login_session.user_id,
        username=row.username,
        display_name=row.display_name,
        person_id=row.person_id,
        role=Role(row.role),
        unit_id=row.unit_id,
        organization_id=row.social_org or row.health_org,
        care_domain=CareDomain.SOCIAL if row.social_org is not None else CareDomain.HEALTH,
        request_id=request_id,
    )
    return actor, login_session


def logout(session: Session, *, token: str) -> None:
    row = session.scalar(select(LoginSession).where(LoginSession.token_hash == _token_hash(token)))
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()


def logout_all(session: Session, *, actor: Actor) -> int:
    """End every session of the actor's account, this one included ("log out everywhere"); the number
    ended. Logged in the request's transaction."""
    if actor.user_id is None:
        raise NotFound("system actor has no account")
    revoked = _revoke_sessions(session, actor.user_id, utcnow())
    audit_service.record(
        session, actor=actor, action=AccountAction.LOGOUT_ALL, detail={"sessions_revoked": revoked}
    )
    return revoked


def unlock_user(session: Session, *, actor: Actor, username: str) -> UnlockOut:
    """Lift a lock after wrong passwords and reset the count (administrators, and the CLI as the system).
    Sessions ended by the lock stay ended. Audit-logged, a refusal too."""
    if actor.role not in UNLOCK_ROLES:
        audit_service.refuse(
            session,
            actor=actor,
            action=AccountAction.UNLOCK,
            reason="role_not_permitted",
            message="only an administrator may unlock an account",
        )
    name = username.strip().lower()
    user = session.scalar(select(User).where(User.username == name).with_for_update())
    if user is None:
        raise NotFound("no user %(username)r", params={"username": name})
    now = utcnow()
    was_locked = is_locked(user, now)
    before = {
        "user_id": str(user.id),
        "username": user.username,
        "failed_logins": user.failed_logins,
        "locked_until": user.locked_until.isoformat() if user.locked_until else None,
        "was_locked": was_locked,
    }
    user.failed_logins = 0
    user.locked_until = None
    audit_service.record(session, actor=actor, action=AccountAction.UNLOCK, detail=before)
    return UnlockOut(username=user.username, was_locked=was_locked, failed_logins=0, locked_until=None)


def switch_membership(session: Session, *, token: str, membership_id: uuid.UUID) -> Actor:
    actor, login_session = resolve(session, token=token)
    match = [m for m in _memberships(session, login_session.user_id) if m.id == membership_id]
    if not match:
        raise Invalid("no such assignment for this user", field="membership_id")
    login_session.membership_id = membership_id
    user = session.get(User, login_session.user_id)
    if user is None:
        raise Unauthenticated("the account no longer exists")
    new_actor = _actor_for(session, user, match[0], actor.request_id)
    audit_service.record(
        session,
        actor=new_actor,
        action=AccountAction.SWITCH,
        detail={"from_unit": str(actor.unit_id), "from_role": str(actor.role)},
    )
    return new_actor


def describe(session: Session, *, actor: Actor) -> Me:
    if actor.user_id is None:
        raise NotFound("system actor has no account")
    unit = org_service.get_unit(session, actor.unit_id) if actor.unit_id else None
    memberships = []
    for m in _memberships(session, actor.user_id):
        mu = org_service.get_unit(session, m.unit_id) if m.unit_id else None
        memberships.append(
            MembershipOut(
                id=m.id,
                role=m.role,
                unit_id=m.unit_id,
                unit_name=mu.name if mu else None,
                organization_id=mu.organization_id if mu else None,
                organization_name=mu.organization_name if mu else None,
            )
        )
    return Me(
        user_id=actor.user_id,
        username=actor.username,
        display_name=actor.display_name,
        role=str(actor.role),
        purpose=str(actor.purpose),
        unit_id=actor.unit_id,
        unit_name=unit.name if unit else None,
        organization_id=actor.organization_id,
        organization_name=unit.organization_name if unit else None,
        memberships=memberships,
        person_id=actor.person_id if actor.role is Role.PATIENT else None,
    )


def list_demo_users(session: Session) -> list[DemoUserOut]:
    """The demo login page's list: one line per user and assignment, staff first."""
    rows = list(
        session.execute(
            select(User, Membership).join(Membership, Membership.user_id == User.id).order_by(User.username)
        )
    )
    units = org_service.get_units(session, {m.unit_id for _, m in rows if m.unit_id is not None})
    out = [
        DemoUserOut(
            username=user.username,
            display_name=user.display_name,
            role=m.role,
            unit_name=units[m.unit_id].name if m.unit_id in units else None,
        )
        for user, m in rows
    ]
    order = {r.value: i for i, r in enumerate(Role)}
    return sorted(out, key=lambda u: (order.get(u.role, 99), u.username))


def user_names(session: Session, user_ids: set[uuid.UUID]) -> dict[uuid.UUID, UserName]:
    """The display name (and practitioner) of each user id that exists; unknown ids are left out."""
    if not user_ids:
        return {}
    rows = session.execute(
        select(User.id, User.username, User.display_name, User.practitioner_id).where(User.id.in_(user_ids))
    )
    return {
        uid: UserName(user_id=uid, username=username, display_name=name, practitioner_id=practitioner)
        for uid, username, name, practitioner in rows
    }


def find_unit_id_by_hsa(session: Session, hsa_id: str) -> uuid.UUID:
    for unit in org_service.list_units(session):
        if unit.hsa_id == hsa_id:
            return unit.id
    raise NotFound(f"no care unit with HSA-id {hsa_id}")


def create_user(
    session: Session,
    *,
    username: str,
    display_name: str,
    password: str,
    role: Role,
    unit_id: uuid.UUID | None,
    person_id: uuid.UUID | None = None,
    practitioner_id: uuid.UUID | None = None,
) -> User:
    """Create a local account with one assignment (used by the CLI and the demo)."""
    username = username.strip().lower()
    if not username or len(username) > 64:
        raise Invalid("username must be 1-64 characters", field="username")
    if len(password) < 8:
        raise Invalid("password must be at least 8 characters", field="password")
    if role is Role.SYSTEM:
        # the system role is what batch jobs and the demo act as (the services let it write consent, blocks
        # and targets); nobody signs in as it
        raise Invalid("the system role is for batch jobs, not for accounts", field="role")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Invalid("user %(username)s already exists", field="username", params={"username": username})
    user = User(
        username=username,
        display_name=display_name,
        password_hash=hash_password(password),
        person_id=person_id,
        practitioner_id=practitioner_id,
    )
    session.add(user)
    session.flush()
    session.add(Membership(user_id=user.id, unit_id=unit_id, role=str(role)))
    session.flush()
    return user


# --- Seeding (naravard.seeding) ----------------------------------------------------------------------------


def seed_rows(
    session: Session, *, actor: Actor, users: seeding.Rows = (), memberships: seeding.Rows = ()
) -> None:
    """Seeding interface (`naravard.seeding`): user accounts and their memberships, inserted as given (ids
    and password hashes included), by the system actor only, one audit row per table."""
    seeding.insert_rows(session, actor=actor, model=User, rows=users, action=AccountAction.USER_SEED)
    seeding.insert_rows(
        session, actor=actor, model=Membership, rows=memberships, action=AccountAction.MEMBERSHIP_SEED
    )


# --- The log reviewer's names for users (issue 19) ----------------------------------------------------------


def _contains(text: str) -> str:
    """A LIKE pattern matching `text` literally anywhere (% and _ are not wildcards here)."""
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def usernames_matching(session: Session, text: str, *, limit: int = 200) -> list[str]:
    """The usernames whose username or display name contains `text` (any case): the log reviewer filters
    the audit trail by a person's name. Staff accounts are not patient data, so this is not audit-logged
    (the log read it serves is)."""
    pattern = _contains(text)
    rows = session.scalars(
        select(User.username)
        .where(
            or_(
                func.lower(User.username).like(pattern, escape="\\"),
                func.lower(User.display_name).like(pattern, escape="\\"),
            )
        )
        .order_by(User.username)
        .limit(limit)
    )
    return list(rows)


def display_names(session: Session, usernames: Collection[str]) -> dict[str, str]:
    """username -> display name of the accounts that exist (a failed login's unknown name is absent)."""
    if not usernames:
        return {}
    rows = session.execute(select(User.username, User.display_name).where(User.username.in_(set(usernames))))
    return {username: name for username, name in rows}


# --- The administrator's pages: users and their assignments (issue 20) ----------------------------------------

ADMIN_ROLES = frozenset({Role.ADMINISTRATOR, Role.SYSTEM})
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
# The roles an administrator gives: staff roles. A patient's account follows from their own login (it points
# at their person); nobody signs in as the system.
ASSIGNABLE_ROLES = (
    Role.CLINICIAN,
    Role.MUNICIPAL_STAFF,
    Role.UNIT_MANAGER,
    Role.ANALYST,
    Role.ADMINISTRATOR,
    Role.LOG_REVIEWER,
    Role.GOVERNANCE_OFFICER,
)


def require_administrator(session: Session, *, actor: Actor, action: AccountAction) -> None:
    """Users and assignments are the administrator's (and the CLI's, as the system); refused and logged."""
    if actor.role not in ADMIN_ROLES:
        audit_service.refuse(
            session,
            actor=actor,
            action=action,
            reason="role_not_permitted",
            message="only an administrator manages users and assignments",
        )


def _assignable_role(value: str) -> Role:
    try:
        role = Role(value)
    except ValueError:
        role = None
    if role not in ASSIGNABLE_ROLES:
        raise Invalid(
            "role must be one of %(roles)s",
            field="role",
            params={"roles": [r.value for r in ASSIGNABLE_ROLES]},
        )
    assert role is not None
    return role


def _unit_for(session: Session, hsa_id: str) -> org_service.UnitView:
    try:
        return org_service.unit_by_hsa_id(session, hsa_id)
    except NotFound as exc:
        raise Invalid("no care unit with this HSA-id", field="unit_hsa_id") from exc


def _staff_user(session: Session, username: str, *, lock: bool = False) -> User:
    stmt = select(User).where(User.username == username.strip().lower(), User.person_id.is_(None))
    user = session.scalar(stmt.with_for_update() if lock else stmt)
    if user is None:
        raise NotFound("no user %(username)r", params={"username": username.strip().lower()})
    return user


def _admin_views(session: Session, users: list[User]) -> list[AdminUserOut]:
    memberships = (
        list(
            session.scalars(
                select(Membership)
                .where(Membership.user_id.in_([u.id for u in users]))
                .order_by(Membership.is_active.desc(), Membership.created_at, Membership.id)
            )
        )
        if users
        else []
    )
    units = org_service.get_units(session, {m.unit_id for m in memberships if m.unit_id is not None})
    by_user: dict[uuid.UUID, list[AssignmentOut]] = {}
    for m in memberships:
        unit = units.get(m.unit_id) if m.unit_id else None
        by_user.setdefault(m.user_id, []).append(
            AssignmentOut(
                id=m.id,
                role=m.role,
                purpose=str(DEFAULT_PURPOSE.get(Role(m.role), "")),
                unit_hsa_id=unit.hsa_id if unit else None,
                unit_name=unit.name if unit else None,
                organization_name=unit.organization_name if unit else None,
                is_active=m.is_active,
                created_at=m.created_at,
            )
        )
    now = utcnow()
    return [
        AdminUserOut(
            username=u.username,
            display_name=u.display_name,
            is_active=u.is_active,
            locked=is_locked(u, now),
            locked_until=u.locked_until if is_locked(u, now) else None,
            failed_logins=u.failed_logins,
            assignments=by_user.get(u.id, []),
        )
        for u in users
    ]


def admin_users(
    session: Session, *, actor: Actor, query: str = "", locked_only: bool = False, limit: int = 200
) -> list[AdminUserOut]:
    """Staff accounts whose username or name contains `query` (any case), with their assignments and lock
    state; `locked_only`: those locked now. Patients' own accounts are not listed (that a person has one is
    theirs)."""
    action = AccountAction.USER_LIST
    require_administrator(session, actor=actor, action=action)
    stmt = select(User).where(User.person_id.is_(None)).order_by(User.username).limit(limit)
    if query.strip():
        pattern = _contains(query)
        stmt = stmt.where(
            or_(
                func.lower(User.username).like(pattern, escape="\\"),
                func.lower(User.display_name).like(pattern, escape="\\"),
            )
        )
    if locked_only:
        stmt = stmt.where(User.locked_until > utcnow())
    users = list(session.scalars(stmt))
    audit_service.record(
        session, actor=actor, action=action, detail={"query": query.strip()[:100], "returned": len(users)}
    )
    return _admin_views(session, users)


def admin_user(session: Session, *, actor: Actor, username: str) -> AdminUserOut:
    action = AccountAction.USER_READ
    require_administrator(session, actor=actor, action=action)
    user = _staff_user(session, username)
    audit_service.record(session, actor=actor, action=action, detail={"username": user.username})
    return _admin_views(session, [user])[0]


def admin_create_user(session: Session, *, actor: Actor, request: NewUserRequest) -> AdminUserOut:
    """A staff account with its first assignment (the administrator sets a first password; staff then log in
    through the region's identity provider where one is configured)."""
    action = AccountAction.USER_CREATE
    require_administrator(session, actor=actor, action=action)
    if not USERNAME.fullmatch(request.username.strip().lower()):
        raise Invalid(
            "a username is letters a-z, digits, dots, hyphens and underscores (at most 64)", field="username"
        )
    role = _assignable_role(request.role)
    unit = _unit_for(session, request.unit_hsa_id)
    display = request.display_name.strip()
    if not display:
        raise Invalid("a name is required", field="display_name")
    user = create_user(
        session,
        username=request.username,
        display_name=display,
        password=request.password,
        role=role,
        unit_id=unit.id,
    )
    audit_service.record(
        session,
        actor=actor,
        action=action,
        detail={
            "username": user.username,
            "role": role.value,
            "unit_id": str(unit.id),
            "unit_hsa_id": unit.hsa_id,
        },
    )
    return _admin_views(session, [user])[0]


def add_assignment(
    session: Session, *, actor: Actor, username: str, request: AssignmentRequest
) -> AdminUserOut:
    """Give a user a role at a unit (a medarbetaruppdrag); an ended one of the same role and unit is taken up
    again. The purpose of use follows from the role."""
    action = AccountAction.MEMBERSHIP_ADD
    require_administrator(session, actor=actor, action=action)
    role = _assignable_role(request.role)
    unit = _unit_for(session, request.unit_hsa_id)
    user = _staff_user(session, username)
    existing = session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.unit_id == unit.id, Membership.role == role.value
        )
    )
    if existing is not None and existing.is_active:
        raise Conflict("the user already has this role at this unit")
    if existing is not None:
        existing.is_active = True
        membership = existing
    else:
        membership = Membership(user_id=user.id, unit_id=unit.id, role=role.value)
        session.add(membership)
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action=action,
        detail={
            "username": user.username,
            "membership_id": str(membership.id),
            "role": role.value,
            "unit_id": str(unit.id),
            "unit_hsa_id": unit.hsa_id,
            "taken_up_again": existing is not None,
        },
    )
    return _admin_views(session, [user])[0]


def end_assignment(
    session: Session, *, actor: Actor, username: str, membership_id: uuid.UUID
) -> AdminUserOut:
    """End an assignment: no new login acts for it, and the sessions acting for it end now. An administrator
    does not end their own (someone else must, so the region cannot lock itself out by one mistake)."""
    action = AccountAction.MEMBERSHIP_END
    require_administrator(session, actor=actor, action=action)
    user = _staff_user(session, username)
    membership = session.scalar(
        select(Membership).where(Membership.id == membership_id, Membership.user_id == user.id)
    )
    if membership is None:
        raise NotFound("no such assignment for this user")
    if not membership.is_active:
        raise Conflict("the assignment has already ended")
    if actor.user_id == user.id:
        raise Invalid("you cannot end your own assignment", field="membership_id")
    membership.is_active = False
    now = utcnow()
    ended = list(
        session.scalars(
            select(LoginSession).where(
                LoginSession.membership_id == membership.id,
                LoginSession.revoked_at.is_(None),
                LoginSession.expires_at > now,
            )
        )
    )
    for login_session in ended:
        login_session.revoked_at = now
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action=action,
        detail={
            "username": user.username,
            "membership_id": str(membership.id),
            "role": membership.role,
            "unit_id": str(membership.unit_id),
            "sessions_revoked": len(ended),
        },
    )
    return _admin_views(session, [user])[0]
