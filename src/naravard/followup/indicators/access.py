"""Accessibility: the vårdgaranti 0-3-90-90 (HSL 9 kap. 1 §; HSF 2017:80; SFS 2018:553), measured as the
national waiting-time database counts it (vantetider.se, skr.se FAQ 2021): calendar days, the contact day is
day 0, and patient-chosen waits (patientvald väntan) are excluded.

0 and 3 are assigned to the period of the contact; a request never met within the lake counts as not met
(and has no wait, so it is left out of the median and 90th percentile). The two 90-day guarantees count
*completed* waits (genomförda besök / behandlingar), assigned to the period of the visit or treatment; the
snapshot of those still waiting is not computed here.
Quantiles use the nearest-rank method on whole days: the smallest wait w with at least q*n waits <= w.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from naravard.followup.indicators.base import (
    Family,
    Indicator,
    Lake,
    days_between,
    f64,
    flag,
    in_window,
    periodise,
)

_SRC = "HSL 9 kap. 1 §; SFS 2018:553; vantetider.se (SKR) measurement rules; domain.md section 4"

# (family name, code prefix, table, start column, end column, limit days, by end date?, sv, en)
_GUARANTEES = (
    (
        "access_contact",
        "A0",
        "contact_requests",
        "request_date",
        "contact_date",
        0,
        False,
        "kontakt med primärvården samma dag",
        "contact with primary care the same day",
    ),
    (
        "access_assessment",
        "A3",
        "medical_assessments",
        "contact_date",
        "assessment_date",
        3,
        False,
        "medicinsk bedömning i primärvården inom 3 dagar",
        "medical assessment in primary care within 3 days",
    ),
    (
        "access_first_visit",
        "A90V",
        "referrals",
        "referral_date",
        "first_visit_date",
        90,
        True,
        "första besök i specialiserad vård inom 90 dagar",
        "first specialist visit within 90 days",
    ),
    (
        "access_treatment",
        "A90T",
        "treatments",
        "decision_date",
        "treatment_date",
        90,
        True,
        "behandling inom 90 dagar från beslut",
        "treatment within 90 days of the decision",
    ),
)


def _indicators(code: str, limit: int, sv: str, en: str, start: str, end: str) -> tuple[Indicator, ...]:
    share = Indicator(
        code,
        f"Andel med {sv}",
        f"Share with {en}",
        "accessibility",
        f"Waits from {start} to {end} in calendar days (day 0 = {start}); patient-chosen waits excluded.",
        f"waits of at most {limit} days",
        "waits counted",
        _SRC,
    )
    q = tuple(
        Indicator(
            f"{code}_{lab}",
            f"Väntetid {name_sv} ({sv})",
            f"{name_en} wait ({en})",
            "accessibility",
            f"{name_en} of the waits counted by {code}, in days (nearest rank).",
            "",
            "waits counted",
            _SRC,
            unit="days",
            quantile=qv,
            higher_is_better=False,
        )
        for lab, qv, name_sv, name_en in (
            ("P50", 0.5, "median", "Median"),
            ("P90", 0.9, "90:e percentil", "90th percentile"),
        )
    )
    return (share, *q)


def _builder(code: str, table: str, start: str, end: str, limit: int, by_end: bool):  # type: ignore[no-untyped-def]
    def build(lake: Lake, period_types: tuple[str, ...]) -> ir.Table:
        t = lake.tables[table]
        t = t.filter(~t.patient_chosen)
        if by_end:
            t = t.filter(t[end].notnull() & in_window(t[end], lake))
            when = t[end]
        else:
            t = t.filter(in_window(t[start], lake))
            when = t[start]
        days = days_between(t[start], t[end])
        t = t.select(
            person_id=t.person_id,
            unit_id=t.unit_id,
            att_date=when,
            days=days,
            **{f"n_{code}": flag(days.notnull() & (days <= limit)), f"d_{code}": f64(ibis.literal(1))},
        )
        return periodise(t, "att_date", period_types)

    return build


FAMILIES = tuple(
    Family(
        name,
        _indicators(code, limit, sv, en, start, end),
        _builder(code, table, start, end, limit, by_end),
        has_unit=True,
        has_days=True,
    )
    for name, code, table, start, end, limit, by_end, sv, en in _GUARANTEES
)
