"""``naravard followup run|report|extract`` and ``naravard import`` (mounted by the root CLI from
`naravard.contexts.CONTEXTS`)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from naravard.errors import Invalid, NaravardError, Unavailable
from naravard.followup.lake.folders import check_out_dir

if TYPE_CHECKING:
    from naravard.followup.results.targets import Target

app = typer.Typer(
    help="Follow-up: indicators over the event lake, results and reports.", no_args_is_help=True
)
console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)

# what followup run writes, and nothing else: the results, and the cells a refresh starts from (``refresh``)
RESULTS_MARKER = frozenset({"meta.json", "results.parquet", "refresh"})
# what spark-submit accepts as a master; anything else makes the JVM print a stack trace before it exits
_SPARK_MASTER = re.compile(r"^(local(\[(\*|\d+)(,\s*\d+)?\])?|yarn|(spark|k8s)://.+)$")
_MEMORY = re.compile(r"^\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)\s*$", re.IGNORECASE)


def _settings():  # type: ignore[no-untyped-def]
    from naravard.config import Settings

    return Settings()


def _fail(message: str) -> NoReturn:
    """One line on stderr (the message is printed as is, never read as Rich markup) and exit 1."""
    err_console.print(f"[red]error:[/red] {escape(message)}", highlight=False)
    raise typer.Exit(1)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@contextmanager
def _errors() -> Iterator[None]:
    """Our own errors, and the everyday ones of files and engines, as one line and exit 1 (130 when
    interrupted: whatever was being replaced is left as it was)."""
    try:
        yield
    except KeyboardInterrupt:
        err_console.print("[red]error:[/red] interrupted; nothing was replaced", highlight=False)
        raise typer.Exit(130) from None
    except NaravardError as exc:
        _fail(exc.message)
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        _fail(f"{where}{exc.strerror or _first_line(exc)}")
    except Exception as exc:  # narrowed below without importing the engines eagerly
        import duckdb
        import pyarrow as pa

        if isinstance(exc, duckdb.Error | pa.ArrowException):
            _fail(_first_line(exc))
        raise


def _interruptible() -> None:
    """Let Ctrl-C (SIGINT) stop a run even when it was started with SIGINT ignored (a shell starts
    background jobs so); DuckDB checks for the interrupt while a query runs."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        with suppress(ValueError):  # not the main thread (e.g. a test runner's worker): leave it
            signal.signal(signal.SIGINT, signal.default_int_handler)


def remove_stale(out: Path) -> None:
    """Remove the private folders a killed run left beside ``out`` (``.<out>.cells-*``, ``.tmp-*``,
    ``.old-*``): the cells ones hold unsuppressed counts."""
    for pattern in (".cells-*", ".tmp-*", ".old-*"):
        for p in out.parent.glob(f".{glob_escape(out.name)}{pattern}"):
            if p.is_dir():
                shutil.rmtree(p, ignore_errors=True)


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def _month_option(value: str) -> dt.date:
    """``--since`` as the first day of its month (YYYY-MM)."""
    try:
        return dt.datetime.strptime(value.strip(), "%Y-%m").date()
    except ValueError:
        raise Invalid(f"--since {value!r} is not a month (YYYY-MM)", field="since") from None


@app.command()
def run(
    lake: Annotated[Path | None, typer.Option(help="Event lake folder (default: settings).")] = None,
    out: Annotated[Path | None, typer.Option(help="Results folder (default: settings).")] = None,
    engine: Annotated[str, typer.Option(help="duckdb or spark")] = "duckdb",
    periods: Annotated[str, typer.Option(help="Comma-separated: month,quarter,year")] = "month,quarter,year",
    spark_master: Annotated[str | None, typer.Option(help="Spark master URL (default local[2]).")] = None,
    spark_remote: Annotated[str | None, typer.Option(help="Spark Connect URL, e.g. sc://host:15002.")] = None,
    threshold: Annotated[int | None, typer.Option(help="Suppress cells with denominator below this.")] = None,
    memory_limit: Annotated[str, typer.Option(help="DuckDB memory limit.")] = "8GB",
    refresh: Annotated[
        bool,
        typer.Option(
            "--refresh",
            help="Recompute only the periods the lake's changes since the last run touch (found by comparing "
            "the lake with the fingerprints kept beside the results); a full run when there is nothing to "
            "start from.",
        ),
    ] = False,
    since: Annotated[
        str | None,
        typer.Option(help="A refresh that recomputes at least the periods from this month (YYYY-MM) on."),
    ] = None,
) -> None:
    """Validate the lake, compute every indicator and write the results atomically."""
    from naravard.followup.engine import refresh as rf
    from naravard.followup.engine.backends import close, connect, lake_window, open_lake
    from naravard.followup.engine.compute import compute_cells
    from naravard.followup.indicators import FAMILIES, PERIOD_TYPES
    from naravard.followup.lake.validation import validate_lake
    from naravard.followup.results.storage import write_results

    with _errors():
        if lake is None or out is None or threshold is None:
            s = _settings()
            lake = lake or s.effective_lake_dir
            out = out or s.effective_results_dir
            threshold = s.small_cell_threshold if threshold is None else threshold
        if threshold < 0:
            raise Invalid(f"--threshold must be 0 or more, not {threshold}")
        pts = [p.strip() for p in periods.split(",") if p.strip()]
        if not pts:
            raise Invalid(f"--periods names no period; choose from {', '.join(PERIOD_TYPES)}")
        for p in pts:
            if p not in PERIOD_TYPES:
                raise Invalid(f"unknown period {p!r}; choose from {', '.join(PERIOD_TYPES)}")
        if not _MEMORY.match(memory_limit):
            raise Invalid(f"--memory-limit {memory_limit!r} is not a size such as 8GB or 512MB")
        if engine == "spark" and spark_master and not _SPARK_MASTER.match(spark_master):
            raise Invalid(
                f"--spark-master {spark_master!r} is not a Spark master URL "
                "(local[N], spark://host:port, k8s://..., yarn)"
            )
        since_day = _month_option(since) if since else None
        lake = Path(lake).expanduser().resolve()
        rf.remove_stale_cache(Path(out).expanduser().resolve())
        out = check_out_dir(out, RESULTS_MARKER, "a results folder")
        if out == lake or out in lake.parents:
            raise Invalid(f"{out}: the results folder may not hold the lake {lake}")
        t0 = time.perf_counter()
        _interruptible()
        validate_lake(lake)
        out.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(out)
        first, last = lake_window(lake)
        state = rf.read_state(out)
        prints = rf.fingerprints(lake, state["prints"] if state else None)
        con = connect(engine, memory_limit=memory_limit, spark_master=spark_master, spark_remote=spark_remote)
        lk = open_lake(con, lake, first=first, last=last)
        plan = rf.Plan(None, "a full run")
        if refresh or since_day:
            tables = rf.family_tables(lk, pts)
            plan = rf.plan(
                state,
                lake,
                prints,
                first=first,
                last=last,
                periods=pts,
                threshold=threshold,
                families=[(f.name, t) for f, t in zip(FAMILIES, tables, strict=True)],
                since=since_day,
            )
            console.print(f"refresh: {plan.reason}", highlight=False, markup=False)
        # the unsuppressed cells go to a private (0700) folder beside the results, removed afterwards
        with tempfile.TemporaryDirectory(prefix=f".{out.name}.cells-", dir=out.parent) as cells_dir:
            new_dir = Path(cells_dir) / "new"
            with Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
            ) as bar:
                task = bar.add_task("indicators", total=len(FAMILIES))

                def step(s: str) -> None:
                    bar.update(task, advance=1, description=s)

                if plan.starts is None:
                    cells = compute_cells(lk, pts, new_dir, on_step=step)
                else:
                    groups = rf.compute_from(
                        con,
                        lake,
                        plan.starts,
                        first=first,
                        last=last,
                        period_types=pts,
                        out=new_dir,
                        on_step=step,
                    )
            close(con)
            run_id = rf.new_run_id()
            meta: dict[str, object] = {
                "engine": engine,
                "lake": str(lake),
                "periods": pts,
                "lake_first": first.isoformat(),
                "lake_last": last.isoformat(),
                "refresh_id": run_id,
                "recomputed_from": plan.start.isoformat() if plan.start else None,
            }
            if plan.starts is None:
                write_results(cells, out, threshold=threshold, meta=meta, memory_limit=memory_limit)
            else:
                # each start's recomputed years rolled up on their own (in the private folder), then put in
                # place of those years in one rename
                parts = []
                for start, folder in groups:
                    part = Path(cells_dir) / f"part-{start.isoformat()}"
                    write_results(folder, part, threshold=threshold, meta=meta, memory_limit=memory_limit)
                    parts.append(part)
                cells = rf.merge_cells(out / rf.CACHE_DIR, new_dir, Path(cells_dir) / "merged", plan.starts)
                codes = {i.code: plan.starts[k] for k, f in enumerate(FAMILIES) for i in f.indicators}
                rf.combine(out, parts, codes, meta)
            rf.save_state(
                out,
                cells,
                run_id=run_id,
                prints=prints,
                first=first,
                last=last,
                periods=pts,
                threshold=threshold,
                families=len(FAMILIES),
            )
    console.print(
        f"results written to {out} in {time.perf_counter() - t0:.1f} s", highlight=False, markup=False
    )


@app.command()
def report(
    results: Annotated[Path, typer.Option(help="Results folder.")],
    indicators: Annotated[str, typer.Option(help="Comma-separated indicator codes, e.g. C_FLK,C_COC")],
    out: Annotated[Path, typer.Option(help="Output file.")],
    period: Annotated[str, typer.Option(help="month, quarter or year")] = "month",
    scope: Annotated[
        str, typer.Option(help="total, or region/municipality/unit/doctor with an id, e.g. 'unit:1011'")
    ] = "total",
    format: Annotated[str, typer.Option("--format", help="pdf or xlsx")] = "pdf",
    period_from: Annotated[
        str | None, typer.Option("--from", help="First period, e.g. 2025, 2025-Q2 or 2025-04.")
    ] = None,
    period_to: Annotated[str | None, typer.Option("--to", help="Last period, e.g. 2025-12.")] = None,
    targets: Annotated[
        Path | None,
        typer.Option(
            help="Targets file (JSON or YAML) adding to the national targets (default: the setting); the "
            "region's own targets in the database replace its entries of equal specificity."
        ),
    ] = None,
    lang: Annotated[str, typer.Option(help="Report language: sv or en.")] = "sv",
    stratum: Annotated[
        str,
        typer.Option(
            help="all, or one age band or sex, e.g. 'age_band:65-79' or 'sex:F'; for A3 also a profession, "
            "mode or ownership, e.g. 'profession:LK', 'mode:phone' or 'ownership:private'"
        ),
    ] = "all",
    compare: Annotated[
        str | None,
        typer.Option(
            help="Also compare the level below the scope side by side in the last period: region, "
            "municipality or unit (e.g. the municipalities of a region's report)."
        ),
    ] = None,
) -> None:
    """A steering-group report (PDF or Excel) for some indicators, one scope and one population group, marked
    against the national targets, the targets file's and the region's own in the database
    (NARAVARD_DATABASE_URL)."""
    from naravard.followup.reports.report import write_report

    scope_type, _, scope_id = scope.partition(":")
    stratum_type, _, stratum_value = stratum.partition(":")
    with _errors():
        settings = _settings()
        # the option, else the setting NARAVARD_TARGETS_FILE the pages and the API use
        file = targets if targets is not None else settings.targets_file
        tg, where = report_targets(file, settings.database_url)
        write_report(
            results_dir=results,
            indicators=[c.strip() for c in indicators.split(",") if c.strip()],
            period=period,
            scope_type=scope_type,
            scope_id=scope_id.strip() or None,
            fmt=format,
            out=out,
            period_from=period_from,
            period_to=period_to,
            stratum_type=stratum_type.strip(),
            stratum=stratum_value.strip() or None,
            targets=tg,
            lang=lang,
            compare=(compare or "").strip() or None,
        )
    console.print(f"report written to {out} ({where})", highlight=False, markup=False)


def report_targets(file: Path | None, database_url: str) -> tuple[list[Target], str]:
    """The targets a report marks against, as the pages see them, and a note of where they came from. A
    SQLite database that is not there, or one not yet upgraded to hold targets, has none of the region's
    own: the note says so rather than the report failing (the results may come from elsewhere)."""
    from sqlalchemy import inspect
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session

    from naravard.db import is_sqlite, make_engine
    from naravard.followup import target_service
    from naravard.followup.models import FollowupTarget
    from naravard.followup.results.targets import load_targets, merge_targets

    base = load_targets(file)
    shown = make_url(database_url).render_as_string(hide_password=True)
    if is_sqlite(database_url):
        db_file = make_url(database_url).database
        if not db_file or db_file == ":memory:" or not Path(db_file).is_file():
            return base, f"targets: national{', file' if file else ''}; no database at {shown}"
    engine = make_engine(database_url, pool_size=1)
    try:
        with Session(engine) as session:
            schema = inspect(session.connection())
            table = FollowupTarget.__tablename__
            # a database of an older release: no table yet, or one without the baseline of relative targets
            columns = {c["name"] for c in schema.get_columns(table)} if schema.has_table(table) else set()
            if "baseline" not in columns:
                note = f"no targets table in {shown}, or an old one; run 'naravard db upgrade'"
                return base, f"targets: national{', file' if file else ''}; {note}"
            region = target_service.region_targets(session)
    except OperationalError as exc:
        raise Unavailable(
            "cannot read the region's targets from %(db)s (%(reason)s)",
            params={"db": shown, "reason": _first_line(exc.orig or exc)},
        ) from exc
    finally:
        engine.dispose()
    return merge_targets(base, region), (
        f"targets: national{', file' if file else ''}, {len(region)} of the region's own from {shown}"
    )


@app.command("extract")
def extract(
    out: Annotated[Path, typer.Option("--out", help="Lake folder to write (replaced atomically).")],
    database: Annotated[
        str | None, typer.Option("--database", help="Database URL (default from settings).")
    ] = None,
    data_dir: Annotated[Path | None, typer.Option(help="A demo data dir: read its key and database.")] = None,
) -> None:
    """Extract persons, listings and units from our own database into an event lake (pseudonymised)."""
    # Fails as the shell's commands do (cli_common.fail: exit 2), not as run and report (exit 1).
    from naravard.actor import Purpose, system_actor
    from naravard.cli_common import console as shell_console
    from naravard.cli_common import demo_database_url, demo_secrets, fail, has_demo_secrets, load_settings
    from naravard.db import make_engine, make_session_factory, transaction
    from naravard.followup.lake.extract import extract as extract_lake

    current = load_settings()
    key, audit_key, url = current.secret_key, current.audit_hmac_key, database
    if data_dir is not None and has_demo_secrets(data_dir):  # the environment's keys, else the demo's
        values = demo_secrets(data_dir)
        key, audit_key = key or values["secret_key"], audit_key or values["audit_hmac_key"]
        url = url or demo_database_url(data_dir)
    url = url or current.database_url
    if not key or not audit_key:
        raise fail("set NARAVARD_SECRET_KEY and NARAVARD_AUDIT_HMAC_KEY, or give --data-dir of a demo")
    engine = make_engine(url)
    factory = make_session_factory(engine, audit_key=audit_key.encode())
    actor = system_actor("followup-extract").with_purpose(Purpose.FOLLOWUP)
    try:
        with transaction(factory) as session:
            summary = extract_lake(session, actor=actor, out_dir=out, key=key.encode())
    except NaravardError as exc:
        raise fail(exc.message) from exc
    finally:
        engine.dispose()
    shell_console.print(
        f"Extracted {summary.persons} persons, {summary.listings} listings, {summary.units} units "
        f"to {summary.out_dir}"
    )


def import_csv(
    table: Annotated[str, typer.Argument(help="Lake table, e.g. encounters")],
    file: Annotated[Path, typer.Argument(help="CSV file with a header row")],
    lake: Annotated[Path | None, typer.Option(help="Event lake folder (default: settings).")] = None,
    skip_bad: Annotated[bool, typer.Option(help="Write the good rows even if some are bad.")] = False,
) -> None:
    """Import a CSV file into the event lake, reporting bad rows."""
    # `naravard import` (a command of the root, CONTEXTS): the good rows are appended to the lake table, the
    # bad ones listed with their line numbers and reasons.
    from naravard.followup.lake.importer import import_csv as do_import

    with _errors():
        rep = do_import(
            table=table, file=file, lake_dir=lake or _settings().effective_lake_dir, skip_bad=skip_bad
        )
    for b in rep.bad[:200]:
        what = f"column {b.column!r} {b.reason}" if b.column else b.reason
        err_console.print(f"{rep.file}:{b.line}: {what}", highlight=False, markup=False)
    if rep.bad_total > 200:
        err_console.print(f"... and {rep.bad_total - 200} more bad rows", highlight=False, markup=False)
    written = f"written to {rep.written}" if rep.written else "nothing written"
    console.print(
        f"{rep.table}: {rep.good} good rows, {rep.bad_total} bad rows; {written}",
        highlight=False,
        markup=False,
    )
    if rep.bad_total and not skip_bad:
        raise typer.Exit(1)


lake_app = typer.Typer(
    help="The event lake: make one with every table empty, revert an import.", no_args_is_help=True
)


@lake_app.command("init")
def lake_init(
    lake: Annotated[Path, typer.Argument(help="Event lake folder (made if absent)")],
) -> None:
    """Write every table the lake lacks empty, with its schema (a table the region does not have, such as
    residences, is then empty rather than missing); tables that hold files are left as they are."""
    from naravard.followup.lake.validation import init_lake

    with _errors():
        written = init_lake(lake)
    shown = ", ".join(written) if written else "none (every table has files)"
    console.print(f"{lake}: empty tables written: {shown}", highlight=False, markup=False)


@lake_app.command("revert")
def lake_revert(
    table: Annotated[str, typer.Argument(help="Lake table, e.g. encounters")],
    lake: Annotated[Path | None, typer.Option(help="Event lake folder (default: settings).")] = None,
    file: Annotated[
        str | None, typer.Option(help="The import file to remove (default: the table's latest import).")
    ] = None,
) -> None:
    """Remove one import (a file `naravard import` wrote) from a lake table: the latest, or the one named."""
    from naravard.followup.lake.validation import revert_import

    with _errors():
        gone = revert_import(lake or _settings().effective_lake_dir, table, file)
    console.print(f"{table}: removed {gone}", highlight=False, markup=False)


if __name__ == "__main__":
    app()
