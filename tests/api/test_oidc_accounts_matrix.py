"""The authorization matrix for accounts that log in through an identity provider: an OIDC-linked account
gets exactly the rights of its assignments (medarbetaruppdrag), no more, on both databases.

The worlds and the expected outcome are the matrix's own (`test_authorization_matrix.build`/`expected`);
the session is opened the OpenID Connect way (`oidc_service.login_identity`, what the callback does once
the ID token is verified: the HSA-id mapped to the account, the subject linked), instead of the factory's
session. The whole flow against a real provider is `tests/integration/test_oidc_login.py`."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from naravard.accounts import oidc, oidc_service
from naravard.accounts.models import Membership, User
from naravard.actor import Role
from naravard.audit.models import AuditEvent
from naravard.organizations.models import Practitioner
from tests import factories as f
from tests.api.test_authorization_matrix import ROLES, SCENARIOS, audit_rows, build, expected

ISSUER = "https://idp.region.example"


def _oidc_session(db: Session, user_id: uuid.UUID) -> dict[str, str]:
    """Link the account to a practitioner's HSA-id and log in through the OIDC path; the API headers."""
    hsa_id = f"SE2321000149-{uuid.uuid4().hex[:8].upper()}"
    practitioner = Practitioner(hsa_id=hsa_id, given_name="Oidc", family_name="Staff", profession="doctor")
    db.add(practitioner)
    db.flush()
    user = db.get(User, user_id)
    assert user is not None
    user.practitioner_id = practitioner.id
    identity = oidc.VerifiedIdentity(
        audience=oidc.Audience.STAFF, issuer=ISSUER, subject=f"sub-{uuid.uuid4().hex}", claim_value=hsa_id
    )
    info = oidc_service.login_identity(db, identity=identity)
    db.commit()
    return {"Authorization": f"Bearer {info.token}"}


@pytest.mark.parametrize("access", ["read", "write"])
@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_oidc_account_has_exactly_its_assignments_rights(
    client: TestClient, db: Session, role: Role, scenario: str, access: str
) -> None:
    world = build(db, role, scenario)
    headers = _oidc_session(db, world.login.user.id)
    url = f"/api/patients/{world.patient_id}"
    if access == "read":
        response = client.get(url, headers=headers)
    else:
        response = client.patch(url, json={"phone": "070-123 45 67"}, headers=headers)
    rows = audit_rows(db, world.patient_id)
    assert len(rows) == 1 and rows[0].username == world.login.user.username and rows[0].role == role.value
    if expected(role, scenario, access):
        assert response.status_code == 200, response.text
        assert rows[0].outcome == "allowed"
    else:
        assert response.status_code == 403, response.text
        assert rows[0].outcome == "denied"


def test_a_second_assignment_gives_its_rights_only_after_switching(client: TestClient, db: Session) -> None:
    """An analyst who is also a clinician elsewhere: the OIDC session acts for the first assignment (as the
    password login's does) and reaches the clinician's patient only after switching to that assignment."""
    world = build(db, Role.ANALYST, "own_unit")
    region = f.organization(db)
    clinic = f.unit(db, region, name="Norr hälsocentral")
    patient = f.person(db, listed_at=clinic)
    second = Membership(user_id=world.login.user.id, unit_id=clinic.id, role=Role.CLINICIAN.value)
    db.add(second)
    db.commit()
    headers = _oidc_session(db, world.login.user.id)
    assert client.get("/api/auth/me", headers=headers).json()["role"] == "analyst"
    assert client.get(f"/api/patients/{patient.id}", headers=headers).status_code == 403
    switched = client.post("/api/auth/switch", json={"membership_id": str(second.id)}, headers=headers)
    assert switched.status_code == 200, switched.text
    assert client.get(f"/api/patients/{patient.id}", headers=headers).status_code == 200
    db.expire_all()
    logins = db.scalars(
        select(AuditEvent).where(AuditEvent.username == world.login.user.username).order_by(AuditEvent.seq)
    ).all()
    assert [row.action for row in logins][:2] == ["accounts:session:login", "accounts:oidc_identity:link"]
