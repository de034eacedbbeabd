"""The administrator's pages of accounts (/admin, /admin/anvandare): users and their assignments
(medarbetaruppdrag) with unit and purpose, lock state and unlocking. Each action calls the service function
the API calls. Included in the context's page router (`accounts.web`)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from naravard.accounts import service
from naravard.accounts.actions import AccountAction
from naravard.accounts.schemas import AssignmentRequest, NewUserRequest
from naravard.deps import CurrentActor, DbSession
from naravard.errors import Forbidden, NaravardError
from naravard.web.errors import validation_messages
from naravard.web.i18n import translate
from naravard.web.templating import language_of, render

router = APIRouter(include_in_schema=False)

INVALID_FORM = "The form has values that cannot be saved; check them and try again."
ROLES = [r.value for r in service.ASSIGNABLE_ROLES]


def _run(request: Request, write: Callable[[], object]) -> tuple[str | None, int]:
    """One service write: (None, 200), or the reason in the page's language and its status (a refusal, 403,
    goes on to the error page; its audit row is kept)."""
    lang = language_of(request)
    try:
        write()
    except ValidationError as exc:
        return " ".join([translate(INVALID_FORM, lang), *validation_messages(exc.errors(), lang)]), 422
    except NaravardError as exc:
        if isinstance(exc, Forbidden):
            raise
        return exc.text(lambda s: translate(s, lang)), exc.status_code
    return None, 200


def _purpose_words() -> dict[str, str]:
    from naravard.accounts.web import PURPOSE_WORDS  # the start page's words (that module includes this one)

    return PURPOSE_WORDS


@router.get("/admin", response_class=HTMLResponse)
def admin_home(request: Request, actor: CurrentActor, db: DbSession) -> HTMLResponse:
    locked = service.admin_users(db, actor=actor, locked_only=True)
    return render(request, "accounts/admin_home.html", locked=locked)


def _users_page(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    *,
    query: str = "",
    locked_only: bool = False,
    typed: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "accounts/admin_users.html",
        status_code=status,
        users=service.admin_users(db, actor=actor, query=query, locked_only=locked_only),
        query=query,
        locked_only=locked_only,
        roles=ROLES,
        typed=typed or {},
        error=error,
    )


@router.get("/admin/anvandare", response_class=HTMLResponse)
def users_page(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    q: Annotated[str, Query(max_length=100)] = "",
    last: Annotated[str, Query(max_length=1)] = "",
) -> HTMLResponse:
    return _users_page(request, actor, db, query=q, locked_only=last == "1")


@router.post("/admin/anvandare", response_model=None)
def create_user(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    username: Annotated[str, Form(max_length=64)] = "",
    display_name: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    role: Annotated[str, Form(max_length=32)] = "",
    unit_hsa_id: Annotated[str, Form(max_length=31)] = "",
) -> HTMLResponse | RedirectResponse:
    service.require_administrator(db, actor=actor, action=AccountAction.USER_CREATE)
    typed = {"username": username, "display_name": display_name, "role": role, "unit_hsa_id": unit_hsa_id}
    error, status = _run(
        request,
        lambda: service.admin_create_user(
            db, actor=actor, request=NewUserRequest(**typed, password=password)
        ),
    )
    if error:
        db.rollback()
        return _users_page(request, actor, db, typed=typed, error=error, status=status)
    return RedirectResponse(f"/admin/anvandare/{quote(username.strip().lower())}?sparat=1", status_code=303)


def _user_page(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    username: str,
    *,
    done: str = "",
    typed: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "accounts/admin_user.html",
        status_code=status,
        user=service.admin_user(db, actor=actor, username=username),
        roles=ROLES,
        purpose_words=_purpose_words(),
        done=done,
        typed=typed or {},
        error=error,
    )


@router.get("/admin/anvandare/{username}", response_class=HTMLResponse)
def user_page(
    request: Request,
    username: str,
    actor: CurrentActor,
    db: DbSession,
    sparat: Annotated[str, Query(max_length=20)] = "",
) -> HTMLResponse:
    return _user_page(request, actor, db, username, done=sparat)


def _after(
    request: Request,
    actor: CurrentActor,
    db: DbSession,
    username: str,
    write: Callable[[], object],
    done: str,
) -> HTMLResponse | RedirectResponse:
    error, status = _run(request, write)
    if error:
        db.rollback()
        return _user_page(request, actor, db, username, error=error, status=status)
    return RedirectResponse(f"/admin/anvandare/{quote(username)}?sparat={done}", status_code=303)


@router.post("/admin/anvandare/{username}/uppdrag", response_model=None)
def add_assignment(
    request: Request,
    username: str,
    actor: CurrentActor,
    db: DbSession,
    role: Annotated[str, Form(max_length=32)] = "",
    unit_hsa_id: Annotated[str, Form(max_length=31)] = "",
) -> HTMLResponse | RedirectResponse:
    service.require_administrator(db, actor=actor, action=AccountAction.MEMBERSHIP_ADD)
    return _after(
        request,
        actor,
        db,
        username,
        lambda: service.add_assignment(
            db, actor=actor, username=username, request=AssignmentRequest(role=role, unit_hsa_id=unit_hsa_id)
        ),
        "added",
    )


@router.post("/admin/anvandare/{username}/uppdrag/{membership_id}/avsluta", response_model=None)
def end_assignment(
    request: Request, username: str, membership_id: uuid.UUID, actor: CurrentActor, db: DbSession
) -> HTMLResponse | RedirectResponse:
    return _after(
        request,
        actor,
        db,
        username,
        lambda: service.end_assignment(db, actor=actor, username=username, membership_id=membership_id),
        "ended",
    )


@router.post("/admin/anvandare/{username}/las-upp", response_model=None)
def unlock(
    request: Request, username: str, actor: CurrentActor, db: DbSession
) -> HTMLResponse | RedirectResponse:
    """Lift the lock after wrong passwords (`service.unlock_user`, as `POST /api/users/{username}/unlock`)."""
    return _after(
        request,
        actor,
        db,
        username,
        lambda: service.unlock_user(db, actor=actor, username=username),
        "unlocked",
    )
