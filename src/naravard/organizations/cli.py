"""``naravard units import FILE.csv``: the region's unit catalogue from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from naravard.cli_common import console, fail, load_settings

app = typer.Typer(help="Care units and the region's unit catalogue.", no_args_is_help=True)


@app.command("import")
def import_units(
    file: Annotated[
        Path, typer.Argument(help="CSV: id,name,kind,organisation,municipality", exists=True, dir_okay=False)
    ],
    import_valid_rows: Annotated[
        bool, typer.Option("--import-valid-rows", help="Import the good rows even if some rows have errors.")
    ] = False,
    database: Annotated[
        str | None, typer.Option("--database", help="Database URL (default from settings).")
    ] = None,
) -> None:
    """Check the whole catalogue and import it (idempotent by HSA-id; audit-logged as the system). A file
    with bad rows imports nothing unless --import-valid-rows is given; the bad rows are listed."""
    from naravard.actor import system_actor
    from naravard.db import make_engine, make_session_factory, transaction
    from naravard.errors import NaravardError
    from naravard.organizations import service

    current = load_settings()
    if not current.audit_hmac_key:
        raise fail("no audit key: set NARAVARD_AUDIT_HMAC_KEY (the import is audit-logged)")
    engine = make_engine(database or current.database_url)
    factory = make_session_factory(engine, audit_key=current.audit_hmac_key.encode())
    try:
        with transaction(factory) as session:
            report = service.import_catalogue(
                session,
                actor=system_actor("units-import"),
                content=file.read_bytes(),
                import_valid_rows=import_valid_rows,
            )
    except NaravardError as exc:
        raise fail(exc.message) from exc
    finally:
        engine.dispose()
    for problem in report.problems:
        console.print(f"row {problem.row}: {problem.field}: {problem.rule}", markup=False)
    if not report.imported:
        raise fail(
            f"nothing imported: {len({p.row for p in report.problems})} of {report.rows} rows have errors"
        )
    console.print(
        f"Imported: {len(report.created)} new, {len(report.updated)} updated, {len(report.unchanged)} unchanged"
        f"{f', {len(report.skipped_rows)} rows skipped' if report.skipped_rows else ''}.",
        markup=False,
    )
    if report.updated:
        console.print("Updated: " + ", ".join(report.updated), markup=False)
