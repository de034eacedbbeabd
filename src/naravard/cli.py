"""The `naravard` command line: serve, demo, db, audit, synth, import, followup."""

from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console

from naravard.config import Settings

app = typer.Typer(
    help="naravard: coordination layer for God och nära vård.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
users_app = typer.Typer(help="Local accounts.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(audit_app, name="audit")
app.add_typer(users_app, name="users")
console = Console(stderr=True)


def fail(message: str, code: int = 2) -> typer.Exit:
    """One line on stderr and a non-zero exit."""
    from rich.markup import escape

    console.print(f"[red]error:[/red] {escape(message)}", highlight=False)  # brackets are text, not markup
    return typer.Exit(code)


def _settings(**overrides: object) -> Settings:
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise fail(f"invalid settings: {where + ': ' if where else ''}{first.get('msg', exc)}") from exc


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Serve the web app and API with settings from the environment (NARAVARD_*)."""
    import uvicorn

    settings = _settings()
    if not settings.audit_hmac_key:
        raise fail("NARAVARD_AUDIT_HMAC_KEY is not set")
    uvicorn.run(
        "naravard.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        log_level="info",
    )


def _demo_secrets(data_dir: Path) -> dict[str, str]:
    """Secrets of a demo data dir, made once and kept in it (never in the repository)."""
    path = data_dir / "demo-secrets.json"
    if path.exists():
        stored: dict[str, str] = json.loads(path.read_text())
        return stored
    data_dir.mkdir(parents=True, exist_ok=True)
    values = {
        "secret_key": secrets.token_urlsafe(48),
        "audit_hmac_key": secrets.token_urlsafe(48),
        "demo_password": "demo-" + secrets.token_hex(4),
    }
    path.write_text(json.dumps(values))
    path.chmod(0o600)
    return values


def prepare_demo(
    data_dir: Path, *, persons: int, seed: int, database_url: str | None = None, followup: bool = True
) -> Settings:
    """Create (or reuse) the demo region in `data_dir` (and, with `followup`, a synthetic event lake with
    its indicator results for the dashboards) and return the settings to serve it with."""
    from naravard import migrate
    from naravard.accounts.passwords import hash_password
    from naravard.actor import system_actor
    from naravard.audit import service as audit_service
    from naravard.db import make_engine, make_session_factory, transaction
    from naravard.synth import region

    values = _demo_secrets(data_dir)
    url = database_url or f"sqlite:///{(data_dir / 'naravard.db').resolve()}"
    settings = _settings(environment="demo", database_url=url, data_dir=data_dir, **values)
    migrate.upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    factory.kw["info"] = {"audit_key": settings.audit_hmac_key.encode()}
    with transaction(factory) as session:
        if region.region_exists(session):
            console.print(f"Reusing the demo region in {data_dir}")
        else:
            with console.status(f"Creating the demo region ({persons} persons, seed {seed}) ..."):
                summary = region.create_demo_region(
                    session,
                    persons=persons,
                    seed=seed,
                    demo_password_hash=hash_password(values["demo_password"]),
                )
            audit_service.record(
                session,
                actor=system_actor("demo"),
                action="synth:region:create",
                detail={"persons": summary.persons, "seed": seed},
            )
            if followup:  # the region's own targets of ÖK Mål 2, against the demo lake's first year
                from naravard.followup.demo import add_demo_targets, demo_baseline

                add_demo_targets(session, baseline=demo_baseline(settings.effective_results_dir))
            console.print(
                f"Created the demo region: {summary.persons} persons, {len(summary.users)} demo users"
            )
    engine.dispose()
    if followup:
        from naravard.followup.demo import ensure_demo_results

        with console.status("Computing the follow-up indicators for the dashboards ..."):
            ensure_demo_results(settings, persons=persons, seed=seed)
    return settings


@app.command()
def demo(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    data_dir: Annotated[Path, typer.Option(help="Folder for the demo database and secrets.")] = Path(
        "naravard-data"
    ),
    persons: Annotated[int, typer.Option(min=10, max=500_000, help="Synthetic persons.")] = 3000,
    seed: Annotated[int, typer.Option(help="Seed of the generator (same seed, same region).")] = 1,
    database: Annotated[
        str | None, typer.Option("--database", help="Database URL instead of the SQLite file in DATA_DIR.")
    ] = None,
) -> None:
    """Create (or reuse) a demo region modelled on Region Gävleborg and serve it."""
    import uvicorn

    from naravard.app import create_app

    settings = prepare_demo(data_dir, persons=persons, seed=seed, database_url=database)
    console.print(f"Demo users' password: [bold]{settings.demo_password}[/bold]   Open http://{host}:{port}/")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


@db_app.command("upgrade")
def db_upgrade(
    database: Annotated[
        str | None, typer.Option("--database", help="Database URL (default from settings).")
    ] = None,
    revision: Annotated[str, typer.Option(help="Target revision.")] = "head",
) -> None:
    """Migrate the database schema to the newest revision."""
    from naravard import migrate

    url = database or _settings().database_url
    try:
        migrate.upgrade(url, revision)
    except Exception as exc:  # one line, not a traceback, for a wrong URL or an unreachable server
        raise fail(f"migration failed: {str(exc).splitlines()[0]}") from exc
    console.print(f"Database at {revision}.")


@audit_app.command("verify")
def audit_verify(
    database: Annotated[
        str | None, typer.Option("--database", help="Database URL (default from settings).")
    ] = None,
    data_dir: Annotated[Path | None, typer.Option(help="A demo data dir: read its key and database.")] = None,
) -> None:
    """Check the audit trail's hash chain; exit 0 when intact, 1 naming the first broken row."""
    from naravard.audit import service as audit_service
    from naravard.db import make_engine, make_session_factory

    key = os.environ.get("NARAVARD_AUDIT_HMAC_KEY", "")
    url = database
    if data_dir is not None:
        values = _demo_secrets(data_dir) if (data_dir / "demo-secrets.json").exists() else {}
        key = key or values.get("audit_hmac_key", "")
        url = url or f"sqlite:///{(data_dir / 'naravard.db').resolve()}"
    url = url or _settings().database_url
    if not key:
        raise fail("no audit key: set NARAVARD_AUDIT_HMAC_KEY or give --data-dir of a demo")
    try:
        engine = make_engine(url)
        factory = make_session_factory(engine)
        factory.kw["info"] = {"audit_key": key.encode()}
        with factory() as session:
            result = audit_service.verify(session)
    except Exception as exc:
        raise fail(f"cannot read the audit trail: {str(exc).splitlines()[0]}") from exc
    if result.ok:
        console.print(f"Audit chain intact: {result.checked} rows.")
        return
    console.print(f"[red]Audit chain broken at row {result.first_broken_seq}:[/red] {result.problem}")
    raise typer.Exit(1)


def followup_extract(
    out: Annotated[Path, typer.Option("--out", help="Lake folder to write (replaced atomically).")],
    database: Annotated[
        str | None, typer.Option("--database", help="Database URL (default from settings).")
    ] = None,
    data_dir: Annotated[Path | None, typer.Option(help="A demo data dir: read its key and database.")] = None,
) -> None:
    """Extract persons, listings and units from our own database into an event lake (pseudonymised)."""
    from naravard.actor import Purpose, system_actor
    from naravard.db import make_engine, make_session_factory, transaction
    from naravard.errors import NaravardError
    from naravard.followup.extract import extract

    key, audit_key, url = (
        os.environ.get("NARAVARD_SECRET_KEY", ""),
        os.environ.get("NARAVARD_AUDIT_HMAC_KEY", ""),
        database,
    )
    if data_dir is not None and (data_dir / "demo-secrets.json").exists():
        values = _demo_secrets(data_dir)
        key, audit_key = key or values["secret_key"], audit_key or values["audit_hmac_key"]
        url = url or f"sqlite:///{(data_dir / 'naravard.db').resolve()}"
    url = url or _settings().database_url
    if not key or not audit_key:
        raise fail("set NARAVARD_SECRET_KEY and NARAVARD_AUDIT_HMAC_KEY, or give --data-dir of a demo")
    engine = make_engine(url)
    factory = make_session_factory(engine)
    factory.kw["info"] = {"audit_key": audit_key.encode()}
    actor = system_actor("followup-extract").with_purpose(Purpose.FOLLOWUP)
    try:
        with transaction(factory) as session:
            summary = extract(session, actor=actor, out_dir=out, key=key.encode())
    except NaravardError as exc:
        raise fail(exc.message) from exc
    finally:
        engine.dispose()
    console.print(
        f"Extracted {summary.persons} persons, {summary.listings} listings, {summary.units} units "
        f"to {summary.out_dir}"
    )


@users_app.command("create")
def users_create(
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
    password = os.environ.get("NARAVARD_NEW_PASSWORD") or typer.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    settings = _settings()
    engine = make_engine(database or settings.database_url)
    factory = make_session_factory(engine)
    factory.kw["info"] = {"audit_key": settings.audit_hmac_key.encode()}
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


@users_app.command("unlock")
def users_unlock(
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

    settings = _settings()
    if not settings.audit_hmac_key:
        raise fail("no audit key: set NARAVARD_AUDIT_HMAC_KEY (the unlock is audit-logged)")
    engine = make_engine(database or settings.database_url)
    factory = make_session_factory(engine)
    factory.kw["info"] = {"audit_key": settings.audit_hmac_key.encode()}
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


def _register_followup() -> None:
    """The follow-up read side's commands (synth of a lake, import, followup run/report)."""
    from naravard.followup import cli as followup_cli
    from naravard.synth import cli as synth_cli

    app.command("synth", help="Write a synthetic event lake (Parquet) at any scale.")(synth_cli.synth)
    app.command("import", help="Import a CSV file into the event lake, reporting bad rows.")(
        followup_cli.import_csv
    )
    followup_cli.app.command("extract")(followup_extract)
    app.add_typer(followup_cli.app, name="followup")


def main() -> None:
    _register_followup()
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
