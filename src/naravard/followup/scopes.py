"""Display names and the hierarchy of follow-up scopes (region, municipality, unit), read from the lake's
``units`` table and SCB's codes: the read side's knowledge, shared by pages and reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from naravard.followup.lake import parquet_list
from naravard.synth import reference


@dataclass
class Names:
    """Display names and parents of scopes: units from the lake's ``units`` table, municipalities and regions
    from SCB's codes (a municipality code starts with its county's code)."""

    units: dict[str, str] = field(default_factory=dict)
    unit_municipality: dict[str, str] = field(default_factory=dict)

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
    files = Path(lake_dir) / "units"
    if not any(files.glob("*.parquet")):
        return Names()
    con = duckdb.connect()
    try:
        rows = con.execute(
            "SELECT CAST(unit_id AS VARCHAR), name, municipality_code FROM "
            f"read_parquet({parquet_list(sorted(files.glob('*.parquet')))})"
        ).fetchall()
    finally:
        con.close()
    return Names({r[0]: r[1] for r in rows}, {r[0]: r[2] for r in rows if r[2]})
