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
    # The administrator's pages (issue 20): users and their assignments (medarbetaruppdrag)
    USER_LIST = "accounts:user:list"
    USER_READ = "accounts:user:read"
    USER_CREATE = "accounts:user:create"
    MEMBERSHIP_ADD = "accounts:membership:add"
    MEMBERSHIP_END = "accounts:membership:end"
    MEMBERSHIP_SEED = "accounts:membership:seed"
    # OpenID Connect logins (accounts/oidc*.py): an identity linked at its first login, and a refused one
    OIDC_LINK = "accounts:oidc_identity:link"
    OIDC_REFUSED = "accounts:session:oidc-refused"  # denied: issuer, subject and why; never a token
