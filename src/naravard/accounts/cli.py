"""``naravard users create|unlock``: local accounts from the command line."""

from __future__ import annotations

from typing import Annotated

import typer

from naravard.cli_common import console, fail, load_settings

app = typer.Typer(help="Local accounts.", no_args_is_help=True)


@app.command("create")
def create(
    username: Annotated[str, typer.Option(help="Login name.")],
    display_name: Annotated[str, typer.Option(help="Name shown in the UI and the audit log.")],
    role: Annotated[
        str,
        typer.Option(help="clinician, municipal_staff, unit_manager, analyst, administrator, log_reviewer"),
    ],
    unit_hsa_id: Annotated[str, typer.Option(help="HSA-id of the unit the user acts for.")],
    database: Annotated[
        str | None, typer.Option("--database", help="Database URL (default from settings).")
    ] = None,
    # For scripts: from the environment, never asked for on the command line (hidden, so not advertised:
    # a password given as an argument stays in the shell's history and the process list).
    password: Annotated[str | None, typer.Option(envvar="NARAVARD_NEW_PASSWORD", hidden=True)] = None,
) -> None:
    """Create a local account; the password is read from NARAVARD_NEW_PASSWORD or asked for."""
    from naravard.accounts import service as accounts_service
    from naravard.actor import Role
    from naravard.db import make_engine, make_session_factory, transaction
    from naravard.errors import NaravardError

    try:
        parsed_role = Role(role)
    except ValueError as exc:
        raise fail(f"unknown role {role!r}") from exc
    password = password or typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    current = load_settings()
    engine = make_engine(database or current.database_url)
    factory = make_session_factory(engine, audit_key=current.audit_hmac_key.encode())
    try:
        with transaction(factory) as session:
            unit_id = accounts_service.find_unit_id_by_hsa(session, unit_hsa_id)
            accounts_service.create_user(
                session,
                username=username,
                display_name=display_name,
                password=password,
                role=parsed_role,
                unit_id=unit_id,
            )
    except NaravardError as exc:
        raise fail(exc.message) from exc
    finally:
        engine.dispose()
    console.print(f"Created {username} ({parsed_role.value}).")


@app.command("unlock")
def unlock(
    username: Annotated[str, typer.Argument(help="Login name of the locked account.")],
    database: Annotated[
        str | None, typer.Option("--database", help="Database URL (default from settings).")
    ] = None,
) -> None:
    """Lift the lock after wrong passwords and reset their count (audit-logged as the system)."""
    from naravard.accounts import service as accounts_service
    from naravard.actor import system_actor
    from naravard.db import make_engine, make_session_factory, transaction
    from naravard.errors import NaravardError

    current = load_settings()
    if not current.audit_hmac_key:
        raise fail("no audit key: set NARAVARD_AUDIT_HMAC_KEY (the unlock is audit-logged)")
    engine = make_engine(database or current.database_url)
    factory = make_session_factory(engine, audit_key=current.audit_hmac_key.encode())
    try:
        with transaction(factory) as session:
            result = accounts_service.unlock_user(
                session, actor=system_actor("users-unlock"), username=username
            )
    except NaravardError as exc:
        raise fail(exc.message) from exc
    finally:
        engine.dispose()
    console.print(f"Unlocked {result.username}{'' if result.was_locked else ' (it was not locked)'}.")
