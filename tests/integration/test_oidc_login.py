"""The whole OpenID Connect code flow against a real provider (panva's oidc-provider under Node.js), on both
databases: the app served by uvicorn on a free port, httpx following the redirects through the provider's
login form and back. Staff by HSA-id, patients by personnummer; an unknown identity, a wrong state, a
wrong nonce, a replayed callback and a callback in another browser are refused with their audit rows."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from naravard.accounts.actions import AccountAction
from naravard.accounts.models import OidcIdentity, OidcLoginFlow
from naravard.actor import Role
from naravard.app import create_app
from naravard.audit.models import AuditEvent
from naravard.config import Settings
from naravard.organizations.models import Practitioner
from tests import factories
from tests.conftest import AUDIT_KEY
from tests.live import serve
from tests.oidc_live import PATIENT_CLAIM, STAFF_CLAIM, OidcProvider, oidc_provider, provider_login

__all__ = ["oidc_provider"]  # the session fixture, used by the tests below


@dataclass
class Region:
    staff_user_id: uuid.UUID
    staff_login: str  # the user's login name at the provider
    patient_user_id: uuid.UUID
    patient_login: str


@pytest.fixture()
def region(db: Session, oidc_provider: OidcProvider) -> Region:
    """A clinician whose practitioner has an HSA-id, a patient with a portal account; both at the provider."""
    org = factories.organization(db)
    unit = factories.unit(db, org)
    hsa_id = f"SE2321000149-{uuid.uuid4().hex[:8].upper()}"
    practitioner = Practitioner(hsa_id=hsa_id, given_name="Anna", family_name="Läkare", profession="doctor")
    db.add(practitioner)
    db.flush()
    clinician = factories.user(db, role=Role.CLINICIAN, at=unit)
    clinician.user.practitioner_id = practitioner.id
    person = factories.person(db, listed_at=unit)
    patient = factories.user(db, role=Role.PATIENT, at=None, person_id=person.id)
    db.commit()
    return Region(
        staff_user_id=clinician.user.id,
        staff_login=oidc_provider.add_account(f"staff-{hsa_id}", {STAFF_CLAIM: hsa_id}),
        patient_user_id=patient.user.id,
        patient_login=oidc_provider.add_account(
            f"patient-{person.identifier}", {PATIENT_CLAIM: person.identifier}
        ),
    )


@pytest.fixture()
def base(session_factory: sessionmaker[Session], oidc_provider: OidcProvider) -> Iterator[str]:
    settings = Settings(
        environment="test",
        audit_hmac_key=AUDIT_KEY.decode(),
        database_url="sqlite://",
        session_cookie_secure=False,  # plain http on loopback
        **oidc_provider.settings(),
    )
    with serve(create_app(settings, session_factory=session_factory)) as url:
        yield url


def _start(browser: httpx.Client, base: str, audience: str, next_path: str = "/") -> str:
    """Leave for the provider; the authorization URL (with its flow cookie set in `browser`)."""
    response = browser.get(f"{base}/login/oidc/{audience}", params={"next": next_path})
    assert response.status_code == 303
    location = response.headers["location"]
    assert "code_challenge_method=S256" in location and "nonce=" in location and "state=" in location
    return location


def _detail(row: AuditEvent) -> dict[str, Any]:
    detail: dict[str, Any] = json.loads(row.detail or "{}")
    return detail


def _refusals(db: Session) -> list[AuditEvent]:
    db.expire_all()
    return list(
        db.scalars(
            select(AuditEvent).where(AuditEvent.action == AccountAction.OIDC_REFUSED).order_by(AuditEvent.seq)
        )
    )


def test_staff_and_patient_log_in_through_the_provider(db: Session, region: Region, base: str) -> None:
    with httpx.Client(timeout=10) as browser:
        back = provider_login(browser, _start(browser, base, "staff"), region.staff_login)
        arrived = browser.get(back.headers["location"], follow_redirects=True)
        assert arrived.status_code == 200 and str(arrived.url).endswith("/patients")
        me = browser.get(f"{base}/api/auth/me")  # the same session the password login makes
        assert me.status_code == 200 and me.json()["role"] == "clinician"
        assert me.json()["user_id"] == str(region.staff_user_id)

    with httpx.Client(timeout=10) as browser:
        back = provider_login(
            browser, _start(browser, base, "patient", "/min/samtycken"), region.patient_login
        )
        arrived = browser.get(back.headers["location"], follow_redirects=True)
        assert arrived.status_code == 200 and str(arrived.url).endswith("/min/samtycken")
        assert browser.get(f"{base}/api/auth/me").json()["user_id"] == str(region.patient_user_id)

    db.expire_all()
    links = {link.user_id: link for link in db.scalars(select(OidcIdentity))}
    assert links[region.staff_user_id].audience == "staff"
    assert links[region.patient_user_id].audience == "patient"
    logins = db.scalars(
        select(AuditEvent).where(AuditEvent.action == AccountAction.LOGIN).order_by(AuditEvent.seq.desc())
    ).first()
    assert logins is not None and _detail(logins)["method"] == "oidc"


def test_unknown_identity_and_the_wrong_audience_are_refused_in_swedish(
    db: Session, region: Region, base: str
) -> None:
    before = len(_refusals(db))

    def callback(audience: str, login: str) -> httpx.Response:
        with httpx.Client(timeout=10, cookies={"lang": "sv"}) as browser:  # a new browser each time
            page = browser.get(
                provider_login(browser, _start(browser, base, audience), login).headers["location"]
            )
            assert "naravard_session" not in browser.cookies
            return page

    page = callback("staff", "nobody-known")
    assert page.status_code == 403
    assert "Inloggningen nekades" in page.text
    assert "Det finns inget konto i naravard för den identitet du loggade in med." in page.text
    # a patient's identity at the staff door maps to no staff account
    assert callback("staff", region.patient_login).status_code == 403
    assert "inget HSA-id eller personnummer" in callback("patient", "no-claim").text
    rows = _refusals(db)[before:]
    assert [r.reason for r in rows] == ["oidc_unknown_identity", "oidc_claim_missing", "oidc_claim_missing"]
    assert rows[0].outcome == "denied" and _detail(rows[0])["claim"] == "SE0000000000-E999"
    assert _detail(rows[0])["issuer"] and _detail(rows[0])["subject"] == "nobody-known"
    assert db.scalar(select(OidcIdentity).where(OidcIdentity.subject == "nobody-known")) is None


def test_wrong_state_replay_and_another_browser_are_refused(db: Session, region: Region, base: str) -> None:
    before = len(_refusals(db))
    with httpx.Client(timeout=10) as browser:
        back = httpx.URL(
            provider_login(browser, _start(browser, base, "staff"), region.staff_login).headers["location"]
        )
        good_state = back.params["state"]
        # another browser (no flow cookie) cannot use the code: login CSRF
        with httpx.Client(timeout=10) as attacker:
            assert attacker.get(back).status_code == 403
        # (the flow is bound to the first browser's cookie and still unused)
        forged = back.copy_set_param("state", "x" + good_state[1:])
        assert browser.get(forged).status_code == 403
        # the flow is used up by the refused attempt: the right state now fails too (no replay)
        assert browser.get(back).status_code == 403
        assert "naravard_session" not in browser.cookies
    reasons = [(r.reason, _detail(r).get("problem")) for r in _refusals(db)[before:]]
    assert reasons == [
        ("oidc_flow_invalid", "no login under way in this browser"),
        ("oidc_flow_invalid", "state"),
        ("oidc_flow_invalid", "no login under way in this browser"),
    ]


def test_a_wrong_nonce_is_refused(db: Session, region: Region, base: str) -> None:
    """The ID token carries the nonce of the request; a flow expecting another one refuses the token."""
    before = len(_refusals(db))
    with httpx.Client(timeout=10) as browser:
        back = provider_login(browser, _start(browser, base, "staff"), region.staff_login)
        db.execute(update(OidcLoginFlow).values(nonce="another-nonce-than-the-provider-got"))
        db.commit()
        page = browser.get(back.headers["location"])
        assert page.status_code == 403
        assert "naravard_session" not in browser.cookies
    rows = _refusals(db)[before:]
    assert [r.reason for r in rows] == ["oidc_flow_invalid"]
    assert "nonce" in _detail(rows[0])["problem"]
