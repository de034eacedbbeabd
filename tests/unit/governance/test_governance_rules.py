"""The governance rules without a database: the four state machines, the weights and the ranking."""

from __future__ import annotations

import datetime as dt

import pytest

from naravard.errors import Conflict, Invalid
from naravard.governance import rules


@pytest.mark.parametrize(
    ("machine", "current", "target"),
    [
        ("directive", "draft", "approved"),
        ("directive", "approved", "under_review"),
        ("directive", "under_review", "approved"),
        ("directive", "under_review", "replaced"),
        ("project", "proposed", "prioritised"),
        ("project", "prioritised", "ongoing"),
        ("project", "ongoing", "completed"),
        ("action_plan", "draft", "ready"),
        ("action_plan", "ready", "sent"),
        ("action", "planned", "ongoing"),
        ("action", "ongoing", "done"),
    ],
)
def test_allowed_moves(machine: str, current: str, target: str) -> None:
    assert rules.transition(machine, current, target) == target


@pytest.mark.parametrize(
    ("machine", "current", "target"),
    [
        ("directive", "draft", "replaced"),
        ("directive", "replaced", "approved"),
        ("project", "completed", "ongoing"),
        ("project", "proposed", "completed"),
        ("action_plan", "draft", "sent"),
        ("action_plan", "sent", "draft"),
        ("action", "done", "ongoing"),
        ("action", "planned", "done"),
    ],
)
def test_refused_moves_name_both_states(machine: str, current: str, target: str) -> None:
    with pytest.raises(Conflict) as e:
        rules.transition(machine, current, target)
    assert e.value.status_code == 409
    assert current in e.value.message and target in e.value.message


def test_unknown_state_is_invalid() -> None:
    with pytest.raises(Invalid) as e:
        rules.transition("action", "planned", "finished")
    assert e.value.field == "state"


def test_weights_must_sum_to_100() -> None:
    rules.check_weights([50, 30, 20])
    with pytest.raises(Invalid) as e:
        rules.check_weights([50, 30, 30])
    assert e.value.field == "weights" and "sum to 100" in e.value.message and "110" in e.value.message
    with pytest.raises(Invalid):
        rules.check_weights([])
    with pytest.raises(Invalid) as e:
        rules.check_weights([150, -50])
    assert e.value.field == "weight"


def test_scores_between_0_and_5() -> None:
    rules.check_score(0)
    rules.check_score(5)
    with pytest.raises(Invalid) as e:
        rules.check_score(6)
    assert e.value.field == "score"


def test_dates_in_order() -> None:
    rules.check_order(dt.date(2021, 1, 1), dt.date(2021, 1, 2), first_field="since", last_field="until")
    with pytest.raises(Invalid) as e:
        rules.check_order(2024, 2022, first_field="first_year", last_field="last_year")
    assert e.value.field == "last_year" and "first_year" in e.value.message


def test_ranking_is_weighted_and_ties_go_by_title() -> None:
    projects = {"a": "Alfa", "b": "Beta", "c": "Cesar"}
    weights = {"x": 60, "y": 40}
    scores = {("a", "x"): 5, ("a", "y"): 0, ("b", "x"): 2, ("b", "y"): 5, ("c", "x"): 5}
    ranked = rules.rank(projects, weights, scores)
    assert [(r.title, r.total, r.rank) for r in ranked] == [
        ("Beta", 3.2, 1),
        ("Alfa", 3.0, 2),
        ("Cesar", 3.0, 3),
    ]


def test_ranking_changes_since_the_decision() -> None:
    before = [{"project_id": "a", "rank": 1}, {"project_id": "b", "rank": 2}]
    now = rules.rank(
        {"a": "A", "b": "B", "c": "C"}, {"x": 100}, {("b", "x"): 5, ("a", "x"): 3, ("c", "x"): 1}
    )
    changes = rules.ranking_changes(before, now)
    assert {(c["title"], c["was"], c["now"]) for c in changes} == {("B", 2, 1), ("A", 1, 2), ("C", None, 3)}
