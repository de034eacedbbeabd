"""Visit-based continuity indices (domain.md 2.2, 5; BMC Health Serv Res 2022 review of continuity indices):
UPC, COC, MMCI, Herfindahl and SECON over doctor visits, and COC over the visits of every profession.

Visits: encounters with a doctor (profession LK) at a primary-care unit, every mode (physical, home visit,
video, phone: continuity is with the doctor, whatever the channel; SKR's inclusion rules are not settled,
domain.md 11.4). A patient seeing the same doctor twice
on one day counts one visit (a double registration, not a second contact); two doctors on one day count two.
Indices are computed per patient and period from the visits *in that period*, and averaged over patients who
meet the minimum visit count (N >= 2 for every index: COC and SECON are undefined below two visits, and for
UPC, MMCI and Herfindahl one visit would score a meaningless perfect 1).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from naravard.followup.indicators.base import (
    PERIOD_TYPES,
    Indicator,
    Lake,
    Texts,
    f64,
    flag,
    in_window,
    period_start,
)

MIN_VISITS = {"C_UPC": 2, "C_COC": 2, "C_MMCI": 2, "C_HHI": 2, "C_SECON": 2, "C_COC_ALL": 2}
_SRC_IDX = (
    "BMC Health Serv Res 2022 review of continuity indices (its table of formulas); domain.md section 5"
)
_SRC_IDX_SV = "BMC Health Serv Res 2022, översikt av kontinuitetsindex (dess formeltabell)"


def _idx(
    code: str,
    sv: str,
    en: str,
    formula: str,
    source: str = _SRC_IDX,
    formula_sv: str | None = None,
    source_sv: str | None = _SRC_IDX_SV,
) -> Indicator:
    return Indicator(
        code,
        sv,
        en,
        "continuity",
        f"Mean over patients with >= {MIN_VISITS[code]} doctor visits in the period of {formula}.",
        f"sum of the patients' {code[2:]} values",
        "patients with enough visits",
        source,
        Texts(
            f"Medelvärde över patienter med minst {MIN_VISITS[code]} läkarbesök i perioden av "
            f"{formula_sv or formula}.",
            f"summan av patienternas {code[2:]}-värden",
            "patienter med tillräckligt många besök",
            source_sv,
        ),
        unit="index",
    )


C_UPC = _idx(
    "C_UPC", "Andel besök hos vanligaste läkaren (UPC)", "Usual Provider Continuity", "max_i n_i / N"
)
C_COC = _idx(
    "C_COC",
    "Kontinuitetsindex Bice-Boxerman (COC)",
    "Bice-Boxerman Continuity of Care",
    "(sum n_i^2 - N) / (N (N - 1))",
    "Bice & Boxerman 1977; ABFM NQF #3617; SKR Primärvårdskvalitet",
    source_sv=None,
)
C_MMCI = _idx(
    "C_MMCI",
    "Modifierat kontinuitetsindex (MMCI)",
    "Modified Modified Continuity Index",
    "(1 - M / (N + 0.1)) / (1 - 1 / (N + 0.1))",
)
C_HHI = _idx(
    "C_HHI", "Herfindahlindex för läkarbesök", "Herfindahl index of doctor visits", "sum (n_i / N)^2"
)
C_SECON = _idx(
    "C_SECON",
    "Sekventiell kontinuitet (SECON)",
    "Sequential continuity",
    "the share of consecutive visit pairs (ordered by start, then encounter id) with the same doctor",
    formula_sv="andelen på varandra följande besökspar (ordnade efter starttid, sedan besöks-id) hos samma "
    "läkare",
)
C_COC_ALL = Indicator(
    "C_COC_ALL",
    "Kontinuitetsindex Bice-Boxerman, alla yrkesgrupper (COC)",
    "Bice-Boxerman Continuity of Care, all professions",
    "continuity",
    "Mean over patients with >= 2 primary-care visits in the period (any profession, every mode; the same "
    "practitioner twice on one day counts once) of (sum n_i^2 - N) / (N (N - 1)), n_i the visits with "
    "practitioner i. The doctor indices' companion for the patient's total contacts.",
    "sum of the patients' COC values",
    "patients with enough visits",
    "ÖK God och nära vård 2021-2022 Mål 2 (continuity index for doctors and for total contacts, +20 % "
    "against a baseline); Bice & Boxerman 1977; domain.md 2.2, 5",
    Texts(
        "Medelvärde över patienter med minst 2 besök i primärvården i perioden (alla yrkesgrupper, alla "
        "besöksformer; samma behandlare två gånger samma dag räknas en gång) av (sum n_i^2 - N) / "
        "(N (N - 1)), där n_i är besöken hos behandlare i. Läkarindexens motsvarighet för patientens alla "
        "kontakter.",
        "summan av patienternas COC-värden",
        "patienter med tillräckligt många besök",
        "ÖK God och nära vård 2021–2022 Mål 2 (kontinuitetsindex för läkare och för alla kontakter, +20 % mot "
        "en utgångsnivå); Bice & Boxerman 1977",
    ),
    unit="index",
)


def _doctor_visits(lake: Lake) -> ir.Table:
    e, u = lake.encounters, lake.units
    primary = u.filter(u.kind == "primary").select("unit_id")
    e = e.filter(e.profession == "LK").semi_join(primary, "unit_id")
    e = e.mutate(day=e.start.date())
    e = e.filter(in_window(e.day, lake))
    return e.group_by(["person_id", "practitioner_id", "day"]).aggregate(
        start=e.start.min(), encounter_id=e.encounter_id.min(), unit_id=e.unit_id.min()
    )


def doctor_visits(lake: Lake) -> ir.Table:
    """One row per patient, doctor and day at primary-care units (one scan, shared by the families)."""
    return lake.share("doctor_visits", lambda: _doctor_visits(lake))


def _monthly_counts(lake: Lake, period_types: tuple[str, ...]) -> ir.Table:
    """Per patient, doctor and month: visits, the last visit day, and for each period type the visits whose
    previous visit (ordered by start, then encounter id) was in the same period and with the same doctor."""
    v = doctor_visits(lake)
    w = ibis.window(group_by=v.person_id, order_by=[v.start, v.encounter_id])
    v = v.mutate(prev=v.practitioner_id.lag().over(w), prev_day=v.day.lag().over(w))
    same = v.prev.notnull() & (v.prev == v.practitioner_id)
    v = v.mutate(
        month=period_start(v.day, "month"),
        **{
            f"s_{pt}": flag(same & (period_start(v.prev_day, pt) == period_start(v.day, pt)))
            for pt in period_types
        },
    )
    m = v.group_by(["person_id", "practitioner_id", "month"]).aggregate(
        n=v.count(), last=v.day.max(), **{f"s_{pt}": v[f"s_{pt}"].sum() for pt in period_types}
    )
    return m


def _per_period_type(m: ir.Table, period_types: tuple[str, ...], *, sequential: bool) -> dict[str, ir.Table]:
    """Monthly counts per patient and practitioner (``n``, ``last``, with ``sequential`` also the same-doctor
    pairs ``s_<period type>``) as counts per patient, practitioner and period for each period type: months
    summed to quarters, quarters to years (the counts are additive)."""
    same = {"same": m.s_month} if sequential else {}
    per: dict[str, ir.Table] = {
        "month": m.select("person_id", "practitioner_id", "n", "last", period_start=m.month, **same)
    }
    if "quarter" in period_types or "year" in period_types:
        pairs = {"same": m.s_quarter.sum(), "s_year": m.s_year.sum()} if sequential else {}
        q = m.group_by(
            ["person_id", "practitioner_id", period_start(m.month, "quarter").name("period_start")]
        ).aggregate(n=m.n.sum(), last=m.last.max(), **pairs)
        per["quarter"] = q.drop("s_year") if sequential else q
        if "year" in period_types:
            per["year"] = q.group_by(
                ["person_id", "practitioner_id", period_start(q.period_start, "year").name("period_start")]
            ).aggregate(n=q.n.sum(), last=q.last.max(), **({"same": q.s_year.sum()} if sequential else {}))
    return per


def build_coc_all(lake: Lake, period_types: tuple[str, ...]) -> ir.Table:
    """COC over every profession: visits per patient, practitioner and day at primary-care units (no
    sequence, so no window), counted per month and summed to quarters and years as for the doctors."""
    e, u = lake.encounters, lake.units
    e = e.semi_join(u.filter(u.kind == "primary").select("unit_id"), "unit_id")
    e = e.mutate(day=e.start.date())
    e = e.filter(in_window(e.day, lake))
    v = e.select("person_id", "practitioner_id", "day").distinct()
    v = v.mutate(month=period_start(v.day, "month"))
    m = v.group_by(["person_id", "practitioner_id", "month"]).aggregate(n=v.count(), last=v.day.max())
    per = _per_period_type(m, period_types, sequential=False)
    parts = []
    for pt in period_types:
        g = per[pt]
        p = g.group_by(["person_id", "period_start"]).aggregate(
            N=f64(g.n.sum()), sumsq=f64((g.n * g.n).sum()), att_date=g.last.max()
        )
        parts.append(p.filter(MIN_VISITS["C_COC_ALL"] <= p.N).mutate(period_type=ibis.literal(pt)))
    p = ibis.union(*parts, distinct=False) if len(parts) > 1 else parts[0]
    return p.select(
        "period_type",
        "period_start",
        "person_id",
        "att_date",
        n_C_COC_ALL=(p.sumsq - p.N) / (p.N * (p.N - 1.0)),
        d_C_COC_ALL=ibis.literal(1.0),
    )


def build_indices(lake: Lake, period_types: tuple[str, ...]) -> ir.Table:
    """UPC, COC, MMCI, Herfindahl and SECON for every period type from one pass over the visits: visits per
    patient, doctor and month (grouped once), summed to quarters and quarters to years (the counts per
    patient and doctor are additive; N, the maximum and the sum of squares are taken only after summing),
    then one small per-patient aggregate per period type."""
    m = lake.share("doctor_visits_monthly", lambda: _monthly_counts(lake, PERIOD_TYPES))
    per = _per_period_type(m, period_types, sequential=True)
    parts = []
    for pt in period_types:
        g = per[pt]
        p = g.group_by(["person_id", "period_start"]).aggregate(
            N=f64(g.n.sum()),
            M=f64(g.n.count()),
            maxn=f64(g.n.max()),
            sumsq=f64((g.n * g.n).sum()),
            same=f64(g.same.sum()),
            att_date=g.last.max(),
        )
        parts.append(p.filter(MIN_VISITS["C_UPC"] <= p.N).mutate(period_type=ibis.literal(pt)))
    p = ibis.union(*parts, distinct=False) if len(parts) > 1 else parts[0]
    one = ibis.literal(1.0)
    return p.select(
        "period_type",
        "period_start",
        "person_id",
        "att_date",
        n_C_UPC=p.maxn / p.N,
        d_C_UPC=one,
        n_C_COC=(p.sumsq - p.N) / (p.N * (p.N - 1.0)),
        d_C_COC=one,
        n_C_MMCI=(1.0 - p.M / (p.N + 0.1)) / (1.0 - 1.0 / (p.N + 0.1)),
        d_C_MMCI=one,
        n_C_HHI=p.sumsq / (p.N * p.N),
        d_C_HHI=one,
        # N - 1 consecutive pairs in the period; the last visit's predecessor is in it since N >= 2
        n_C_SECON=p.same / (p.N - 1.0),
        d_C_SECON=one,
    )
