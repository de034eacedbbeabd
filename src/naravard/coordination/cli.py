"""``naravard coordination import FILE.csv``: admissions and discharges from a hospital's records system (a batch
job, run as the system actor)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Annotated

import typer

from naravard.cli_common import console, fail, load_settings

app = typer.Typer(
    help="Coordination between units: import of admissions and discharges.", no_args_is_help=True
)


@app.callback()
def _group() -> None:
    """A group, so the command is typed with its name even while it is the only one."""


@app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV with a header row.")],
    database: Annotated[
        str | None, typer.Option("--database", help="Database URL (default from settings).")
    ] = None,
) -> None:
    """Import admissions (sender, message_id, personnummer, hospital_unit_hsa_id, admitted_at[,
    planned_discharge_date, utskrivningsklar_date, discharge_date, needs_continue, planned]); bad rows are listed
    with their line numbers and nothing is imported from a file with a bad row. A row already imported (same
    sender and message id) changes nothing."""
    from naravard.actor import system_actor
    from naravard.coordination import service
    from naravard.db import make_engine, make_session_factory, transaction

    text = file.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    missing = [
        c
        for c in ("sender", "message_id", "personnummer", "hospital_unit_hsa_id", "admitted_at")
        if c not in (reader.fieldnames or [])
    ]
    if missing:
        raise fail(f"the header lacks {', '.join(missing)}; nothing imported")
    rows = list(reader)
    current = load_settings()
    engine = make_engine(database or current.database_url)
    factory = make_session_factory(engine, audit_key=current.audit_hmac_key.encode())
    try:
        with transaction(factory) as session:
            report = service.import_admissions(session, actor=system_actor("coordination-import"), rows=rows)
    finally:
        engine.dispose()
    for p in report.problems[:200]:
        console.print(f"line {p.line}: {p.column}: {p.reason}")
    if report.problems:
        raise fail(f"{len(report.problems)} problem(s) in the file; nothing imported")
    console.print(f"Imported {report.imported} admission(s); {report.unchanged} already imported, unchanged.")
