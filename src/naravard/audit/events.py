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
    "accounts:user:list": "Listed user accounts",
    "accounts:user:read": "Read a user account",
    "accounts:user:create": "Created a user account",
    "accounts:membership:add": "Added an assignment",
    "accounts:membership:end": "Ended an assignment",
    "accounts:user_account:seed": "Created user accounts (demo data)",
    "accounts:membership:seed": "Created assignments (demo data)",
    "accounts:oidc_identity:link": "Linked a login at an identity provider to the account",
    "accounts:session:oidc-refused": "Refused a login through an identity provider",
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
    "consent:consent:record-on-request": "Recorded a consent on the patient's written request",
    "consent:block:add-on-request": "Added a block on the patient's written request",
    "consent:on-request:list": "Listed consents and blocks recorded on request",
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
    "careplans:plan:create": "Created a care plan",
    "careplans:plan:read": "Read the patient's care plan",
    "careplans:plan:save": "Saved a new version of a care plan",
    "careplans:plan:transition": "Changed the state of a care plan",
    "careplans:plan:list": "Listed care plans",
    "careplans:plan:patient-statement": "The patient wrote in their care plan",
    "careplans:plan:patient-agree": "The patient agreed to their care plan",
    "careplans:figures:read": "Read the care plans' figures",
    "careplans:plan:export": "Exported care plans for follow-up",
    "careplans:activity:read": "Read an activity of a care plan",
    "careplans:care_plan:seed": "Created care plans (demo data)",
    "careplans:care_plan_version:seed": "Created care plan versions (demo data)",
    # coordination
    "coordination:task:seed": "Created tasks between units (demo data)",
    "coordination:task_event:seed": "Created task history (demo data)",
    "coordination:task:create": "Sent a task to another unit",
    "coordination:task:read": "Read a task between units",
    "coordination:task:change": "Changed the status of a task between units",
    "coordination:worklist:read": "Read the coordination worklist",
    "coordination:discharge:seed": "Created discharge plans (demo data)",
    "coordination:discharge_event:seed": "Created discharge plan history (demo data)",
    "coordination:discharge:admit": "Registered an admission and sent the admission notice",
    "coordination:discharge:read": "Read a discharge plan",
    "coordination:discharge:change": "Recorded a step of the discharge planning",
    "coordination:discharge:import": "Imported admissions and discharges",
    "coordination:admission:export": "Exported admissions for follow-up",
    # governance
    "governance:body:create": "Created a governance body",
    "governance:member:add": "Added a member to a governance body",
    "governance:directive:create": "Created a program directive",
    "governance:directive:update": "Changed a program directive",
    "governance:directive:transition": "Changed the state of a program directive",
    "governance:plan:create": "Created a plan",
    "governance:criteria:set": "Set the prioritisation criteria of a plan",
    "governance:project:create": "Created a project",
    "governance:project:update": "Changed a project",
    "governance:score:set": "Scored a project",
    "governance:action_plan:create": "Created an action plan",
    "governance:action_plan:transition": "Changed the state of an action plan",
    "governance:action:create": "Added an action to an action plan",
    "governance:action:update": "Changed an action",
    "governance:meeting:create": "Recorded a meeting",
    "governance:decision:create": "Recorded a decision",
    "governance:document:read": "Read a governance document",
    "governance:deadline:remind": "Sent deadline reminders",
    "governance:gov_body:seed": "Created governance bodies (demo data)",
    "governance:gov_member:seed": "Created members of governance bodies (demo data)",
    "governance:gov_directive:seed": "Created program directives (demo data)",
    "governance:gov_meeting:seed": "Created governance meetings (demo data)",
    "governance:gov_decision:seed": "Created governance decisions (demo data)",
    "governance:gov_plan:seed": "Created plans per programme area (demo data)",
    "governance:gov_criterion:seed": "Created prioritisation criteria (demo data)",
    "governance:gov_project:seed": "Created projects (demo data)",
    "governance:gov_score:seed": "Created project scores (demo data)",
    "governance:gov_action_plan:seed": "Created action plans (demo data)",
    "governance:gov_action:seed": "Created actions of action plans (demo data)",
    # notifications
    "notifications:notification:deliver": "Sent notifications to units and users",
    "notifications:notification:read": "Marked a notification read",
    # follow-up
    "followup:target:create": "Set a follow-up target",
    "followup:target:update": "Changed a follow-up target",
    "followup:target:delete": "Deleted a follow-up target",
    # organisations
    "organizations:organization:seed": "Created organisations (demo data)",
    "organizations:care_unit:seed": "Created care units (demo data)",
    "organizations:practitioner:seed": "Created practitioners (demo data)",
    "organizations:practitioner_role:seed": "Created practitioners' roles (demo data)",
    "organizations:organization:list": "Read the organisation register",
    "organizations:organization:create": "Created an organisation",
    "organizations:organization:update": "Changed an organisation",
    "organizations:care_unit:list": "Read the care units",
    "organizations:care_unit:create": "Created a care unit",
    "organizations:care_unit:update": "Changed a care unit",
    "organizations:care_unit:import": "Imported the unit catalogue",
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
    # OpenID Connect logins (accounts/oidc_service.py)
    "oidc_claim_missing": "The identity provider did not give the identifying claim.",
    "oidc_unknown_identity": "No account has the identity the identity provider gave.",
    "oidc_ambiguous_identity": "More than one account has the identity the identity provider gave.",
    "oidc_subject_mismatch": "The identity provider's subject is linked to another account.",
    "oidc_flow_invalid": "The login at the identity provider could not be verified.",
    "rate_limited": "Too many personnummer searches in a short time.",
    "not_system": "Only the platform may do this.",
    "system": "Done by the platform.",
    # the administrator's pages (issue 20)
    "not_imported": "The file had errors; nothing was imported.",
    "partial_import": "Only the file's good rows were imported, as the administrator asked.",
    "written_request": "On the patient's written request.",
    # care plans (careplans/service.py)
    "not_a_plan_participant": "Your organisation does not take part in the patient's care plan.",
    "no_sip_consent": "The patient has not consented to the SIP.",
}
