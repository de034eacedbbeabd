"""One error tree, raised by services and mapped once per edge (API problem JSON, FHIR OperationOutcome,
HTML error page, CLI message)."""

from __future__ import annotations


class NaravardError(Exception):
    """Base of every error a service raises on purpose."""

    status_code = 400
    code = "error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Invalid(NaravardError):
    """Input that can never succeed as given (bad personnummer, over-long field)."""

    status_code = 422
    code = "invalid"


class NotFound(NaravardError):
    status_code = 404
    code = "not-found"


class Forbidden(NaravardError):
    """The access policy refused; the refusal has been audit-logged."""

    status_code = 403
    code = "forbidden"


class Unauthenticated(NaravardError):
    status_code = 401
    code = "unauthenticated"


class Conflict(NaravardError):
    """A write based on an old version, or a duplicate."""

    status_code = 409
    code = "conflict"


class PreconditionFailed(Conflict):
    """If-Match did not match the current version."""

    status_code = 412
    code = "precondition-failed"


class BusinessRule(NaravardError):
    """A domain rule forbids this (e.g. a third listing change within 12 months)."""

    status_code = 422
    code = "business-rule"
