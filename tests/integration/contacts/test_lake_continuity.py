"""The proposal's continuity from a real (tiny) event lake on disk: encounters written as Parquet under the
extract's pseudonyms with the installation's key, read back by `LakeContinuity` with DuckDB, and the unit's
proposal (the service on both databases, the pure `proposal.propose`, and the JSON API with the lake
configured) then places the patient with the doctor they have seen most."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from naravard.app import create_app
from naravard.config import Settings
from naravard.contacts import continuity, service
from naravard.contacts.continuity import LakeContinuity, NullContinuity, source_for
from naravard.contacts.proposal import Candidate, DoctorSlot, propose
from naravard.contacts.schemas import AssignRequest
from naravard.followup.lake import extract
from naravard.followup.lake.schema import arrow_schema
from tests.conftest import AUDIT_KEY
from tests.integration.contacts.helpers import Env, env

KEY = "continuity-key-for-tests-0123456789abcdef"  # the installation's secret_key (>= 32 characters)


def _at(days_ago: int, hour: int = 9) -> datetime:
    day = date.today() - timedelta(days=days_ago)
    return datetime(day.year, day.month, day.day, hour)


def write_lake(
    lake: Path, key: str, rows: list[tuple[uuid.UUID, uuid.UUID, uuid.UUID, str, datetime]]
) -> Path:
    """A lake with the one table the reader needs, `encounters`, in the contract's schema; ids pseudonymised
    exactly as `naravard followup extract` does it. rows: (person, unit, practitioner, profession, start)."""
    k = key.encode()
    folder = lake / "encounters"
    folder.mkdir(parents=True)
    table = pa.table(
        {
            "encounter_id": list(range(1, len(rows) + 1)),
            "person_id": [extract.pseudonym(k, r[0]) for r in rows],
            "unit_id": [extract.pseudonym(k, r[1]) for r in rows],
            "practitioner_id": [extract.pseudonym(k, r[2]) for r in rows],
            "profession": [r[3] for r in rows],
            "start": [r[4] for r in rows],
            "mode": ["physical"] * len(rows),
            "planned": [True] * len(rows),
        },
        schema=arrow_schema("encounters"),
    )
    pq.write_table(table, folder / "part-0.parquet")
    return lake


def _lake_for(e: Env, lake: Path, key: str = KEY) -> Path:
    """Patient 0 saw doctor B on three days (twice on one of them) and doctor A once this year; a nurse
    twice; doctor A five times more than a year ago (outside the window). Patient 2 saw nobody."""
    p, a, b, hc = e.patients[0].id, e.doctors[0].id, e.doctors[1].id, e.hc.id
    return write_lake(
        lake,
        key,
        [
            (p, hc, b, "LK", _at(200)),
            (p, hc, b, "LK", _at(100, 9)),
            (p, hc, b, "LK", _at(100, 15)),  # the same day: one visit
            (p, hc, b, "LK", _at(10)),
            (p, hc, a, "LK", _at(50)),
            (p, hc, e.nurse.id, "SSK", _at(40)),
            (p, hc, e.nurse.id, "SSK", _at(41)),
            *[(p, hc, a, "LK", _at(400 + i)) for i in range(5)],
        ],
    )


def test_the_sources_pseudonym_is_the_extracts() -> None:
    for _ in range(20):
        value = uuid.uuid4()
        assert continuity.pseudonym(KEY.encode(), value) == extract.pseudonym(KEY.encode(), value)


def test_lake_continuity_counts_doctor_visit_days_in_the_last_year(db: Session, tmp_path: Path) -> None:
    e = env(db, patients=3)
    lake = _lake_for(e, tmp_path / "lake")
    source = source_for(lake, KEY)
    assert isinstance(source, LakeContinuity) and source.name == "lake"
    p, a, b = e.patients[0].id, e.doctors[0].id, e.doctors[1].id
    since = date.today() - timedelta(days=365)
    persons = [pt.id for pt in e.patients]
    visits = source.doctor_visits(persons, [a, b, e.nurse.id], since=since)
    assert visits == {p: {b: 3, a: 1}}  # not the nurse (not LK), not the old visits, days not encounters
    assert max(visits[p], key=lambda d: visits[p][d]) == b
    # Only the doctors asked about are reported.
    assert source.doctor_visits(persons, [a], since=since) == {p: {a: 1}}
    # All contacts in the window, every profession: 4 with B, 1 with A, 2 with the nurse.
    assert source.contact_counts(persons, since=since) == {p: 7}
    # A lake pseudonymised with another key matches nobody.
    other = LakeContinuity(lake, b"another-key-entirely-0123456789abcdef")
    assert other.doctor_visits(persons, [a, b], since=since) == {}
    # No lake, or no key: the null source.
    assert isinstance(source_for(tmp_path / "nowhere", KEY), NullContinuity)
    assert isinstance(source_for(lake, None), NullContinuity)


def test_the_pure_proposal_fed_by_the_lake_places_the_patient_with_b(db: Session, tmp_path: Path) -> None:
    e = env(db, patients=1)
    lake = _lake_for(e, tmp_path / "lake")
    p, a, b = e.patients[0].id, e.doctors[0].id, e.doctors[1].id
    visits = LakeContinuity(lake, KEY.encode()).doctor_visits(
        [p], [a, b], since=date.today() - timedelta(365)
    )
    candidates = [Candidate(person=p, need=0, order=1)]
    # A has far more room: without continuity the patient would go to A.
    slots = [DoctorSlot(doctor=a, capacity=100, load=0), DoctorSlot(doctor=b, capacity=100, load=90)]
    assert propose(candidates, slots, {}) == {p: a}
    assert propose(candidates, slots, visits) == {p: b}


def _give_b_a_patient(db: Session, e: Env) -> None:
    """B already has a patient, so by room alone the unit's proposal would choose A."""
    service.assign_fixed_contact(
        db,
        actor=e.manager.actor,
        request=AssignRequest(
            person_id=e.patients[1].id, kind="doctor", practitioner_id=e.doctors[1].id, reason="need"
        ),
    )


def test_the_unit_proposal_from_the_lake_proposes_b(db: Session, tmp_path: Path) -> None:
    e = env(db, patients=2)
    _give_b_a_patient(db, e)
    lake = _lake_for(e, tmp_path / "lake")
    p, a, b = e.patients[0].id, e.doctors[0].id, e.doctors[1].id
    blind = service.propose_for_unit(db, actor=e.manager.actor, unit_id=e.hc.id, continuity=NullContinuity())
    assert {r.person_id: r.practitioner_id for r in blind.rows} == {p: a}
    proposal = service.propose_for_unit(
        db, actor=e.manager.actor, unit_id=e.hc.id, continuity=source_for(lake, KEY)
    )
    assert proposal.continuity_source == "lake"
    (row,) = proposal.rows
    assert row.person_id == p and row.practitioner_id == b
    assert row.most_seen_id == b and row.visits_with_proposed == 3
    assert proposal.effect.doctor_visits == 4
    assert proposal.effect.visits_with_fixed_after == 3


@pytest.fixture()
def lake_client(session_factory: sessionmaker[Session], tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        environment="test",
        audit_hmac_key=AUDIT_KEY.decode(),
        database_url="sqlite://",
        secret_key=KEY,
        lake_dir=tmp_path / "lake",
    )
    app = create_app(settings, session_factory=session_factory)
    with TestClient(app, base_url="https://testserver") as c:
        yield c


def test_the_api_proposal_reads_the_configured_lake(
    lake_client: TestClient, db: Session, tmp_path: Path
) -> None:
    e = env(db, patients=2)
    _give_b_a_patient(db, e)
    _lake_for(e, tmp_path / "lake")
    r = lake_client.get(f"/api/contacts/units/{e.hc.id}/proposal", headers=e.manager.headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["continuity_source"] == "lake"
    (row,) = body["rows"]
    assert row["person_id"] == str(e.patients[0].id)
    assert row["practitioner_id"] == str(e.doctors[1].id) == row["most_seen_id"]
    assert row["visits_with_proposed"] == 3
