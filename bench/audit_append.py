"""Benchmark: writing audit rows without a lock (issue 20) against the old chained append, in one run.

    python bench/audit_append.py                  # PostgreSQL at 127.0.0.1:5432, 16 threads
    python bench/audit_append.py --threads 32 --per-thread 300

Without HTTP: `--threads` threads each run `--per-thread` transactions of a small read plus one audit row
(`audit.service.record`), committed, on a fresh PostgreSQL database that is dropped at the end. The
baseline ("old") emulates the append before docs/adr/0006-audit-sealing.md: the transaction-scoped
advisory lock and the read of the chain's head before the insert, held until commit. Then it times the
sealer chaining every row written. Prints transactions/s for both, the ratio new/old and sealed rows/s.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
import uuid
from enum import StrEnum

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from naravard import migrate
from naravard.actor import system_actor
from naravard.audit import sealing
from naravard.audit import service as audit_service
from naravard.db import make_engine, make_session_factory, transaction

OLD_CHAIN_LOCK = 7_355_608  # the advisory lock the old append took


class BenchAction(StrEnum):
    ROW_WRITE = "bench:row:write"


def run(factory: sessionmaker[Session], *, old: bool, threads: int, per_thread: int) -> float:
    def work() -> None:
        for _ in range(per_thread):
            with transaction(factory) as session:
                session.execute(text("SELECT count(*) FROM audit_event WHERE seq < 10"))
                if old:
                    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": OLD_CHAIN_LOCK})
                    session.execute(
                        text("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")
                    ).first()
                audit_service.record(session, actor=system_actor("bench"), action=BenchAction.ROW_WRITE)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return threads * per_thread / (time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--per-thread", type=int, default=150)
    args = parser.parse_args(argv)
    if min(args.threads, args.per_thread) < 1 or args.threads > 64:
        parser.error("--threads 1-64, --per-thread at least 1")
    name = f"nv_bench_audit_{uuid.uuid4().hex[:6]}"
    admin = create_engine(args.pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(args.pg_url).set(database=name).render_as_string(hide_password=False)
        migrate.upgrade(url)
        engine = make_engine(url, pool_size=args.threads + 2)
        factory = make_session_factory(engine, audit_key=b"bench-key-0123456789abcdef0123456789")
        run(factory, old=False, threads=4, per_thread=20)  # warm-up
        old = run(factory, old=True, threads=args.threads, per_thread=args.per_thread)
        new = run(factory, old=False, threads=args.threads, per_thread=args.per_thread)
        started = time.perf_counter()
        sealed = sealing.seal_all(factory)
        seal_rate = sealed / (time.perf_counter() - started)
        engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    print(f"audit writes, {args.threads} threads x {args.per_thread} transactions, PostgreSQL")
    print(f"  old append (advisory lock + chain head): {old:8.0f} tx/s")
    print(f"  lock-free insert, sealed later:           {new:8.0f} tx/s  (ratio new/old {new / old:.1f})")
    print(f"  sealer: {sealed} rows at {seal_rate:.0f} rows/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
