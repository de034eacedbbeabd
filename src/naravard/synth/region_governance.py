"""Region Gävleborg's governance of God och nära vård as the region's presentation and site describe it:
Länsledning Välfärd, the deciding hälso- och sjukvårdsledning, the steering group God och nära vård, the
programme office, the seven programområden each with a steering group and a programdirektiv (Platina-style
numbers, to be updated and registered by 31 October 2021), a 2022–24 plan with prioritised projects decided
in HSL before the turn of the year, and the two 2021 action plans owed to Socialstyrelsen by 30 September 2021
with actions tied to the follow-up's indicators.

Beside that 2021 history (kept as the presentation tells it, so its dates are long missed), the current
period (``_current_period``): the programdirektiv revised for 2025–27 (most approved and registered, reviews due
in 2027, one not registered in time), the 2025–27 plan in progress with its decided priority list, the action
plan sent to Socialstyrelsen in 2026 with actions due in 2027 (one already late) and a 2027 action plan in
preparation, so the portfolio shows both what is on time and what is missed.

Ids are uuid5 of fixed names (not the region's id stream), so adding this part moves no other ids."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from sqlalchemy.orm import Session

from naravard.actor import Actor
from naravard.db import utcnow
from naravard.governance import service as governance_service
from naravard.synth.region_rows import RegionRows

NS = uuid.UUID("6f1d8a52-3c0e-4b8e-9f55-0a2b9e6c7d11")

PROGRAMME_AREAS = [
    ("Arbetssätt och kompetens", "01-710101"),
    ("Prevention och goda levnadsvanor", "01-710102"),
    ("Vårdform 1: Digitala vårdmöten", "01-710103"),
    ("Vårdform 2: Digitala vårdrum", "01-710104"),
    ("Vårdform 3: Hälsocentraler", "01-710105"),
    ("Vårdform 4: Närvårdscenter", "01-710106"),
    ("Vårdform 5: Specialiserad sjukhusvård", "01-710107"),
]
PROJECTS = [
    ("Mobila team: enhetlig dokumentation och uppföljning", 2_400_000, (5, 4, 4)),
    ("Fast vårdkontakt och fast läkarkontakt för alla listade", 3_100_000, (5, 3, 5)),
    ("Flödet psykisk hälsa med kommunerna", 2_800_000, (4, 3, 4)),
    ("Referensgrupp befolkning inom DVM", 600_000, (3, 5, 2)),
    ("Patientkontrakt: utbildning och spridning", 1_200_000, (4, 4, 3)),
]
CRITERIA = [("Nytta för patienten", 50), ("Genomförbarhet", 20), ("Bidrag till målbilden", 30)]
# the 2025–27 plan's projects: title, budget, scores per criterion, status
PROJECTS_2025 = [
    ("Mobila team i alla kommuner", 3_600_000, (5, 3, 5), "ongoing"),
    ("Digital vårdplan delad med kommunerna", 2_200_000, (4, 3, 4), "ongoing"),
    ("Kontinuitet för multisjuka: fast läkarkontakt 80 %", 1_900_000, (5, 4, 5), "ongoing"),
    ("Hälsosamtal 40-åringar", 900_000, (3, 5, 3), "prioritised"),
]


def _id(name: str) -> uuid.UUID:
    return uuid.uuid5(NS, name)


def governance_rows(rows: RegionRows) -> dict[str, list[dict[str, Any]]]:
    user = {u["username"]: u["id"] for u in rows.rows["users"]}
    officer = user.get("styrning")
    now = utcnow()
    out: dict[str, list[dict[str, Any]]] = {
        k: []
        for k in (
            "bodies",
            "members",
            "directives",
            "meetings",
            "decisions",
            "plans",
            "criteria",
            "projects",
            "scores",
            "action_plans",
            "actions",
        )
    }

    def body(name: str, kind: str, area: str | None = None) -> uuid.UUID:
        out["bodies"].append(
            {"id": _id(name), "name": name, "kind": kind, "programme_area": area, "created_at": now}
        )
        return _id(name)

    def member(b: uuid.UUID, name: str, org: str, role: str, user_id: uuid.UUID | None = None) -> None:
        out["members"].append(
            {
                "id": _id(f"{b}:{name}"),
                "body_id": b,
                "user_id": user_id,
                "name": name,
                "organisation": org,
                "role": role,
                "created_at": now,
            }
        )

    lv = body("Länsledning Välfärd", "leadership")
    member(lv, "Regiondirektör", "region", "chair")
    member(lv, "Kommundirektör Gävle", "municipality", "member")
    member(lv, "Kommundirektör Hudiksvall", "municipality", "member")
    hsl = body("Hälso- och sjukvårdsledningen", "management")
    member(hsl, "Hälso- och sjukvårdsdirektör", "region", "chair")
    member(hsl, "Sekreterare HSL", "region", "secretary", officer)
    sg = body("Styrgrupp God och nära vård", "steering_group")
    member(sg, "Primärvårdsdirektör", "region", "chair")
    member(sg, "Socialchef Sandviken", "municipality", "member")
    member(sg, "Verksamhetschef privat hälsocentral", "private_provider", "member")
    member(sg, "Chef hälsocentral Gävle", "region", "member", user.get("chef.gavle"))
    po = body("Programkontor God och nära vård", "programme_office")
    member(po, "Programkontorets samordnare", "region", "secretary", officer)
    year = 2021
    for area, platina in PROGRAMME_AREAS:
        g = body(f"Styrgrupp {area}", "steering_group", area)
        member(g, f"Programområdesansvarig {area}", "region", "chair")
        if "Digitala vårdrum" in area or "Hälsocentraler" in area:
            member(g, "Representant kommunerna", "municipality", "member")
        if "Hälsocentraler" in area:
            member(g, "Representant privata vårdgivare", "private_provider", "member")
        registered = area.startswith(("Arbetssätt", "Prevention", "Vårdform 1"))
        out["directives"].append(
            {
                "id": _id(f"directive:{area}"),
                "body_id": g,
                "title": f"Programdirektiv {area}",
                "purpose": f"Programområdet {area} bidrar till målbilden: en god, nära och samordnad vård och "
                "omsorg som stärker hälsan, där patienten är delaktig.",
                "direction": "Primärvården är navet; arbetet sker i samverkan mellan region och kommuner i steg om tre år "
                "fram till 2030.",
                "yearly_goals": "2022: plan och prioriterade projekt beslutade. 2023: genomförande. 2024: uppföljning.",
                "owner": f"Programområdesansvarig {area}",
                "owner_user_id": officer,
                "review_date": dt.date(2022, 10, 31),
                "external_ref": platina,
                "registration_due": dt.date(year, 10, 31),
                "registered_on": dt.date(year, 10, 25) if registered else None,
                "state": "approved" if registered else "under_review",
                "version": 1,
                "created_at": now,
            }
        )
    meeting = _id("meeting:hsl-2021-12")
    out["meetings"].append(
        {
            "id": meeting,
            "body_id": hsl,
            "held_on": dt.date(2021, 12, 14),
            "agenda": "1. Planer 2022–24 per programområde. 2. Prioritering av projekt.",
            "attendees": "Hälso- och sjukvårdsdirektör, programområdesansvariga, programkontoret",
            "minutes": "Programområdesansvariga föredrog planerna; prioriteringen beslutades.",
            "created_at": now,
        }
    )
    out["meetings"].append(
        {
            "id": _id("meeting:lv-2021-03"),
            "body_id": lv,
            "held_on": dt.date(2021, 3, 26),
            "agenda": "Gemensam målbild God och nära vård",
            "attendees": "Länsledning Välfärd",
            "minutes": "Gemensam målbild beslutad; beredningsgrupp utsedd.",
            "created_at": now,
        }
    )
    out["decisions"].append(
        {
            "id": _id("decision:malbild"),
            "body_id": lv,
            "meeting_id": _id("meeting:lv-2021-03"),
            "decided_on": dt.date(2021, 3, 26),
            "text": "Gemensam målbild God och nära vård beslutas.",
            "kind": "other",
            "subject_id": None,
            "frozen": None,
            "created_at": now,
        }
    )
    plan = _id("plan:2022-24")
    crit_ids = [_id(f"criterion:{n}") for n, _ in CRITERIA]
    totals = []
    for title, _budget, scores in PROJECTS:
        total = sum(s * w for s, (_, w) in zip(scores, CRITERIA, strict=True)) / 100
        totals.append((title, round(total, 2)))
    ranked = sorted(totals, key=lambda t: (-t[1], t[0]))
    frozen = [
        {"project_id": str(_id(f"project:{t}")), "title": t, "total": s, "rank": i + 1}
        for i, (t, s) in enumerate(ranked)
    ]
    decision = _id("decision:priority-2022-24")
    out["decisions"].append(
        {
            "id": decision,
            "body_id": hsl,
            "meeting_id": meeting,
            "decided_on": dt.date(2021, 12, 14),
            "text": "Prioriterade projekt 2022–2024 för God och nära vård fastställs.",
            "kind": "priority_list",
            "subject_id": plan,
            "frozen": json.dumps(frozen),
            "created_at": now,
        }
    )
    out["plans"].append(
        {
            "id": plan,
            "body_id": sg,
            "title": "Plan God och nära vård",
            "first_year": 2022,
            "last_year": 2024,
            "due_date": dt.date(2021, 12, 31),
            "frozen_decision_id": decision,
            "version": 1,
            "created_at": now,
        }
    )
    for cid, (name, weight) in zip(crit_ids, CRITERIA, strict=True):
        out["criteria"].append(
            {"id": cid, "plan_id": plan, "name": name, "weight": weight, "created_at": now}
        )
    for title, budget, scores in PROJECTS:
        pid = _id(f"project:{title}")
        out["projects"].append(
            {
                "id": pid,
                "plan_id": plan,
                "title": title,
                "owner": "Programkontoret",
                "owner_user_id": officer,
                "budget": budget,
                "status": "prioritised",
                "version": 1,
                "created_at": now,
            }
        )
        for cid, s in zip(crit_ids, scores, strict=True):
            out["scores"].append(
                {
                    "id": _id(f"score:{title}:{cid}"),
                    "project_id": pid,
                    "criterion_id": cid,
                    "score": s,
                    "created_at": now,
                }
            )
    plans = [
        (
            "Handlingsplan kontinuitet 2021",
            "Kontinuitet, fast vårdkontakt, fast läkarkontakt, tydlig patientinformation",
            [
                ("Fast läkarkontakt erbjuds alla listade med kroniska behov", ["C_OWNDR", "C_UPC"], "yellow"),
                ("Fast vårdkontakt utses och registreras", ["C_FLK"], "green"),
                ("Patientinformation om fast kontakt på 1177", ["C_FLK_INF"], "red"),
            ],
        ),
        (
            "Handlingsplan delaktighet 2021",
            "Delaktighet och Patientkontrakt, utbildning, samverkan med invånare",
            [
                ("Patientkontrakt: utbildning av personal", ["P_AGREED", "P_GOALS"], "green"),
                ("Samordnad individuell plan i samverkan med kommunerna", ["P_SIP"], "yellow"),
            ],
        ),
    ]
    for title, focus, actions in plans:
        apid = _id(f"action-plan:{title}")
        out["action_plans"].append(
            {
                "id": apid,
                "body_id": po,
                "title": title,
                "recipient": "Socialstyrelsen",
                "deadline": dt.date(2021, 9, 30),
                "focus": focus,
                "owner": "Programkontoret",
                "owner_user_id": officer,
                "state": "sent",
                "version": 1,
                "created_at": now,
            }
        )
        for i, (a, codes, light) in enumerate(actions):
            out["actions"].append(
                {
                    "id": _id(f"action:{title}:{a}"),
                    "action_plan_id": apid,
                    "title": a,
                    "owner": "Programkontoret",
                    "owner_user_id": officer,
                    "due_date": dt.date(2022, 6 + i, 30),
                    "status": "ongoing",
                    "light": light,
                    "indicators": json.dumps(codes),
                    "version": 1,
                    "created_at": now,
                }
            )
    _current_period(out, now, officer, hsl=hsl, sg=sg, po=po)
    return out


def _current_period(
    out: dict[str, list[dict[str, Any]]],
    now: dt.datetime,
    officer: uuid.UUID | None,
    *,
    hsl: uuid.UUID,
    sg: uuid.UUID,
    po: uuid.UUID,
) -> None:
    """The rows of 2024–27 (see the module's text): what is on time today and one missed item of each kind."""
    for n, (area, _platina) in enumerate(PROGRAMME_AREAS, start=1):
        late = "Vårdform 5" in area  # the one revised directive not registered in Platina in time
        reviewing = area.startswith(("Prevention", "Vårdform 2"))
        out["directives"].append(
            {
                "id": _id(f"directive:2025-27:{area}"),
                "body_id": _id(f"Styrgrupp {area}"),
                "title": f"Programdirektiv {area} 2025–2027",
                "purpose": f"Programområdet {area} leder omställningen vidare mot målbilden 2030: en god, nära "
                "och samordnad vård och omsorg där patienten är delaktig.",
                "direction": "Kontinuitet, mobila team och samverkan med kommunerna i nästa treårssteg.",
                "yearly_goals": "2025: plan och projekt beslutade. 2026: genomförande. 2027: uppföljning och "
                "revidering.",
                "owner": f"Programområdesansvarig {area}",
                "owner_user_id": officer,
                "review_date": dt.date(2027, 3, 31) if reviewing else dt.date(2027, 10, 31),
                "external_ref": f"01-7102{n:02d}",
                "registration_due": dt.date(2026, 10, 31) if late else dt.date(2025, 10, 31),
                "registered_on": None if late else dt.date(2025, 10, 20),
                "state": "under_review" if reviewing or late else "approved",
                "version": 1,
                "created_at": now,
            }
        )
    meeting = _id("meeting:hsl-2024-12")
    out["meetings"].append(
        {
            "id": meeting,
            "body_id": hsl,
            "held_on": dt.date(2024, 12, 10),
            "agenda": "1. Plan 2025–27 för God och nära vård. 2. Prioritering av projekt.",
            "attendees": "Hälso- och sjukvårdsdirektör, programområdesansvariga, programkontoret",
            "minutes": "Planen för 2025–27 föredrogs; prioriteringen beslutades.",
            "created_at": now,
        }
    )
    out["meetings"].append(
        {
            "id": _id("meeting:sg-2026-11"),
            "body_id": sg,
            "held_on": dt.date(2026, 11, 17),
            "agenda": "1. Uppföljning av handlingsplanen 2026. 2. Revidering av programdirektiven.",
            "attendees": "Styrgrupp God och nära vård, programkontoret",
            "minutes": "Mobila team och kontinuitet följer plan; dokumentationen av SIP är försenad.",
            "created_at": now,
        }
    )
    out["decisions"].append(
        {
            "id": _id("decision:direktiv-2025"),
            "body_id": hsl,
            "meeting_id": None,
            "decided_on": dt.date(2025, 9, 23),
            "text": "Reviderade programdirektiv 2025–2027 fastställs för programområdena.",
            "kind": "other",
            "subject_id": None,
            "frozen": None,
            "created_at": now,
        }
    )
    plan = _id("plan:2025-27")
    crit_ids = [_id(f"criterion:2025-27:{n}") for n, _ in CRITERIA]
    totals = [
        (t, round(sum(s * w for s, (_, w) in zip(sc, CRITERIA, strict=True)) / 100, 2))
        for t, _b, sc, _st in PROJECTS_2025
    ]
    frozen = [
        {"project_id": str(_id(f"project:2025-27:{t}")), "title": t, "total": v, "rank": i + 1}
        for i, (t, v) in enumerate(sorted(totals, key=lambda t: (-t[1], t[0])))
    ]
    decision = _id("decision:priority-2025-27")
    out["decisions"].append(
        {
            "id": decision,
            "body_id": hsl,
            "meeting_id": meeting,
            "decided_on": dt.date(2024, 12, 10),
            "text": "Prioriterade projekt 2025–2027 för God och nära vård fastställs.",
            "kind": "priority_list",
            "subject_id": plan,
            "frozen": json.dumps(frozen),
            "created_at": now,
        }
    )
    out["plans"].append(
        {
            "id": plan,
            "body_id": sg,
            "title": "Plan God och nära vård 2025–2027",
            "first_year": 2025,
            "last_year": 2027,
            "due_date": dt.date(2024, 12, 31),
            "frozen_decision_id": decision,
            "version": 1,
            "created_at": now,
        }
    )
    for cid, (name, weight) in zip(crit_ids, CRITERIA, strict=True):
        out["criteria"].append(
            {"id": cid, "plan_id": plan, "name": name, "weight": weight, "created_at": now}
        )
    for title, budget, scores, status in PROJECTS_2025:
        pid = _id(f"project:2025-27:{title}")
        out["projects"].append(
            {
                "id": pid,
                "plan_id": plan,
                "title": title,
                "owner": "Programkontoret",
                "owner_user_id": officer,
                "budget": budget,
                "status": status,
                "version": 1,
                "created_at": now,
            }
        )
        for cid, sc in zip(crit_ids, scores, strict=True):
            out["scores"].append(
                {
                    "id": _id(f"score:2025-27:{title}:{cid}"),
                    "project_id": pid,
                    "criterion_id": cid,
                    "score": sc,
                    "created_at": now,
                }
            )
    sent = _id("action-plan:Handlingsplan tillgänglighet och mobila team 2026")
    preparing = _id("action-plan:Handlingsplan psykisk hälsa 2027")
    for apid, title, deadline, state, focus in (
        (sent, "Handlingsplan tillgänglighet och mobila team 2026", dt.date(2026, 9, 30), "sent",
         "Tillgänglighet i primärvården, mobila team, samordnad individuell plan"),
        (preparing, "Handlingsplan psykisk hälsa 2027", dt.date(2027, 9, 30), "draft",
         "Flödet psykisk hälsa mellan hälsocentral, psykiatri och kommunernas socialtjänst"),
    ):  # fmt: skip
        out["action_plans"].append(
            {
                "id": apid,
                "body_id": po,
                "title": title,
                "recipient": "Socialstyrelsen",
                "deadline": deadline,
                "focus": focus,
                "owner": "Programkontoret",
                "owner_user_id": officer,
                "state": state,
                "version": 1,
                "created_at": now,
            }
        )
    out["decisions"].append(
        {
            "id": _id("decision:action-plan-2026-sent"),
            "body_id": hsl,
            "meeting_id": None,
            "decided_on": dt.date(2026, 9, 22),
            "text": "Handlingsplan tillgänglighet och mobila team 2026 skickas till Socialstyrelsen.",
            "kind": "action_plan_sent",
            "subject_id": sent,
            "frozen": None,
            "created_at": now,
        }
    )
    actions = [
        (sent, "Kontakt med hälsocentralen samma dag", ["A0", "A3"], dt.date(2027, 3, 31), "ongoing", "green"),
        (sent, "Mobila team i alla tio kommuner", ["K_MT_ED", "K_MT_ADM"], dt.date(2027, 6, 30), "ongoing",
         "yellow"),
        (sent, "Samordnad individuell plan dokumenterad för alla med insatser från båda huvudmännen",
         ["P_SIP"], dt.date(2026, 11, 30), "ongoing", "red"),
        (sent, "Första besök i specialiserad vård inom 90 dagar", ["A90V"], dt.date(2027, 9, 30), "planned",
         "green"),
        (preparing, "Gemensam väg in för psykisk ohälsa", ["K_UKL"], dt.date(2027, 12, 31), "planned", "green"),
    ]  # fmt: skip
    for apid, title, codes, due, status, light in actions:
        out["actions"].append(
            {
                "id": _id(f"action:{apid}:{title}"),
                "action_plan_id": apid,
                "title": title,
                "owner": "Programkontoret",
                "owner_user_id": officer,
                "due_date": due,
                "status": status,
                "light": light,
                "indicators": json.dumps(codes),
                "version": 1,
                "created_at": now,
            }
        )


def seed_governance(session: Session, rows: RegionRows, actor: Actor) -> None:
    governance_service.seed_rows(session, actor=actor, **governance_rows(rows))
