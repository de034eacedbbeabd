"""``naravard notifications deliver``: send the outbox through the demo's directory channel (a batch job)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from naravard.cli_common import console, load_settings

app = typer.Typer(help="Notifications to units and users: delivery of the outbox.", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """A group, so the command is typed with its name even while it is the only one."""


@app.command("deliver")
def deliver(
    directory: Annotated[Path, typer.Option("--to", help="Folder the directory channel writes to.")] = Path(
        "var/notifications"
    ),
    database: Annotated[
        str | None, typer.Option("--database", help="Database URL (default from settings).")
    ] = None,
) -> None:
    """Send every undelivered notification (one JSON file each in the folder)."""
    from naravard.db import make_engine, make_session_factory, transaction
    from naravard.notifications import service

    current = load_settings()
    engine = make_engine(database or current.database_url)
    factory = make_session_factory(engine, audit_key=current.audit_hmac_key.encode())
    try:
        with transaction(factory) as session:
            report = service.deliver_pending(session, channel=service.DirectoryChannel(directory))
    finally:
        engine.dispose()
    console.print(f"Delivered {report.delivered} notification(s); {report.failed} failed.")
