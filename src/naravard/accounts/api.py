"""Login for API clients: the token goes in `Authorization: Bearer`."""

from __future__ import annotations

from fastapi import APIRouter, Request

from naravard.accounts import service
from naravard.accounts.schemas import DemoUserOut, LoginRequest, LoginResponse, Me, SwitchRequest
from naravard.deps import CurrentActor, DbSession
from naravard.errors import NotFound

router = APIRouter(prefix="/auth", tags=["accounts"])


@router.post("/login", response_model=LoginResponse)
def login(body: LoginRequest, request: Request, db: DbSession) -> LoginResponse:
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


@router.post("/logout", status_code=204)
def logout(request: Request, actor: CurrentActor, db: DbSession) -> None:
    service.logout(db, token=request.state.session_token)


@router.post("/switch", response_model=Me)
def switch(body: SwitchRequest, request: Request, actor: CurrentActor, db: DbSession) -> Me:
    """Act for another of the user's assignments (medarbetaruppdrag) in this session."""
    new_actor = service.switch_membership(
        db, token=request.state.session_token, membership_id=body.membership_id
    )
    return service.describe(db, actor=new_actor)


@router.get("/me", response_model=Me)
def me(actor: CurrentActor, db: DbSession) -> Me:
    return service.describe(db, actor=actor)


@router.get("/demo-users", response_model=list[DemoUserOut])
def demo_users(request: Request, db: DbSession) -> list[DemoUserOut]:
    if request.app.state.settings.environment != "demo":
        raise NotFound("demo users are listed only in the demo")
    return service.list_demo_users(db)
