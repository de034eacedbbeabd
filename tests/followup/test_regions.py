"""Any region, or the whole country (issue 21): a lake of two regions made by hand (not by the generator),
Stockholm (01: Stockholm 0180, Upplands Väsby 0114) and Skåne (12: Malmö 1280), with its own place table.
Codes and names come from the lake (else the package's list of regions), on the pages, in the API and in
the reports, and suppression is unchanged: nothing suppressed is recoverable by subtraction."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from naravard.config import Settings
from naravard.followup.reports import report
from naravard.followup.results.scopes import load_names
from tests.followup.conftest import person, visit, write_lake
from tests.followup.helpers import run
from tests.followup.page_env import KEY, Env, open_env
from tests.followup.test_suppression_property import leaks, read

D = dt.date
PLACES = {"0180": ("Stockholm", "01"), "0114": ("Upplands Väsby", "01"), "1280": ("Malmö", "12")}
REGIONS = {"01": "Region Stockholm", "12": "Region Skåne"}
UNITS = [
    {
        "unit_id": 1,
        "name": "VC Söder",
        "kind": "primary",
        "region_code": "01",
        "municipality_code": "0180",
        "private": False,
    },
    {
        "unit_id": 2,
        "name": "VC Väsby",
        "kind": "primary",
        "region_code": "01",
        "municipality_code": "0114",
        "private": True,
    },
    {
        "unit_id": 3,
        "name": "VC Limhamn",
        "kind": "primary",
        "region_code": "12",
        "municipality_code": "1280",
        "private": False,
    },
]


def two_region_lake(root: Path, places: bool = True) -> Path:
    persons, visits, listings = [], [], []
    counts = {"0180": 14, "0114": 3, "1280": 9}  # Upplands Väsby small: suppressed
    pid = eid = 0
    for mun, n in counts.items():
        unit = int(next(u["unit_id"] for u in UNITS if u["municipality_code"] == mun))  # type: ignore[call-overload]
        for _ in range(n):
            pid += 1
            p = person(pid, sex="FM"[pid % 2], mun=mun)
            persons.append({**p, "region_code": PLACES[mun][1]})
            listings.append(
                {"person_id": pid, "unit_id": unit, "valid_from": D(2020, 1, 1), "valid_to": None}
            )
            for k in range(3):
                eid += 1
                visits.append(
                    visit(eid, pid, 100 + unit * 10 + k % 2, dt.datetime(2025, 2 + 3 * k, 3, 9), unit)
                )
    lake = write_lake(root, units=UNITS, persons=persons, encounters=visits, listings=listings)
    if places:
        (lake / "municipalities").mkdir()
        pq.write_table(
            pa.Table.from_pylist(
                [
                    {"municipality_code": m, "name": n, "region_code": r, "region_name": REGIONS[r]}
                    for m, (n, r) in PLACES.items()
                ]
            ),
            lake / "municipalities" / "part-0.parquet",
        )
    return lake


@pytest.fixture(scope="module")
def lake_results(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("regions")
    lake = two_region_lake(root / "lake")
    return lake, run(lake, root / "results", periods=("quarter", "year"), threshold=5)


def scopes(results: Path, scope_type: str) -> set[str]:
    rows = duckdb.connect().execute(
        f"SELECT DISTINCT scope_id FROM '{results}/results.parquet' WHERE scope_type = '{scope_type}'"
    )
    return {r[0] for r in rows.fetchall()}


def test_codes_and_names_come_from_the_lake(lake_results: tuple[Path, Path]) -> None:
    lake, results = lake_results
    assert scopes(results, "region") == {"01", "12"}
    assert scopes(results, "municipality") == set(PLACES)
    names = load_names(lake)
    assert {m: names.name("municipality", m, str) for m in PLACES} == {m: n for m, (n, _) in PLACES.items()}
    assert {r: names.name("region", r, str) for r in REGIONS} == REGIONS
    assert names.parent("municipality", "1280") == ("region", "12")
    assert names.within("unit", "3", ("region", "12")) and not names.within("unit", "3", ("region", "01"))


def test_without_a_place_table_regions_have_the_package_names(tmp_path: Path) -> None:
    names = load_names(two_region_lake(tmp_path / "lake", places=False))
    assert names.name("region", "12", str) == "Region Skåne"
    assert names.name("municipality", "1280", str) == "Municipality 1280"  # shown by its code, not guessed
    # the units tell which region a municipality lies in
    assert names.region_of("0114") == "01"


def test_a_municipality_whose_code_does_not_begin_with_its_region(tmp_path: Path) -> None:
    lake = two_region_lake(tmp_path / "lake")
    t = pa.Table.from_pylist(
        [
            {
                "municipality_code": "9999",
                "name": "Annanstans",
                "region_code": "12",
                "region_name": "Region Skåne",
            }
        ]
    )
    pq.write_table(t, lake / "municipalities" / "part-1.parquet")
    names = load_names(lake)
    assert names.parent("municipality", "9999") == ("region", "12")
    assert names.name("municipality", "9999", str) == "Annanstans"


def test_suppression_is_unchanged_on_two_regions(lake_results: tuple[Path, Path]) -> None:
    _, results = lake_results
    got = read(results)
    assert any(s for s, _ in got.values())
    assert all(s for k, (s, d) in got.items() if k[3] == "municipality" and k[4] == "0114")
    munreg: dict[str, set[str | None]] = {m: {r} for m, (_, r) in PLACES.items()}
    assert leaks(got, {}, munreg) == []


@pytest.fixture(scope="module")
def env(lake_results: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    lake, results = lake_results
    root = tmp_path_factory.mktemp("regions-app")
    s = Settings(
        environment="test",
        audit_hmac_key=KEY,
        database_url=f"sqlite:///{root}/x.db",
        data_dir=root,
        results_dir=results,
        lake_dir=lake,
    )
    with open_env(s) as e:
        yield e


def test_pages_api_and_report_name_both_regions(env: Env, lake_results: tuple[Path, Path]) -> None:
    _, results = lake_results
    page = env.get("analyst", "/followup/compare", indicator="C_COC", period_type="year", period="2025")
    assert page.status_code == 200, page.text
    assert "Region Stockholm" in page.text and "Region Skåne" in page.text
    page = env.get(
        "analyst",
        "/followup/compare",
        indicator="C_COC",
        period_type="year",
        period="2025",
        parent="region:12",
    )
    assert page.status_code == 200 and "Malmö" in page.text and "Region Skåne" in page.text
    assert "Stockholm" not in page.text.replace("Region Stockholm", "")
    api = env.get(
        "analyst", "/api/followup/results", indicator="C_COC", period_type="year", scope_type="region"
    )
    assert api.status_code == 200, api.text
    assert {r["scope_id"] for r in api.json()} == {"01", "12"}
    xlsx = report.render_report(
        results_dir=results,
        indicators=["C_COC"],
        period="year",
        scope_type="region",
        scope_id="12",
        fmt="xlsx",
        compare="municipality",
        names=load_names(lake_results[0]),
    )
    import openpyxl

    cells: list[Any] = [
        c
        for ws in openpyxl.load_workbook(io.BytesIO(xlsx)).worksheets
        for row in ws.iter_rows(values_only=True)
        for c in row
        if c
    ]
    text = " ".join(map(str, cells))
    assert "Region Skåne" in text and "Malmö" in text
