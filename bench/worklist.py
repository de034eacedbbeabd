"""Benchmark of a municipality's coordination worklist (`GET /api/coordination/worklist`, issue 16) with 5,000
open items, against a bare FastAPI endpoint served and driven the same way in the same run.

    .venv/bin/python bench/worklist.py                         # SQLite, 1 worker, 5,000 items, 50 clients
    .venv/bin/python bench/worklist.py --items 5000 --clients 50 --requests 1000 --workers 2

It prepares a demo region (`naravard.cli.prepare_demo`) in a temporary folder, adds `--items` open discharge
notices addressed to the home health care of the demo user `hemsjukvard.gavle` (each with the care
relationship the notice gives), serves the app with uvicorn, logs that user in through the API and sends
`--requests` worklist reads from `--clients` keep-alive connections; then the same against the bare app of
`bench/patient_overview.py`. Prints requests/s, p50 and p99 of both and the ratios. Goal: p99 < 150 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import sys
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from patient_overview import Result, drive, uvicorn_server

USER = "hemsjukvard.gavle"
GOAL_P99_MS = 150.0


def add_items(database: Path, items: int) -> None:
    """`items` open notices (status notified) to the user's unit, over the region's persons, with their
    care relationships; straight into the SQLite file (a benchmark's setup, not the product's path)."""
    db = sqlite3.connect(database)
    try:
        unit, code = db.execute(
            "SELECT cu.id, cu.municipality_code FROM user_account u JOIN membership m ON m.user_id = u.id"
            " JOIN care_unit cu ON cu.id = m.unit_id WHERE u.username = ?",
            (USER,),
        ).fetchone()
        hospital = db.execute("SELECT id FROM care_unit WHERE kind = 'hospital_clinic' LIMIT 1").fetchone()[0]
        persons = [r[0] for r in db.execute("SELECT id FROM person WHERE protected_identity = 0 ORDER BY id")]
        now = datetime.now(UTC)
        fmt = "%Y-%m-%d %H:%M:%S.%f"
        rows = []
        for n in range(items):
            admitted = now - timedelta(hours=n % 200)
            rows.append(
                (
                    uuid.uuid4().hex,
                    persons[n % len(persons)],
                    hospital,
                    code,
                    unit,
                    "bench",
                    f"B-{n}",
                    admitted.strftime(fmt),
                    0,
                    (admitted + timedelta(hours=n % 30)).strftime(fmt),
                    "notified",
                    now.strftime(fmt),
                    1,
                    now.strftime(fmt),
                )
            )
        db.executemany(
            "INSERT INTO coord_discharge (id, person_id, hospital_unit_id, municipality_code, municipality_unit_id,"
            " sender, sender_message_id, admitted_at, planned, notice_sent_at, status, updated_at, version, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        db.executemany(
            "INSERT INTO care_relationship (id, person_id, unit_id, reason, started_at, recorded_by, created_at)"
            " VALUES (?, ?, ?, 'coordination:discharge_notice', ?, 'bench', ?)",
            [
                (uuid.uuid4().hex, p, unit, now.strftime(fmt), now.strftime(fmt))
                for p in persons[: min(items, len(persons))]
            ],
        )
        db.commit()
    finally:
        db.close()


def report(worklist: Result, bare: Result) -> None:
    for r in (worklist, bare):
        print(
            f"{r.name:<42} {r.rps:8.1f} req/s  p50 {r.percentile(50):7.1f} ms  p99 {r.percentile(99):7.1f} ms"
            f"  errors {r.errors}",
            flush=True,
        )
    print(
        f"ratio worklist/bare: throughput {worklist.rps / bare.rps:.3f}, p50 {worklist.percentile(50) / bare.percentile(50):.1f}x,"
        f" p99 {worklist.percentile(99) / bare.percentile(99):.1f}x",
        flush=True,
    )
    met = worklist.percentile(99) < GOAL_P99_MS
    print(
        f"goal p99 < {GOAL_P99_MS:.0f} ms: {'met' if met else 'NOT met'} ({worklist.percentile(99):.1f} ms)",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=3000)
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    from naravard.cli import prepare_demo

    with tempfile.TemporaryDirectory(prefix="naravard-worklist-") as tmp:
        data_dir = Path(tmp)
        settings = prepare_demo(data_dir, persons=args.persons, seed=args.seed)
        add_items(Path(settings.database_url.removeprefix("sqlite:///")), args.items)
        env = {
            "NARAVARD_ENVIRONMENT": "demo",
            "NARAVARD_DATABASE_URL": settings.database_url,
            "NARAVARD_SECRET_KEY": settings.secret_key,
            "NARAVARD_AUDIT_HMAC_KEY": settings.audit_hmac_key,
            "NARAVARD_DEMO_PASSWORD": settings.demo_password,
            "NARAVARD_DATA_DIR": str(data_dir),
            "NARAVARD_AUDIT_CHECKPOINT_DIR": str(data_dir / "audit-checkpoints"),
        }
        print(
            f"\nworklist benchmark: SQLite, {args.items} open items, {args.workers} worker(s), {args.clients} clients,"
            f" {args.requests} requests per target, {os.cpu_count()} CPUs (client and server share them)",
            flush=True,
        )
        with uvicorn_server(
            "naravard.app:create_app", workers=args.workers, env=env, extra=["--factory"]
        ) as base:
            login = httpx.post(
                f"{base}/api/auth/login",
                json={"username": USER, "password": settings.demo_password},
                timeout=30,
            )
            login.raise_for_status()
            headers = {"Authorization": f"Bearer {login.json()['token']}"}
            first = httpx.get(f"{base}/api/coordination/worklist", headers=headers, timeout=60)
            first.raise_for_status()
            print(
                f"the worklist holds {first.json()['total']} items ({first.json()['shown']} shown)",
                flush=True,
            )
            requests = [("/api/coordination/worklist", headers)] * args.requests
            asyncio.run(drive("warm-up", base, requests[: args.warmup], args.clients))
            worklist = asyncio.run(drive("GET /api/coordination/worklist", base, requests, args.clients))
        bench_dir = str(Path(__file__).resolve().parent)
        with uvicorn_server(
            "patient_overview:bare_app", workers=args.workers, env={}, extra=["--app-dir", bench_dir]
        ) as base:
            bare_requests: list[tuple[str, dict[str, str]]] = [("/bare", {})] * args.requests
            asyncio.run(drive("warm-up", base, bare_requests[: args.warmup], args.clients))
            bare = asyncio.run(drive("GET /bare (bare FastAPI)", base, bare_requests, args.clients))
    report(worklist, bare)
    return 1 if worklist.errors else 0


if __name__ == "__main__":
    sys.exit(main())
