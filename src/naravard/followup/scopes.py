"""Display names and the hierarchy of follow-up scopes (region, municipality, unit), read from the lake's
``units`` table and SCB's codes: the read side's knowledge, shared by pages and reports."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import duckdb

from naravard import reference
from naravard.followup.lake import read_sql, table_files


@dataclass
class Names:
    """Display names and parents of scopes: units from the lake's ``units`` table, municipalities and regions
    from SCB's codes (a municipality code starts with its county's code)."""

    units: dict[str, str] = field(default_factory=dict)
    unit_municipality: dict[str, str] = field(default_factory=dict)
    # HSA-id -> lake unit id, for the units whose row gives one: how a platform care unit finds its results
    unit_by_hsa: dict[str, str] = field(default_factory=dict)

    def unit_of_hsa(self, hsa_id: str | None) -> str | None:
        """The lake unit id of the unit with HSA-id ``hsa_id`` (None when no unit of the lake has it)."""
        return self.unit_by_hsa.get(hsa_id) if hsa_id else None

    def has_municipality(self, code: str | None) -> bool:
        """Does any unit of the lake lie in municipality ``code``?"""
        return bool(code) and code in self.unit_municipality.values()

    def name(self, scope_type: str, scope_id: str | None, t: Any) -> str:
        sid = scope_id or ""
        if scope_type == "total":
            return str(t("All"))
        if scope_type == "region":
            return reference.REGION_NAME if sid == reference.REGION_CODE else f"{t('Region')} {sid}"
        if scope_type == "municipality":
            m = reference.MUNICIPALITY_BY_CODE.get(sid)
            return m.name if m else f"{t('Municipality')} {sid}"
        if scope_type == "unit":
            return self.unit_name(sid, t)
        return sid

    def unit_name(self, unit_id: str, t: Any) -> str:
        """A unit's name as the pages show it: the name alone, never the lake's internal id after it; where two
        units share a name, the municipality tells them apart, or else the HSA-id (the id Swedish regions
        use for a unit across systems). Only a unit the lake does not name is shown by its id."""
        name = self.units.get(unit_id)
        if name is None:
            return f"{t('Unit')} {unit_id}"
        twins = self._by_name.get(name, ())
        if len(twins) < 2:
            return name
        mun = self.unit_municipality.get(unit_id)
        if mun and sum(self.unit_municipality.get(u) == mun for u in twins) == 1:
            return f"{name} ({self.name('municipality', mun, t)})"
        hsa = self._hsa_of.get(unit_id)
        return f"{name} ({hsa})" if hsa else f"{name} ({t('Unit').lower()} {unit_id})"

    @cached_property
    def _by_name(self) -> dict[str, tuple[str, ...]]:
        """The units of each name that more than one unit has (read once: the pages name every unit)."""
        shared = {n for n, k in Counter(self.units.values()).items() if k > 1}
        out: dict[str, list[str]] = {}
        for u, n in self.units.items():
            if n in shared:
                out.setdefault(n, []).append(u)
        return {n: tuple(us) for n, us in out.items()}

    @cached_property
    def _hsa_of(self) -> dict[str, str]:
        return {u: h for h, u in self.unit_by_hsa.items()}

    def parent(self, scope_type: str, scope_id: str) -> tuple[str, str] | None:
        if scope_type == "region":
            return ("total", "")
        if scope_type == "municipality":
            return ("region", scope_id[:2])
        if scope_type == "unit" and scope_id in self.unit_municipality:
            return ("municipality", self.unit_municipality[scope_id])
        return None

    def within(self, scope_type: str, scope_id: str, parent: tuple[str, str]) -> bool:
        """Is (scope_type, scope_id) inside ``parent``? Units of unknown place are shown everywhere."""
        ptype, pid = parent
        if ptype == "total":
            return True
        if scope_type == "unit":
            mun = self.unit_municipality.get(scope_id)
            if mun is None:
                return True
            return mun == pid if ptype == "municipality" else mun[:2] == pid
        return scope_type == "municipality" and ptype == "region" and scope_id[:2] == pid


def load_names(lake_dir: Path) -> Names:
    """The names of the lake's units, where they lie and their HSA-ids (none from a lake without the
    optional ``hsa_id`` column); empty for a lake without units."""
    files = table_files(Path(lake_dir), "units")
    if not files:
        return Names()
    con = duckdb.connect()
    try:
        rows = con.execute(
            "SELECT CAST(unit_id AS VARCHAR), name, municipality_code, hsa_id FROM "
            f"{read_sql(files, 'units')}"
        ).fetchall()
    finally:
        con.close()
    return Names(
        {r[0]: r[1] for r in rows},
        {r[0]: r[2] for r in rows if r[2]},
        {r[3]: r[0] for r in rows if r[3]},
    )
