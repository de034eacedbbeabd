"""``naravard followup run|report`` and ``naravard import`` (wired into the root CLI by the lead)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from naravard.errors import NaravardError

app = typer.Typer(
    help="Follow-up: indicators over the event lake, results and reports.", no_args_is_help=True
)
console = Console(soft_wrap=True)


def _settings():  # type: ignore[no-untyped-def]
    from naravard.config import Settings

    return Settings()


def _fail(exc: NaravardError) -> None:
    console.print(f"[red]error:[/red] {exc.message}", highlight=False)
    raise typer.Exit(1)


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
) -> None:
    """Validate the lake, compute every indicator and write the results atomically."""
    from naravard.followup.compute import compute_cells
    from naravard.followup.engine import close, connect, open_lake
    from naravard.followup.indicators import FAMILIES, PERIOD_TYPES
    from naravard.followup.lake import validate_lake
    from naravard.followup.results import write_results

    try:
        if lake is None or out is None or threshold is None:
            s = _settings()
            lake = lake or s.effective_lake_dir
            out = out or s.effective_results_dir
            threshold = s.small_cell_threshold if threshold is None else threshold
        pts = [p.strip() for p in periods.split(",") if p.strip()]
        for p in pts:
            if p not in PERIOD_TYPES:
                raise NaravardError(f"unknown period {p!r}; choose from {', '.join(PERIOD_TYPES)}")
        t0 = time.perf_counter()
        validate_lake(lake)
        con = connect(engine, memory_limit=memory_limit, spark_master=spark_master, spark_remote=spark_remote)
        lk = open_lake(con, lake)
        out = Path(out).resolve()
        out.parent.mkdir(parents=True, exist_ok=True)
        # the unsuppressed cells go to a private (0700) folder beside the results, removed afterwards
        with tempfile.TemporaryDirectory(prefix=f".{out.name}.cells-", dir=out.parent) as cells_dir:
            with Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
            ) as bar:
                task = bar.add_task("indicators", total=len(FAMILIES))
                cells = compute_cells(
                    lk, pts, Path(cells_dir), on_step=lambda s: bar.update(task, advance=1, description=s)
                )
            close(con)
            write_results(
                cells,
                out,
                threshold=threshold,
                meta={"engine": engine, "lake": str(lake), "periods": pts},
                memory_limit=memory_limit,
            )
    except NaravardError as exc:
        _fail(exc)
    console.print(f"results written to {out} in {time.perf_counter() - t0:.1f} s")


@app.command()
def report(
    results: Annotated[Path, typer.Option(help="Results folder.")],
    indicators: Annotated[str, typer.Option(help="Comma-separated indicator codes, e.g. C_FLK,C_COC")],
    out: Annotated[Path, typer.Option(help="Output file.")],
    period: Annotated[str, typer.Option(help="month, quarter or year")] = "month",
    scope: Annotated[
        str, typer.Option(help="total, region, municipality, unit or doctor; 'unit:1011' names one")
    ] = "total",
    format: Annotated[str, typer.Option("--format", help="pdf or xlsx")] = "pdf",
) -> None:
    """A steering-group report (PDF or Excel) for some indicators and one scope."""
    from naravard.followup.report import write_report

    scope_type, _, scope_id = scope.partition(":")
    try:
        write_report(
            results_dir=results,
            indicators=[c.strip() for c in indicators.split(",") if c.strip()],
            period=period,
            scope_type=scope_type,
            scope_id=scope_id or None,
            fmt=format,
            out=out,
        )
    except NaravardError as exc:
        _fail(exc)
    console.print(f"report written to {out}")


def import_csv(
    table: Annotated[str, typer.Argument(help="Lake table, e.g. encounters")],
    file: Annotated[Path, typer.Argument(help="CSV file with a header row")],
    lake: Annotated[Path | None, typer.Option(help="Event lake folder (default: settings).")] = None,
    skip_bad: Annotated[bool, typer.Option(help="Write the good rows even if some are bad.")] = False,
) -> None:
    """Append a CSV file to a lake table; bad rows are listed with line numbers and reasons."""
    from naravard.followup.importer import import_csv as do_import

    try:
        rep = do_import(
            table=table, file=file, lake_dir=lake or _settings().effective_lake_dir, skip_bad=skip_bad
        )
    except NaravardError as exc:
        _fail(exc)
    for b in rep.bad[:200]:
        console.print(f"{rep.file}:{b.line}: column {b.column!r} {b.reason}", highlight=False)
    if len(rep.bad) > 200:
        console.print(f"... and {len(rep.bad) - 200} more bad rows")
    written = f"written to {rep.written}" if rep.written else "nothing written"
    console.print(f"{rep.table}: {rep.good} good rows, {len(rep.bad)} bad rows; {written}")
    if rep.bad and not skip_bad:
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
