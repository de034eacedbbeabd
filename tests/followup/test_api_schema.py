"""The follow-up API's responses are typed in the OpenAPI document, and what it returns is exactly that."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from page_env import Env, open_env

from naravard.config import Settings
from naravard.followup.schemas import IndicatorOut, ResultRow, SeriesPoint


@pytest.fixture(scope="module")
def env(demo_settings: Settings) -> Iterator[Env]:
    with open_env(demo_settings) as e:
        yield e


def _ref(op: dict, status: str = "200") -> dict:  # type: ignore[type-arg]
    return op["responses"][status]["content"]["application/json"]["schema"]


def test_openapi_names_the_response_models(env: Env) -> None:
    doc = env.client.get("/api/openapi.json").json()
    paths = doc["paths"]
    assert _ref(paths["/api/followup/results"]["get"])["items"]["$ref"].endswith("/ResultRow")
    assert _ref(paths["/api/followup/indicators"]["get"])["items"]["$ref"].endswith("/IndicatorOut")
    series = _ref(paths["/api/followup/dashboard"]["get"])["additionalProperties"]["items"]["$ref"]
    assert series.endswith("/SeriesPoint")
    row = doc["components"]["schemas"]["ResultRow"]["properties"]
    assert row["period_start"]["format"] == "date" and set(row) == set(ResultRow.model_fields)


def test_responses_carry_exactly_the_documented_fields(env: Env) -> None:
    ind = env.get("analyst", "/api/followup/indicators").json()
    assert ind and all(set(i) == set(IndicatorOut.model_fields) for i in ind)
    rows = env.get("analyst", "/api/followup/results", indicator="C_FLK,A3_P90", period_type="year").json()
    assert rows and all(set(r) == set(ResultRow.model_fields) for r in rows)
    assert {r["indicator"] for r in rows} == {"C_FLK", "A3_P90"}
    dash = env.get("analyst", "/api/followup/dashboard", indicators="C_FLK", period_type="quarter").json()
    assert dash["C_FLK"] and all(set(p) == set(SeriesPoint.model_fields) for p in dash["C_FLK"])
