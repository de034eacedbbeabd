"""`naravard contacts import` (bad rows by line, nothing written unless --skip-invalid) and `propose --confirm`."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from naravard import migrate
from naravard.cli import app
from naravard.contacts.models import FixedContact
from naravard.db import make_engine, make_session_factory, transaction
from tests.conftest import AUDIT_KEY
from tests.integration.contacts.helpers import env

runner = CliRunner()


def test_import_and_propose(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    migrate.upgrade(url)
    monkeypatch.setenv("NARAVARD_AUDIT_HMAC_KEY", AUDIT_KEY.decode())
    monkeypatch.setenv("NARAVARD_SECRET_KEY", "s" * 40)
    monkeypatch.setenv("NARAVARD_DATA_DIR", str(tmp_path))
    engine = make_engine(url)
    factory = make_session_factory(engine, audit_key=AUDIT_KEY)
    with transaction(factory) as db:
        e = env(db, patients=3)
        ids = [p.identifier for p in e.patients]
        doc, hc, nurse, home = e.doctors[0].hsa_id, e.hc.hsa_id, e.municipal_nurse.hsa_id, e.home_care.hsa_id
    csv = tmp_path / "fixed.csv"
    d = (date.today() - timedelta(days=30)).isoformat()
    csv.write_text(
        "personnummer,kind,practitioner_hsa_id,unit_hsa_id,valid_from,informed_date\n"
        f"{ids[0]},doctor,{doc},{hc},{d},{d}\n"
        f"{ids[1]},vårdkontakt,{nurse},{home},{d},\n"
        f"{ids[2]},doctor,{doc},{home},{d},\n"
        f"{ids[2]},doctor,{doc},{hc},not-a-date,\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["contacts", "import", str(csv), "--database", url])
    assert result.exit_code != 0, result.output
    assert "line 4: unit_hsa_id" in result.output and "line 5: valid_from" in result.output
    with transaction(factory) as db:
        assert db.scalar(select(func.count()).select_from(FixedContact)) == 0
    result = runner.invoke(app, ["contacts", "import", str(csv), "--skip-invalid", "--database", url])
    assert result.exit_code == 0 and "Imported 2" in result.output, result.output
    result = runner.invoke(app, ["contacts", "propose", "--unit", hc, "--confirm", "--database", url])
    assert result.exit_code == 0 and "Assigned 2" in result.output, result.output
    with transaction(factory) as db:
        doctors = db.scalar(
            select(func.count()).select_from(FixedContact).where(FixedContact.kind == "doctor")
        )
    assert doctors == 3
    result = runner.invoke(
        app, ["contacts", "deliver", "--outbox", str(tmp_path / "inbox"), "--database", url]
    )
    assert result.exit_code == 0 and "delivered 2" in result.output, result.output
    assert len(list((tmp_path / "inbox").glob("*.pdf"))) == 2
    engine.dispose()
