"""Login, logout (here or everywhere), language, the start page and the site's icon."""

from __future__ import annotations

import hmac
import secrets
from importlib import resources
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from naravard.accounts import service
from naravard.actor import Purpose, Role
from naravard.deps import LOGIN_CSRF_COOKIE, SESSION_COOKIE, CurrentActor, DbSession
from naravard.errors import Invalid, Unauthenticated
from naravard.web.templating import render

router = APIRouter(include_in_schema=False)

START_PAGE = {
    Role.CLINICIAN: "/patients",
    Role.MUNICIPAL_STAFF: "/patients",
    Role.UNIT_MANAGER: "/patients",
    Role.LOG_REVIEWER: "/audit",
    Role.ANALYST: "/followup",
    Role.PATIENT: "/min/",
}
# The purpose of use (actor.Purpose) in words, as the start page shows it.
PURPOSE_WORDS: dict[str, str] = {
    Purpose.CARE: "Care and treatment",
    Purpose.EMERGENCY: "Emergency access",
    Purpose.ADMINISTRATION: "Administration",
    Purpose.FOLLOWUP: "Follow-up and quality assurance",
    Purpose.AUDIT: "Follow-up of the access log",
    Purpose.SELF: "Your own data",
    Purpose.SYSTEM: "System",
}


def _safe_next(value: str | None) -> str:
    """Only same-site paths (no open redirect)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


@router.get("/", response_model=None)
def index(request: Request, db: DbSession) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        try:
            actor, _ = service.resolve(db, token=token)
        except Unauthenticated:
            return RedirectResponse("/login", status_code=303)
        return RedirectResponse(START_PAGE.get(actor.role, "/home"), status_code=303)
    return RedirectResponse("/login", status_code=303)


@router.get("/home", response_model=None)
def home(request: Request, actor: CurrentActor, db: DbSession) -> Response:
    if actor.role is Role.PATIENT:  # the patient's start page is their own: who has read my data
        return RedirectResponse(START_PAGE[Role.PATIENT], status_code=303)
    me = service.describe(db, actor=actor)
    return render(request, "home.html", me=me, purpose=PURPOSE_WORDS.get(me.purpose, me.purpose))


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    """The icon browsers ask for at this address on their own (the pages link /static/favicon.svg)."""
    icon = (resources.files("naravard.web") / "static" / "favicon.svg").read_bytes()
    return Response(icon, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})


def _login_page(
    request: Request,
    db: DbSession,
    *,
    message: str | None = None,
    next_path: str = "/",
    status_code: int = 200,
    username: str = "",
) -> HTMLResponse:
    settings = request.app.state.settings
    demo = settings.environment == "demo"
    login_csrf = secrets.token_urlsafe(24)
    response = render(
        request,
        "login.html",
        status_code=status_code,
        message=message,
        username=username,
        next=_safe_next(next_path),
        login_csrf=login_csrf,
        demo_users=service.list_demo_users(db) if demo else [],
        demo_password=settings.demo_password if demo else "",
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        login_csrf,
        httponly=True,
        samesite="strict",
        secure=settings.session_cookie_secure,
        max_age=3600,
    )
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, db: DbSession, next: str = "/") -> HTMLResponse:
    return _login_page(request, db, next_path=next)


@router.post("/login", response_model=None)
def login(
    request: Request,
    db: DbSession,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=200)],
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie.encode(), csrf_token.encode()):
        return _login_page(
            request,
            db,
            message="The form has expired. Try again.",
            next_path=next,
            status_code=400,
            username=username,
        )
    settings = request.app.state.settings
    try:
        info = service.login(
            db,
            username=username,
            password=password,
            hours=settings.session_hours,
            request_id=request.state.request_id,
        )
    except (Unauthenticated, Invalid):
        # the name stays in the field: only the password needs typing again
        return _login_page(
            request,
            db,
            message="Wrong username or password.",
            next_path=next,
            status_code=401,
            username=username,
        )
    target = _safe_next(next)
    if target == "/":
        target = START_PAGE.get(info.actor.role, "/home")
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        info.token,
        httponly=True,
        samesite="lax",
        secure=settings.session_cookie_secure,
        max_age=settings.session_hours * 3600,
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, actor: CurrentActor, db: DbSession) -> RedirectResponse:
    service.logout(db, token=request.state.session_token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.post("/logout-all")
def logout_all(actor: CurrentActor, db: DbSession) -> RedirectResponse:
    """Log out everywhere: end every session of the account, this one included."""
    service.logout_all(db, actor=actor)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/lang/{code}")
def set_language(code: str, next: str = "/") -> RedirectResponse:
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie("lang", "en" if code == "en" else "sv", samesite="lax", max_age=365 * 24 * 3600)
    return response
