"""The patients context's audit actions (`audit_event.action`). Values are the tags already in the trail;
they never change, so a log reviewer's history of an action stays one list."""

from __future__ import annotations

from enum import StrEnum


class PatientAction(StrEnum):
    SEARCH = "patient:search"  # a name search or an identity lookup (detail.query_kind says which)
    OVERVIEW_READ = "patient:overview:read"
    CONTACT_UPDATE = "patient:contact:update"
    ACCESS_LOG_READ = "patient:access-log:read"
    # the patient reports a read of their data they question (detail: the row's seq and the note)
    ACCESS_QUESTION = "patient:access-log:question"
    # the log reviewer reads the reported reads
    ACCESS_QUESTION_LIST = "patient:access-log:list-questions"
    POPULATION_EXPORT = "patient:population:export"
    PERSON_SEED = "patients:person:seed"
