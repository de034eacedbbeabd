"""Request-scoped dependencies shared by every HTTP edge: the unit of work, the actor and CSRF checks.

The unit of work commits when the route function returns and rolls back on any error, so a request
writes everything (its work and its audit rows) or nothing.
"""

from __future__ import annotations

import dataclasses
import hmac
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from naravard.accounts import service as accounts_service
from naravard.actor import Actor
from naravard.db import end_unit_of_work
from naravard.errors import Forbidden, Unauthenticated

SESSION_COOKIE = "naravard_session"
LOGIN_CSRF_COOKIE = "naravard_login_csrf"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


async def get_db(request: Request) -> AsyncIterator[Session]:
    """The request's unit of work. An async generator on purpose: its commit runs on the event loop the
    moment the route returns, instead of waiting for a free worker thread while the transaction holds the
    audit chain's lock (SQLite's write lock, PostgreSQL's advisory lock). A commit is a short call."""
    session: Session = request.app.state.session_factory()
    try:
        yield session
    except BaseException:
        end_unit_of_work(session, failed=True)
        raise
    else:
        end_unit_of_work(session, failed=False)
    finally:
        session.close()


DbSession = Annotated[Session, Depends(get_db, scope="function")]


def _token_from(request: Request) -> tuple[str | None, bool]:
    """(token, came_from_cookie)."""
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip(), False
    return request.cookies.get(SESSION_COOKIE), True


async def form_csrf(request: Request) -> None:
    """Read the form's csrf_token before `current_actor` checks it (plain HTML form posts)."""
    if request.method in UNSAFE_METHODS and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get("csrf_token")
        request.state.form_csrf = value if isinstance(value, str) else None


def current_actor(request: Request, db: DbSession, _form: Annotated[None, Depends(form_csrf)]) -> Actor:
    token, from_cookie = _token_from(request)
    if not token:
        raise Unauthenticated("not logged in")
    actor, login_session = accounts_service.resolve(db, token=token, request_id=request.state.request_id)
    # the client's own X-Request-Id, bounded by the app's edge, goes to the audit rows apart from ours
    actor = dataclasses.replace(actor, client_request_id=getattr(request.state, "client_request_id", None))
    request.state.actor = actor
    request.state.csrf_token = login_session.csrf_token
    request.state.session_token = token
    # Cookie-authenticated writes must prove they come from our own pages (double submit of the
    # session's CSRF token, in a header for htmx/API calls or a form field for plain forms).
    if from_cookie and request.method in UNSAFE_METHODS:
        sent = request.headers.get("X-CSRF-Token") or getattr(request.state, "form_csrf", None)
        # as bytes: compare_digest refuses str with non-ASCII characters (a TypeError, a 500)
        if not sent or not hmac.compare_digest(sent.encode(), login_session.csrf_token.encode()):
            raise Forbidden("missing or wrong CSRF token", field="csrf")
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]
