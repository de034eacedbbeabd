"""Accessibility: the vårdgaranti 0-3-90-90 (HSL 9 kap. 1 §; HSF 2017:80; SFS 2018:553), measured as the
national waiting-time database counts it (vantetider.se, skr.se FAQ 2021): calendar days, the contact day is
day 0, and patient-chosen waits (patientvald väntan) are excluded.

0 and 3 are assigned to the period of the contact. A request not met by the lake's last day counts as not
met once its limit has passed, and enters the median and 90th percentile with the days it has lasted plus
one (a lower bound: it was not met on the last day either), so the quantiles describe the same waits as
the share; a request whose limit has not yet passed on the last day is still open and left out of both,
as its outcome is unknown. The two 90-day guarantees are
measured both ways the national database reports them: *completed* waits (genomförda besök /
behandlingar, ``A90V``, ``A90T``), assigned to the period of the visit or treatment, and the snapshot of
those *still waiting* (väntande, ``A90VW``, ``A90TW``; SKR's måluppfyllelse: the share of waiting patients
who have waited at most 90 days), taken on each month's last day like the other snapshots.
Quantiles use the nearest-rank method on whole days: the smallest wait w with at least q*n waits <= w.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from naravard.followup.indicators.base import (
    Family,
    Indicator,
    Lake,
    Texts,
    days_between,
    expand_snapshots,
    f64,
    first_snapshot,
    flag,
    in_window,
    last_snapshot,
    periodise,
)

_SRC = "HSL 9 kap. 1 §; SFS 2018:553; vantetider.se (SKR) measurement rules; domain.md section 4"
_SRC_WAITING = (
    "vantetider.se (SKR): måluppfyllelse = share of waiting patients who have waited <= 90 days; "
    "HSL 9 kap. 1 §; domain.md section 4"
)
_SOURCE_SV = {
    _SRC: "HSL 9 kap. 1 §; SFS 2018:553; vantetider.se (SKR), mätregler",
    _SRC_WAITING: "vantetider.se (SKR): måluppfyllelse = andelen väntande patienter som väntat högst 90 "
    "dagar; HSL 9 kap. 1 §",
}
# the lake's date columns as the Swedish definitions name the events
_EVENT_SV = {
    "request_date": "kontaktförsök",
    "contact_date": "kontakt",
    "assessment_date": "medicinsk bedömning",
    "referral_date": "remiss",
    "first_visit_date": "första besök",
    "decision_date": "beslut om behandling",
    "treatment_date": "behandling",
}
_BREAKDOWN_SV = {"profession": "yrkesgrupp", "mode": "besöksform", "ownership": "ägarform"}

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


def _quantiles(
    code: str, counted: str, counted_sv: str, sv: str, en: str, source: str = _SRC
) -> tuple[Indicator, ...]:
    return tuple(
        Indicator(
            f"{code}_{lab}",
            f"Väntetid {name_sv} ({sv})",
            f"{name_en} wait ({en})",
            "accessibility",
            f"{name_en} of the waits counted by {code}, in days (nearest rank).",
            "",
            counted,
            source,
            Texts(
                f"{name_sv.capitalize()} av väntetiderna som räknas i {code}, i dagar (närmaste rang).",
                "",
                counted_sv,
                _SOURCE_SV[source],
            ),
            unit="days",
            quantile=qv,
            higher_is_better=False,
        )
        for lab, qv, name_sv, name_en in (
            ("P50", 0.5, "median", "Median"),
            ("P90", 0.9, "90:e percentil", "90th percentile"),
        )
    )


def _indicators(
    code: str, limit: int, sv: str, en: str, start: str, end: str, by_end: bool, breakdowns: tuple[str, ...]
) -> tuple[Indicator, ...]:
    split = (
        f" Also broken down by {', '.join(breakdowns)} (stratum types of the share only, not of its median "
        "and 90th percentile), as the national waiting-time database reports it: profession and mode as the "
        "lake records them, a wait without one counting in 'all' only; ownership public or private from the "
        "unit."
        if breakdowns
        else ""
    )
    unmet = (
        f" Completed waits only, assigned to the period of the {end}."
        if by_end
        else f" Not met by the lake's last day: a failure once the {limit} days have passed (its wait "
        "counts as the days lasted plus one, a lower bound, in the median and 90th percentile); still "
        "open, and left out, before that."
    )
    share = Indicator(
        code,
        f"Andel med {sv}",
        f"Share with {en}",
        "accessibility",
        f"Waits from {start} to {end} in calendar days (day 0 = {start}); patient-chosen waits "
        f"excluded.{unmet}{split}",
        f"waits of at most {limit} days",
        "waits counted",
        _SRC,
        _share_sv(limit, start, end, by_end, breakdowns),
    )
    return (share, *_quantiles(code, "waits counted", "räknade väntetider", sv, en))


def _list_sv(words: list[str]) -> str:
    return " och ".join(filter(None, [", ".join(words[:-1]), words[-1]]))


def _share_sv(limit: int, start: str, end: str, by_end: bool, breakdowns: tuple[str, ...]) -> Texts:
    s, e = _EVENT_SV[start], _EVENT_SV[end]
    split = (
        f" Redovisas också per {_list_sv([_BREAKDOWN_SV[b] for b in breakdowns])} (uppdelningar av andelen, "
        "inte av dess median och 90:e percentil), som den nationella väntetidsdatabasen redovisar det: "
        "yrkesgrupp och besöksform som underlaget registrerar dem, en väntan utan sådan räknas bara i "
        "'alla'; ägarform offentlig eller privat från enheten."
        if breakdowns
        else ""
    )
    unmet = (
        f" Endast genomförda väntetider, räknade till perioden för {e}."
        if by_end
        else f" En väntan som inte är avslutad på underlagets sista dag räknas som ej uppfylld när {limit} "
        "dagar har gått (väntetiden räknas då som de dagar den pågått plus en, en nedre gräns, i median och "
        "90:e percentil); dessförinnan är den öppen och räknas inte."
    )
    return Texts(
        f"Väntetider från {s} till {e} i kalenderdagar (dag 0 = dagen för {s}); patientvald väntan räknas "
        f"inte.{unmet}{split}",
        f"väntetider om högst {limit} dagar",
        "räknade väntetider",
        _SOURCE_SV[_SRC],
    )


def _builder(  # type: ignore[no-untyped-def]
    code: str, table: str, start: str, end: str, limit: int, by_end: bool, breakdowns: tuple[str, ...] = ()
):
    # the breakdowns the table records itself (ownership comes from the unit, see ``compute.attribute``)
    own_cols = [b for b in breakdowns if b != "ownership"]

    def build(lake: Lake, period_types: tuple[str, ...]) -> ir.Table:
        t = lake.tables[table]
        t = t.filter(~t.patient_chosen)
        last = ibis.literal(lake.last)
        if by_end:
            t = t.filter(t[end].notnull() & in_window(t[end], lake))
            when = t[end]
            days = days_between(t[start], t[end])
        else:
            # a request not met by the lake's last day: a failure once its limit has passed (its wait then
            # counts as at least the days it has lasted), still open (left out) while the limit has not
            open_ = t[end].isnull() & (t[start] > last - ibis.interval(days=limit))
            t = t.filter(in_window(t[start], lake) & ~open_)
            when = t[start]
            days = days_between(t[start], t[end]).fill_null(days_between(t[start], last) + 1)
        t = t.select(
            person_id=t.person_id,
            unit_id=t.unit_id,
            att_date=when,
            days=days,
            **{c: t[c] for c in own_cols},
            **{f"n_{code}": flag(days.notnull() & (days <= limit)), f"d_{code}": f64(ibis.literal(1))},
        )
        return periodise(t, "att_date", period_types)

    return build


LIMIT_90 = 90
# (family name, code, table, start column, end column, sv, en): the 90-day guarantees while still waiting
_WAITING = (
    (
        "access_first_visit_waiting",
        "A90VW",
        "referrals",
        "referral_date",
        "first_visit_date",
        "första besök i specialiserad vård",
        "a first specialist visit",
    ),
    (
        "access_treatment_waiting",
        "A90TW",
        "treatments",
        "decision_date",
        "treatment_date",
        "behandling efter beslut",
        "treatment after the decision",
    ),
)


def _waiting_indicators(code: str, sv: str, en: str, start: str, end: str) -> tuple[Indicator, ...]:
    share = Indicator(
        code,
        f"Andel väntande på {sv} som väntat högst 90 dagar",
        f"Share of patients waiting for {en} who have waited at most 90 days",
        "accessibility",
        f"Persons still waiting on the period's last day (capped at the lake's last day): {start} on or "
        f"before that day and {end} after it or not yet; patient-chosen waits excluded. Wait = that day "
        f"minus {start} in calendar days. Who left the region or died is not waiting after that day. A "
        "quarter or year takes its last month's snapshot.",
        "waiting, waited at most 90 days",
        "waiting on the snapshot day",
        _SRC_WAITING,
        Texts(
            f"Personer som fortfarande väntar på periodens sista dag (högst underlagets sista dag): "
            f"{_EVENT_SV[start]} den dagen eller tidigare och {_EVENT_SV[end]} senare eller ännu inte; "
            f"patientvald väntan räknas inte. Väntetid = den dagen minus dagen för {_EVENT_SV[start]}, i "
            "kalenderdagar. Den som flyttat från regionen eller avlidit väntar inte efter den dagen. Ett "
            "kvartal eller år tar sin sista månads ögonblicksbild.",
            "väntande som väntat högst 90 dagar",
            "väntande på mätdagen",
            _SOURCE_SV[_SRC_WAITING],
        ),
    )
    quantiles = _quantiles(
        code,
        "waiting on the snapshot day",
        "väntande på mätdagen",
        f"väntande på {sv}",
        f"waiting for {en}",
        _SRC_WAITING,
    )
    return (share, *quantiles)


def _waiting_builder(code: str, table: str, start: str, end: str):  # type: ignore[no-untyped-def]
    def build(lake: Lake, period_types: tuple[str, ...]) -> ir.Table:
        """Each wait becomes the range of month-end snapshots it spans (from the first snapshot on or after
        its start to the last one before its end, or on or before the day the person left the region or
        died: met on the snapshot day is no longer waiting), generated per wait (``expand_snapshots``); never
        one row per person and day."""
        t = lake.tables[table]
        t = t.filter(~t.patient_chosen)
        # who left the region or died is no longer waiting after that day (not a wait of ever more days)
        p = lake.persons.select("person_id", "out_date")
        t = t.join(p, "person_id")
        t = t.select(
            "person_id",
            "unit_id",
            begin=t[start],
            a=first_snapshot(t[start], lake),
            b=ibis.least(
                last_snapshot(t[end] - ibis.interval(days=1), lake), last_snapshot(t.out_date, lake)
            ),
        )
        j = expand_snapshots(t, lake)
        days = days_between(j.begin, j.snap)
        return j.select(
            person_id=j.person_id,
            unit_id=j.unit_id,
            att_date=j.snap,
            period_type=ibis.literal("month"),
            period_start=j.period_start,
            days=days,
            **{f"n_{code}": flag(days <= LIMIT_90), f"d_{code}": f64(ibis.literal(1))},
        )

    return build


# The national waiting-time database splits the 3-day share by yrkesgrupp, besöksform and ägarform (and sex,
# a stratum of every family): vantetider.se/resultat/medicinsk-bedomning/, domain.md section 4
_BREAKDOWNS = {"A3": ("profession", "mode", "ownership")}

FAMILIES = (
    *(
        Family(
            name,
            _indicators(code, limit, sv, en, start, end, by_end, _BREAKDOWNS.get(code, ())),
            _builder(code, table, start, end, limit, by_end, _BREAKDOWNS.get(code, ())),
            has_unit=True,
            has_days=True,
            breakdowns=_BREAKDOWNS.get(code, ()),
        )
        for name, code, table, start, end, limit, by_end, sv, en in _GUARANTEES
    ),
    *(
        Family(
            name,
            _waiting_indicators(code, sv, en, start, end),
            _waiting_builder(code, table, start, end),
            has_unit=True,
            has_days=True,
            grain="snapshot",
        )
        for name, code, table, start, end, sv, en in _WAITING
    ),
)
