"""Participation (delaktighet): Patientkontrakt with the patient's own goals and agreement, SIP meetings the
patient attended, and the NPE-style questionnaire item on involvement (domain.md sections 1, 3.1, 6)."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from naravard.followup.indicators.base import (
    Family,
    Indicator,
    Lake,
    Texts,
    days_between,
    flag,
    in_window,
    periodise,
)

P_GOALS = Indicator(
    "P_GOALS",
    "Andel Patientkontrakt med mål skrivna av patienten",
    "Share of Patientkontrakt with a patient-written goal",
    "participation",
    "Patientkontrakt created in the period with at least one goal "
    "written by the patient ('Vad är viktigt för dig?').",
    "contracts with >= 1 patient-written goal",
    "contracts created",
    "SKR Patientkontrakt definition (domain.md 1.1, 11.3)",
    Texts(
        "Patientkontrakt upprättade i perioden med minst ett mål skrivet av patienten ('Vad är viktigt för "
        "dig?').",
        "kontrakt med minst ett mål skrivet av patienten",
        "upprättade kontrakt",
        "SKR:s definition av Patientkontrakt",
    ),
)
P_AGREED = Indicator(
    "P_AGREED",
    "Andel Patientkontrakt som patienten godkänt",
    "Share of Patientkontrakt agreed with the patient",
    "participation",
    "Patientkontrakt created in the period that the patient agreed to within 30 days of its creation. "
    "Contracts created in the last 30 days of the lake are left out until their 30 days have passed, so "
    "a published month does not change with later extracts.",
    "contracts agreed within 30 days",
    "contracts created (at least 30 days before the lake's last day)",
    "SKR Patientkontrakt: an agreement co-designed by care provider and patient, its first part the "
    "Överenskommelse (domain.md 1.1)",
    Texts(
        "Patientkontrakt upprättade i perioden som patienten godkänt inom 30 dagar från upprättandet. "
        "Kontrakt upprättade under underlagets sista 30 dagar räknas först när deras 30 dagar har gått, så "
        "att en publicerad månad inte ändras av senare uttag.",
        "kontrakt godkända inom 30 dagar",
        "upprättade kontrakt (minst 30 dagar före underlagets sista dag)",
        "SKR Patientkontrakt: en överenskommelse som vårdgivaren och patienten utformar tillsammans, med "
        "Överenskommelsen som första del",
    ),
)
P_SIP = Indicator(
    "P_SIP",
    "Andel SIP-möten där patienten deltog",
    "Share of SIP meetings attended by the patient",
    "participation",
    "SIP meetings held in the period where the patient took part (the lake's patient_attended).",
    "meetings attended",
    "SIP meetings held",
    "HSL 16 kap. 4 §, SoL; domain.md 3.1",
    Texts(
        "SIP-möten hållna i perioden där patienten deltog (underlagets patient_attended).",
        "möten där patienten deltog",
        "hållna SIP-möten",
    ),
)
P_INVOLVED = Indicator(
    "P_INVOLVED",
    "Andel positiva svar om delaktighet",
    "Share of positive answers on involvement",
    "participation",
    "Answers in the period to the item 'Har du haft möjlighet att vara delaktig i besluten beträffande "
    "din vård/behandling?' (item 'involvement', scale 1-5) that are positive (4 or 5).",
    "positive answers",
    "answers",
    "Nationell Patientenkät, dimension Delaktighet och involvering (domain.md 6)",
    Texts(
        "Svar i perioden på frågan 'Har du haft möjlighet att vara delaktig i besluten beträffande din "
        "vård/behandling?' (frågan 'involvement', skala 1-5) som är positiva (4 eller 5).",
        "positiva svar",
        "svar",
    ),
)
POSITIVE_FROM = 4
AGREE_DAYS = 30


def build_contracts(lake: Lake, period_types: tuple[str, ...]) -> ir.Table:
    c = lake.contracts
    c = c.filter(in_window(c.created_date, lake))
    one = ibis.literal(1.0)
    # the agreement's 30 days have passed by the lake's last day
    followed = c.created_date <= ibis.literal(lake.last) - ibis.interval(days=AGREE_DAYS)
    c = c.select(
        person_id=c.person_id,
        unit_id=c.unit_id,
        att_date=c.created_date,
        n_P_GOALS=flag(c.patient_goals >= 1),
        d_P_GOALS=one,
        n_P_AGREED=flag(followed & (days_between(c.created_date, c.agreed_date) <= AGREE_DAYS)),
        d_P_AGREED=flag(followed),
    )
    return periodise(c, "att_date", period_types)


def build_sip(lake: Lake, period_types: tuple[str, ...]) -> ir.Table:
    s = lake.sip_meetings
    s = s.filter(in_window(s.meeting_date, lake))
    s = s.select(
        person_id=s.person_id,
        att_date=s.meeting_date,
        n_P_SIP=flag(s.patient_attended),
        d_P_SIP=ibis.literal(1.0),
    )
    return periodise(s, "att_date", period_types)


def build_questionnaire(lake: Lake, period_types: tuple[str, ...]) -> ir.Table:
    q = lake.questionnaire_responses
    q = q.filter((q.item == "involvement") & in_window(q.response_date, lake))
    q = q.select(
        person_id=q.person_id,
        unit_id=q.unit_id,
        att_date=q.response_date,
        n_P_INVOLVED=flag(q.value >= POSITIVE_FROM),
        d_P_INVOLVED=ibis.literal(1.0),
    )
    return periodise(q, "att_date", period_types)


FAMILIES = (
    Family("participation_contracts", (P_GOALS, P_AGREED), build_contracts, has_unit=True),
    Family("participation_sip", (P_SIP,), build_sip),
    Family("participation_questionnaire", (P_INVOLVED,), build_questionnaire, has_unit=True),
)
