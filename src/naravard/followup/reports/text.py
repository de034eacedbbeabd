"""The words and number formats of the steering-group reports, in Swedish and English: shared by the report
body, its PDF and its Excel workbook so the three say the same thing."""

from __future__ import annotations

from typing import Any

from naravard.followup.indicators.base import Indicator
from naravard.followup.pages.formats import DECIMAL, fmt_count, fmt_value
from naravard.followup.results.targets import change_words

LANGS = ("sv", "en")

LABELS: dict[str, dict[str, str]] = {
    "sv": {
        "title": "Uppföljning God och nära vård",
        "scope": "Nivå",
        "period": "Period",
        "periods": "perioder",
        "created": "skapad",
        "source_data": "syntetiska eller uttagna data",
        "legend": "{s}: ej redovisat (färre än {n} fall i nämnaren); –: ej tillämpligt; saknas: inga fall",
        "missing": "saknas",
        "value": "Värde",
        "numerator": "Täljare",
        "denominator": "Nämnare",
        "suppressed": "Ej redovisat",
        "meets": "Når målet",
        "target": "Mål",
        "source": "Källa",
        "definition": "Definition",
        "other_name": "Engelskt namn",
        "yes": "ja",
        "no": "nej",
        "all": "Hela riket/regionen",
        "from": "från",
        "to": "till",
        "month": "månad",
        "quarter": "kvartal",
        "year": "år",
        "total": "totalt",
        "region": "region",
        "municipality": "kommun",
        "unit": "enhet",
        "doctor": "läkare",
        "Region": "Region",
        "Municipality": "Kommun",
        "Unit": "Enhet",
        "All": "Alla",
        "age_band": "åldersgrupp",
        "sex": "kön",
        "profession": "yrkesgrupp",
        "mode": "besöksform",
        "ownership": "ägarform",
        "F": "kvinnor",
        "M": "män",
        "years": "år",
        "compare": "Jämförelse",
        "name": "Namn",
        "level_region": "regioner",
        "level_municipality": "kommuner",
        "level_unit": "enheter",
        "none_compared": "inga resultat att jämföra",
        "ci": "95 % KI",
        "ci_low": "95 % KI nedre",
        "ci_high": "95 % KI övre",
        "ci_note": "95 % KI: konfidensintervall, det spann inom vilket utfallet kan variera av en slump",
        "within_margin": "inom felmarginalen",
        "beyond": "Utanför felmarginalen",
        "margin_note": "Inom felmarginalen: intervallet når målet, så skillnaden mot målet kan vara slump",
        "relative": "{change} mot {baseline}",
        "incomplete": "Ofullständig period: {period} t.o.m. {day}",
        "partial": "ofullständig period",
    },
    "en": {
        "title": "Follow-up of God och nära vård",
        "scope": "Scope",
        "period": "Period",
        "periods": "periods",
        "created": "created",
        "source_data": "synthetic or extracted data",
        "legend": "{s}: suppressed (fewer than {n} cases in the denominator); –: not applicable; no data: no cases",
        "missing": "no data",
        "value": "Value",
        "numerator": "Numerator",
        "denominator": "Denominator",
        "suppressed": "Suppressed",
        "meets": "Meets target",
        "target": "Target",
        "source": "Source",
        "definition": "Definition",
        "other_name": "Swedish name",
        "yes": "yes",
        "no": "no",
        "all": "All",
        "from": "from",
        "to": "to",
        "month": "month",
        "quarter": "quarter",
        "year": "year",
        "total": "total",
        "region": "region",
        "municipality": "municipality",
        "unit": "unit",
        "doctor": "doctor",
        "Region": "Region",
        "Municipality": "Municipality",
        "Unit": "Unit",
        "All": "All",
        "age_band": "age band",
        "sex": "sex",
        "profession": "profession",
        "mode": "mode of contact",
        "ownership": "ownership",
        "F": "women",
        "M": "men",
        "years": "years",
        "compare": "Comparison",
        "name": "Name",
        "level_region": "regions",
        "level_municipality": "municipalities",
        "level_unit": "units",
        "none_compared": "no results to compare",
        "ci": "95 % CI",
        "ci_low": "95 % CI low",
        "ci_high": "95 % CI high",
        "ci_note": "95 % CI: confidence interval, the range within which the result may vary by chance",
        "within_margin": "within the margin of error",
        "beyond": "Beyond the margin of error",
        "margin_note": "Within the margin of error: the interval reaches the target, so the difference from "
        "it may be chance",
        "relative": "{change} vs {baseline}",
        "incomplete": "Incomplete period: {period} to {day}",
        "partial": "incomplete period",
    },
}


def esc(text: str) -> str:
    """Text for SVG markup (the charts are written by hand, not through Jinja)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def rule(factor: float | None, baseline: str | None, L: dict[str, str], lang: str) -> str:
    """A relative target's rule, ``+12,5 % mot 2024``; "" for an absolute target or none."""
    if factor is None or baseline is None:
        return ""
    return L["relative"].format(change=change_words(factor, DECIMAL[lang]), baseline=baseline)


def row_rule(r: dict[str, Any], L: dict[str, str], lang: str) -> str:
    """The rule of a result row's target (``rule``)."""
    return rule(r.get("target_factor"), r.get("target_baseline"), L, lang)


def fmt_target(value: float | None, ind: Indicator, lang: str, rule_text: str = "") -> str:
    """A target in the report: its value as the pages show it, and a relative target's rule after it, ``0,62
    (+20 % mot 2024)``; "–" alone without either."""
    shown = fmt_value(value, ind, lang)
    return f"{shown} ({rule_text})" if rule_text else shown


def meets_words(r: dict[str, Any], L: dict[str, str]) -> str:
    """Whether a row meets its target, in words, and "within the margin of error" where its 95 % interval
    reaches the target (``beyond_chance`` false); empty without a target or a value."""
    if r.get("meets_target") is None:
        return ""
    words = L["yes"] if r["meets_target"] else L["no"]
    return f"{words}, {L['within_margin']}" if r.get("beyond_chance") is False else words


def count(value: float | None, lang: str) -> str:
    """A numerator or denominator as the pages show it (``formats.fmt_count``); "–" without one."""
    return "–" if value is None else fmt_count(value, lang)
