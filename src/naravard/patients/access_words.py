"""The patient's access log in words: what was done, why, and by which profession, as English keys that the
pages translate (`patients/messages.py`). Pure data over the audit trail's tags, which never change.

The tags are written here as the trail holds them, not imported: other contexts' action enums are their
inner modules (the dependency rule), and a reader of the trail needs only the values."""

from __future__ import annotations

# The tag under which emergency access is opened (consent's `ConsentAction.EMERGENCY_OPEN`); its row's
# `reason` is the reason the user stated.
EMERGENCY_OPEN = "patient:emergency-access:open"

# What a row of the trail did to the patient's data, as the patient reads it.
ACTION_WORDS: dict[str, str] = {
    "patient:search": "Searched for you",
    "patient:overview:read": "Read your overview",
    "patient:contact:update": "Changed your contact details",
    "patient:access-log:read": "Read who has read your data",
    EMERGENCY_OPEN: "Opened emergency access to your data",
    "consent:consent:record": "Recorded your consent",
    "consent:consent:list": "Read your consents",
    "consent:consent:withdraw": "Withdrew your consent",
    "consent:consent:review": "Reviewed a consent recorded for you",
    "consent:emergency-access:review": "Reviewed an emergency access to your data",
    "consent:block:add": "Recorded a block on your data",
    "consent:block:lift": "Lifted a block on your data",
    "consent:care-relationship:record": "Recorded a care relationship with you",
    "audit:log:read": "Read the log of who has read your data",
    "careplans:plan:create": "Created a care plan with you",
    "careplans:plan:read": "Read your care plan",
    "careplans:plan:save": "Changed your care plan",
    "careplans:plan:transition": "Changed the state of your care plan",
    "careplans:plan:list": "Listed your care plans",
    "careplans:activity:read": "Read an activity of your care plan",
}
OTHER_ACTION = "Used your data"

# Why: the access policy's basis (the row's `reason` on an allowed read), else the purpose of use.
EMERGENCY_WHY = "Emergency access"
BASIS_WORDS: dict[str, str] = {
    "care_relationship": "Care and treatment: you are a patient of the unit",
    "consent": "Your consent (sammanhållen vård- och omsorgsdokumentation)",
}
PURPOSE_WORDS: dict[str, str] = {
    "care": "Care and treatment",
    "administration": "Administration",
    "followup": "Follow-up and quality assurance",
    "audit": "Follow-up of the access log",
    "system": "System",
}
OTHER_PURPOSE = "Other purpose"

# The practitioner's profession (organizations' `Profession` values).
PROFESSION_WORDS: dict[str, str] = {
    "doctor": "Doctor",
    "nurse": "Nurse",
    "assistant_nurse": "Assistant nurse",
    "occupational_therapist": "Occupational therapist",
    "physiotherapist": "Physiotherapist",
    "counsellor": "Counsellor",
    "psychologist": "Psychologist",
    "care_assessor": "Care assessor",
    "dietitian": "Dietitian",
    "pharmacist": "Pharmacist",
    "administrator": "Administrator",
    "analyst": "Analyst",
}


def what(action: str) -> str:
    return ACTION_WORDS.get(action, OTHER_ACTION)


def why(*, purpose: str, outcome: str, reason: str | None) -> str:
    """Emergency access when the row was made under it, else the basis the policy gave, else the purpose."""
    if purpose == "emergency" or outcome == "emergency":
        return EMERGENCY_WHY
    if reason in BASIS_WORDS:
        return BASIS_WORDS[reason]
    return PURPOSE_WORDS.get(purpose, OTHER_PURPOSE)


def profession(code: str | None) -> str | None:
    return PROFESSION_WORDS.get(code, code) if code else None
