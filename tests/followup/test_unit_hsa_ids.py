"""The units' optional HSA-id: old lakes and imports without it stay valid and compute, repeated or blank
HSA-ids are refused, the generator gives every unit one (the first county the demo database's, clones their
own), and the lake's names find a unit by it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import UNITS, D, person, visit
from helpers import run

from naravard.errors import Invalid
from naravard.followup.lake.importer import import_csv
from naravard.followup.lake.validation import TABLES, arrow_schema, check_schema, validate_lake
from naravard.followup.results.scopes import load_names
from naravard.followup.service import query_results
from naravard.synth import reference as ref
from naravard.synth.lake_model import PERSONS_PER_REGION, CountyModel

T = dt.datetime
TODAY = D(2026, 11, 23)
UNIT_COLS = "unit_id,name,kind,region_code,municipality_code,private"


def _base() -> dict[str, list[dict[str, Any]]]:
    return {
        "persons": [person(1), person(2, "M")],
        "encounters": [visit(1, 1, 11, T(2025, 1, 1, 9)), visit(2, 2, 11, T(2025, 2, 1, 9), unit=2)],
        "listings": [
            {"person_id": 1, "unit_id": 1, "valid_from": D(2024, 1, 1), "valid_to": None},
            {"person_id": 2, "unit_id": 2, "valid_from": D(2024, 1, 1), "valid_to": None},
        ],
    }


def _units(*hsa: str | None) -> list[dict[str, Any]]:
    return [{**u, "hsa_id": h} for u, h in zip(UNITS, hsa, strict=False)]


def _write_units(lake: Path, name: str, rows: list[dict[str, Any]], *, with_hsa: bool) -> None:
    schema = arrow_schema("units")
    if not with_hsa:
        schema = schema.remove(schema.get_field_index("hsa_id"))
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), lake / "units" / name)


def _imp(tmp_path: Path, lake: Path, lines: list[str]) -> Any:
    csv = tmp_path / "units.csv"
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return import_csv(table="units", file=csv, lake_dir=lake, today=TODAY)


# --- the contract ------------------------------------------------------------------------------------------


def test_hsa_id_is_an_optional_nullable_string() -> None:
    col = next(c for c in TABLES["units"] if c.name == "hsa_id")
    assert (col.type, col.nullable, col.optional) == ("str", True, True)
    old = arrow_schema("units").remove(arrow_schema("units").get_field_index("hsa_id"))
    check_schema("units", old, "units.parquet")  # a file without it is accepted
    with pytest.raises(Invalid, match="column 'name' is missing"):
        check_schema("units", old.remove(old.get_field_index("name")), "units.parquet")


def test_lake_without_hsa_ids_validates_computes_and_names_no_unit(make_lake, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lake = make_lake(**_base())
    (lake / "units" / "part-0.parquet").unlink()
    _write_units(lake, "part-0.parquet", UNITS, with_hsa=False)  # a lake written before the column
    validate_lake(lake, today=TODAY)
    names = load_names(lake)
    assert names.units["1"] == "HC Ett" and names.unit_by_hsa == {}
    assert names.unit_of_hsa("SE2321000198-HC0001") is None
    out = run(lake, tmp_path / "res")
    assert query_results(out, "C_FLK", "year", "unit", "1")


def test_files_with_and_without_the_column_mix(make_lake, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """An old units file beside a newer one with HSA-ids (the newer one first in file order, the order in
    which DuckDB takes a table's columns): the old file's units read as null, validation and compute run."""
    lake = make_lake(**_base())
    (lake / "units" / "part-0.parquet").unlink()
    _write_units(lake, "a-new.parquet", _units("SE2321000198-HC0001"), with_hsa=True)
    _write_units(lake, "b-old.parquet", UNITS[1:], with_hsa=False)
    validate_lake(lake, today=TODAY)
    names = load_names(lake)
    assert names.unit_by_hsa == {"SE2321000198-HC0001": "1"}
    assert set(names.units) == {"1", "2", "901"}
    out = run(lake, tmp_path / "res")
    assert query_results(out, "C_FLK", "year", "unit", "2")


def test_repeated_hsa_ids_are_refused_naming_the_rows(make_lake) -> None:  # type: ignore[no-untyped-def]
    lake = make_lake(**_base(), units=_units("SE1-A", None, None))
    validate_lake(lake, today=TODAY)  # nulls may repeat
    _write_units(lake, "part-1.parquet", [{**UNITS[0], "unit_id": 3, "hsa_id": "SE1-A"}], with_hsa=True)
    with pytest.raises(
        Invalid,
        match=r"units/part-1.parquet: column 'hsa_id' repeats the hsa_id of an earlier row in rows 1 "
        r"\(the first: .*units/part-0.parquet row 1\)$",
    ):
        validate_lake(lake, today=TODAY)


def test_a_blank_hsa_id_is_refused(make_lake) -> None:  # type: ignore[no-untyped-def]
    lake = make_lake(**_base(), units=_units("SE1-A", " "))
    with pytest.raises(Invalid, match=r"units/part-0.parquet: column 'hsa_id' is blank .* in rows 2$"):
        validate_lake(lake, today=TODAY)


# --- import ------------------------------------------------------------------------------------------------


def test_import_without_the_column_writes_null(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    rep = _imp(tmp_path, lake, [UNIT_COLS, "1,HC Ett,primary,21,2180,false", "2,HC Två,primary,21,2181,true"])
    assert rep.good == 2 and rep.written is not None, rep.bad
    assert pq.read_table(rep.written).column("hsa_id").to_pylist() == [None, None]


def test_import_passes_hsa_ids_through_and_refuses_repeats(tmp_path: Path, make_lake) -> None:  # type: ignore[no-untyped-def]
    lake = make_lake(**_base(), units=_units("SE1-A", None, None))
    rep = _imp(
        tmp_path,
        lake,
        [
            f"{UNIT_COLS},hsa_id",
            "11,HC Elva,primary,21,2180,false,SE1-B",
            "12,HC Tolv,primary,21,2180,false,",  # empty: null
            "13,HC Tretton,primary,21,2180,false,",
        ],
    )
    assert rep.good == 3 and rep.written is not None, rep.bad
    written = sorted(pq.read_table(rep.written).to_pylist(), key=lambda r: r["unit_id"])
    assert [r["hsa_id"] for r in written] == ["SE1-B", None, None]
    validate_lake(lake, today=TODAY)
    assert load_names(lake).unit_of_hsa("SE1-B") == "11"
    rep = _imp(
        tmp_path,
        lake,
        [
            f"{UNIT_COLS},hsa_id",
            "21,HC A,primary,21,2180,false,SE1-A",
            "22,HC B,primary,21,2180,false,SE1-C",
            "23,HC C,primary,21,2180,false,SE1-C",
        ],
    )
    assert rep.written is None
    assert [(b.line, b.column, b.reason) for b in rep.bad] == [
        (2, "hsa_id", "repeats the hsa_id of an earlier row (already in the lake)"),
        (4, "hsa_id", "repeats the hsa_id of an earlier row (line 3)"),
    ]


def test_import_into_a_lake_without_the_column_checks_against_null(tmp_path: Path, make_lake) -> None:  # type: ignore[no-untyped-def]
    lake = make_lake(**_base())
    (lake / "units" / "part-0.parquet").unlink()
    _write_units(lake, "part-0.parquet", UNITS, with_hsa=False)
    rep = _imp(tmp_path, lake, [f"{UNIT_COLS},hsa_id", "11,HC Elva,primary,21,2180,false,SE1-B"])
    assert rep.good == 1 and rep.written is not None, rep.bad
    validate_lake(lake, today=TODAY)
    assert load_names(lake).unit_by_hsa == {"SE1-B": "11"}


# --- the generator -----------------------------------------------------------------------------------------


def test_generated_units_carry_the_demo_databases_hsa_ids(generated_lake: Path) -> None:
    rows = pq.read_table(generated_lake / "units").to_pylist()
    hsa = {r["unit_id"]: r["hsa_id"] for r in rows}
    assert all(hsa.values())
    assert {hsa[h.unit_id] for h in ref.HEALTH_CENTRES} == {h.hsa_id for h in ref.HEALTH_CENTRES}
    assert hsa[951] == "SE2321000198-MT951" and hsa[901] == "SE2321000198-K901"
    andersberg = next(h for h in ref.HEALTH_CENTRES if h.name == "Andersbergs hälsocentral")
    assert load_names(generated_lake).unit_of_hsa(andersberg.hsa_id) == str(andersberg.unit_id)


def test_cloned_counties_get_hsa_ids_of_their_own() -> None:
    units = CountyModel.build(3 * PERSONS_PER_REGION).units_table().to_pylist()
    hsa = [u["hsa_id"] for u in units]
    assert (
        len(hsa)
        == len(set(hsa))
        == 3 * (len(ref.HEALTH_CENTRES) + len(ref.HOSPITALS) + len(ref.MOBILE_TEAMS))
    )
    by_region: dict[str, set[str]] = {}
    for u in units:
        by_region.setdefault(u["region_code"], set()).add(u["hsa_id"].split("-")[0])
    assert by_region == {"21": {"SE2321000198"}, "22": {"SE2321009922"}, "23": {"SE2321009923"}}
    first = {u["unit_id"]: u["hsa_id"] for u in units if u["region_code"] == "21"}
    assert first[1] == ref.HEALTH_CENTRES[0].hsa_id == "SE2321000198-HC0001"
