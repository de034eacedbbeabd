"""Display names and the hierarchy of follow-up scopes (region, municipality, unit), read from the lake's
``units`` table and SCB's codes: the read side's knowledge, shared by pages and reports."""

from __future__ import annotations

from dataclasses import dataclass, field
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
            return self.units.get(sid, f"{t('Unit')} {sid}")
        return sid

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
