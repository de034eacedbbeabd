"""``naravard contacts import|propose|deliver``: fixed contacts from the command line (batch jobs, run as the
system actor)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from naravard.cli_common import console, fail, load_settings

app = typer.Typer(
    help="Fixed contacts: import, the unit's proposal, delivery of notices.", no_args_is_help=True
)


def _factory(database: str | None):  # type: ignore[no-untyped-def]
    from naravard.db import make_engine, make_session_factory

    current = load_settings()
    engine = make_engine(database or current.database_url)
    return engine, make_session_factory(engine, audit_key=current.audit_hmac_key.encode()), current


DatabaseOption = Annotated[
    str | None, typer.Option("--database", help="Database URL (default from settings).")
]


@app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV with a header row.")],
    skip_invalid: Annotated[bool, typer.Option(help="Import the good rows even when some are bad.")] = False,
    database: DatabaseOption = None,
) -> None:
    """Import existing assignments (personnummer, kind, practitioner_hsa_id, unit_hsa_id, valid_from[, valid_to,
    informed_date]); bad rows are listed with their line numbers and nothing is imported unless --skip-invalid."""
    from naravard.actor import system_actor
    from naravard.contacts import importer, service
    from naravard.db import transaction

    rows, bad = importer.parse_text(file.read_text(encoding="utf-8"))
    engine, factory, _ = _factory(database)
    try:
        with transaction(factory) as session:
            report = service.import_assignments(
                session, actor=system_actor("contacts-import"), rows=rows, bad=bad, skip_invalid=skip_invalid
            )
    finally:
        engine.dispose()
    for b in report.bad[:200]:
        console.print(f"line {b.line}: {b.column}: {b.reason}")
    if report.bad and not report.written:
        raise fail(f"{len(report.bad)} bad row(s); nothing imported (use --skip-invalid to import the rest)")
    console.print(f"Imported {report.imported} fixed contact(s); {len(report.bad)} bad row(s) skipped.")


@app.command("propose")
def propose(
    unit: Annotated[str, typer.Option("--unit", help="HSA-id of the unit.")],
    confirm: Annotated[bool, typer.Option(help="Assign the proposal (one transaction).")] = False,
    database: DatabaseOption = None,
) -> None:
    """Propose a fast läkarkontakt for everyone listed at the unit who lacks one; --confirm assigns it."""
    from naravard.actor import system_actor
    from naravard.contacts import service
    from naravard.contacts.continuity import source_for
    from naravard.contacts.schemas import ConfirmRow
    from naravard.db import transaction
    from naravard.errors import NaravardError
    from naravard.organizations import service as org_service

    engine, factory, current = _factory(database)
    actor = system_actor("contacts-propose")
    try:
        with transaction(factory) as session:
            unit_id = org_service.unit_by_hsa_id(session, unit).id
            proposal = service.propose_for_unit(
                session,
                actor=actor,
                unit_id=unit_id,
                continuity=source_for(current.effective_lake_dir, current.secret_key),
            )
            placed = [r for r in proposal.rows if r.practitioner_id is not None]
            e = proposal.effect
            console.print(
                f"{proposal.unit_name}: {len(proposal.rows)} without a fast läkarkontakt, {len(placed)} placed; "
                f"with a fast läkarkontakt {e.with_doctor_before} -> {e.with_doctor_after} of {e.listed}; "
                f"doctor visits with the fixed doctor {e.visits_with_fixed_before} -> {e.visits_with_fixed_after} "
                f"of {e.doctor_visits} (continuity source: {proposal.continuity_source})"
            )
            for d in proposal.doctors:
                n = sum(1 for r in placed if r.practitioner_id == d.practitioner_id)
                console.print(f"  {d.name}: {d.listed} + {n} of {d.capacity}")
            if confirm and placed:
                result = service.confirm_proposal(
                    session,
                    actor=actor,
                    unit_id=unit_id,
                    rows=[
                        ConfirmRow(person_id=r.person_id, practitioner_id=r.practitioner_id) for r in placed
                    ],
                )
                console.print(f"Assigned {result.assigned}; {result.notices} notice(s) queued.")
    except NaravardError as exc:
        raise fail(exc.message) from exc
    finally:
        engine.dispose()


@app.command("deliver")
def deliver(
    outbox: Annotated[
        Path, typer.Option(help="Folder of the demo's inbox channel (a real channel replaces it).")
    ],
    limit: Annotated[int, typer.Option(help="Notices per run.")] = 100,
    database: DatabaseOption = None,
) -> None:
    """Deliver the due notices with retries and back-off; a notice is never sent twice."""
    from functools import partial

    from naravard.actor import system_actor
    from naravard.contacts import service
    from naravard.contacts.notices import DirectoryChannel
    from naravard.db import transaction

    engine, factory, _ = _factory(database)
    try:
        counts = service.deliver_notices(
            partial(transaction, factory),
            actor=system_actor("contacts-deliver"),
            channel=DirectoryChannel(outbox),
            limit=limit,
        )
    finally:
        engine.dispose()
    console.print(", ".join(f"{k} {v}" for k, v in counts.items()))
