"""The names of Sweden's regions (SCB länskoder) and the lake's optional reference table of place names,
``municipalities`` (``municipality_code``, ``name``, ``region_code``, ``region_name``): a lake from any region,
or the national lake, names its own municipalities and regions there. Without that table the follow-up falls
back on this package's lists: the 21 regions below and the demo region's municipalities
(``naravard.reference``); a code neither names is shown as it is."""

from __future__ import annotations

from pathlib import Path

import duckdb

from naravard.followup.lake.schema import parquet_list

# the lake's optional reference table: read by name, so extra columns do no harm
PLACES_TABLE = "municipalities"
PLACES_COLUMNS = ("municipality_code", "name", "region_code", "region_name")

# SCB länskod -> the region's name (Sveriges 21 regioner)
REGION_NAMES: dict[str, str] = {
    "01": "Region Stockholm",
    "03": "Region Uppsala",
    "04": "Region Sörmland",
    "05": "Region Östergötland",
    "06": "Region Jönköpings län",
    "07": "Region Kronoberg",
    "08": "Region Kalmar län",
    "09": "Region Gotland",
    "10": "Region Blekinge",
    "12": "Region Skåne",
    "13": "Region Halland",
    "14": "Västra Götalandsregionen",
    "17": "Region Värmland",
    "18": "Region Örebro län",
    "19": "Region Västmanland",
    "20": "Region Dalarna",
    "21": "Region Gävleborg",
    "22": "Region Västernorrland",
    "23": "Region Jämtland Härjedalen",
    "24": "Region Västerbotten",
    "25": "Region Norrbotten",
}


def read_places(lake_dir: Path) -> list[tuple[str, str | None, str | None, str | None]]:
    """The rows of the lake's ``municipalities`` table (code, name, region code, region name); none when the
    lake has no such table."""
    files = sorted((Path(lake_dir) / PLACES_TABLE).glob("*.parquet"))
    if not files:
        return []
    con = duckdb.connect()
    try:
        present = {
            r[0]
            for r in con.execute(
                f"DESCRIBE SELECT * FROM read_parquet({parquet_list(files)}, union_by_name = true)"
            ).fetchall()
        }
        cols = ", ".join(f"CAST({c} AS VARCHAR)" if c in present else "NULL" for c in PLACES_COLUMNS)
        rows = con.execute(
            f"SELECT {cols} FROM read_parquet({parquet_list(files)}, union_by_name = true) "
            "WHERE municipality_code IS NOT NULL"
        ).fetchall()
    finally:
        con.close()
    return [(r[0], r[1], r[2], r[3]) for r in rows]
