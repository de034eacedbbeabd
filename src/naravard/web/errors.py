"""One mapping of the error tree per edge: problem JSON under /api, an error page or a redirect in the UI.

The error page speaks the page's language: a heading and a text per status code (Starlette's ``detail``,
"Not Found", "Method Not Allowed", is English and stays the API's), and a validation error's problems in
words (`validation_messages`) instead of pydantic's messages."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from naravard.errors import Invalid, NaravardError, Unauthenticated
from naravard.web.i18n import catalogue, translate
from naravard.web.templating import language_of, render

log = logging.getLogger("naravard")

# The error page's heading and text by status code (English keys; Swedish in web/messages.py).
TITLES = {
    403: "Access refused",
    404: "Page not found",
    405: "Not possible here",
    422: "Check what was entered",
    429: "Too many attempts",
}
DEFAULT_TITLE = "Something went wrong"
STATUS_TEXTS = {
    400: "The request could not be understood. Go back and try again.",
    401: "You need to log in to see this page.",
    403: "You do not have access to this page.",
    404: "There is no page at this address. Check the address, or go back and follow a link.",
    405: "This page cannot be used that way. Go back and use the page's own links and buttons.",
    409: "The data was changed meanwhile. Reload the page and try again.",
    413: "What was sent is too large.",
    415: "What was sent is in a form this page does not accept.",
    422: "Something in the address or the form could not be used.",
    429: "Too many attempts in a short time. Wait a while and try again.",
    500: (
        "An unexpected error occurred; nothing was saved. Try again, and if it happens again, "
        "give the request id below to your support."
    ),
    503: "The service is not available right now. Try again later.",
}
DEFAULT_STATUS_TEXT = "The request could not be carried out."

# A validation error in words: where (pydantic's loc[0]) and what (its type), with the type's ctx values.
PLACES = {
    "query": "in the address",
    "path": "in the address",
    "body": "in the form",
    "form": "in the form",
    "header": "in a header",
    "cookie": "in a cookie",
}
PROBLEMS = {
    "missing": "is missing",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "decimal_parsing": "must be a number",
    "bool_parsing": "must be yes or no (true or false)",
    "bool_type": "must be yes or no (true or false)",
    "uuid_parsing": "must be an id (UUID)",
    "uuid_type": "must be an id (UUID)",
    "uuid_version": "must be an id (UUID)",
    "date_parsing": "must be a date (YYYY-MM-DD)",
    "date_type": "must be a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "must be a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "must be a date (YYYY-MM-DD)",
    "datetime_parsing": "must be a date and time (YYYY-MM-DD HH:MM)",
    "datetime_type": "must be a date and time (YYYY-MM-DD HH:MM)",
    "datetime_from_date_parsing": "must be a date and time (YYYY-MM-DD HH:MM)",
    "time_parsing": "must be a time (HH:MM)",
    "string_type": "must be text",
    "string_too_short": "must be at least %(min_length)s characters",
    "string_too_long": "may be at most %(max_length)s characters",
    "string_pattern_mismatch": "is not in the expected form",
    "too_short": "needs at least %(min_length)s values",
    "too_long": "may have at most %(max_length)s values",
    "greater_than": "must be greater than %(gt)s",
    "greater_than_equal": "must be at least %(ge)s",
    "less_than": "must be less than %(lt)s",
    "less_than_equal": "may be at most %(le)s",
    "enum": "must be one of %(expected)s",
    "literal_error": "must be one of %(expected)s",
    "json_invalid": "is not valid JSON",
    "list_type": "must be a list",
    "extra_forbidden": "is not expected",
}
UNACCEPTED = "has a value that is not accepted"
# A validator's own message (pydantic's value_error, assertion_error) is shown when it has a translation.
OWN_MESSAGE_TYPES = ("value_error", "assertion_error")


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def local_next(request: Request) -> str:
    """This request's path and query, URL-encoded for a ``next`` parameter. It always starts with exactly one
    ``/`` and holds no backslash (browsers read ``/\\host`` as ``//host``), so a path such as ``//evil.example``
    cannot turn the redirect after login into an open one."""
    path = "/" + request.url.path.replace("\\", "/").lstrip("/")
    if request.url.query:
        path += "?" + request.url.query
    return quote(path, safe="")


def problem(request: Request, status: int, title: str, detail: str, **extra: object) -> JSONResponse:
    body = {
        "type": f"https://naravard.se/problems/{title}",
        "title": title,
        "status": status,
        "detail": detail,
        "request_id": getattr(request.state, "request_id", None),
        **{k: v for k, v in extra.items() if v is not None},
    }
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


def status_text(status: int) -> str:
    """What a status code means to the person who sees the error page (English key)."""
    return STATUS_TEXTS.get(status, DEFAULT_STATUS_TEXT)


def _page(request: Request, status: int, detail: str | None = None, problems: Sequence[str] = ()) -> Response:
    """The error page: a heading for the status and what went wrong, in the page's language. ``detail`` is
    already in that language; without it the page says what the status means."""
    lang = language_of(request)
    return render(
        request,
        "error.html",
        status_code=status,
        status=status,
        title=translate(TITLES.get(status, DEFAULT_TITLE), lang),
        detail=detail or translate(status_text(status), lang),
        problems=list(problems),
    )


def _filled(template: str, values: Mapping[str, object], tr: Callable[[str], str]) -> str:
    """``template`` translated and filled; the English template when the translation does not fit."""
    try:
        return tr(template) % values
    except (KeyError, TypeError, ValueError):
        try:
            return template % values
        except (KeyError, TypeError, ValueError):
            return tr(UNACCEPTED)


def _problem(error: Mapping[str, Any], lang: str) -> str:
    """What is wrong with one value, in words of the page's language."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}

    def tr(text: str) -> str:
        return translate(text, lang)

    if kind in OWN_MESSAGE_TYPES and ctx.get("error") is not None:
        own = str(ctx["error"])
        if lang == "en" or own in catalogue():
            return tr(own)
        return tr(UNACCEPTED)
    values = {key: str(value) for key, value in ctx.items()}
    if "expected" in values:  # pydantic's "'month', 'quarter' or 'year'"
        values["expected"] = values["expected"].replace(" or ", tr(" or "))
    return _filled(PROBLEMS.get(kind, UNACCEPTED), values, tr)


def validation_messages(errors: Sequence[Mapping[str, Any]], lang: str) -> list[str]:
    """Pydantic's errors (``exc.errors()`` of a RequestValidationError or a ValidationError) as sentences in
    the page's language, one per error: ``”offset” i adressen: måste vara ett heltal``. A page that shows
    a form's errors itself may use this too."""
    messages: list[str] = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        place = PLACES.get(loc[0]) if loc else None
        # a JSON body that does not parse: its loc is the position of the fault, not a field
        field = "" if error.get("type") == "json_invalid" else ".".join(loc[1:] if place else loc)
        values = {
            "field": field,
            "place": translate(place or "in the form", lang),
            "problem": _problem(error, lang),
        }
        template = "“%(field)s” %(place)s: %(problem)s" if field else "What was sent: %(problem)s"
        message = _filled(template, values, lambda text: translate(text, lang))
        if message not in messages:
            messages.append(message)
    return messages


OUT_OF_RANGE = "a number or date in the request is out of range"


def error_response(request: Request, exc: NaravardError) -> Response:
    """The answer to an error of the tree: problem JSON under /api/, else the error page (or, when not logged
    in, the redirect to /login). Also used by the app's edge for what it refuses before any route runs."""
    if _is_api(request):
        return problem(
            request,
            exc.status_code,
            exc.code,
            exc.message,
            field=exc.field,
            reason=getattr(exc, "reason", None),
        )
    if isinstance(exc, Unauthenticated):
        return RedirectResponse(f"/login?next={local_next(request)}", status_code=303)
    # the page's language; the API above keeps the English message as its stable ``detail``
    lang = language_of(request)
    return _page(request, exc.status_code, exc.text(lambda text: translate(text, lang)))


def _http_detail(exc: StarletteHTTPException, lang: str) -> str | None:
    """An HTTP error's own detail for the page, translated; None when it is only the status's standard
    phrase ("Not Found"), which the page's status text replaces."""
    detail = str(exc.detail)
    try:
        if detail == HTTPStatus(exc.status_code).phrase:
            return None
    except ValueError:
        pass
    return translate(detail, lang)


def install(app: FastAPI) -> None:
    @app.exception_handler(NaravardError)
    async def _domain(request: Request, exc: NaravardError) -> Response:
        return error_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        if _is_api(request):
            errors = [
                {
                    "loc": [str(p) for p in e.get("loc", ())],
                    "msg": e.get("msg", ""),
                    "type": e.get("type", ""),
                }
                for e in exc.errors()
            ]
            summary = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors[:5])
            return problem(request, 422, "invalid", summary or "invalid request", errors=errors)
        return _page(request, 422, problems=validation_messages(exc.errors()[:10], language_of(request)))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if _is_api(request):
            return problem(request, exc.status_code, "http-error", str(exc.detail))
        page = _page(request, exc.status_code, _http_detail(exc, language_of(request)))
        page.headers.update(exc.headers or {})  # a 405's Allow, a 401's WWW-Authenticate
        return page

    # A number or date past what the database or date arithmetic can hold (2**63 as an offset, a version
    # past PostgreSQL's integer, year 0 moved a zone) is the client's input, not our fault: 422, after the
    # unit of work has rolled back (get_db sees the error first). The bounds in naravard.bounds refuse
    # such input at the edge with the field named; this is the net under what they do not cover.
    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def _out_of_range(request: Request, exc: Exception) -> Response:
        log.warning("input out of range in request %s: %s", getattr(request.state, "request_id", "?"), exc)
        return error_response(request, Invalid(OUT_OF_RANGE))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error in request %s", getattr(request.state, "request_id", "?"))
        if _is_api(request):
            return problem(request, 500, "internal-error", "an unexpected error occurred; nothing was saved")
        return _page(request, 500)
