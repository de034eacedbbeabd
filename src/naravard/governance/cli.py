"""``naravard governance remind``: notify the owners of governance deadlines (run daily by a batch job)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from naravard.cli_common import console, fail, load_settings

app = typer.Typer(help="Governance: reminders of deadlines.", no_args_is_help=True)


@app.callback()
def main() -> None:
    """Governance commands."""


@app.command("remind")
def remind(
    days: Annotated[int, typer.Option("--days", help="Remind of deadlines within this many days.")] = 14,
    on: Annotated[
        str | None, typer.Option("--on", help="The day to run as (YYYY-MM-DD; default today).")
    ] = None,
    database: Annotated[
        str | None, typer.Option("--database", help="Database URL (default from settings).")
    ] = None,
) -> None:
    """Notify the owner of every deadline within --days (and every missed one) through the notifications
    outbox; once per deadline and day, so running it twice a day sends nothing the second time."""
    from naravard.actor import system_actor
    from naravard.db import make_engine, make_session_factory, transaction
    from naravard.errors import NaravardError
    from naravard.governance import service

    current = load_settings()
    engine = make_engine(database or current.database_url)
    factory = make_session_factory(engine, audit_key=current.audit_hmac_key.encode())
    try:
        day = dt.date.fromisoformat(on) if on else None
        with transaction(factory) as session:
            sent = service.remind(session, actor=system_actor("governance-remind"), within_days=days, on=day)
    except (NaravardError, ValueError) as exc:
        raise fail(str(exc)) from exc
    finally:
        engine.dispose()
    console.print(f"Sent {sent} reminder(s).")
