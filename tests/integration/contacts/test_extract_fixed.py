"""`followup extract` writes the lake's `fixed_contacts` from what users did, with the day the patient was
informed, pseudonymised like the rest; the lake passes validation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
from sqlalchemy.orm import Session

from naravard.actor import Purpose, system_actor
from naravard.contacts import service
from naravard.contacts.continuity import pseudonym as contacts_pseudonym
from naravard.contacts.schemas import AssignRequest, ChangeRequest
from naravard.db import utcnow
from naravard.followup.lake.extract import extract, pseudonym
from tests.integration.contacts.helpers import env

KEY = b"pseudonym-key-for-tests-0123456789"


def test_fixed_contacts_reach_the_lake_with_informed_date(db: Session, tmp_path: Path) -> None:
    e = env(db, patients=2)
    a = service.assign_fixed_contact(
        db,
        actor=e.manager.actor,
        request=AssignRequest(
            person_id=e.patients[0].id, kind="doctor", practitioner_id=e.doctors[0].id, reason="need"
        ),
    )
    # replaced on its first day: never in force, left out of the lake
    service.change_fixed_contact(
        db,
        actor=e.manager.actor,
        contact_id=a.id,
        request=ChangeRequest(practitioner_id=e.doctors[1].id, version=a.version),
    )
    c = service.assign_fixed_contact(
        db,
        actor=e.manager.actor,
        request=AssignRequest(
            person_id=e.patients[1].id,
            kind="care_contact",
            practitioner_id=e.municipal_nurse.id,
            reason="need",
        ),
    )
    from naravard.contacts.models import FixedContact

    row = db.get(FixedContact, c.id)
    assert row is not None
    row.informed_at, row.informed_how = utcnow(), "letter"
    db.flush()
    summary = extract(
        db,
        actor=system_actor("x").with_purpose(Purpose.FOLLOWUP),
        out_dir=tmp_path / "lake",
        key=KEY,
        note=None,
    )
    assert summary.fixed_contacts == 2
    table = pq.read_table(tmp_path / "lake" / "fixed_contacts").to_pylist()
    by_kind = {r["kind"]: r for r in table}
    assert by_kind["doctor"]["person_id"] == pseudonym(KEY, e.patients[0].id)
    assert by_kind["doctor"]["practitioner_id"] == pseudonym(KEY, e.doctors[1].id)
    assert by_kind["doctor"]["profession"] == "LK" and by_kind["doctor"]["informed_date"] is None
    assert by_kind["care_contact"]["profession"] == "SSK"
    assert by_kind["care_contact"]["informed_date"] == date.today()
    assert contacts_pseudonym(KEY, e.patients[0].id) == pseudonym(KEY, e.patients[0].id)


def test_c_flk_is_computed_from_what_the_manager_did(db: Session, tmp_path: Path) -> None:
    """From assignment to indicator: the manager gives one of two listed patients a fast läkarkontakt,
    `followup extract` writes the lake and `followup run` computes C_FLK at the unit as 1 of 2."""
    import duckdb
    from typer.testing import CliRunner

    from naravard.followup.cli import app as followup_app
    from naravard.followup.lake.importer import import_csv

    e = env(db, patients=2)
    service.assign_fixed_contact(
        db,
        actor=e.manager.actor,
        request=AssignRequest(
            person_id=e.patients[0].id, kind="doctor", practitioner_id=e.doctors[0].id, reason="need"
        ),
    )
    db.flush()
    out = tmp_path / "lake"
    extract(db, actor=system_actor("x").with_purpose(Purpose.FOLLOWUP), out_dir=out, key=KEY, note=None)
    # the lake covers the days its encounters do: one visit today (the assignment is valid from today)
    csv = tmp_path / "encounters.csv"
    unit = pseudonym(KEY, e.hc.id)
    patient, doctor = pseudonym(KEY, e.patients[1].id), pseudonym(KEY, e.doctors[0].id)
    csv.write_text(
        "encounter_id,person_id,unit_id,practitioner_id,profession,start,mode,planned\n"
        f"1,{patient},{unit},{doctor},LK,{date.today().isoformat()}T00:00:01,physical,true\n"
    )
    assert not import_csv(table="encounters", file=csv, lake_dir=out).bad
    results = tmp_path / "results"
    args = ["run", "--lake", str(out), "--out", str(results), "--periods", "month", "--threshold", "0"]
    r = CliRunner().invoke(followup_app, args)
    assert r.exit_code == 0, r.output
    rows = duckdb.sql(
        f"SELECT numerator, denominator FROM '{results}/results.parquet' WHERE indicator = 'C_FLK' "
        f"AND period_type = 'month' AND scope_type = 'unit' AND scope_id = '{unit}' AND stratum_type = 'all' "
        "ORDER BY period DESC LIMIT 1"
    ).fetchall()
    assert rows == [(1, 2)]
