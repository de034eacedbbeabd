"""``naravard audit verify`` and ``naravard audit seal``: check and seal the audit trail's hash chain."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session, sessionmaker

from naravard.cli_common import (
    console,
    demo_database_url,
    demo_secrets,
    fail,
    has_demo_secrets,
    load_settings,
)
from naravard.config import Settings

app = typer.Typer(help="The audit trail.", no_args_is_help=True)


DatabaseOption = Annotated[
    str | None, typer.Option("--database", help="Database URL (default from settings).")
]
DataDirOption = Annotated[Path | None, typer.Option(help="A demo data dir: read its key and database.")]
CheckpointOption = Annotated[
    Path | None,
    typer.Option(
        "--checkpoint-dir",
        help="Folder of the chain's signed checkpoints (default: NARAVARD_AUDIT_CHECKPOINT_DIR).",
    ),
]


def _factory(database: str | None, data_dir: Path | None) -> tuple[sessionmaker[Session], Settings]:
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
    return make_session_factory(make_engine(url), audit_key=key.encode()), current


@app.command("verify")
def verify(
    database: DatabaseOption = None, data_dir: DataDirOption = None, checkpoint_dir: CheckpointOption = None
) -> None:
    """Check the sealed hash chain and the checkpoints of its head; report rows not sealed yet.
    Exit 0 when intact, 1 naming the first broken row."""
    from naravard.audit import service as audit_service

    factory, current = _factory(database, data_dir)
    checkpoints = checkpoint_dir or current.audit_checkpoint_dir
    try:
        with factory() as session:
            result = audit_service.verify(session, checkpoint_dir=checkpoints)
    except Exception as exc:
        raise fail(f"cannot read the audit trail: {str(exc).splitlines()[0]}") from exc
    if result.unsealed:
        console.print(
            f"Not sealed yet: {result.unsealed} rows, the oldest {result.unsealed_age or 0:.0f} s old "
            "(`naravard audit seal` seals them)."
        )
    if checkpoints is None:
        console.print("No checkpoint folder given: deleting the newest rows would not be detected.")
    if result.ok:
        console.print(f"Audit chain intact: {result.checked} rows, {result.checkpoints} checkpoints agree.")
        return
    console.print(f"[red]Audit chain broken at row {result.first_broken_seq}:[/red] {result.problem}")
    raise typer.Exit(1)


@app.command("seal")
def seal(
    database: DatabaseOption = None, data_dir: DataDirOption = None, checkpoint_dir: CheckpointOption = None
) -> None:
    """Chain every committed unsealed row now and write a checkpoint of the chain's head."""
    from naravard.audit import sealing

    factory, current = _factory(database, data_dir)
    checkpoints = checkpoint_dir or current.audit_checkpoint_dir
    try:
        done = sealing.seal_all(factory)
        path = None
        if checkpoints is not None:
            with factory() as session:
                path = sealing.write_checkpoint(session, checkpoints)
    except Exception as exc:
        raise fail(f"cannot seal the audit trail: {str(exc).splitlines()[0]}") from exc
    console.print(f"Sealed {done} rows." + (f" Checkpoint: {path}" if path else ""))
