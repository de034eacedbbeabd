"""Login, logout (here or everywhere), language, the start page and the site's icon."""

from __future__ import annotations

import hmac
from importlib import resources
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from naravard.accounts import oidc, oidc_service, service
from naravard.actor import Purpose, Role
from naravard.config import Settings
from naravard.deps import LOGIN_CSRF_COOKIE, SESSION_COOKIE, CurrentActor, DbSession
from naravard.errors import Invalid, NotFound, Unauthenticated
from naravard.web import login_token
from naravard.web.i18n import translate
from naravard.web.templating import language_of, render

router = APIRouter(include_in_schema=False)

START_PAGE = {
    Role.CLINICIAN: "/patients",
    Role.MUNICIPAL_STAFF: "/patients",
    Role.UNIT_MANAGER: "/patients",
    Role.LOG_REVIEWER: "/audit",
    Role.ANALYST: "/followup",
    Role.PATIENT: "/min/",
    Role.ADMINISTRATOR: "/admin",
    Role.GOVERNANCE_OFFICER: "/styrning",
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
    login_csrf = login_token.issue(login_token.key(settings))  # signed: a planted pair is refused
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
        oidc_logins=oidc_logins(settings),
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
    if (
        not cookie
        or not hmac.compare_digest(cookie.encode(), csrf_token.encode())
        or not login_token.valid(login_token.key(request.app.state.settings), cookie)
        or not login_token.same_origin_post(request)
    ):
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


# --- OpenID Connect logins (accounts/oidc.py, accounts/oidc_service.py, docs/adr/0005-oidc-logins.md) ---------

OIDC_FLOW_COOKIE = "naravard_oidc_flow"
OIDC_FLOW_PATH = "/login/oidc"
# The login page's buttons, one per configured audience (Swedish in accounts/messages.py).
OIDC_BUTTONS = {
    oidc.Audience.STAFF: "Staff: log in with e-identification",
    oidc.Audience.PATIENT: "Patients: log in with e-identification",
}


def oidc_logins(settings: Settings) -> list[tuple[str, str]]:
    """(audience, button text) of every audience with a provider configured, for the login page."""
    return [(audience.value, OIDC_BUTTONS[audience]) for audience in oidc.configured_audiences(settings)]


def _provider(request: Request, audience: str) -> oidc.ProviderConfig:
    try:
        config = oidc.provider_config(request.app.state.settings, oidc.Audience(audience))
    except ValueError:
        config = None
    if config is None:
        raise NotFound("no identity provider for %(audience)s", params={"audience": audience})
    return config


def _callback_uri(request: Request, audience: str) -> str:
    return str(request.url_for("oidc_callback", audience=audience))


@router.get("/login/oidc/{audience}", response_model=None)
def oidc_start(
    request: Request, db: DbSession, audience: str, next: Annotated[str, Query(max_length=500)] = "/"
) -> Response:
    """Leave for the audience's identity provider (authorization code flow with PKCE)."""
    config = _provider(request, audience)
    try:
        started = oidc_service.start(
            db, config=config, redirect_uri=_callback_uri(request, audience), next_path=_safe_next(next)
        )
    except oidc.OidcError:
        return _oidc_refused(request, oidc_service.OidcRefused("oidc_unavailable"), status_code=503)
    response = RedirectResponse(started.url, status_code=303)
    # Lax, not Strict: the provider sends the browser back with a top-level GET from its own site
    response.set_cookie(
        OIDC_FLOW_COOKIE,
        started.cookie_token,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.session_cookie_secure,
        max_age=int(oidc_service.FLOW_LIFETIME.total_seconds()),
        path=OIDC_FLOW_PATH,
    )
    return response


@router.get("/login/oidc/{audience}/callback", name="oidc_callback", response_model=None)
def oidc_callback(
    request: Request,
    db: DbSession,
    audience: str,
    code: Annotated[str | None, Query(max_length=2000)] = None,
    state: Annotated[str | None, Query(max_length=200)] = None,
    error: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """Back from the provider: verify, map to the account, open the session as the password login does."""
    config = _provider(request, audience)
    settings = request.app.state.settings
    try:
        finished = oidc_service.finish(
            db,
            config=config,
            cookie_token=request.cookies.get(OIDC_FLOW_COOKIE),
            state=state,
            code=code,
            error=error,
            redirect_uri=_callback_uri(request, audience),
            hours=settings.session_hours,
            request_id=request.state.request_id,
        )
    except oidc_service.OidcRefused as refused:
        # nothing of the refused login is kept but its audit row and the used-up flow (written after this
        # rollback by the unit of work)
        db.rollback()
        page = _oidc_refused(request, refused)
        page.delete_cookie(OIDC_FLOW_COOKIE, path=OIDC_FLOW_PATH)
        return page
    target = finished.next_path
    if target == "/":
        target = START_PAGE.get(finished.info.actor.role, "/home")
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        finished.info.token,
        httponly=True,
        samesite="lax",
        secure=settings.session_cookie_secure,
        max_age=settings.session_hours * 3600,
    )
    response.delete_cookie(OIDC_FLOW_COOKIE, path=OIDC_FLOW_PATH)
    return response


def _oidc_refused(
    request: Request, refused: oidc_service.OidcRefused, status_code: int = 403
) -> HTMLResponse:
    """The refusal page: why, in the page's language, and the way back to the login page."""
    lang = language_of(request)
    return render(
        request,
        "error.html",
        status_code=status_code,
        status=status_code,
        title=translate("Login refused", lang),
        detail=translate(refused.words, lang),
        problems=[],
    )


# --- The administrator's pages (accounts/admin_web.py: users, assignments, unlocking) --------------------------

from naravard.accounts import admin_web  # noqa: E402  (its routes join this context's page router)

router.include_router(admin_web.router)
