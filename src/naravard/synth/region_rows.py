"""The demo region's row collector: rows per table in insertion order, and the seeded random streams.

Every row gets its id from one `ids` stream, so ids depend on the order rows are added: the parts of the
region (region_orgs, region_staff, region_population, region_access, region_users) must keep adding rows
in the same order for a seed to give the same database. Every other random choice comes from a stream
named after its part, so a change in one part does not reshuffle the others.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from typing import Any

from naravard.accounts.models import Membership, User
from naravard.consent.models import Block, CareRelationship, Consent
from naravard.contacts.models import Listing
from naravard.organizations.models import CareUnit, Organization, Practitioner, PractitionerRole
from naravard.patients.models import Person

Row = dict[str, Any]

# Parents before children, for the foreign keys.
_MODELS: tuple[type[Any], ...] = (
    Organization,
    CareUnit,
    Practitioner,
    PractitionerRole,
    Person,
    Listing,
    CareRelationship,
    Consent,
    Block,
    User,
    Membership,
)


class RegionRows:
    """Collects rows per table in insertion order (parents before children, for the foreign keys)."""

    def __init__(self, *, seed: int, today: date) -> None:
        self.seed = seed
        self.today = today
        self.now = datetime.combine(today, time(8, 0), tzinfo=UTC)
        self._ids = self.rng("ids")
        self.rows: dict[type[Any], list[Row]] = {m: [] for m in _MODELS}

    def rng(self, part: str) -> random.Random:
        """The random stream of one part of the region, seeded from the seed and the part's name."""
        return random.Random(f"naravard-demo:{self.seed}:{part}")

    def add(self, model: type[Any], **values: Any) -> Row:
        """Appends a row for `model` with the next id from the `ids` stream, and returns it."""
        row = {"id": uuid.UUID(int=self._ids.getrandbits(128), version=4), **values}
        self.rows[model].append(row)
        return row

    def tables(self) -> Iterable[tuple[type[Any], list[Row]]]:
        return ((model, rows) for model, rows in self.rows.items() if rows)

    def count(self, model: type[Any]) -> int:
        return len(self.rows[model])
