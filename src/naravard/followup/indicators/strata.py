"""The population groups (strata) results are split by, which indicators offer each, and their names in
Swedish and English for pages and reports. Age band and sex are strata of every indicator; the breakdowns
(``Family.breakdowns``) only of the indicators that declare them, e.g. A3 by profession, mode and ownership
as the national waiting-time database reports it (vantetider.se; domain.md section 4).

Names are looked up by language (``sv``/``en``) rather than through the pages' message catalogue, so the
pages, the charts and the reports say the same words; an unknown code is shown as it is.
"""

from __future__ import annotations

from naravard.followup.indicators import FAMILIES
from naravard.followup.indicators.base import BREAKDOWNS
from naravard.reference import PROFESSIONS

STRATUM_TYPES = ("all", "age_band", "sex", *BREAKDOWNS)

# the stratum types an indicator offers beyond all / age band / sex: only the ratio indicators of a
# family with breakdowns (its median and 90th percentile are not broken down)
INDICATOR_BREAKDOWNS: dict[str, tuple[str, ...]] = {
    i.code: fam.breakdowns
    for fam in FAMILIES
    for i in fam.indicators
    if i.quantile is None and fam.breakdowns
}

# (Swedish, English)
TYPE_NAMES: dict[str, tuple[str, str]] = {
    "all": ("Alla", "All"),
    "age_band": ("Åldersgrupp", "Age band"),
    "sex": ("Kön", "Sex"),
    "profession": ("Yrkesgrupp", "Profession"),
    "mode": ("Besöksform", "Mode of contact"),
    "ownership": ("Ägarform", "Ownership"),
}
# the lake's codes: professions as in docs/event-lake.md (naravard.reference), modes and ownership
# in the national database's words (mottagning, hem, digital, telefon; offentlig / privat vårdgivare)
VALUE_NAMES: dict[str, dict[str, tuple[str, str]]] = {
    "sex": {"F": ("Kvinnor", "Women"), "M": ("Män", "Men")},
    "profession": {p.code: (p.name_sv, p.name_en) for p in PROFESSIONS},
    "mode": {
        "physical": ("Mottagningsbesök", "Visit at the unit"),
        "home": ("Hembesök", "Home visit"),
        "video": ("Digitalt (video)", "Digital (video)"),
        "phone": ("Telefon", "Phone"),
    },
    "ownership": {"public": ("Offentlig regi", "Public"), "private": ("Privat regi", "Private")},
}


def offers(code: str, stratum_type: str) -> bool:
    """Whether indicator ``code`` has results of ``stratum_type`` (every indicator has all, age band, sex)."""
    return stratum_type not in BREAKDOWNS or stratum_type in INDICATOR_BREAKDOWNS.get(code, ())


def type_name(stratum_type: str, lang: str) -> str:
    sv, en = TYPE_NAMES.get(stratum_type, (stratum_type, stratum_type))
    return sv if lang == "sv" else en


def stratum_name(stratum_type: str, stratum: str, lang: str) -> str:
    """``("profession", "LK")`` -> "Läkare"; an age band with its unit ("65-79 år")."""
    if stratum_type == "age_band":
        return f"{stratum} {'år' if lang == 'sv' else 'years'}"
    sv, en = VALUE_NAMES.get(stratum_type, {}).get(stratum, (stratum, stratum))
    return sv if lang == "sv" else en
