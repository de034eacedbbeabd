"""One mapping of the error tree per edge: problem JSON under /api, an error page or a redirect in the UI."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from naravard.errors import NaravardError, Unauthenticated
from naravard.web.i18n import translate
from naravard.web.templating import language_of, render

log = logging.getLogger("naravard")


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


def _page(request: Request, status: int, detail: str | None = None) -> Response:
    """The error page: the status and, when there is one, what went wrong in the page's language."""
    return render(request, "error.html", status_code=status, status=status, detail=detail)


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


def install(app: FastAPI) -> None:
    @app.exception_handler(NaravardError)
    async def _domain(request: Request, exc: NaravardError) -> Response:
        return error_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        summary = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors[:5])
        if _is_api(request):
            return problem(request, 422, "invalid", summary or "invalid request", errors=errors)
        return _page(request, 422, summary)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if _is_api(request):
            return problem(request, exc.status_code, "http-error", str(exc.detail))
        return _page(request, exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error in request %s", getattr(request.state, "request_id", "?"))
        if _is_api(request):
            return problem(request, 500, "internal-error", "an unexpected error occurred; nothing was saved")
        return _page(request, 500)
