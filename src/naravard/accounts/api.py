"""Login for API clients (the token goes in `Authorization: Bearer`), and the administrator's unlock."""

from __future__ import annotations

from fastapi import APIRouter, Request

from naravard.accounts import service
from naravard.accounts.schemas import (
    DemoUserOut,
    LoginRequest,
    LoginResponse,
    Me,
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
