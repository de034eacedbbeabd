"""The audit trail in words: what each action tag, outcome, purpose and reason code means to the log
reviewer, in English (the catalogue key; the Swedish is in `naravard.audit.messages`).

Keyed by the tags as the trail holds them (this module imports no context: the audit trail is shared
plumbing), one text for every member of every context's action enum (`tests/unit/test_audit_texts.py`
fails on a member without one). A tag the trail holds but this map does not (an action since removed) is
shown as it is."""

from __future__ import annotations

ACTION_TEXT: dict[str, str] = {
    # accounts
    "accounts:session:login": "Logged in",
    "accounts:session:login-failed": "Failed login",
    "accounts:session:switch": "Switched assignment",
    "accounts:session:logout-all": "Logged out everywhere",
    "accounts:user:locked": "Account locked after wrong passwords",
    "accounts:user:unlock": "Unlocked an account",
    "accounts:user_account:seed": "Created user accounts (demo data)",
    "accounts:membership:seed": "Created assignments (demo data)",
    # audit
    "audit:log:read": "Read the audit log",
    "audit:patient-names:read": "Read patients' names for the log review",
    # consent
    "patient:emergency-access:open": "Opened emergency access",
    "consent:emergency-access:list": "Listed emergency accesses",
    "consent:emergency-access:review": "Reviewed an emergency access",
    "consent:consent:record": "Recorded a consent",
    "consent:consent:list": "Read the patient's consents",
    "consent:consent:withdraw": "Withdrew a consent",
    "consent:consent:list-flagged": "Listed consents recorded by staff",
    "consent:consent:review": "Reviewed a consent recorded by staff",
    "consent:block:add": "Added a block",
    "consent:block:lift": "Lifted a block",
    "consent:care-relationship:record": "Recorded a care relationship",
    "consent:care_relationship:seed": "Created care relationships (demo data)",
    "consent:consent:seed": "Created consents (demo data)",
    "consent:access_block:seed": "Created blocks (demo data)",
    # contacts
    "contacts:listing:seed": "Created listings (demo data)",
    "contacts:listing:end": "Ended a listing",
    "contacts:listing:move": "Moved a listing",
    "contacts:fixed_contact:seed": "Created fixed contacts (demo data)",
    "contacts:fixed_contact:assign": "Assigned a fixed contact",
    "contacts:fixed_contact:change": "Changed a fixed contact",
    "contacts:fixed_contact:end": "Ended a fixed contact",
    "contacts:fixed_contact:read": "Read the patient's fixed contacts",
    "contacts:fixed_contact:import": "Imported fixed contacts",
    "contacts:fixed_contact:export": "Exported fixed contacts for follow-up",
    "contacts:unit:read": "Read the unit's listed population",
    "contacts:unit:settings": "Changed the unit's settings",
    "contacts:proposal:read": "Read proposed fixed contacts",
    "contacts:proposal:confirm": "Confirmed proposed fixed contacts",
    "contacts:notice:seed": "Created notices to patients (demo data)",
    "contacts:notice:deliver": "Sent a notice to the patient",
    "contacts:notice:fail": "A notice to the patient could not be sent",
    "contacts:notice:list": "Listed notices to patients",
    "contacts:notice:resend": "Sent a notice again",
    "contacts:mine:read": "The patient read their fixed contacts",
    # careplans
    # coordination
    # governance
    # notifications
    # follow-up
    "followup:target:create": "Set a follow-up target",
    "followup:target:update": "Changed a follow-up target",
    "followup:target:delete": "Deleted a follow-up target",
    # organisations
    "organizations:organization:seed": "Created organisations (demo data)",
    "organizations:care_unit:seed": "Created care units (demo data)",
    "organizations:practitioner:seed": "Created practitioners (demo data)",
    "organizations:practitioner_role:seed": "Created practitioners' roles (demo data)",
    # patients
    "patient:search": "Searched for a patient",
    "patient:overview:read": "Read the patient overview",
    "patient:contact:update": "Changed contact details",
    "patient:access-log:read": "Read who has read the patient's data",
    "patient:access-log:question": "The patient questioned a read",
    "patient:access-log:list-questions": "Listed the reads patients questioned",
    "patient:population:export": "Exported the population for follow-up",
    "patients:person:seed": "Created persons (demo data)",
    # synth
    "synth:region:create": "Created the demo region",
}

OUTCOME_TEXT: dict[str, str] = {
    "allowed": "Allowed",
    "denied": "Denied",
    "emergency": "Emergency access",
}

# naravard.actor.Purpose
PURPOSE_TEXT: dict[str, str] = {
    "care": "Care and treatment",
    "emergency": "Emergency access",
    "administration": "Administration",
    "followup": "Follow-up",
    "audit": "Log review",
    "self": "Own data",
    "system": "The platform",
}

# The roles have their words in the shell's catalogue under their code; the system role is the platform's.
ROLE_TEXT: dict[str, str] = {"system": "The platform"}

# Reason codes the trail holds besides the access policy's (`consent.policy.REASON_TEXT`).
REASON_TEXT: dict[str, str] = {
    "unknown_user": "No account has this username.",
    "wrong_password": "Wrong password.",
    "account_locked": "The account was locked after wrong passwords.",
    "account_inactive": "The account is not active.",
    "no_active_assignment": "The account has no active assignment.",
    "failed_logins": "Too many wrong passwords in a row.",
    "rate_limited": "Too many personnummer searches in a short time.",
    "not_system": "Only the platform may do this.",
    "system": "Done by the platform.",
}
