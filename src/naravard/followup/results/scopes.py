"""Display names and the hierarchy of follow-up scopes (region, municipality, unit), read from the lake's
own tables (``units``, and the optional ``municipalities`` table of place names, ``places``), with the
package's reference lists as fallback: the read side's knowledge, shared by pages and reports. Any region, or
the whole country: a municipality's region is the one its units (or the place table) give, and only where
the lake says nothing is it read from SCB's convention (a kommunkod begins with its länskod)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import duckdb

from naravard import reference
from naravard.followup.lake.places import REGION_NAMES, read_places
from naravard.followup.lake.validation import read_sql, table_files


@dataclass
class Names:
    """Display names and parents of scopes: units from the lake's ``units`` table, municipalities and regions
    from the lake's place table (else the package's lists), a municipality's region from the lake."""

    units: dict[str, str] = field(default_factory=dict)
    unit_municipality: dict[str, str] = field(default_factory=dict)
    # HSA-id -> lake unit id, for the units whose row gives one: how a platform care unit finds its results
    unit_by_hsa: dict[str, str] = field(default_factory=dict)
    municipality_names: dict[str, str] = field(default_factory=dict)
    region_names: dict[str, str] = field(default_factory=dict)
    # municipality code -> region code, as the lake's units and place table give it
    municipality_region: dict[str, str] = field(default_factory=dict)

    def region_of(self, municipality_code: str) -> str:
        """The region a municipality lies in: the lake's word, else SCB's (the kommunkod's first two digits)."""
        return self.municipality_region.get(municipality_code, municipality_code[:2])

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
            name = self.region_names.get(sid) or REGION_NAMES.get(sid)
            return name or f"{t('Region')} {sid}"
        if scope_type == "municipality":
            if sid in self.municipality_names:
                return self.municipality_names[sid]
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
            return ("region", self.region_of(scope_id))
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
            return mun == pid if ptype == "municipality" else self.region_of(mun) == pid
        return scope_type == "municipality" and ptype == "region" and self.region_of(scope_id) == pid


def load_names(lake_dir: Path) -> Names:
    """The names of the lake's units, where they lie and their HSA-ids (none from a lake without the
    optional ``hsa_id`` column), and the names and regions of its municipalities from its place table;
    empty for a lake with neither."""
    files = table_files(Path(lake_dir), "units")
    rows: list[tuple[str, str, str | None, str | None, str | None]] = []
    if files:
        con = duckdb.connect()
        try:
            rows = con.execute(
                "SELECT CAST(unit_id AS VARCHAR), name, municipality_code, hsa_id, region_code FROM "
                f"{read_sql(files, 'units')}"
            ).fetchall()
        finally:
            con.close()
    places = read_places(Path(lake_dir))
    return Names(
        {r[0]: r[1] for r in rows},
        {r[0]: r[2] for r in rows if r[2]},
        {r[3]: r[0] for r in rows if r[3]},
        municipality_names={m: n for m, n, _, _ in places if n},
        region_names={r: rn for _, _, r, rn in places if r and rn},
        municipality_region={
            **{r[2]: r[4] for r in rows if r[2] and r[4]},
            **{m: r for m, _, r, _ in places if r},
        },
    )
