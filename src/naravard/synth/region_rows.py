"""The demo region's row collector: rows per table in insertion order, and the seeded random streams.

Every row gets its id from one `ids` stream, so ids depend on the order rows are added: the parts of the
region (region_orgs, region_staff, region_population, region_access, region_users) must keep adding rows
in the same order for a seed to give the same database. Every other random choice comes from a stream
named after its part, so a change in one part does not reshuffle the others.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, time
from typing import Any, Literal, get_args

# The tables of the region, named by the keyword their context's `seed_rows` takes them under
# (naravard.seeding); region.py seeds them in this order, parents before children, for the foreign keys.
Table = Literal[
    "organizations",
    "care_units",
    "practitioners",
    "practitioner_roles",
    "persons",
    "listings",
    "fixed_contacts",
    "notices",
    "care_relationships",
    "consents",
    "blocks",
    "users",
    "memberships",
]

Row = dict[str, Any]


class RegionRows:
    """Collects rows per table in insertion order (parents before children, for the foreign keys)."""

    def __init__(self, *, seed: int, today: date) -> None:
        self.seed = seed
        self.today = today
        self.now = datetime.combine(today, time(8, 0), tzinfo=UTC)
        self._ids = self.rng("ids")
        self.rows: dict[Table, list[Row]] = {table: [] for table in get_args(Table)}

    def rng(self, part: str) -> random.Random:
        """The random stream of one part of the region, seeded from the seed and the part's name."""
        return random.Random(f"naravard-demo:{self.seed}:{part}")

    def add(self, table: Table, **values: Any) -> Row:
        """Appends a row to `table` with the next id from the `ids` stream, and returns it."""
        row = {"id": uuid.UUID(int=self._ids.getrandbits(128), version=4), **values}
        self.rows[table].append(row)
        return row

    def count(self, table: Table) -> int:
        return len(self.rows[table])
