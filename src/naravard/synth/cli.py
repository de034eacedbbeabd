"""``naravard synth``: a synthetic event lake for the follow-up engine (mounted by the root CLI from
`naravard.contexts.CONTEXTS`)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from naravard.errors import NaravardError


def synth(
    persons: Annotated[
        int, typer.Option(min=1, help="Number of persons (Gävleborg is about 285,000).")
    ] = 10_000,
    years: Annotated[int, typer.Option(min=1, help="Calendar years of events.")] = 3,
    out: Annotated[
        Path, typer.Option(help="Lake folder to write (an existing lake there is replaced at the end).")
    ] = Path("lake"),
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same lake.")] = 1,
    start_year: Annotated[int | None, typer.Option(help="First year; default: the last full years.")] = None,
) -> None:
    """Write a synthetic event lake (Parquet) at any scale."""
    # shaped like Region Gävleborg, cloned at national size; imported here, as the root CLI loads this
    # module for every command and the generator brings PyArrow and DuckDB
    from naravard.synth.lake import check_request, generate_lake

    console = Console()
    t0 = time.perf_counter()
    try:
        check_request(persons=persons, years=years, out=out, start_year=start_year)
        with Progress(
            TextColumn("[bold]synth"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("persons"),
            TimeElapsedColumn(),
            console=console,
        ) as bar:
            task = bar.add_task("persons", total=persons)
            rows = generate_lake(
                persons=persons,
                years=years,
                out=out,
                seed=seed,
                start_year=start_year,
                progress=lambda n: bar.advance(task, n),
            )
    except NaravardError as exc:
        message = exc.message
    except OSError as exc:
        message = f"{exc.filename + ': ' if exc.filename else ''}{exc.strerror or exc}"
    else:
        console.print(
            f"wrote {rows:,} rows for {persons:,} persons to {out} in {time.perf_counter() - t0:.1f} s",
            highlight=False,
            markup=False,
        )
        return
    Console(stderr=True, soft_wrap=True).print(f"[red]error:[/red] {escape(message)}", highlight=False)
    raise typer.Exit(1)


if __name__ == "__main__":
    typer.run(synth)
