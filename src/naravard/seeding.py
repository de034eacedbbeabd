"""The seeding interface: how a generator (`naravard.synth`) writes rows into a context's tables.

Each context that can be seeded ends its service module with ``seed_rows(session, *, actor, <table>=rows,
...)``, one keyword per table it owns (parents before children), and hands each of its models to
:func:`insert_rows` here. A row is a mapping of column names to values, as the model's columns take them
(enum values as strings, aware datetimes, UUIDs); a column left out gets its default. The rows are
inserted as given, ids included (a generator that makes its own ids keeps them the same for a seed), one
Core ``executemany`` per chunk of :data:`CHUNK` rows, so a demo of 300,000 persons seeds in seconds. Only
the system actor seeds; each table seeded gets one audit row (``<context>:<table>:seed``, with the number
of rows). Nothing is committed: the caller owns the transaction.

Seeding bypasses the services' rules on purpose (a generator writes whole registers that no user action
could), so it is for batch jobs and the demo only, never reachable from a request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from naravard.actor import Actor, Role
from naravard.audit import service as audit_service
from naravard.db import Base
from naravard.errors import Forbidden

Rows = Sequence[Mapping[str, Any]]

# Rows per executemany: large enough that statement overhead vanishes, small enough for the drivers' limits.
CHUNK = 5_000


def insert_rows(session: Session, *, actor: Actor, model: type[Base], rows: Rows, action: StrEnum) -> int:
    """Insert ``rows`` into the table of ``model`` and write its audit row, tagged ``action`` (the context's
    ``<context>:<table>:seed`` member); returns the number of rows. An empty ``rows`` writes nothing, audit row
    included. Raises `Forbidden` for any actor but the system."""
    if actor.role is not Role.SYSTEM:
        raise Forbidden("only the system actor seeds tables", reason="not_system")
    if not rows:
        return 0
    table = cast(Table, model.__table__)
    # Core insert on the table: the ORM bulk path drops None values from each row and so splits rows with
    # different None columns into thousands of small statements.
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(table), list(rows[start : start + CHUNK]))
    audit_service.record(session, actor=actor, action=action, detail={"rows": len(rows)})
    return len(rows)
