"""OpenID Connect logins, the account side: the flow under way, the identity linked to an account by its
claim, the refusal and its audit row (docs/adr/0005-oidc-logins.md).

Accounts and assignments stay the platform's: a provider only proves who someone is. Staff are matched by
HSA-id (the claim `NARAVARD_OIDC_STAFF_CLAIM`) to the account of the practitioner with that HSA-id, patients
by personnummer (`NARAVARD_OIDC_PATIENT_CLAIM`) to the patient account of that person. The provider's
subject is linked to the account at the first login and stays with it. After that the session is the one
the password login opens (`accounts.service.login_verified`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass, replace
from datetime import timedelta
from functools import partial

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from naravard.accounts import oidc
from naravard.accounts import service as accounts_service
from naravard.accounts.actions import AccountAction
from naravard.accounts.models import Membership, OidcIdentity, OidcLoginFlow, User
from naravard.actor import Actor, Purpose, Role
from naravard.audit import service as audit_service
from naravard.db import keep_after_rollback, utcnow
from naravard.errors import Forbidden, Unauthenticated
from naravard.organizations import service as org_service
from naravard.patients import service as patients_service

FLOW_LIFETIME = timedelta(minutes=10)  # from leaving for the provider to coming back
STAFF_ROLES: frozenset[Role] = frozenset(role for role in Role if role not in (Role.PATIENT, Role.SYSTEM))
PATIENT_ROLES: frozenset[Role] = frozenset({Role.PATIENT})
# Why a login through a provider was refused, as the page says it (Swedish in accounts/messages.py); the
# audit row holds the reason code, the page says no more than this (no account names to a stranger).
REFUSED = "The login could not be completed."
REASON_WORDS = {
    "oidc_unknown_identity": "There is no account in naravard for the identity you logged in with.",
    "oidc_claim_missing": "The identity provider did not say who you are (no HSA-id or personnummer).",
    "oidc_ambiguous_identity": "There is no account in naravard for the identity you logged in with.",
    "oidc_subject_mismatch": "There is no account in naravard for the identity you logged in with.",
    "oidc_flow_invalid": "The login at the identity provider could not be verified. Start again.",
    "oidc_unavailable": "The identity provider cannot be reached right now. Try again later.",
    "account_inactive": "The account is not active.",
    "no_active_assignment": "The account has no active assignment.",
}


class OidcRefused(Forbidden):
    """A login through a provider was refused; `reason` is the audit row's code, `words` the page's text."""

    def __init__(self, reason: str) -> None:
        super().__init__(REFUSED, reason=reason)
        self.words = REASON_WORDS.get(reason, REFUSED)


@dataclass(frozen=True)
class Started:
    cookie_token: str  # the browser keeps it (HttpOnly cookie); the database only its SHA-256
    url: str  # the provider's authorization URL


@dataclass(frozen=True)
class Finished:
    info: accounts_service.SessionInfo
    next_path: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(session: Session, *, config: oidc.ProviderConfig, redirect_uri: str, next_path: str) -> Started:
    """Begin a login at the audience's provider: a flow row (state, nonce, PKCE verifier) bound to a new
    cookie token, and the URL to send the browser to. Flows past their time are cleared on the way."""
    now = utcnow()
    session.execute(delete(OidcLoginFlow).where(OidcLoginFlow.expires_at <= now))
    request = oidc.authorization(config, redirect_uri=redirect_uri)
    token = secrets.token_urlsafe(32)
    session.add(
        OidcLoginFlow(
            token_hash=_hash(token),
            audience=config.audience.value,
            state=request.state,
            nonce=request.nonce,
            code_verifier=request.code_verifier,
            next_path=next_path[:500],
            expires_at=now + FLOW_LIFETIME,
        )
    )
    return Started(cookie_token=token, url=request.url)


def _stranger(
    identity: oidc.VerifiedIdentity | None, audience: oidc.Audience, request_id: str | None
) -> Actor:
    """Who the refusal row names when no account is known: the provider's subject (or nothing yet)."""
    name = f"oidc:{audience.value}:{identity.subject}"[:64] if identity else f"oidc:{audience.value}"
    actor = Actor(
        user_id=None,
        username=name,
        role=Role.SYSTEM,
        unit_id=None,
        organization_id=None,
        purpose=Purpose.SYSTEM,
        display_name=name,
    )
    return replace(actor, request_id=request_id) if request_id else actor


def _refuse(
    session: Session,
    *,
    reason: str,
    audience: oidc.Audience,
    identity: oidc.VerifiedIdentity | None,
    request_id: str | None,
    detail: dict[str, object] | None = None,
) -> OidcRefused:
    """The refusal, with its audit row written by the unit of work after it rolls the request back (outcome
    denied, the issuer, subject and claim the provider gave, why; never a token or code)."""
    row: dict[str, object] = {"audience": audience.value, **(detail or {})}
    if identity is not None:
        row.update(issuer=identity.issuer, subject=identity.subject, claim=identity.claim_value)
    keep_after_rollback(
        session,
        partial(
            audit_service.record,
            actor=_stranger(identity, audience, request_id),
            action=AccountAction.OIDC_REFUSED,
            outcome=audit_service.Outcome.DENIED,
            reason=reason,
            detail=row,
        ),
    )
    return OidcRefused(reason)


def account_for(session: Session, identity: oidc.VerifiedIdentity) -> tuple[uuid.UUID | None, str | None]:
    """The account the identity's claim maps to, or why none: (user id, None) or (None, reason code).

    Staff: the HSA-id names a practitioner; the account is that practitioner's, with an assignment of a
    staff role. Patients: the personnummer names a person; the account is that person's, with the patient
    assignment. A claim naming more than one account maps to none."""
    if identity.claim_value is None:
        return None, "oidc_claim_missing"
    if identity.audience is oidc.Audience.STAFF:
        practitioners = org_service.practitioner_ids_by_hsa(session, {identity.claim_value})
        practitioner_id = practitioners.get(identity.claim_value)
        if practitioner_id is None:
            return None, "oidc_unknown_identity"
        stmt = select(User.id).where(User.practitioner_id == practitioner_id)
        roles = STAFF_ROLES
    else:
        persons = patients_service.person_ids_by_identifier(session, {identity.claim_value})
        person_id = persons.get(identity.claim_value)
        if person_id is None:
            return None, "oidc_unknown_identity"
        stmt = select(User.id).where(User.person_id == person_id)
        roles = PATIENT_ROLES
    stmt = stmt.where(
        select(Membership.id)
        .where(Membership.user_id == User.id, Membership.role.in_([str(r) for r in roles]))
        .exists()
    )
    users = list(session.scalars(stmt.distinct()))
    if not users:
        return None, "oidc_unknown_identity"
    if len(users) > 1:
        return None, "oidc_ambiguous_identity"
    return users[0], None


def _link(
    session: Session, *, user_id: uuid.UUID, identity: oidc.VerifiedIdentity
) -> tuple[bool, str | None]:
    """Link the provider's subject to the account (first login) or note the login; (linked now, refusal)."""
    now = utcnow()
    link = session.scalar(
        select(OidcIdentity).where(
            OidcIdentity.issuer == identity.issuer, OidcIdentity.subject == identity.subject
        )
    )
    if link is None:
        session.add(
            OidcIdentity(
                user_id=user_id,
                audience=identity.audience.value,
                issuer=identity.issuer,
                subject=identity.subject,
                last_login_at=now,
            )
        )
        session.flush()
        return True, None
    if link.user_id != user_id:
        return False, "oidc_subject_mismatch"
    link.last_login_at = now
    return False, None


def finish(
    session: Session,
    *,
    config: oidc.ProviderConfig,
    cookie_token: str | None,
    state: str | None,
    code: str | None,
    error: str | None,
    redirect_uri: str,
    hours: int,
    request_id: str | None,
) -> Finished:
    """The provider sent the browser back: check the flow (the cookie's, unexpired, of this audience, its
    state), redeem the code and verify the ID token, map the claim to an account, link the subject and open
    the session. Any refusal raises `OidcRefused` with its audit row. The flow is used up either way."""
    audience = config.audience

    def refuse(reason: str, identity: oidc.VerifiedIdentity | None = None, **detail: object) -> OidcRefused:
        return _refuse(
            session, reason=reason, audience=audience, identity=identity, request_id=request_id, detail=detail
        )

    flow = None
    if cookie_token:
        flow = session.scalar(select(OidcLoginFlow).where(OidcLoginFlow.token_hash == _hash(cookie_token)))
    if flow is None or flow.expires_at <= utcnow() or flow.audience != audience.value:
        raise refuse("oidc_flow_invalid", problem="no login under way in this browser")
    flow_id = flow.id
    # used once, kept deleted even when the login fails below
    keep_after_rollback(
        session, lambda s: s.execute(delete(OidcLoginFlow).where(OidcLoginFlow.id == flow_id))
    )
    session.delete(flow)
    if not state or not hmac.compare_digest(state.encode(), flow.state.encode()):
        raise refuse("oidc_flow_invalid", problem="state")
    if error or not code:
        raise refuse("oidc_flow_invalid", problem="provider error", error=(error or "no code")[:100])
    try:
        identity = oidc.redeem(
            config, code=code, redirect_uri=redirect_uri, code_verifier=flow.code_verifier, nonce=flow.nonce
        )
    except oidc.OidcError as failure:
        raise refuse(failure.reason, problem=str(failure)[:300]) from failure
    info = login_identity(session, identity=identity, hours=hours, request_id=request_id)
    return Finished(info=info, next_path=flow.next_path)


def login_identity(
    session: Session, *, identity: oidc.VerifiedIdentity, hours: int = 10, request_id: str | None = None
) -> accounts_service.SessionInfo:
    """Open the session for a verified identity: map its claim to the account, link the provider's subject
    (first login: an `OIDC_LINK` row) and open the session the password login opens, acting for the
    account's first active assignment. A refusal raises `OidcRefused` with its audit row."""
    audience = identity.audience

    def refuse(reason: str) -> OidcRefused:
        return _refuse(session, reason=reason, audience=audience, identity=identity, request_id=request_id)

    user_id, reason = account_for(session, identity)
    if user_id is None:
        raise refuse(reason or "oidc_unknown_identity")
    linked, reason = _link(session, user_id=user_id, identity=identity)
    if reason is not None:
        raise refuse(reason)
    detail: dict[str, object] = {
        "method": "oidc",
        "audience": audience.value,
        "issuer": identity.issuer,
        "subject": identity.subject,
    }
    try:
        info = accounts_service.login_verified(
            session, user_id=user_id, hours=hours, request_id=request_id, detail=detail
        )
    except Unauthenticated as failure:
        why = "no_active_assignment" if "assignment" in failure.message else "account_inactive"
        raise refuse(why) from failure
    if linked:
        audit_service.record(session, actor=info.actor, action=AccountAction.OIDC_LINK, detail=detail)
    return info
