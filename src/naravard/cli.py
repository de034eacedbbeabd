"""The `naravard` command line: the shell's own commands (serve, demo, db upgrade) and every context's
commands, mounted from `naravard.contexts.CONTEXTS` (users, audit, followup, import, synth)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from naravard.cli_common import console, demo_database_url, demo_secrets, fail, load_settings
from naravard.config import Settings
from naravard.contexts import CONTEXTS, load
from naravard.synth.actions import SynthAction

app = typer.Typer(
    help="naravard: coordination layer for God och nära vård.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Serve the web app and API with settings from the environment (NARAVARD_*)."""
    import uvicorn

    if not load_settings().audit_hmac_key:
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

    values = demo_secrets(data_dir)
    url = database_url or demo_database_url(data_dir)
    demo_settings = load_settings(environment="demo", database_url=url, data_dir=data_dir, **values)
    migrate.upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine, audit_key=demo_settings.audit_hmac_key.encode())
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
                action=SynthAction.REGION_CREATE,
                detail={"persons": summary.persons, "seed": seed},
            )
            if followup:  # the region's own targets of ÖK Mål 2, against the demo lake's first year
                from naravard.followup.demo import add_demo_targets, demo_baseline

                add_demo_targets(session, baseline=demo_baseline(demo_settings.effective_results_dir))
            console.print(
                f"Created the demo region: {summary.persons} persons, {len(summary.users)} demo users"
            )
    from naravard.audit.sealing import seal_all

    seal_all(factory)  # the demo's audit rows chained now, not at the server's first sealing pass
    engine.dispose()
    if followup:
        from naravard.synth.demo import ensure_demo_results

        with console.status("Computing the follow-up indicators for the dashboards ..."):
            ensure_demo_results(demo_settings, persons=persons, seed=seed)
    return demo_settings


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

    prepared = prepare_demo(data_dir, persons=persons, seed=seed, database_url=database)
    console.print(f"Demo users' password: [bold]{prepared.demo_password}[/bold]   Open http://{host}:{port}/")
    uvicorn.run(create_app(prepared), host=host, port=port, log_level="info")


@db_app.command("upgrade")
def db_upgrade(
    database: Annotated[
        str | None, typer.Option("--database", help="Database URL (default from settings).")
    ] = None,
    revision: Annotated[str, typer.Option(help="Target revision.")] = "head",
) -> None:
    """Migrate the database schema to the newest revision."""
    from naravard import migrate

    url = database or load_settings().database_url
    try:
        migrate.upgrade(url, revision)
    except Exception as exc:  # one line, not a traceback, for a wrong URL or an unreachable server
        raise fail(f"migration failed: {str(exc).splitlines()[0]}") from exc
    console.print(f"Database at {revision}.")


def _mount_contexts() -> None:
    """Each context's commands under the name CONTEXTS gives them: a Typer app as a group of commands
    (``naravard users create``), a function as one command (``naravard import``)."""
    for context in CONTEXTS:
        for command in context.cli:
            target = load(command.target)
            if isinstance(target, typer.Typer):
                app.add_typer(target, name=command.name)
            else:
                app.command(command.name)(target)


_mount_contexts()


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
