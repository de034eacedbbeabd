"""`followup extract`: our own database into a valid, pseudonymised lake, through the access layer."""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from naravard.actor import Purpose, Role, system_actor
from naravard.audit.models import AuditEvent
from naravard.contacts.models import Listing
from naravard.db import transaction
from naravard.errors import Forbidden
from naravard.followup.cli import app as followup_app
from naravard.followup.lake.extract import extract, lake_listings, pseudonym
from naravard.followup.lake.importer import import_csv
from naravard.followup.lake.validation import validate_lake
from naravard.patients.models import Person
from naravard.patients.schemas import ListingPeriod
from tests import factories as f

KEY = b"pseudonym-key-for-tests-0123456789"
D = date
ACTOR = system_actor("x").with_purpose(Purpose.FOLLOWUP)


def _listing(db: Session, p: Person, unit_id: uuid.UUID, start: date, end: date | None) -> None:
    db.add(Listing(person_id=p.id, unit_id=unit_id, start_date=start, end_date=end))
    db.flush()


def _lake_listings(out: Path, p: Person) -> list[tuple[int, date, date | None]]:
    rows = pq.read_table(out / "listings").to_pylist()
    mine = [r for r in rows if r["person_id"] == pseudonym(KEY, p.id)]
    return sorted((r["unit_id"], r["valid_from"], r["valid_to"]) for r in mine)


def test_extract_writes_a_valid_pseudonymised_lake(db: Session, tmp_path: Path) -> None:
    region = f.organization(db, name="Region Gävleborg")
    hc = f.unit(db, region, name="Strand hälsocentral", municipality_code="2180")
    listed = f.person(db, listed_at=hc, sex="male")
    hidden = f.person(db, listed_at=hc, protected=True)
    db.commit()
    out = tmp_path / "lake"
    summary = extract(db, actor=system_actor("x").with_purpose(Purpose.FOLLOWUP), out_dir=out, key=KEY)
    assert summary.persons >= 2 and summary.listings >= 2
    persons = pq.read_table(out / "persons").to_pylist()
    by_id = {p["person_id"]: p for p in persons}
    assert by_id[pseudonym(KEY, listed.id)]["sex"] == "M"
    # The protected person's municipality is the listing unit's, not their own.
    assert by_id[pseudonym(KEY, hidden.id)]["municipality_code"] == "2180"
    text = (out / "persons" / "part-0.parquet").read_bytes()
    assert listed.identifier.encode() not in text and str(listed.id).encode() not in text
    listings = pq.read_table(out / "listings").to_pylist()
    assert {"person_id": pseudonym(KEY, listed.id), "unit_id": pseudonym(KEY, hc.id)} in [
        {k: r[k] for k in ("person_id", "unit_id")} for r in listings
    ]
    assert (out / "encounters").is_dir()
    row = db.scalars(select(AuditEvent).where(AuditEvent.action == "patient:population:export")).one()
    assert row.outcome == "allowed" and row.purpose == "followup"


def test_extract_writes_the_platforms_hsa_ids(db: Session, tmp_path: Path) -> None:
    """Each unit keeps its HSA-id under its pseudonymous id: the link from a platform unit to its results."""
    region = f.organization(db, name="Region Gävleborg")
    hc = f.unit(db, region, name="Strand hälsocentral", hsa_id="SE2321000198-HC0010")
    home = f.unit(db, region, name="Gävle hemsjukvård", kind="home_health_care")
    admin = f.unit(db, region, name="Förvaltningen", kind="administration")
    db.commit()
    out = tmp_path / "lake"
    extract(db, actor=ACTOR, out_dir=out, key=KEY, note=None)
    hsa = {r["unit_id"]: r["hsa_id"] for r in pq.read_table(out / "units").to_pylist()}
    assert hsa[pseudonym(KEY, hc.id)] == "SE2321000198-HC0010"
    assert hsa[pseudonym(KEY, home.id)] == home.hsa_id
    assert pseudonym(KEY, admin.id) not in hsa  # gives no care the follow-up counts
    validate_lake(out)


def test_extract_refused_for_a_clinician(
    db: Session, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    region = f.organization(db)
    hc = f.unit(db, region)
    doctor = f.user(db, role=Role.CLINICIAN, at=hc)
    db.commit()
    # in a unit of work, as the CLI runs it: the refusal row is written when the unit of work rolls back
    with pytest.raises(Forbidden), transaction(session_factory) as session:
        extract(session, actor=doctor.actor, out_dir=tmp_path / "lake", key=KEY)
    assert not (tmp_path / "lake").exists()
    row = db.scalars(select(AuditEvent).where(AuditEvent.action == "patient:population:export")).one()
    assert row.outcome == "denied"


@pytest.mark.parametrize("end", ["day_before", "same_day"], ids=["end_inclusive", "end_on_relisting_day"])
def test_extract_writes_the_listing_history_and_run_sees_it(db: Session, tmp_path: Path, end: str) -> None:
    """Relisted on 1 July 2024: the ended listing is a period of its own, ending the day before the new one
    (whether the database ended it on 30 June or on the day of relisting), and the month-end snapshots of
    ``followup run`` count the person at the old unit in June and at the new one in July."""
    region = f.organization(db)
    old = f.unit(db, region, name="Strand hälsocentral")
    new = f.unit(db, region, name="Norr hälsocentral")
    p = f.person(db, birth=D(1980, 5, 17))
    _listing(db, p, old.id, D(2024, 1, 15), D(2024, 6, 30) if end == "day_before" else D(2024, 7, 1))
    _listing(db, p, new.id, D(2024, 7, 1), None)
    db.commit()
    out = tmp_path / "lake"
    summary = extract(db, actor=ACTOR, out_dir=out, key=KEY, note=None)
    old_id, new_id = pseudonym(KEY, old.id), pseudonym(KEY, new.id)
    assert _lake_listings(out, p) == sorted(
        [(old_id, D(2024, 1, 15), D(2024, 6, 30)), (new_id, D(2024, 7, 1), None)]
    )
    assert summary.listings == 2
    validate_lake(out)
    audit = db.scalars(select(AuditEvent).where(AuditEvent.action == "patient:population:export")).one()
    assert json.loads(audit.detail or "{}")["listings"] == 2

    pid = pseudonym(KEY, p.id)
    csv = tmp_path / "encounters.csv"
    csv.write_text(
        "encounter_id,person_id,unit_id,practitioner_id,profession,start,mode,planned\n"
        f"1,{pid},{old_id},7,LK,2024-02-01T09:00:00,physical,true\n"
        f"2,{pid},{new_id},8,LK,2024-12-10T09:00:00,physical,true\n"
    )
    assert not import_csv(table="encounters", file=csv, lake_dir=out).bad
    results = tmp_path / "results"
    args = ["run", "--lake", str(out), "--out", str(results), "--periods", "month", "--threshold", "0"]
    r = CliRunner().invoke(followup_app, args)
    assert r.exit_code == 0, r.output
    listed = dict(
        duckdb.sql(
            f"SELECT period || ' ' || scope_id, denominator FROM '{results}/results.parquet' "
            "WHERE indicator = 'C_FLK' AND period_type = 'month' AND scope_type = 'unit' "
            "AND stratum_type = 'all' AND denominator > 0"
        ).fetchall()
    )
    assert listed.get(f"2024-06 {old_id}") == 1 and f"2024-06 {new_id}" not in listed
    assert listed.get(f"2024-07 {new_id}") == 1 and f"2024-07 {old_id}" not in listed


def test_extract_leaves_out_listings_at_units_it_does_not_extract(db: Session, tmp_path: Path) -> None:
    """Social services and administration are not in the lake's units, so listings there are left out
    (the lake's listings name extracted units only); the person and the other listings stay."""
    region = f.organization(db)
    hc = f.unit(db, region)
    social = f.unit(db, region, name="Äldreomsorg", kind="social_services")
    admin = f.unit(db, region, name="Kansli", kind="administration")
    moved = f.person(db, birth=D(1950, 3, 2))
    _listing(db, moved, social.id, D(2020, 1, 1), D(2022, 12, 31))
    _listing(db, moved, hc.id, D(2023, 1, 1), None)
    only_admin = f.person(db, birth=D(1960, 8, 9))
    _listing(db, only_admin, admin.id, D(2021, 1, 1), None)
    db.commit()
    out = tmp_path / "lake"
    summary = extract(db, actor=ACTOR, out_dir=out, key=KEY, note=None)
    assert _lake_listings(out, moved) == [(pseudonym(KEY, hc.id), D(2023, 1, 1), None)]
    assert _lake_listings(out, only_admin) == []
    assert summary.listings == 1
    unit_ids = set(pq.read_table(out / "units").column("unit_id").to_pylist())
    assert pseudonym(KEY, hc.id) in unit_ids
    assert not unit_ids & {pseudonym(KEY, social.id), pseudonym(KEY, admin.id)}
    persons = set(pq.read_table(out / "persons").column("person_id").to_pylist())
    assert {pseudonym(KEY, moved.id), pseudonym(KEY, only_admin.id)} <= persons
    validate_lake(out)


def test_lake_listings_never_overlap_and_hold_no_future() -> None:
    a, b, c = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    today = D(2025, 6, 15)

    def period(unit: uuid.UUID, start: date, end: date | None) -> ListingPeriod:
        return ListingPeriod(unit_id=unit, start_date=start, end_date=end)

    # two listings left open: the older one ends the day before the newer one starts
    assert lake_listings([period(b, D(2024, 3, 1), None), period(a, D(2020, 1, 1), None)], today=today) == [
        (a, D(2020, 1, 1), D(2024, 2, 29)),
        (b, D(2024, 3, 1), None),
    ]
    # a listing replaced on its first day is no period; a gap between listings is kept
    assert lake_listings(
        [
            period(a, D(2020, 1, 1), D(2020, 1, 1)),
            period(b, D(2020, 1, 1), D(2021, 5, 31)),
            period(c, D(2022, 1, 1), None),
        ],
        today=today,
    ) == [(b, D(2020, 1, 1), D(2021, 5, 31)), (c, D(2022, 1, 1), None)]
    # an end after today is still valid today; a listing starting after today is not in the lake yet
    assert lake_listings(
        [period(a, D(2020, 1, 1), D(2025, 6, 30)), period(b, D(2025, 7, 1), None)], today=today
    ) == [(a, D(2020, 1, 1), None)]
    assert lake_listings([period(a, D(2020, 1, 1), today)], today=today) == [(a, D(2020, 1, 1), today)]
