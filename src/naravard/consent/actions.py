"""The consent context's audit actions (`audit_event.action`). Values are the tags already in the trail;
they never change, so a log reviewer's history of an action stays one list (emergency access keeps its
`patient:` tag: it is logged as an act on the patient)."""

from __future__ import annotations

from enum import StrEnum


class ConsentAction(StrEnum):
    EMERGENCY_OPEN = "patient:emergency-access:open"
    EMERGENCY_LIST = "consent:emergency-access:list"
    EMERGENCY_REVIEW = "consent:emergency-access:review"
    CONSENT_RECORD = "consent:consent:record"
    CONSENT_LIST = "consent:consent:list"
    CONSENT_WITHDRAW = "consent:consent:withdraw"
    CONSENT_LIST_FLAGGED = "consent:consent:list-flagged"
    CONSENT_REVIEW = "consent:consent:review"
    BLOCK_ADD = "consent:block:add"
    BLOCK_LIFT = "consent:block:lift"
    # An administrator records the patient's written request (issue 20; ADR 0003's addendum)
    CONSENT_RECORD_ON_REQUEST = "consent:consent:record-on-request"
    BLOCK_ADD_ON_REQUEST = "consent:block:add-on-request"
    ON_REQUEST_LIST = "consent:on-request:list"
    CARE_RELATIONSHIP_RECORD = "consent:care-relationship:record"
    CARE_RELATIONSHIP_SEED = "consent:care_relationship:seed"
    CONSENT_SEED = "consent:consent:seed"
    BLOCK_SEED = "consent:access_block:seed"
