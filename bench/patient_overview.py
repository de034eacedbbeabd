"""Benchmark: the patient overview API against a bare FastAPI endpoint, in one run.

    python bench/patient_overview.py        # both: SQLite with 1 worker, then PostgreSQL with 2 workers
    python bench/patient_overview.py --only sqlite           # one of them (--workers to change the count)
    python bench/patient_overview.py --only postgresql --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/nv_bench

It prepares a demo region (a temp dir unless --data-dir), serves it with uvicorn in a subprocess on
127.0.0.1, logs in several demo clinicians' sessions through the API, and drives `--clients` concurrent
keep-alive clients through a fixed number of `GET /api/patients/{id}` requests for patients each clinician
may see (every one runs the access policy and writes an audit row, which the app's sealer chains later,
docs/adr/0006-audit-sealing.md). The same uvicorn setup then serves a bare FastAPI app returning a small
JSON, and the same clients drive it. It prints requests/second, p50 and p99 for both, the ratios
overview/bare against the issue's goals (PostgreSQL, 2 workers: ratio >= 0.3 and p99 < 100 ms; SQLite,
1 worker: ratio >= 0.15), the audit rows written per second during the measured run, and how long the
sealer took to chain them all after it.

Bounded: every loop stops after a fixed number of requests, every server listens on 127.0.0.1 only and is
stopped at the end; a PostgreSQL database that the benchmark created is dropped again.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from fastapi import FastAPI

# Demo users with a care role at a health centre; their patients are the ones listed at their unit.
CLINICIANS = ("lakare.gavle", "ssk.gavle", "lakare.hudiksvall", "chef.gavle")
HOST = "127.0.0.1"

# The bare baseline, served by the same uvicorn command line (`--app-dir bench patient_overview:bare_app`).
bare_app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


@bare_app.get("/bare")
def bare() -> dict[str, str]:
    return {"status": "ok", "service": "bare"}


@dataclass(frozen=True)
class ClinicianSession:
    username: str
    token: str
    patient_ids: list[uuid.UUID]


@dataclass(frozen=True)
class Result:
    name: str
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


# --- the database -------------------------------------------------------------------------------------


@contextmanager
def postgres_database(url: str, *, keep: bool) -> Iterator[None]:
    """Create the database named in `url` when missing; drop it afterwards if we created it."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    name = target.database
    if not name or not name.replace("_", "").isalnum():
        raise SystemExit(f"--database must name a plain database (letters, digits, _), got {name!r}")
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield
    finally:
        if not exists and not keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def visible_patients(database_url: str, username: str, limit: int) -> list[uuid.UUID]:
    """Patients listed at (or in an active care relationship with) the user's unit."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT l.person_id FROM user_account u JOIN membership m ON m.user_id = u.id"
                    " JOIN listing l ON l.unit_id = m.unit_id AND l.end_date IS NULL"
                    " WHERE u.username = :u"
                    " UNION SELECT r.person_id FROM user_account u JOIN membership m ON m.user_id = u.id"
                    " JOIN care_relationship r ON r.unit_id = m.unit_id AND r.ended_at IS NULL"
                    " WHERE u.username = :u"
                ),
                {"u": username},
            ).all()
    finally:
        engine.dispose()
    ids = sorted(uuid.UUID(str(row[0])) for row in rows)
    random.Random(username).shuffle(ids)
    return ids[:limit]


# --- the servers ----------------------------------------------------------------------------------------


@contextmanager
def uvicorn_server(app: str, *, workers: int, env: dict[str, str], extra: list[str]) -> Iterator[str]:
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        *extra,
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    process = subprocess.Popen(command, env={**os.environ, **env})
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise SystemExit(f"the server exited with {process.returncode}: {' '.join(command)}")
            try:
                httpx.get(f"{base}/", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise SystemExit("the server did not answer within 60 s") from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- the load -------------------------------------------------------------------------------------------


async def _get(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str, path: str, headers: dict[str, str]
) -> int:
    """One HTTP/1.1 GET on a kept-alive connection; returns the status. The server is uvicorn, which
    always sends Content-Length for these responses, so no chunked decoding is needed."""
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}", *(f"{k}: {v}" for k, v in headers.items())]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    return status


async def drive(name: str, base: str, requests: list[tuple[str, dict[str, str]]], clients: int) -> Result:
    """Send `requests` (path, headers) from `clients` concurrent keep-alive connections.

    A raw asyncio client rather than httpx.AsyncClient: on a small machine httpx's own per-request cost
    with 50 pooled connections is larger than the bare endpoint's, which would make the baseline measure
    the client instead of the server."""
    host_port = base.removeprefix("http://")
    host, port = host_port.rsplit(":", 1)
    latencies: list[float] = []
    errors = 0
    cursor = iter(requests)

    async def worker() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            for path, headers in cursor:  # a shared iterator: the run stops when it is used up
                started = time.perf_counter()
                try:
                    ok = await _get(reader, writer, host_port, path, headers) == 200
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    ok = False
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, int(port))
                latencies.append((time.perf_counter() - started) * 1000)
                errors += not ok
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    seconds = time.perf_counter() - started
    return Result(name, len(requests), errors, seconds, latencies)


def overview_requests(sessions: list[ClinicianSession], total: int) -> list[tuple[str, dict[str, str]]]:
    out: list[tuple[str, dict[str, str]]] = []
    for n in range(total):
        s = sessions[n % len(sessions)]
        out.append(
            (
                f"/api/patients/{s.patient_ids[(n // len(sessions)) % len(s.patient_ids)]}",
                {"Authorization": f"Bearer {s.token}"},
            )
        )
    return out


def log_in(base: str, database_url: str, password: str, count: int, pool: int) -> list[ClinicianSession]:
    sessions = []
    for n in range(count):
        username = CLINICIANS[n % len(CLINICIANS)]
        response = httpx.post(
            f"{base}/api/auth/login", json={"username": username, "password": password}, timeout=30
        )
        response.raise_for_status()
        patients = visible_patients(database_url, username, pool)
        if not patients:
            raise SystemExit(f"{username} has no patients in this demo region")
        sessions.append(ClinicianSession(username, response.json()["token"], patients))
    return sessions


# --- main -------------------------------------------------------------------------------------------------


def report(overview: Result, bare: Result) -> None:
    print(f"{'target':<28}{'requests':>9}{'errors':>8}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}")
    for r in (overview, bare):
        print(
            f"{r.name:<28}{r.requests:>9}{r.errors:>8}{r.rps:>10.0f}{r.percentile(50):>9.1f}"
            f"{r.percentile(99):>9.1f}"
        )
    print(
        f"ratio overview/bare: req/s {overview.rps / bare.rps:.3f}, "
        f"p50 {overview.percentile(50) / bare.percentile(50):.1f}x, "
        f"p99 {overview.percentile(99) / bare.percentile(99):.1f}x"
    )


# The goals per engine: (minimum ratio overview/bare, maximum p99 ms of the overview or None).
GOALS = {"PostgreSQL": (0.3, 100.0), "SQLite": (0.15, None)}
DEFAULT_WORKERS = {"sqlite": 1, "postgresql": 2}


@dataclass(frozen=True)
class Outcome:
    engine: str
    workers: int
    overview: Result
    bare: Result
    audit_rows_per_s: float
    sealed_after_s: float | None

    def goal_line(self) -> str:
        ratio, p99 = self.overview.rps / self.bare.rps, self.overview.percentile(99)
        min_ratio, max_p99 = GOALS[self.engine]
        parts = [f"ratio {ratio:.3f} (goal >= {min_ratio}: {'met' if ratio >= min_ratio else 'NOT met'})"]
        verdict = "met" if max_p99 is None or p99 < max_p99 else "NOT met"
        parts.append(f"p99 {p99:.0f} ms" + (f" (goal < {max_p99:.0f} ms: {verdict})" if max_p99 else ""))
        parts.append(f"audit rows written {self.audit_rows_per_s:.0f}/s")
        sealed = f"{self.sealed_after_s:.1f} s" if self.sealed_after_s is not None else "not within 60 s"
        parts.append(f"all sealed {sealed} after the run")
        return f"{self.engine}, {self.workers} worker(s): " + "; ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--persons", type=int, default=3000, help="demo persons (default 3000)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the demo region")
    parser.add_argument("--data-dir", type=Path, help="demo data dir (default: a temp dir, removed)")
    parser.add_argument("--only", choices=("sqlite", "postgresql"), help="run one engine (default: both)")
    parser.add_argument(
        "--pg-url",
        "--database",
        dest="pg_url",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/nv_bench",
        help="PostgreSQL database URL, created and dropped if missing (default %(default)s)",
    )
    parser.add_argument("--keep-database", action="store_true", help="do not drop a database we created")
    parser.add_argument(
        "--workers", type=int, help="uvicorn worker processes (default 1 on SQLite, 2 on PostgreSQL)"
    )
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument(
        "--requests", type=int, default=3000, help="measured requests per target (default 3000)"
    )
    parser.add_argument("--warmup", type=int, default=200, help="unmeasured requests per target first")
    parser.add_argument("--sessions", type=int, default=8, help="logged-in clinician sessions (default 8)")
    parser.add_argument(
        "--patients", type=int, default=200, help="patients per session to read (default 200)"
    )
    args = parser.parse_args(argv)
    if not args.pg_url.startswith("postgresql"):
        parser.error("--pg-url takes a postgresql+psycopg:// URL (SQLite is in the data dir)")
    if min(args.workers or 1, args.clients, args.requests, args.sessions, args.patients) < 1:
        parser.error("--workers, --clients, --requests, --sessions and --patients must be at least 1")

    outcomes: list[Outcome] = []
    for engine in ("sqlite", "postgresql"):
        if args.only and args.only != engine:
            continue
        workers = args.workers or DEFAULT_WORKERS[engine]
        with tempfile.TemporaryDirectory(prefix="naravard-bench-") as tmp:
            data_dir = (args.data_dir / engine) if args.data_dir else Path(tmp)
            if engine == "postgresql":
                with postgres_database(args.pg_url, keep=args.keep_database):
                    outcomes.append(run(args, data_dir, args.pg_url, workers))
            else:
                outcomes.append(run(args, data_dir, None, workers))
    print("\nsummary (issue 20 goals)")
    for outcome in outcomes:
        print("  " + outcome.goal_line())
    errors = sum(o.overview.errors + o.bare.errors for o in outcomes)
    if errors:
        print(f"errors: {errors}", file=sys.stderr)
        return 1
    return 0


def audit_rows(database_url: str) -> tuple[int, int]:
    """(all audit rows, unsealed ones)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            row = conn.execute(text("SELECT count(*), count(*) - count(sealed_seq) FROM audit_event")).one()
    finally:
        engine.dispose()
    return int(row[0]), int(row[1])


def run(args: argparse.Namespace, data_dir: Path, database_url: str | None, workers: int) -> Outcome:
    from naravard.cli import prepare_demo

    settings = prepare_demo(data_dir, persons=args.persons, seed=args.seed, database_url=database_url)
    env = {
        "NARAVARD_ENVIRONMENT": "demo",
        "NARAVARD_DATABASE_URL": settings.database_url,
        "NARAVARD_SECRET_KEY": settings.secret_key,
        "NARAVARD_AUDIT_HMAC_KEY": settings.audit_hmac_key,
        "NARAVARD_DEMO_PASSWORD": settings.demo_password,
        "NARAVARD_DATA_DIR": str(data_dir),
        "NARAVARD_AUDIT_CHECKPOINT_DIR": str(data_dir / "audit-checkpoints"),
    }
    engine = "PostgreSQL" if settings.database_url.startswith("postgresql") else "SQLite"
    print(
        f"\nnaravard benchmark: {engine}, {args.persons} persons, {workers} worker(s), "
        f"{args.clients} clients, {args.requests} requests per target, {os.cpu_count()} CPUs "
        f"(client and server share them)",
        flush=True,
    )

    sealed_after: float | None = None
    with uvicorn_server("naravard.app:create_app", workers=workers, env=env, extra=["--factory"]) as base:
        sessions = log_in(base, settings.database_url, settings.demo_password, args.sessions, args.patients)
        asyncio.run(drive("warm-up", base, overview_requests(sessions, args.warmup), args.clients))
        rows_before, _ = audit_rows(settings.database_url)
        overview = asyncio.run(
            drive("GET /api/patients/{id}", base, overview_requests(sessions, args.requests), args.clients)
        )
        rows_after, _ = audit_rows(settings.database_url)
        finished = time.perf_counter()
        while time.perf_counter() - finished < 60:  # the app's sealer chains them in the background
            if audit_rows(settings.database_url)[1] == 0:
                sealed_after = time.perf_counter() - finished
                break
            time.sleep(0.05)
    rows_per_s = (rows_after - rows_before) / overview.seconds

    bench_dir = str(Path(__file__).resolve().parent)
    with uvicorn_server(
        "patient_overview:bare_app", workers=workers, env={}, extra=["--app-dir", bench_dir]
    ) as base:
        bare_requests: list[tuple[str, dict[str, str]]] = [("/bare", {})] * args.requests
        asyncio.run(drive("warm-up", base, bare_requests[: args.warmup], args.clients))
        bare_result = asyncio.run(drive("GET /bare (bare FastAPI)", base, bare_requests, args.clients))

    report(overview, bare_result)
    outcome = Outcome(engine, workers, overview, bare_result, rows_per_s, sealed_after)
    print(outcome.goal_line(), flush=True)
    return outcome


if __name__ == "__main__":
    sys.exit(main())
