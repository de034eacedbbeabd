"""The governance context's audit actions (`audit_event.action`)."""

from __future__ import annotations

from enum import StrEnum


class GovernanceAction(StrEnum):
    BODY_CREATE = "governance:body:create"
    MEMBER_ADD = "governance:member:add"
    DIRECTIVE_CREATE = "governance:directive:create"
    DIRECTIVE_UPDATE = "governance:directive:update"
    DIRECTIVE_TRANSITION = "governance:directive:transition"
    PLAN_CREATE = "governance:plan:create"
    CRITERIA_SET = "governance:criteria:set"
    PROJECT_CREATE = "governance:project:create"
    PROJECT_UPDATE = "governance:project:update"
    SCORE_SET = "governance:score:set"
    ACTION_PLAN_CREATE = "governance:action_plan:create"
    ACTION_PLAN_TRANSITION = "governance:action_plan:transition"
    ACTION_CREATE = "governance:action:create"
    ACTION_UPDATE = "governance:action:update"
    MEETING_CREATE = "governance:meeting:create"
    DECISION_CREATE = "governance:decision:create"
    READ_REFUSED = "governance:document:read"
    REMIND = "governance:deadline:remind"
    SEED_BODY = "governance:gov_body:seed"
    SEED_MEMBER = "governance:gov_member:seed"
    SEED_DIRECTIVE = "governance:gov_directive:seed"
    SEED_MEETING = "governance:gov_meeting:seed"
    SEED_DECISION = "governance:gov_decision:seed"
    SEED_PLAN = "governance:gov_plan:seed"
    SEED_CRITERION = "governance:gov_criterion:seed"
    SEED_PROJECT = "governance:gov_project:seed"
    SEED_SCORE = "governance:gov_score:seed"
    SEED_ACTION_PLAN = "governance:gov_action_plan:seed"
    SEED_ACTION = "governance:gov_action:seed"
