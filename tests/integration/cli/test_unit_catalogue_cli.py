"""`naravard units import FILE.csv` (issue 20): the region's unit catalogue from the command line, as the
system, audit-logged; a file with bad rows imports nothing unless --import-valid-rows; on SQLite only (the
service and its rules are tested on both databases in tests/api/test_unit_catalogue_import.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from naravard import migrate
from naravard.audit.models import AuditEvent
from naravard.cli import app
from naravard.db import make_engine, make_session_factory, transaction
from naravard.organizations.models import CareUnit
from tests import factories as f
from tests.conftest import AUDIT_KEY

runner = CliRunner()


def test_units_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'units.db'}"
    migrate.upgrade(url)
    monkeypatch.setenv("NARAVARD_AUDIT_HMAC_KEY", AUDIT_KEY.decode())
    engine = make_engine(url)
    factory = make_session_factory(engine, audit_key=AUDIT_KEY)
    try:
        with transaction(factory) as db:
            org_hsa = f.organization(db).hsa_id
        file = tmp_path / "katalog.csv"
        file.write_text(
            "id,name,kind,organisation,municipality\n"
            f"SE2321000198-CLI1,Kli hälsocentral,health_centre,{org_hsa},2180\n"
            f"SE2321000198-CLI2,Kli team,mobile_team,{org_hsa},21\n",
            encoding="utf-8",
        )
        refused = runner.invoke(app, ["units", "import", str(file), "--database", url])
        assert refused.exit_code != 0
        assert "row 3: municipality: a municipality code is four digits" in refused.output
        assert "nothing imported" in refused.output
        done = runner.invoke(app, ["units", "import", str(file), "--import-valid-rows", "--database", url])
        assert done.exit_code == 0, done.output
        assert "1 new, 0 updated, 0 unchanged, 1 rows skipped" in done.output
        with transaction(factory) as db:
            assert list(db.scalars(select(CareUnit.hsa_id).where(CareUnit.hsa_id.like("%-CLI%")))) == [
                "SE2321000198-CLI1"
            ]
            rows = list(
                db.scalars(select(AuditEvent).where(AuditEvent.action == "organizations:care_unit:import"))
            )
            assert [(r.username, r.reason) for r in rows] == [
                ("units-import", "not_imported"),
                ("units-import", "partial_import"),
            ]
    finally:
        engine.dispose()
