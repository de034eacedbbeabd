"""Coordination: discharge from hospital (Lag 2017:612 om samverkan vid utskrivning), 30-day readmissions,
and emergency visits and admissions among mobile-team patients (domain.md 3.2, 7)."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from naravard.followup.indicators.base import (
    FAR_FUTURE,
    Family,
    Indicator,
    Lake,
    Texts,
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
    Texts(
        "Medelantal kalenderdagar från utskrivningsklar till utskrivning, över utskrivningar i perioden med "
        "ett datum för utskrivningsklar.",
        "summa dagar",
        "utskrivningar med datum för utskrivningsklar",
    ),
    unit="days",
    higher_is_better=False,
)
K_READM30 = Indicator(
    "K_READM30",
    "Andel med oplanerad återinskrivning inom 30 dagar",
    "Share with an unplanned readmission within 30 days",
    "coordination",
    "Hospital episodes ending in the period followed by a new admission of the same person 1-30 days "
    "after the discharge day. Stays that overlap or touch (a new admission on or before the discharge day: "
    "a transfer) form one episode, discharged on its last day by the unit of its last stay. Episodes "
    "ending in the last 30 days of the lake, or whose person leaves the region or dies within 30 days of "
    "the discharge, are left out, their follow-up being incomplete. Any episode is an index; only an "
    "episode that began with an acute (unplanned) stay is a readmission, as in the national measure of "
    "unplanned readmissions, and a planned stay in between does not hide a later acute one.",
    "episodes followed by an acute readmission within 30 days",
    "hospital episodes (discharges)",
    "Socialstyrelsen / SKR 'Undvikbar slutenvård och återinskrivningar'; domain.md 11.3",
    Texts(
        "Vårdtillfällen på sjukhus som avslutas i perioden och följs av en ny inskrivning av samma person "
        "1-30 dagar efter utskrivningsdagen. Vistelser som överlappar eller möts (en ny inskrivning senast "
        "på utskrivningsdagen: en överflyttning) bildar ett vårdtillfälle, utskrivet dess sista dag av "
        "enheten för dess sista vistelse. Vårdtillfällen som avslutas under underlagets sista 30 dagar, eller "
        "vars person flyttar från regionen eller avlider inom 30 dagar från utskrivningen, räknas inte, "
        "eftersom uppföljningen är ofullständig. Varje vårdtillfälle kan vara index; bara ett vårdtillfälle "
        "som började med en akut (oplanerad) inskrivning är en återinskrivning, som i det nationella måttet "
        "för oplanerade återinskrivningar, och en planerad vistelse emellan döljer inte en senare akut.",
        "vårdtillfällen följda av en akut återinskrivning inom 30 dagar",
        "vårdtillfällen på sjukhus (utskrivningar)",
    ),
    higher_is_better=False,
)
K_MT_ED = Indicator(
    "K_MT_ED",
    "Akutbesök per mobilteampatient",
    "Emergency visits per mobile-team patient",
    "coordination",
    "Persons with at least one mobile-team visit in the period: emergency-department visits in the same "
    "period, on or after the person's first mobile-team visit, per such person.",
    "emergency visits",
    "mobile-team patients",
    "Region Gävleborg rutin Mobilt sjukvårdsteam (Platina 09-389219); domain.md 7",
    Texts(
        "Personer med minst ett besök av mobilt team i perioden: besök på akutmottagning i samma period, "
        "från och med personens första besök av mobilt team, per sådan person.",
        "akutbesök",
        "patienter i mobilt team",
    ),
    unit="rate",
    higher_is_better=False,
)
K_MT_ADM = Indicator(
    "K_MT_ADM",
    "Akuta inläggningar per mobilteampatient",
    "Acute admissions per mobile-team patient",
    "coordination",
    "As K_MT_ED, counting acute (unplanned) hospital admissions in the period on or after the first "
    "mobile-team visit; planned stays are not what the team is there to avoid.",
    "acute admissions",
    "mobile-team patients",
    "Region Gävleborg rutin Mobilt sjukvårdsteam (Platina 09-389219); domain.md 7",
    Texts(
        "Som K_MT_ED, men räknar akuta (oplanerade) inläggningar på sjukhus i perioden från och med det "
        "första besöket av mobilt team; planerade vistelser är inte vad teamet finns för att undvika.",
        "akuta inläggningar",
        "patienter i mobilt team",
    ),
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
    """Stays that touch or overlap (a transfer: the next admission on or before the discharge day) are
    one hospital episode (gaps and islands: a stay opens a new episode when it starts after every earlier
    stay of the person has ended); an episode's discharge is the index, and the next episode's admission
    within 1-30 days is the readmission."""
    a = lake.admissions
    far = ibis.literal(FAR_FUTURE)
    a = a.mutate(dis=a.discharge_date.fill_null(far))  # still admitted: the episode has not ended
    order = [a.admit_date, a.admission_id]
    before = ibis.window(group_by=a.person_id, order_by=order, rows=(None, -1))
    ended = a.dis.max().over(before)
    a = a.mutate(new=ibis.ifelse(ended.isnull() | (a.admit_date > ended), 1, 0))
    upto = ibis.window(group_by=a.person_id, order_by=[a.admit_date, a.admission_id], rows=(None, 0))
    a = a.mutate(episode=a.new.sum().over(upto))
    # one row per episode: its last stay (by discharge, then id: a deterministic tie-break, so both
    # engines pick the same discharging unit) with the episode's first admission and last discharge, and
    # whether the stay that opened it was acute (exactly one stay per episode has new = 1)
    whole = ibis.window(group_by=[a.person_id, a.episode])
    last_first = ibis.window(
        group_by=[a.person_id, a.episode], order_by=[ibis.desc(a.dis), ibis.desc(a.admission_id)]
    )
    a = a.mutate(
        admit=a.admit_date.min().over(whole),
        discharge=a.dis.max().over(whole),
        acute=ibis.ifelse(a.new == 1, ibis.ifelse(a.planned, 0, 1), ibis.null("int64")).max().over(whole),
        rank=ibis.row_number().over(last_first),
    )
    ep = a.filter(a.rank == 0).select("person_id", "admit", "discharge", "unit_id", "acute")
    # the readmission is the next episode that began acute: a planned stay in between does not hide it
    later = ibis.window(group_by=ep.person_id, order_by=ep.admit, rows=(1, None))
    ep = ep.mutate(next_admit=ibis.ifelse(ep.acute == 1, ep.admit, ibis.null("date")).min().over(later))
    cutoff = ibis.literal(lake.last) - ibis.interval(days=READMIT_DAYS)
    ep = ep.filter((ep.discharge != far) & in_window(ep.discharge, lake) & (ep.discharge <= cutoff))
    # who leaves the region or dies within the 30 days has an incomplete follow-up too
    p = lake.persons.select("person_id", "out_date")
    ep = ep.join(p, "person_id")
    ep = ep.filter(ep.out_date.isnull() | (ep.out_date > ep.discharge + ibis.interval(days=READMIT_DAYS)))
    gap = days_between(ep.discharge, ep.next_admit)
    ep = ep.select(
        person_id=ep.person_id,
        unit_id=ep.unit_id,
        att_date=ep.discharge,
        n_K_READM30=flag(gap.notnull() & (gap <= READMIT_DAYS)),
        d_K_READM30=ibis.literal(1.0),
    )
    return periodise(ep, "att_date", period_types)


def _per_period(
    t: ir.Table, col: str, lake: Lake, patients: ir.Table, period_types: tuple[str, ...]
) -> ir.Table:
    """Events of mobile-team patients from their first team visit on, counted per person and period."""
    t = t.filter(in_window(t[col], lake))
    t = t.join(patients, "person_id")
    t = t.filter(t[col] >= t.first_visit)
    t = periodise(t, col, period_types)
    return t.group_by(["person_id", "period_type", "period_start"]).aggregate(n=t.count())


def build_mobile(lake: Lake, period_types: tuple[str, ...]) -> ir.Table:
    """Per person and period (a person-grain family): every period type comes out of one pass. Events
    before the team's first visit are not counted: they are often why the team was called in, and would
    make the same patient's figure depend on whether the period began before or after that visit."""
    mv = lake.mobile_team_visits
    patients = mv.group_by("person_id").aggregate(first_visit=mv.visit_date.min())
    mv = mv.filter(in_window(mv.visit_date, lake))
    mv = periodise(mv, "visit_date", period_types)
    keys = ["person_id", "period_type", "period_start"]
    pts = mv.group_by(keys).aggregate(att_date=mv.visit_date.max())
    ed = _per_period(lake.emergency_visits, "visit_date", lake, patients, period_types).rename(ed="n")
    adm = lake.admissions
    ad = _per_period(adm.filter(~adm.planned), "admit_date", lake, patients, period_types).rename(adm="n")
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
