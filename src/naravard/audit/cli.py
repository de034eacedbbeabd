"""``naravard audit verify``: check the audit trail's hash chain from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from naravard.cli_common import (
    console,
    demo_database_url,
    demo_secrets,
    fail,
    has_demo_secrets,
    load_settings,
)

app = typer.Typer(help="The audit trail.", no_args_is_help=True)


@app.command("verify")
def verify(
    database: Annotated[
        str | None, typer.Option("--database", help="Database URL (default from settings).")
    ] = None,
    data_dir: Annotated[Path | None, typer.Option(help="A demo data dir: read its key and database.")] = None,
) -> None:
    """Check the audit trail's hash chain; exit 0 when intact, 1 naming the first broken row."""
    from naravard.audit import service as audit_service
    from naravard.db import make_engine, make_session_factory

    current = load_settings()
    key, url = current.audit_hmac_key, database
    if data_dir is not None:  # the environment's key, else the demo's; --database, else the demo's
        values = demo_secrets(data_dir) if has_demo_secrets(data_dir) else {}
        key = key or values.get("audit_hmac_key", "")
        url = url or demo_database_url(data_dir)
    url = url or current.database_url
    if not key:
        raise fail("no audit key: set NARAVARD_AUDIT_HMAC_KEY or give --data-dir of a demo")
    try:
        engine = make_engine(url)
        factory = make_session_factory(engine, audit_key=key.encode())
        with factory() as session:
            result = audit_service.verify(session)
    except Exception as exc:
        raise fail(f"cannot read the audit trail: {str(exc).splitlines()[0]}") from exc
    if result.ok:
        console.print(f"Audit chain intact: {result.checked} rows.")
        return
    console.print(f"[red]Audit chain broken at row {result.first_broken_seq}:[/red] {result.problem}")
    raise typer.Exit(1)
