"""Coordination: discharge from hospital (Lag 2017:612 om samverkan vid utskrivning), 30-day readmissions,
and emergency visits and admissions among mobile-team patients (domain.md 3.2, 7)."""

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

K_UKL = Indicator(
    "K_UKL",
    "Dagar från utskrivningsklar till utskrivning",
    "Days from ready-for-discharge to discharge",
    "coordination",
    "Mean calendar days from utskrivningsklar to discharge, over discharges in the period "
    "with an utskrivningsklar date.",
    "sum of days",
    "discharges with an utskrivningsklar date",
    "Lag (2017:612) om samverkan vid utskrivning från sluten hälso- och sjukvård; domain.md 3.2",
    unit="days",
    higher_is_better=False,
)
K_READM30 = Indicator(
    "K_READM30",
    "Andel återinskrivna inom 30 dagar",
    "Share readmitted within 30 days",
    "coordination",
    "Discharges in the period followed by a new admission of the same person 1-30 days after the discharge "
    "day (a new admission on the discharge day counts as a transfer, not a readmission). Discharges in the "
    "last 30 days of the lake are left out, their follow-up being incomplete.",
    "discharges followed by a readmission within 30 days",
    "discharges",
    "Socialstyrelsen / SKR 'Undvikbar slutenvård och återinskrivningar'; domain.md 11.3",
    higher_is_better=False,
)
K_MT_ED = Indicator(
    "K_MT_ED",
    "Akutbesök per mobilteampatient",
    "Emergency visits per mobile-team patient",
    "coordination",
    "Persons with at least one mobile-team visit in the period: emergency-department visits in the same "
    "period per such person.",
    "emergency visits",
    "mobile-team patients",
    "Region Gävleborg rutin Mobilt sjukvårdsteam (Platina 09-389219); domain.md 7",
    unit="rate",
    higher_is_better=False,
)
K_MT_ADM = Indicator(
    "K_MT_ADM",
    "Inläggningar per mobilteampatient",
    "Admissions per mobile-team patient",
    "coordination",
    "As K_MT_ED, counting hospital admissions in the period.",
    "admissions",
    "mobile-team patients",
    "Region Gävleborg rutin Mobilt sjukvårdsteam (Platina 09-389219); domain.md 7",
    unit="rate",
    higher_is_better=False,
)
READMIT_DAYS = 30


def build_discharge(lake: Lake, period_types: tuple[str, ...]) -> ir.Table:
    a = lake.admissions
    a = a.filter(
        a.discharge_date.notnull() & a.utskrivningsklar_date.notnull() & in_window(a.discharge_date, lake)
    )
    a = a.select(
        person_id=a.person_id,
        unit_id=a.unit_id,
        att_date=a.discharge_date,
        n_K_UKL=f64(days_between(a.utskrivningsklar_date, a.discharge_date)),
        d_K_UKL=ibis.literal(1.0),
    )
    return periodise(a, "att_date", period_types)


def build_readmission(lake: Lake, period_types: tuple[str, ...]) -> ir.Table:
    a = lake.admissions
    w = ibis.window(group_by=a.person_id, order_by=[a.admit_date, a.admission_id])
    a = a.mutate(next_admit=a.admit_date.lead().over(w))
    cutoff = ibis.literal(lake.last) - ibis.interval(days=READMIT_DAYS)
    a = a.filter(
        a.discharge_date.notnull() & in_window(a.discharge_date, lake) & (a.discharge_date <= cutoff)
    )
    gap = days_between(a.discharge_date, a.next_admit)
    a = a.select(
        person_id=a.person_id,
        unit_id=a.unit_id,
        att_date=a.discharge_date,
        n_K_READM30=flag(gap.notnull() & (gap >= 1) & (gap <= READMIT_DAYS)),
        d_K_READM30=ibis.literal(1.0),
    )
    return periodise(a, "att_date", period_types)


def _per_period(
    t: ir.Table, col: str, lake: Lake, patients: ir.Table, period_types: tuple[str, ...]
) -> ir.Table:
    t = t.filter(in_window(t[col], lake)).semi_join(patients, "person_id")
    t = periodise(t, col, period_types)
    return t.group_by(["person_id", "period_type", "period_start"]).aggregate(n=t.count())


def build_mobile(lake: Lake, period_types: tuple[str, ...]) -> ir.Table:
    """Per person and period (a person-grain family): every period type comes out of one pass."""
    mv = lake.mobile_team_visits
    mv = mv.filter(in_window(mv.visit_date, lake))
    patients = mv.select("person_id").distinct()
    mv = periodise(mv, "visit_date", period_types)
    keys = ["person_id", "period_type", "period_start"]
    pts = mv.group_by(keys).aggregate(att_date=mv.visit_date.max())
    ed = _per_period(lake.emergency_visits, "visit_date", lake, patients, period_types).rename(ed="n")
    ad = _per_period(lake.admissions, "admit_date", lake, patients, period_types).rename(adm="n")
    j = pts.left_join(ed, keys).drop(*(f"{k}_right" for k in keys))
    j = j.left_join(ad, keys).drop(*(f"{k}_right" for k in keys))
    one = ibis.literal(1.0)
    return j.select(
        "period_type",
        "period_start",
        "person_id",
        "att_date",
        n_K_MT_ED=f64(j.ed.fill_null(0)),
        d_K_MT_ED=one,
        n_K_MT_ADM=f64(j.adm.fill_null(0)),
        d_K_MT_ADM=one,
    )


FAMILIES = (
    Family("coordination_discharge", (K_UKL,), build_discharge, has_unit=True),
    Family("coordination_readmission", (K_READM30,), build_readmission, has_unit=True),
    Family("coordination_mobile", (K_MT_ED, K_MT_ADM), build_mobile, grain="person"),
)
