"""Login for API clients (the token goes in `Authorization: Bearer`), and the administrator's unlock."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from naravard.accounts import service
from naravard.accounts.schemas import (
    AdminUserOut,
    AssignmentRequest,
    DemoUserOut,
    LoginRequest,
    LoginResponse,
    Me,
    NewUserRequest,
    SwitchRequest,
    UnlockOut,
)
from naravard.deps import CurrentActor, DbSession
from naravard.errors import NotFound

router = APIRouter(tags=["accounts"])


@router.post("/auth/login", response_model=LoginResponse)
def login(body: LoginRequest, request: Request, db: DbSession) -> LoginResponse:
    """A wrong password, an unknown user and a locked account all get the same 401. After 5 wrong
    passwords in a row the account is locked for a minute, doubling with each further one (at most 30
    minutes), and its open sessions end."""
    info = service.login(
        db,
        username=body.username,
        password=body.password,
        membership_id=body.membership_id,
        hours=request.app.state.settings.session_hours,
        request_id=request.state.request_id,
    )
    return LoginResponse(
        token=info.token, csrf_token=info.csrf_token, me=service.describe(db, actor=info.actor)
    )


@router.post("/auth/logout", status_code=204)
def logout(request: Request, actor: CurrentActor, db: DbSession) -> None:
    service.logout(db, token=request.state.session_token)


@router.post("/auth/logout-all", status_code=204)
def logout_all(actor: CurrentActor, db: DbSession) -> None:
    """End every session of the current account, this one included (log out everywhere)."""
    service.logout_all(db, actor=actor)


@router.post("/auth/switch", response_model=Me)
def switch(body: SwitchRequest, request: Request, actor: CurrentActor, db: DbSession) -> Me:
    """Act for another of the user's assignments (medarbetaruppdrag) in this session."""
    new_actor = service.switch_membership(
        db, token=request.state.session_token, membership_id=body.membership_id
    )
    return service.describe(db, actor=new_actor)


@router.get("/auth/me", response_model=Me)
def me(actor: CurrentActor, db: DbSession) -> Me:
    return service.describe(db, actor=actor)


@router.get("/auth/demo-users", response_model=list[DemoUserOut])
def demo_users(request: Request, db: DbSession) -> list[DemoUserOut]:
    if request.app.state.settings.environment != "demo":
        raise NotFound("demo users are listed only in the demo")
    return service.list_demo_users(db)


@router.post("/users/{username}/unlock", response_model=UnlockOut)
def unlock(username: str, actor: CurrentActor, db: DbSession) -> UnlockOut:
    """Lift the lock after wrong passwords and reset their count (administrators only; 403 otherwise)."""
    return service.unlock_user(db, actor=actor, username=username)


# --- The administrator's users and assignments (issue 20; the pages at /admin/anvandare call the same) -------


@router.get("/users", response_model=list[AdminUserOut])
def users(
    actor: CurrentActor,
    db: DbSession,
    q: Annotated[str, Query(max_length=100)] = "",
    locked: bool = False,
) -> list[AdminUserOut]:
    """Staff accounts (username or name containing `q`; `locked`: only those locked now), with their
    assignments, purpose of use and lock state. Administrators only; 403 otherwise."""
    return service.admin_users(db, actor=actor, query=q, locked_only=locked)


@router.post("/users", response_model=AdminUserOut, status_code=201)
def create_user(body: NewUserRequest, actor: CurrentActor, db: DbSession) -> AdminUserOut:
    """A staff account with its first assignment (role at the unit named by its HSA-id)."""
    return service.admin_create_user(db, actor=actor, request=body)


@router.get("/users/{username}", response_model=AdminUserOut)
def user(username: str, actor: CurrentActor, db: DbSession) -> AdminUserOut:
    return service.admin_user(db, actor=actor, username=username)


@router.post("/users/{username}/assignments", response_model=AdminUserOut, status_code=201)
def add_assignment(
    username: str, body: AssignmentRequest, actor: CurrentActor, db: DbSession
) -> AdminUserOut:
    """Give the user a role at a unit (medarbetaruppdrag); 409 when they already have it."""
    return service.add_assignment(db, actor=actor, username=username, request=body)


@router.post("/users/{username}/assignments/{membership_id}/end", response_model=AdminUserOut)
def end_assignment(
    username: str, membership_id: uuid.UUID, actor: CurrentActor, db: DbSession
) -> AdminUserOut:
    """End an assignment; the sessions acting for it end too."""
    return service.end_assignment(db, actor=actor, username=username, membership_id=membership_id)
