"""`followup extract`: our own database into a valid, pseudonymised lake, through the access layer."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from naravard.actor import Purpose, Role, system_actor
from naravard.audit.models import AuditEvent
from naravard.errors import Forbidden
from naravard.followup.extract import extract, pseudonym
from tests import factories as f

KEY = b"pseudonym-key-for-tests-0123456789"


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


def test_extract_refused_for_a_clinician(db: Session, tmp_path: Path) -> None:
    region = f.organization(db)
    hc = f.unit(db, region)
    doctor = f.user(db, role=Role.CLINICIAN, at=hc)
    db.commit()
    with pytest.raises(Forbidden):
        extract(db, actor=doctor.actor, out_dir=tmp_path / "lake", key=KEY)
    assert not (tmp_path / "lake").exists()
    row = db.scalars(select(AuditEvent).where(AuditEvent.action == "patient:population:export")).one()
    assert row.outcome == "denied"
