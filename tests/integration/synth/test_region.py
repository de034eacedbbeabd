"""The demo region generator against a temporary SQLite database."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import naravard
from naravard.accounts.models import Membership, User
from naravard.actor import DEFAULT_PURPOSE, Actor, CareDomain, Role
from naravard.consent import service as consent_service
from naravard.consent.models import Block, CareRelationship, Consent
from naravard.consent.policy import Access, AccessFacts, decide
from naravard.contacts.models import FixedContact, Listing, Notice
from naravard.db import Base, make_engine, make_session_factory
from naravard.errors import Conflict
from naravard.organizations.models import CareUnit, Organization, Practitioner, PractitionerRole
from naravard.patients.identity import parse_identifier
from naravard.patients.models import Person
from naravard.synth import reference
from naravard.synth.lake_model import CountyModel
from naravard.synth.region import DemoSummary, create_demo_region, region_exists
from tests.conftest import AUDIT_KEY

TODAY = date(2026, 11, 23)
PERSONS = 500
HSA = re.compile(r"^SE\d{10}-[A-Za-z0-9]+$")


def _import_all_models() -> None:
    for module in pkgutil.walk_packages(naravard.__path__, "naravard."):
        if module.name.endswith(".models"):
            importlib.import_module(module.name)


def _session(path: Path) -> Session:
    _import_all_models()
    engine = make_engine("sqlite:///" + str(path))
    Base.metadata.create_all(engine)
    return make_session_factory(engine, audit_key=AUDIT_KEY)()


def _generate(path: Path, *, seed: int = 1) -> tuple[Session, DemoSummary]:
    session = _session(path)
    summary = create_demo_region(session, persons=PERSONS, seed=seed, demo_password_hash="x", today=TODAY)
    session.commit()
    return session, summary


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Session, DemoSummary]]:
    session, summary = _generate(tmp_path_factory.mktemp("demo") / "t.db")
    yield session, summary
    session.close()


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_counts_per_kind(demo: tuple[Session, DemoSummary]) -> None:
    session, summary = demo
    orgs = Counter(session.scalars(select(Organization.kind)))
    assert orgs["region"] == 1
    assert orgs["municipality"] == 10
    assert 3 <= orgs["private_provider"] <= 5
    units = Counter(session.scalars(select(CareUnit.kind)))
    assert units["health_centre"] == len(reference.HEALTH_CENTRES)
    assert units["social_services"] == units["home_health_care"] == 10
    assert units["mobile_team"] == 2
    assert units["administration"] == 1
    assert units["hospital_clinic"] >= 3
    private = session.scalar(select(func.count()).where(CareUnit.private_ownership.is_(True))) or 0
    assert 13 <= private <= 17
    assert summary.persons == _count(session, Person) == PERSONS
    assert summary.organizations == sum(orgs.values())
    assert summary.units == sum(units.values())
    assert summary.practitioners == _count(session, Practitioner)
    assert _count(session, PractitionerRole) == summary.practitioners


def test_region_and_hsa_ids(demo: tuple[Session, DemoSummary]) -> None:
    session, _ = demo
    assert region_exists(session)
    region = session.scalars(select(Organization).where(Organization.kind == "region")).one()
    assert (region.name, region.org_number) == ("Region Gävleborg", "232100-0198")
    ids = [
        *session.scalars(select(Organization.hsa_id)),
        *session.scalars(select(CareUnit.hsa_id)),
        *session.scalars(select(Practitioner.hsa_id)),
    ]
    assert len(ids) == len(set(ids))
    assert all(HSA.match(i) and len(i) <= 31 for i in ids), [i for i in ids if not HSA.match(i)]
    gavle = session.scalars(select(Organization).where(Organization.name == "Gävle kommun")).one()
    assert gavle.municipality_code == "2180"
    assert gavle.org_number.startswith("212000-")


def test_demo_units_have_the_hsa_ids_of_the_generated_lakes_first_county(
    demo: tuple[Session, DemoSummary],
) -> None:
    """The demo database and a generated lake name the same units alike, so the follow-up pages find a
    user's unit in the lake (hälsocentraler and mobile teams; the lake's hospitals are whole hospitals, the
    database's units are their clinics)."""
    session, _ = demo
    lake = {u["hsa_id"]: u for u in CountyModel.build(PERSONS).units_table().to_pylist()}
    units = session.scalars(select(CareUnit).where(CareUnit.kind.in_(["health_centre", "mobile_team"]))).all()
    assert len(units) == len(reference.HEALTH_CENTRES) + len(reference.MOBILE_TEAMS)
    for u in units:
        assert u.hsa_id in lake, u.name
        assert (lake[u.hsa_id]["name"], lake[u.hsa_id]["municipality_code"]) == (u.name, u.municipality_code)


def test_every_unit_kind_has_staff_of_its_professions(demo: tuple[Session, DemoSummary]) -> None:
    session, _ = demo
    rows = session.execute(
        select(CareUnit.kind, Practitioner.profession)
        .join(PractitionerRole, PractitionerRole.unit_id == CareUnit.id)
        .join(Practitioner, Practitioner.id == PractitionerRole.practitioner_id)
    ).all()
    by_kind: dict[str, set[str]] = {}
    for kind, profession in rows:
        by_kind.setdefault(kind, set()).add(profession)
    assert {
        "doctor",
        "nurse",
        "assistant_nurse",
        "physiotherapist",
        "occupational_therapist",
        "counsellor",
        "psychologist",
    } <= by_kind["health_centre"]
    assert "care_assessor" in by_kind["social_services"]
    assert {"nurse", "assistant_nurse"} <= by_kind["home_health_care"]
    assert {"doctor", "nurse"} <= by_kind["mobile_team"]


def test_every_identifier_parses_and_matches_the_row(demo: tuple[Session, DemoSummary]) -> None:
    session, _ = demo
    kinds: Counter[str] = Counter()
    for person in session.scalars(select(Person)):
        identity = parse_identifier(person.identifier, today=TODAY)
        assert identity.canonical == person.identifier
        assert identity.birth_date == person.birth_date
        assert identity.sex == person.sex
        assert identity.kind == person.identifier_kind
        kinds[identity.kind] += 1
    assert 1 <= kinds["samordningsnummer"] <= PERSONS * 0.03


def test_protected_persons_have_no_address(demo: tuple[Session, DemoSummary]) -> None:
    session, _ = demo
    protected = list(session.scalars(select(Person).where(Person.protected_identity.is_(True))))
    assert 1 <= len(protected) <= PERSONS * 0.02
    assert all(p.address is None and p.postal_code is None and p.city is None for p in protected)
    others = session.scalar(
        select(func.count()).where(Person.protected_identity.is_(False), Person.address.is_(None))
    )
    assert others == 0


def test_age_and_municipality_structure_roughly_like_the_county(demo: tuple[Session, DemoSummary]) -> None:
    session, _ = demo
    people = list(session.scalars(select(Person)))
    ages = [
        TODAY.year - p.birth_date.year - ((TODAY.month, TODAY.day) < (p.birth_date.month, p.birth_date.day))
        for p in people
    ]
    old_share = sum(a >= 65 for a in ages) / len(ages)
    child_share = sum(a < 18 for a in ages) / len(ages)
    assert 0.17 <= old_share <= 0.31  # reference: about 24 % aged 65+
    assert 0.13 <= child_share <= 0.27
    assert max(ages) < 110
    female_share = sum(p.sex == "female" for p in people) / len(people)
    assert 0.42 <= female_share <= 0.58
    gavle_share = sum(p.municipality_code == "2180" for p in people) / len(people)
    assert 0.30 <= gavle_share <= 0.43  # 104 030 / 284 485 = 36.6 %


def test_every_person_has_exactly_one_active_listing_at_a_listing_unit(
    demo: tuple[Session, DemoSummary],
) -> None:
    session, _ = demo
    active = session.execute(
        select(
            Listing.person_id,
            CareUnit.accepts_listing,
            Listing.start_date,
            CareUnit.municipality_code,
            Person.municipality_code,
            Person.birth_date,
        )
        .join(CareUnit, CareUnit.id == Listing.unit_id)
        .join(Person, Person.id == Listing.person_id)
        .where(Listing.end_date.is_(None))
    ).all()
    per_person = Counter(row[0] for row in active)
    assert len(per_person) == PERSONS
    assert set(per_person.values()) == {1}
    assert all(row.accepts_listing for row in active)
    assert all(row.birth_date <= row.start_date < TODAY for row in active)
    local = sum(row[3] == row[4] for row in active) / len(active)
    assert local >= 0.8
    ended = list(session.scalars(select(Listing).where(Listing.end_date.is_not(None))))
    assert all(e.end_date is not None and e.start_date <= e.end_date < TODAY for e in ended)


def test_access_facts_exist(demo: tuple[Session, DemoSummary]) -> None:
    session, summary = demo
    relations = session.execute(
        select(CareUnit.kind, Person.birth_date)
        .select_from(CareRelationship)
        .join(CareUnit, CareUnit.id == CareRelationship.unit_id)
        .join(Person, Person.id == CareRelationship.person_id)
    ).all()
    kinds = Counter(kind for kind, _ in relations)
    assert kinds["home_health_care"] >= 1 and kinds["hospital_clinic"] >= 1
    assert all(birth.year <= TODAY.year - 75 for kind, birth in relations if kind == "home_health_care")
    consent_orgs = Counter(
        session.scalars(select(Organization.kind).join(Consent, Consent.organization_id == Organization.id))
    )
    assert consent_orgs["municipality"] >= 1 and consent_orgs["region"] >= 1
    blocks = list(session.scalars(select(Block)))
    assert any(b.blocked_organization_id is None for b in blocks)
    assert any(b.blocked_organization_id is not None for b in blocks)
    assert summary.care_relationships == len(relations)
    assert summary.consents == sum(consent_orgs.values())
    assert summary.blocks == len(blocks)


def test_most_listed_residents_have_a_fixed_doctor_of_their_listing_unit(
    demo: tuple[Session, DemoSummary],
) -> None:
    session, summary = demo
    contacts = list(session.scalars(select(FixedContact)))
    assert summary.fixed_contacts == len(contacts)
    assert summary.notices == _count(session, Notice) == len(contacts)
    listed = {
        person: (unit, listing)
        for person, unit, listing in session.execute(
            select(Listing.person_id, Listing.unit_id, Listing.id).where(Listing.end_date.is_(None))
        )
    }
    roles = {
        (p, u) for p, u in session.execute(select(PractitionerRole.practitioner_id, PractitionerRole.unit_id))
    }
    profession = {p: kind for p, kind in session.execute(select(Practitioner.id, Practitioner.profession))}
    doctors = [c for c in contacts if c.kind == "doctor"]
    for c in doctors:
        assert (c.unit_id, c.listing_id) == listed[c.person_id]
        assert (c.practitioner_id, c.unit_id) in roles and profession[c.practitioner_id] == "doctor"
        assert c.valid_to is None
    assert len({c.person_id for c in doctors}) == len(doctors)
    # most, not all: the unit's proposal has candidates; most informed, some not yet
    assert 0.7 < len(doctors) / len(listed) < 0.95
    informed = sum(c.informed_at is not None for c in doctors)
    assert 0.75 * len(doctors) < informed < len(doctors)
    care = [c for c in contacts if c.kind == "care_contact"]
    home_care = {
        (r.person_id, r.unit_id)
        for r in session.scalars(
            select(CareRelationship).where(
                CareRelationship.ended_at.is_(None), CareRelationship.reason.like("%hemsjukvård%")
            )
        )
    }
    assert care
    for c in care:
        assert (c.person_id, c.unit_id) in home_care and profession[c.practitioner_id] == "nurse"
        assert c.listing_id is None
    statuses = Counter(session.scalars(select(Notice.status)))
    assert statuses["delivered"] == informed + sum(c.informed_at is not None for c in care)
    assert statuses["failed"] + statuses["pending"] == len(contacts) - statuses["delivered"]
    # the patient accounts always have an informed fast läkarkontakt
    portal = set(session.scalars(select(User.person_id).where(User.person_id.is_not(None))))
    assert portal and portal <= {c.person_id for c in doctors if c.informed_at is not None}


def test_demo_users_cover_every_role(demo: tuple[Session, DemoSummary]) -> None:
    session, summary = demo
    rows = session.execute(
        select(User.username, User.password_hash, Membership.role, CareUnit.name, CareUnit.kind)
        .join(Membership, Membership.user_id == User.id)
        .outerjoin(CareUnit, CareUnit.id == Membership.unit_id)
    ).all()
    roles = {row.role for row in rows}
    expected = {r.value for r in Role if r is not Role.SYSTEM}
    assert expected <= roles
    assert all(row.password_hash == "x" for row in rows)
    by_name = {row.username: row for row in rows}
    assert by_name["lakare.gavle"].kind == "health_centre"
    assert by_name["lakare.gavle"].name == by_name["ssk.gavle"].name == by_name["chef.gavle"].name
    assert by_name["hemsjukvard.gavle"].kind == "home_health_care"
    assert by_name["analytiker"].name == "Region Gävleborg Hälso- och sjukvårdsförvaltningen"
    assert {u.username for u in summary.users} == set(by_name)
    linked = session.scalars(select(User).where(User.username == "lakare.gavle")).one()
    assert linked.practitioner_id is not None
    assert session.get(Practitioner, linked.practitioner_id).profession == "doctor"  # type: ignore[union-attr]


def test_same_seed_same_data_other_seed_other_data(demo: tuple[Session, DemoSummary], tmp_path: Path) -> None:
    first, _ = demo
    second, _ = _generate(tmp_path / "again.db")
    third, _ = _generate(tmp_path / "other.db", seed=2)
    try:

        def snapshot(session: Session) -> list[tuple[object, ...]]:
            return [
                tuple(r)
                for r in session.execute(
                    select(Person.id, Person.identifier, Person.given_name, Person.address).order_by(
                        Person.id
                    )
                )
            ]

        assert snapshot(first) == snapshot(second)
        assert sorted(first.scalars(select(User.id))) == sorted(second.scalars(select(User.id)))

        def contacts(session: Session) -> list[tuple[object, ...]]:
            columns = (FixedContact.id, FixedContact.practitioner_id, FixedContact.informed_at)
            return [tuple(r) for r in session.execute(select(*columns).order_by(FixedContact.id))]

        assert contacts(first) == contacts(second)
        assert contacts(first) != contacts(third)
        assert snapshot(first) != snapshot(third)
    finally:
        second.close()
        third.close()


def test_refuses_to_create_twice(demo: tuple[Session, DemoSummary]) -> None:
    session, _ = demo
    with pytest.raises(Conflict):
        create_demo_region(session, persons=10, demo_password_hash="x", today=TODAY)
    session.rollback()


def _actor(session: Session, username: str) -> Actor:
    user = session.scalars(select(User).where(User.username == username)).one()
    membership = session.scalars(select(Membership).where(Membership.user_id == user.id)).one()
    unit = session.get(CareUnit, membership.unit_id)
    assert unit is not None
    role = Role(membership.role)
    return Actor(
        user_id=user.id,
        username=username,
        role=role,
        unit_id=unit.id,
        organization_id=unit.organization_id,
        purpose=DEFAULT_PURPOSE[role],
        care_domain=CareDomain.SOCIAL if unit.kind == "social_services" else CareDomain.HEALTH,
    )


def test_the_access_policy_has_an_example_of_each_basis(demo: tuple[Session, DemoSummary]) -> None:
    """Home care sees its patients directly; social services, another care domain of the same municipality
    (SoL, not HSL), see them through the patient's consent, and a block overrides it (ADR 0004); a region
    doctor sees through consent a patient listed at a private provider's health centre."""
    session, _ = demo
    home_care, social = _actor(session, "hemsjukvard.gavle"), _actor(session, "bistand.gavle")
    doctor = _actor(session, "lakare.gavle")
    patients = list(
        session.scalars(
            select(Person)
            .join(CareRelationship, CareRelationship.person_id == Person.id)
            .where(CareRelationship.unit_id == home_care.unit_id)
        )
    )
    assert patients
    outcomes: Counter[str] = Counter()
    for person in patients:
        assert decide(home_care, _facts(session, home_care, person), Access.READ).basis == "care_relationship"
        outcomes[decide(social, _facts(session, social, person), Access.READ).reason] += 1
    assert outcomes["consent"] >= 1
    assert outcomes["blocked"] >= 1
    consented = list(
        session.scalars(
            select(Person)
            .join(Consent, Consent.person_id == Person.id)
            .where(Consent.organization_id == doctor.organization_id, Consent.withdrawn_at.is_(None))
        )
    )
    by_doctor = Counter(decide(doctor, _facts(session, doctor, p), Access.READ).reason for p in consented)
    assert by_doctor["consent"] >= 1


def _facts(session: Session, actor: Actor, person: Person) -> AccessFacts:
    return consent_service.gather_facts(
        session, actor=actor, person_id=person.id, protected_identity=person.protected_identity
    )
