"""The contacts context's audit actions (`audit_event.action`)."""

from __future__ import annotations

from enum import StrEnum


class ContactAction(StrEnum):
    LISTING_SEED = "contacts:listing:seed"
    LISTING_END = "contacts:listing:end"
    LISTING_MOVE = "contacts:listing:move"
    FIXED_SEED = "contacts:fixed_contact:seed"
    FIXED_ASSIGN = "contacts:fixed_contact:assign"
    FIXED_CHANGE = "contacts:fixed_contact:change"
    FIXED_END = "contacts:fixed_contact:end"
    FIXED_READ = "contacts:fixed_contact:read"  # a patient's fixed contacts and their history
    FIXED_IMPORT = "contacts:fixed_contact:import"
    FIXED_EXPORT = "contacts:fixed_contact:export"  # to the follow-up lake
    UNIT_READ = "contacts:unit:read"  # the manager's page: the listed population
    UNIT_SETTINGS = "contacts:unit:settings"
    PROPOSAL_READ = "contacts:proposal:read"
    PROPOSAL_CONFIRM = "contacts:proposal:confirm"
    NOTICE_SEED = "contacts:notice:seed"
    NOTICE_DELIVER = "contacts:notice:deliver"
    NOTICE_FAIL = "contacts:notice:fail"
    NOTICE_LIST = "contacts:notice:list"
    NOTICE_RESEND = "contacts:notice:resend"
    MINE_READ = "contacts:mine:read"  # the patient's own page
