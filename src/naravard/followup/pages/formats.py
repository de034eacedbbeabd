"""Results and dates in the reader's language, one set of rules for the pages and the reports: decimal
comma and no-break space for thousands in Swedish, shares in per cent with one decimal, quantile waits in
whole days, mean days with one decimal, indices and rates with two. A Swedish steering group reads
``49,3 %`` and ``2 dec 2026`` on the page and in the PDF alike."""

from __future__ import annotations

import datetime as dt

from naravard.followup.indicators.base import Indicator

DECIMAL = {"sv": ",", "en": "."}  # the decimal sign, e.g. of a relative target's change (``change_words``)
MONTHS = {
    "sv": ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def number(v: float, decimals: int, lang: str) -> str:
    """``1234.5`` -> ``1 234,5`` (sv: decimal comma, no-break space for thousands) or ``1,234.5`` (en)."""
    s = f"{v:,.{decimals}f}"
    if lang == "sv":
        s = s.replace(",", "\u00a0").replace(".", ",")
    return s


def number_and_unit(v: float, ind: Indicator, lang: str) -> tuple[str, str]:
    """A result's number and its unit apart (an interval names the unit once)."""
    if ind.unit == "share":
        return number(v * 100, 1, lang), " %"
    if ind.unit == "days":
        days = " dagar" if lang == "sv" else " days"
        return number(v, 0 if ind.quantile is not None else 1, lang), days
    return number(v, 2, lang), ""


def fmt_value(v: float | None, ind: Indicator, lang: str) -> str:
    """A result with its unit (``number_and_unit``); "–" without one."""
    if v is None:
        return "–"
    shown, unit = number_and_unit(v, ind, lang)
    return shown + unit


def fmt_interval(low: float | None, high: float | None, ind: Indicator, lang: str) -> str:
    """A 95 % interval as the value is shown, the unit once: ``45,2–58,1 %``; "–" without one."""
    if low is None or high is None:
        return "–"
    (lo, unit), (hi, _) = number_and_unit(low, ind, lang), number_and_unit(high, ind, lang)
    return f"{lo}–{hi}{unit}"


def fmt_count(v: float | None, lang: str = "sv") -> str:
    """A numerator or denominator: whole numbers without float noise (sums such as 721.9999999), anything
    else (a sum of days, a weighted count) with one decimal; "" without one."""
    if v is None:
        return ""
    if abs(v - round(v)) < 1e-6:
        return number(round(v), 0, lang)
    return number(v, 1, lang)


def fmt_date(d: dt.date, lang: str) -> str:
    """``23 nov 2026`` (sv) or ``23 Nov 2026`` (en)."""
    return f"{d.day} {MONTHS[lang][d.month - 1]} {d.year}"
