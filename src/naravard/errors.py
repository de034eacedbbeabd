"""One error tree, raised by services and mapped once per edge (API problem JSON, FHIR OperationOutcome,
HTML error page, CLI message)."""

from __future__ import annotations

from collections.abc import Callable, Mapping


class NaravardError(Exception):
    """Base of every error a service raises on purpose.

    ``message`` is English (the API's ``detail``, logs, the CLI). With ``params`` it is a ``%``-template
    (``"unknown indicator %(code)r"``) kept as ``key``, so an edge can translate the template and fill in the
    same values (:meth:`text`); a list or tuple value is joined with " or "."""

    status_code = 400
    code = "error"

    def __init__(
        self, message: str, *, field: str | None = None, params: Mapping[str, object] | None = None
    ) -> None:
        self.key = message
        self.params = dict(params or {})
        self.message = self.text(lambda s: s)
        super().__init__(self.message)
        self.field = field

    def text(self, translate: Callable[[str], str]) -> str:
        """The message through ``translate`` (keyed by the English template); the English message when the
        translation does not fit the parameters."""
        if not self.params:
            return translate(self.key)
        sep = translate(" or ")
        values = {
            k: sep.join(map(str, v)) if isinstance(v, list | tuple) else v for k, v in self.params.items()
        }
        try:
            return translate(self.key) % values
        except (KeyError, TypeError, ValueError):
            return self.key % values


class Invalid(NaravardError):
    """Input that can never succeed as given (bad personnummer, over-long field)."""

    status_code = 422
    code = "invalid"


class NotFound(NaravardError):
    status_code = 404
    code = "not-found"


class Forbidden(NaravardError):
    """The access policy refused; `reason` is the policy's code (e.g. ``blocked``), and the refusal is
    audit-logged by the unit of work."""

    status_code = 403
    code = "forbidden"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        params: Mapping[str, object] | None = None,
        reason: str | None = None,
    ) -> None:
        super().__init__(message, field=field, params=params)
        self.reason = reason


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


class RateLimited(NaravardError):
    """Too many attempts in a short time (identity lookups); the caller may try again later."""

    status_code = 429
    code = "rate-limited"


class Unavailable(NaravardError):
    """Something this installation lacks (a system library, an optional package); another time or another
    format may work, so it is not the caller's fault."""

    status_code = 503
    code = "unavailable"
