"""Where the proposal learns which doctor a patient has seen: a small protocol, because the platform keeps no
encounters of its own (they live in the records systems and reach us only as the event lake's `encounters`).

`LakeContinuity` reads the lake's encounters of the last year with DuckDB. The lake names persons and
practitioners by the pseudonyms `naravard followup extract` gives them (a keyed hash of the platform's id,
with the installation's secret key), so the platform's persons are found in a lake made from its own extract
with encounters imported under the same pseudonyms; a lake from elsewhere (the demo's synthetic one) simply
matches nobody. `NullContinuity` knows nothing: the proposal then places by need and room only."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Collection
from datetime import date
from pathlib import Path
from typing import Protocol

# The lake's profession code for doctors (naravard.reference.PROFESSIONS: LK = läkare).
DOCTOR_CODE = "LK"


def pseudonym(key: bytes, value: uuid.UUID) -> int:
    """The extract's pseudonym of a platform id (must equal `followup.lake.extract.pseudonym`; a test checks)."""
    digest = hmac.new(key, value.bytes, hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") & 0x7FFF_FFFF_FFFF_FFFF


class ContinuitySource(Protocol):
    name: str

    def doctor_visits(
        self, persons: Collection[uuid.UUID], doctors: Collection[uuid.UUID], *, since: date
    ) -> dict[uuid.UUID, dict[uuid.UUID, int]]:
        """person -> doctor -> visits since `since` (days with a visit; only the doctors named)."""
        ...

    def contact_counts(self, persons: Collection[uuid.UUID], *, since: date) -> dict[uuid.UUID, int] | None:
        """person -> primary-care contacts since `since`; None when the source knows no contacts."""
        ...


class NullContinuity:
    name = "none"

    def doctor_visits(
        self, persons: Collection[uuid.UUID], doctors: Collection[uuid.UUID], *, since: date
    ) -> dict[uuid.UUID, dict[uuid.UUID, int]]:
        return {}

    def contact_counts(self, persons: Collection[uuid.UUID], *, since: date) -> dict[uuid.UUID, int] | None:
        return None


class LakeContinuity:
    """The event lake's encounters (docs/event-lake.md) under the extract's pseudonyms."""

    name = "lake"

    def __init__(self, lake_dir: Path, key: bytes) -> None:
        self.lake_dir = lake_dir
        self.key = key

    def _files(self) -> str | None:
        folder = self.lake_dir / "encounters"
        return str(folder / "*.parquet") if folder.is_dir() and any(folder.glob("*.parquet")) else None

    def _query(self, sql: str, params: list[object], persons: dict[int, uuid.UUID]) -> list[tuple[int, ...]]:
        import duckdb
        import pyarrow as pa

        con = duckdb.connect()
        try:
            con.register("wanted", pa.table({"pid": pa.array(list(persons), pa.int64())}))
            return [tuple(r) for r in con.execute(sql, params).fetchall()]
        finally:
            con.close()

    def doctor_visits(
        self, persons: Collection[uuid.UUID], doctors: Collection[uuid.UUID], *, since: date
    ) -> dict[uuid.UUID, dict[uuid.UUID, int]]:
        files = self._files()
        if files is None or not persons or not doctors:
            return {}
        by_person = {pseudonym(self.key, p): p for p in persons}
        by_doctor = {pseudonym(self.key, d): d for d in doctors}
        rows = self._query(
            "SELECT e.person_id, e.practitioner_id, count(DISTINCT CAST(e.start AS DATE)) "
            "FROM read_parquet(?) e JOIN wanted w ON w.pid = e.person_id "
            "WHERE e.profession = ? AND CAST(e.start AS DATE) >= ? GROUP BY 1, 2",
            [files, DOCTOR_CODE, since],
            by_person,
        )
        out: dict[uuid.UUID, dict[uuid.UUID, int]] = {}
        for pid, doc, n in rows:
            if doc in by_doctor:
                out.setdefault(by_person[pid], {})[by_doctor[doc]] = int(n)
        return out

    def contact_counts(self, persons: Collection[uuid.UUID], *, since: date) -> dict[uuid.UUID, int] | None:
        files = self._files()
        if files is None:
            return None
        by_person = {pseudonym(self.key, p): p for p in persons}
        if not by_person:
            return {}
        rows = self._query(
            "SELECT e.person_id, count(*) FROM read_parquet(?) e JOIN wanted w ON w.pid = e.person_id "
            "WHERE CAST(e.start AS DATE) >= ? GROUP BY 1",
            [files, since],
            by_person,
        )
        return {by_person[pid]: int(n) for pid, n in rows}


class FixedVisits:
    """A source with given visits (tests, the benchmark): person -> doctor -> visits."""

    name = "given"

    def __init__(
        self, visits: dict[uuid.UUID, dict[uuid.UUID, int]], contacts: dict[uuid.UUID, int] | None = None
    ) -> None:
        self.visits = visits
        self.contacts = contacts

    def doctor_visits(
        self, persons: Collection[uuid.UUID], doctors: Collection[uuid.UUID], *, since: date
    ) -> dict[uuid.UUID, dict[uuid.UUID, int]]:
        wanted = set(doctors)
        return {
            p: {d: n for d, n in self.visits[p].items() if d in wanted} for p in persons if p in self.visits
        }

    def contact_counts(self, persons: Collection[uuid.UUID], *, since: date) -> dict[uuid.UUID, int] | None:
        if self.contacts is None:
            return None
        return {p: self.contacts.get(p, 0) for p in persons}


def source_for(lake_dir: Path | None, key: str | None) -> ContinuitySource:
    """The lake's encounters when a lake with encounters and the extract's key are configured, else none."""
    if lake_dir is not None and key and (lake_dir / "encounters").is_dir():
        return LakeContinuity(lake_dir, key.encode())
    return NullContinuity()
