"""`naravard coordination import FILE.csv` (issue 16): a good file is imported, a file with a bad row imports
nothing (one-line message, non-zero exit), and a repeated file changes nothing. Both databases."""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from naravard import migrate
from naravard.cli import app
from naravard.coordination.models import Discharge
from naravard.db import make_engine, make_session_factory, transaction
from tests.conftest import AUDIT_KEY, require_postgres, temporary_pg_database
from tests.integration.coordination.helpers import world

runner = CliRunner()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of its own: the command commits."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'coordination.db'}"
        migrate.upgrade(url)
        yield url
        return
    require_postgres()
    with temporary_pg_database("naravard_coordination_cli") as url:
        migrate.upgrade(url)
        yield url


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_import_good_bad_and_repeated_files(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NARAVARD_AUDIT_HMAC_KEY", AUDIT_KEY.decode())
    engine = make_engine(database_url)
    factory = make_session_factory(engine, audit_key=AUDIT_KEY)
    try:
        with transaction(factory) as db:
            w = world(db)
            row = {
                "sender": "cosmic",
                "message_id": uuid.uuid4().hex,
                "personnummer": w.patient.identifier,
                "hospital_unit_hsa_id": str(w.hospital.hsa_id),
                "admitted_at": (datetime.now(UTC) - timedelta(days=4)).isoformat(),
                "utskrivningsklar_date": (date.today() - timedelta(days=2)).isoformat(),
                "discharge_date": date.today().isoformat(),
            }

        def count() -> int:
            with transaction(factory) as db:
                return int(db.scalar(select(func.count()).select_from(Discharge)) or 0)

        opt = ["--database", database_url]
        good = _write(tmp_path / "good.csv", [row])
        first = runner.invoke(app, ["coordination", "import", str(good), *opt])
        assert first.exit_code == 0, first.output
        assert "Imported 1 admission(s); 0 already imported" in first.output
        assert count() == 1

        bad_rows = [{**row, "message_id": "NEW-1"}, {**row, "message_id": "NEW-2", "discharge_date": "igår"}]
        bad = runner.invoke(
            app, ["coordination", "import", str(_write(tmp_path / "bad.csv", bad_rows)), *opt]
        )
        assert bad.exit_code != 0
        assert "line 3: discharge_date" in bad.output and "nothing imported" in bad.output
        assert "Traceback" not in bad.output
        assert count() == 1

        again = runner.invoke(app, ["coordination", "import", str(good), *opt])
        assert again.exit_code == 0, again.output
        assert "Imported 0 admission(s); 1 already imported, unchanged." in again.output
        assert count() == 1
    finally:
        engine.dispose()
