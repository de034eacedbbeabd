"""`naravard followup extract` writes the lake's admissions from what users did on the platform (K_UKL)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
from sqlalchemy.orm import Session

from naravard.actor import system_actor
from naravard.coordination import service
from naravard.coordination.schemas import AdmissionIn, DischargeMessageIn
from naravard.followup.lake.extract import extract, pseudonym
from tests.integration.coordination.helpers import world

KEY = b"k" * 32


def test_the_extract_writes_admissions_with_utskrivningsklar_and_discharge(
    db: Session, tmp_path: Path
) -> None:
    w = world(db)
    admitted = datetime.now(UTC) - timedelta(days=4)
    out, _ = service.admit(
        db,
        actor=w.nurse.actor,
        data=AdmissionIn(person_id=w.patient.id, admitted_at=admitted, sender="cosmic", message_id="X-1"),
    )
    ready, discharged = date.today() - timedelta(days=2), date.today()
    service.discharge_message(
        db,
        actor=w.nurse.actor,
        data=DischargeMessageIn(
            sender="cosmic", admission_message_id="X-1", ready_date=ready, discharge_date=discharged
        ),
    )
    extract(db, actor=system_actor("extract"), out_dir=tmp_path / "lake", key=KEY, note=None)
    rows = pq.read_table(tmp_path / "lake" / "admissions").to_pylist()
    mine = [r for r in rows if r["admission_id"] == pseudonym(KEY, out.id)]
    assert mine == [
        {
            "admission_id": pseudonym(KEY, out.id),
            "person_id": pseudonym(KEY, w.patient.id),
            "unit_id": pseudonym(KEY, w.hospital.id),
            "admit_date": admitted.date(),
            "utskrivningsklar_date": ready,
            "discharge_date": discharged,
            "planned": False,
        }
    ]
