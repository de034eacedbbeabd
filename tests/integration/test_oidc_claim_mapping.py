"""The claim an identity provider gives, mapped to the platform's account (accounts/oidc_service.py), on both
databases: staff by HSA-id through their practitioner, patients by personnummer through their person, each
only to an account of its own audience; no claim, an unknown, ambiguous or re-linked identity refused."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from naravard.accounts import oidc, oidc_service
from naravard.actor import Role
from naravard.organizations.models import CareUnit, Practitioner
from tests import factories

ISSUER = "https://idp.region.example"


def _identity(audience: oidc.Audience, claim: str | None, subject: str = "s1") -> oidc.VerifiedIdentity:
    return oidc.VerifiedIdentity(audience=audience, issuer=ISSUER, subject=subject, claim_value=claim)


def _practitioner(db: Session) -> Practitioner:
    practitioner = Practitioner(
        hsa_id=f"SE2321000149-{uuid.uuid4().hex[:8].upper()}",
        given_name="Anna",
        family_name="Läkare",
        profession="doctor",
    )
    db.add(practitioner)
    db.flush()
    return practitioner


def _unit(db: Session) -> CareUnit:
    return factories.unit(db, factories.organization(db))


def test_staff_map_by_hsa_id_to_their_staff_account(db: Session) -> None:
    unit = _unit(db)
    practitioner = _practitioner(db)
    clinician = factories.user(db, role=Role.CLINICIAN, at=unit)
    clinician.user.practitioner_id = practitioner.id
    db.flush()
    staff = oidc.Audience.STAFF
    assert oidc_service.account_for(db, _identity(staff, practitioner.hsa_id)) == (clinician.user.id, None)
    assert oidc_service.account_for(db, _identity(staff, "SE2321000149-NOSUCH")) == (
        None,
        "oidc_unknown_identity",
    )
    assert oidc_service.account_for(db, _identity(staff, None)) == (None, "oidc_claim_missing")
    # a practitioner without an account is no account
    assert (
        oidc_service.account_for(db, _identity(staff, _practitioner(db).hsa_id))[1] == "oidc_unknown_identity"
    )


def test_patients_map_by_personnummer_in_any_form_to_their_patient_account(db: Session) -> None:
    person = factories.person(db)
    patient = factories.user(db, role=Role.PATIENT, at=None, person_id=person.id)
    audience = oidc.Audience.PATIENT
    dashed = f"{person.identifier[:8]}-{person.identifier[8:]}"
    for claim in (person.identifier, dashed):
        assert oidc_service.account_for(db, _identity(audience, claim)) == (patient.user.id, None)
    # the personnummer at the staff door, and an HSA-id at the patients' door, map to nothing
    assert oidc_service.account_for(db, _identity(oidc.Audience.STAFF, person.identifier))[0] is None
    assert oidc_service.account_for(db, _identity(audience, "SE2321000149-A1"))[0] is None
    assert oidc_service.account_for(db, _identity(audience, "191212121212")) == (
        None,
        "oidc_unknown_identity",
    )


def test_an_account_of_the_other_audience_is_not_reached(db: Session) -> None:
    """A staff account pointing at a person (a clinician who is also a patient has two accounts): the
    patients' door reaches only the patient account."""
    unit = _unit(db)
    person = factories.person(db)
    staff = factories.user(db, role=Role.CLINICIAN, at=unit, person_id=person.id)
    patient = factories.user(db, role=Role.PATIENT, at=None, person_id=person.id)
    found = oidc_service.account_for(db, _identity(oidc.Audience.PATIENT, person.identifier))
    assert found == (patient.user.id, None) and found[0] != staff.user.id


def test_two_accounts_for_one_hsa_id_map_to_none(db: Session) -> None:
    unit = _unit(db)
    practitioner = _practitioner(db)
    for _ in range(2):
        factories.user(db, role=Role.CLINICIAN, at=unit).user.practitioner_id = practitioner.id
    db.flush()
    found = oidc_service.account_for(db, _identity(oidc.Audience.STAFF, practitioner.hsa_id))
    assert found == (None, "oidc_ambiguous_identity")


def test_a_subject_stays_with_the_account_it_was_linked_to(db: Session) -> None:
    unit = _unit(db)
    first = factories.user(db, role=Role.CLINICIAN, at=unit)
    second = factories.user(db, role=Role.CLINICIAN, at=unit)
    identity = _identity(oidc.Audience.STAFF, "SE-any", subject=f"sub-{uuid.uuid4().hex}")
    assert oidc_service._link(db, user_id=first.user.id, identity=identity) == (True, None)
    assert oidc_service._link(db, user_id=first.user.id, identity=identity) == (False, None)
    assert oidc_service._link(db, user_id=second.user.id, identity=identity) == (
        False,
        "oidc_subject_mismatch",
    )
