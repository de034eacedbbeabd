"""The accounts context's audit actions (`audit_event.action`)."""

from __future__ import annotations

from enum import StrEnum


class AccountAction(StrEnum):
    LOGIN = "accounts:session:login"
    LOGIN_FAILED = "accounts:session:login-failed"  # denied: the username tried, never the password
    SWITCH = "accounts:session:switch"
    LOGOUT_ALL = "accounts:session:logout-all"
    LOCKED = "accounts:user:locked"
    UNLOCK = "accounts:user:unlock"
    USER_SEED = "accounts:user_account:seed"
    MEMBERSHIP_SEED = "accounts:membership:seed"
