"""The follow-up pages speak the user's language when a service refuses (a bad period, an unknown indicator,
the doctor scope for a unit manager); the API's problem JSON keeps its English ``detail``."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from page_env import Env, doctor_id, flash, open_env

from naravard.config import Settings
from naravard.errors import Invalid
from naravard.web.i18n import catalogue

SV = catalogue()  # every catalogue, merged


@pytest.fixture(scope="module")
def env(demo_settings: Settings) -> Iterator[Env]:
    with open_env(demo_settings) as e:
        yield e


def test_every_swedish_error_template_keeps_the_parameters() -> None:
    for en, sv in SV.items():
        assert set(re.findall(r"%\((\w+)\)", en)) == set(re.findall(r"%\((\w+)\)", sv)), en


def test_error_text_translates_and_falls_back_to_english() -> None:
    exc = Invalid("unknown indicator %(code)r", field="indicator", params={"code": "X"})
    assert exc.message == str(exc) == "unknown indicator 'X'"
    assert exc.text(lambda s: SV.get(s, s)) == "okänd indikator 'X'"
    assert exc.text(lambda s: "broken %(nope)s") == "unknown indicator 'X'"  # a bad translation
    both = Invalid("use %(formats)s", params={"formats": ("YYYY", "YYYY-MM")})
    assert (
        both.message == "use YYYY or YYYY-MM"
        and both.text(lambda s: SV.get(s, s)) == "use YYYY eller YYYY-MM"
    )
    assert Invalid("plain 100 %").message == "plain 100 %"  # no parameters: no formatting


@pytest.mark.parametrize(
    ("path", "params", "status", "sv", "en"),
    [
        (
            "/followup/report.pdf",
            {"period_type": "year", "period_from": "2026", "period_to": "2024"},
            422,
            "startperioden '2026' ligger efter slutperioden '2024'",
            "period_from '2026' is after period_to '2024'",
        ),
        (
            "/followup/report.xlsx",
            {"period_type": "year", "period_from": "2025-06"},
            422,
            "period_from '2025-06' passar inte periodtypen 'year'; ange YYYY",
            "period_from '2025-06' is not valid for period_type 'year'; use YYYY",
        ),
        (
            "/followup/compare",
            {"indicator": "NOPE"},
            422,
            "okänd indikator 'NOPE'",
            "unknown indicator 'NOPE'",
        ),
        ("/followup", {"indicator": "NOPE"}, 422, "okänd indikator 'NOPE'", "unknown indicator 'NOPE'"),
        ("/followup/compare", {"period_type": "week"}, 422, "okänd periodtyp 'week'", "unknown period type"),
        ("/followup/compare", {"parent": "planet:3"}, 422, "parent ska vara total", "parent must be total"),
        ("/followup", {"scope": "galaxy:1"}, 422, "okänd nivå 'galaxy'", "unknown scope 'galaxy'"),
    ],
)
def test_page_errors_are_in_the_page_language(
    env: Env, path: str, params: dict[str, str], status: int, sv: str, en: str
) -> None:
    r = env.get("analyst", path, **params)
    assert r.status_code == status
    assert sv in flash(r.text)
    r = env.get("analyst", path, ui_lang="en", **params)
    assert r.status_code == status
    assert en in flash(r.text)


def test_forbidden_doctor_scope_is_explained_in_swedish_or_english(env: Env) -> None:
    doctor = doctor_id(env)
    for path in ("/followup", "/followup/report.pdf"):
        r = env.get("manager", path, scope=f"doctor:{doctor}", indicator="C_COC")
        assert r.status_code == 403, path
        assert "Resultat per läkare är personuppgifter om anställda" in flash(r.text)
        r = env.get("manager", path, ui_lang="en", scope=f"doctor:{doctor}", indicator="C_COC")
        assert r.status_code == 403 and "per-doctor results are personal data" in flash(r.text)
    r = env.get("clinician", "/followup/compare")
    assert r.status_code == 403 and "Uppföljningsresultat visas bara för analytiker" in flash(r.text)


def test_api_detail_stays_english(env: Env) -> None:
    r = env.get("analyst", "/api/followup/results", indicator="NOPE")
    assert r.status_code == 422 and r.json()["detail"] == "unknown indicator 'NOPE'"
    r = env.get("analyst", "/api/followup/results", indicator="C_FLK", period_from="2026", period_to="2024")
    assert r.json()["detail"] == "period_from '2026' is after period_to '2024'"
    r = env.get(
        "analyst", "/api/followup/results", indicator="C_FLK", period_type="year", period_to="2025-06"
    )
    assert r.json()["detail"] == "period_to '2025-06' is not valid for period_type 'year'; use YYYY"
    r = env.get("analyst", "/api/followup/results", indicator="C_FLK", period_type="month", period_to="x")
    assert r.json()["detail"].endswith("use YYYY or YYYY-Qn or YYYY-MM")
