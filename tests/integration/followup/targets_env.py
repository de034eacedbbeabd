"""What the target tests share: a small results folder, an app over the test database (SQLite and
PostgreSQL, rolled back after each test) and users of each follow-up role."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from naravard.actor import Role
from naravard.app import create_app
from naravard.audit.models import AuditEvent
from naravard.config import Settings
from naravard.followup.results.storage import RESULT_COLUMNS, RESULTS_FILE
from tests import factories as f
from tests.conftest import AUDIT_KEY

# (indicator, scope type, scope id, value): year 2025, everyone
ROWS = [
    ("C_FLK", "total", "all", 0.62),
    ("C_FLK", "municipality", "2180", 0.58),
    ("C_FLK", "unit", "1011", 0.66),
    ("C_FLK", "unit", "1012", 0.50),
    ("A3", "total", "all", 0.9),
]


def write_results(root: Path, years: dict[str, list[tuple[str, str, str, float]]] | None = None) -> Path:
    """A results folder as ``naravard followup run`` writes it, for a handful of cells: ``ROWS`` in 2025,
    or the rows of each year in ``years``."""
    rows: list[dict[str, Any]] = [
        {
            "indicator": code,
            "period_type": "year",
            "period": year,
            "period_start": dt.date(int(year), 1, 1),
            "scope_type": st,
            "scope_id": sid,
            "stratum_type": "all",
            "stratum": "all",
            "numerator": value * 100,
            "denominator": 100.0,
            "value": value,
            "suppressed": False,
        }
        for year, cells in (years or {"2025": ROWS}).items()
        for code, st, sid, value in cells
    ]
    table = pa.Table.from_pylist(rows).select(list(RESULT_COLUMNS))
    root.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, root / RESULTS_FILE)
    return root


@dataclass
class Env:
    client: TestClient
    db: Session
    heads: dict[str, dict[str, str]]
    logins: dict[str, f.LoggedIn]

    def audit(self, action: str) -> list[AuditEvent]:
        self.db.expire_all()
        stmt = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)
        return list(self.db.scalars(stmt))


ROLES = {
    "analyst": Role.ANALYST,
    "manager": Role.UNIT_MANAGER,
    "admin": Role.ADMINISTRATOR,
    "clinician": Role.CLINICIAN,
}


@contextmanager
def open_env(
    session_factory: sessionmaker[Session], db: Session, tmp_path: Path, **settings: Any
) -> Iterator[Env]:
    """An app over the test's database with results in ``tmp_path`` and one user of each role."""
    hc = f.unit(db, f.organization(db))
    logins = {k: f.user(db, role=r, at=hc) for k, r in ROLES.items()}
    db.commit()
    s = Settings(
        environment="test",
        audit_hmac_key=AUDIT_KEY.decode(),
        database_url="sqlite://",
        data_dir=tmp_path,
        results_dir=write_results(tmp_path / "results"),
        **settings,
    )
    app = create_app(s, session_factory=session_factory)
    with TestClient(app, base_url="https://testserver") as c:
        yield Env(c, db, {k: v.headers for k, v in logins.items()}, logins)
