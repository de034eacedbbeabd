"""The governance rules as plain functions: the state machines, the weights and the ranking (no database)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from naravard.errors import Conflict, Invalid

# state -> the states it may move to; "approved" for a directive only through a decision
DIRECTIVE_STATES: dict[str, frozenset[str]] = {
    "draft": frozenset({"approved"}),
    "approved": frozenset({"under_review", "replaced"}),
    "under_review": frozenset({"approved", "replaced"}),
    "replaced": frozenset(),
}
PROJECT_STATES: dict[str, frozenset[str]] = {
    "proposed": frozenset({"prioritised", "cancelled"}),
    "prioritised": frozenset({"ongoing", "proposed", "cancelled"}),
    "ongoing": frozenset({"completed", "cancelled"}),
    "completed": frozenset(),
    "cancelled": frozenset(),
}
ACTION_PLAN_STATES: dict[str, frozenset[str]] = {
    "draft": frozenset({"ready"}),
    "ready": frozenset({"draft", "sent"}),
    "sent": frozenset({"closed"}),
    "closed": frozenset(),
}
ACTION_STATES: dict[str, frozenset[str]] = {
    "planned": frozenset({"ongoing", "cancelled"}),
    "ongoing": frozenset({"done", "cancelled"}),
    "done": frozenset(),
    "cancelled": frozenset(),
}
MACHINES = {
    "directive": DIRECTIVE_STATES,
    "project": PROJECT_STATES,
    "action_plan": ACTION_PLAN_STATES,
    "action": ACTION_STATES,
}
LIGHTS = ("green", "yellow", "red")
BODY_KINDS = ("leadership", "management", "steering_group", "programme_office")
ORGANISATIONS = ("region", "municipality", "private_provider")
MEMBER_ROLES = ("chair", "member", "secretary")
DECISION_KINDS = ("directive_approved", "priority_list", "action_plan_sent", "other")
MAX_SCORE = 5


def check_state(machine: str, state: str) -> None:
    if state not in MACHINES[machine]:
        raise Invalid(
            "unknown %(machine)s state %(state)r; choose from %(states)s",
            field="state",
            params={"machine": machine, "state": state, "states": ", ".join(MACHINES[machine])},
        )


def transition(machine: str, current: str, target: str) -> str:
    """The new state, or 409 naming both states when the machine does not allow the move."""
    check_state(machine, target)
    if target not in MACHINES[machine].get(current, frozenset()):
        raise Conflict(
            "a %(machine)s cannot move from %(current)s to %(target)s",
            field="state",
            params={"machine": machine, "current": current, "target": target},
        )
    return target


def check_weights(weights: Sequence[int]) -> None:
    if not weights:
        raise Invalid("a plan needs at least one criterion", field="criteria")
    if any(w < 0 or w > 100 for w in weights):
        raise Invalid("each weight is between 0 and 100 %%", field="weight")
    total = sum(weights)
    if total != 100:
        raise Invalid(
            "the weights must sum to 100 %%, not %(total)s %%", field="weights", params={"total": total}
        )


def check_score(score: int) -> None:
    if not 0 <= score <= MAX_SCORE:
        raise Invalid(
            "a score is between 0 and %(max)s, not %(score)s",
            field="score",
            params={"max": MAX_SCORE, "score": score},
        )


def check_order(first: object, last: object, *, first_field: str, last_field: str) -> None:
    if first is not None and last is not None and first > last:  # type: ignore[operator]
        raise Invalid(
            "%(first)s must not be after %(last)s",
            field=last_field,
            params={"first": first_field, "last": last_field},
        )


@dataclass(frozen=True)
class Ranked:
    project_id: str
    title: str
    total: float
    rank: int


def rank(
    projects: Mapping[str, str],
    weights: Mapping[str, int],
    scores: Mapping[tuple[str, str], int],
) -> list[Ranked]:
    """Projects (id -> title) ranked by their weighted score: sum of score x weight / 100 over the criteria
    (a missing score counts 0); ties by title."""
    totals = {
        pid: round(sum(scores.get((pid, cid), 0) * w for cid, w in weights.items()) / 100, 2)
        for pid in projects
    }
    order = sorted(projects, key=lambda pid: (-totals[pid], projects[pid]))
    return [Ranked(pid, projects[pid], totals[pid], i + 1) for i, pid in enumerate(order)]


def ranking_changes(before: Sequence[Mapping[str, object]], now: Sequence[Ranked]) -> list[dict[str, object]]:
    """How each project moved since the decided list: its rank then (None: new) and now."""
    then = {str(r["project_id"]): int(str(r["rank"])) for r in before}
    out: list[dict[str, object]] = []
    for r in now:
        old = then.get(r.project_id)
        if old != r.rank:
            out.append({"project_id": r.project_id, "title": r.title, "was": old, "now": r.rank})
    return out
