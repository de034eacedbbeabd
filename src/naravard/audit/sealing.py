"""Sealing the audit trail: rows are inserted without the chain lock and chained later, in batches.

`audit.service.record` inserts a row with no hash (`sealed_seq` NULL). `seal` takes the committed unsealed
rows in `seq` order and gives each the next place in the chain (`sealed_seq`), the previous row's hash and
its own HMAC (`audit.chain.row_hash`). Only one sealer runs at a time (a PostgreSQL advisory lock, SQLite's
write lock); readers never wait for it on PostgreSQL. A row whose transaction commits after rows with a
higher `seq` were sealed is sealed in a later batch: the chain's order is the order of sealing, so no row
is ever skipped and no grace period is needed (docs/adr/0006-audit-sealing.md).

`write_checkpoint` anchors the chain's head outside the database: a file holding (sealed_seq, head hash,
time) and an HMAC of them under the audit key. `audit.service.verify` checks each checkpoint against the
chain, so deleting the newest sealed rows (which leaves a shorter, still consistent chain) is detected.

`Sealer` runs `seal` and `write_checkpoint` on a schedule in a background thread (the app's lifespan).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from naravard.audit.chain import GENESIS, row_hash
from naravard.audit.models import AuditEvent
from naravard.db import transaction, utcnow

log = logging.getLogger("naravard.audit")

# Any constant (not the old chain lock's): the PostgreSQL advisory lock that lets one sealer run at a time.
_SEAL_LOCK = 7_355_609
CHECKPOINT_PREFIX = "audit-checkpoint-"
CHECKPOINTS_KEPT = 200
HASHED_FIELDS = (
    "seq",
    "occurred_at",
    "request_id",
    "user_id",
    "username",
    "role",
    "unit_id",
    "organization_id",
    "purpose",
    "patient_id",
    "action",
    "outcome",
    "reason",
    "detail",
)
# Hashed only when set, so that rows written before the field existed still verify (and a value added to
# or removed from such a row later breaks its hash).
OPTIONAL_HASHED_FIELDS = ("client_request_id",)


def audit_key(session: Session) -> bytes:
    key = session.info.get("audit_key")
    if not key:
        raise RuntimeError("session has no audit_key; build sessions with naravard.app's factory")
    return key if isinstance(key, bytes) else str(key).encode()


def fields(event: AuditEvent) -> dict[str, Any]:
    out = {name: getattr(event, name) for name in HASHED_FIELDS}
    for name in OPTIONAL_HASHED_FIELDS:
        if getattr(event, name) is not None:
            out[name] = getattr(event, name)
    return out


def head(session: Session) -> tuple[int, str]:
    """The chain's last place and hash; (0, GENESIS) for an empty chain."""
    row = session.execute(
        select(AuditEvent.sealed_seq, AuditEvent.hash)
        .where(AuditEvent.sealed_seq.is_not(None))
        .order_by(AuditEvent.sealed_seq.desc())
        .limit(1)
    ).first()
    return (int(row[0] or 0), str(row[1])) if row else (0, GENESIS)


def seal(session: Session, *, batch: int = 1000) -> int:
    """Chain up to `batch` committed unsealed rows, oldest `seq` first, in the caller's transaction;
    returns how many. 0 when another sealer holds the lock (it will seal them)."""
    if session.get_bind().dialect.name == "postgresql":
        got = session.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": _SEAL_LOCK}).scalar()
        if not got:
            return 0
    # On SQLite the transaction began with BEGIN IMMEDIATE: we hold the write lock, so no row commits
    # under us and no other sealer runs.
    key = audit_key(session)
    place, prev = head(session)
    rows = list(
        session.scalars(
            select(AuditEvent).where(AuditEvent.sealed_seq.is_(None)).order_by(AuditEvent.seq).limit(batch)
        )
    )
    if not rows:
        return 0
    values: list[dict[str, Any]] = []
    for event in rows:
        place += 1
        digest = row_hash(key, prev, fields(event))
        values.append({"seq": event.seq, "sealed_seq": place, "prev_hash": prev, "hash": digest})
        prev = digest
    session.execute(update(AuditEvent), values)  # bulk UPDATE by primary key
    for event in rows:  # the loaded objects are stale now
        session.expire(event)
    return len(rows)


def seal_all(factory: sessionmaker[Session], *, batch: int = 1000) -> int:
    """Seal every committed unsealed row, a batch per transaction; returns how many."""
    total = 0
    while True:
        with transaction(factory) as session:
            done = seal(session, batch=batch)
        total += done
        if done < batch:
            return total


@dataclass(frozen=True)
class Unsealed:
    count: int
    oldest: datetime | None

    def age_seconds(self, now: datetime | None = None) -> float | None:
        if self.oldest is None:
            return None
        return max(0.0, ((now or utcnow()) - self.oldest).total_seconds())


def unsealed(session: Session) -> Unsealed:
    count, oldest = session.execute(
        select(func.count(), func.min(AuditEvent.occurred_at)).where(AuditEvent.sealed_seq.is_(None))
    ).one()
    if isinstance(oldest, str):  # SQLite's min() returns the stored text, not through the column type
        oldest = datetime.fromisoformat(oldest)
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    return Unsealed(int(count or 0), oldest)


# --- checkpoints -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    sealed_seq: int
    head_hash: str
    written_at: str
    path: Path | None = None

    def payload(self) -> bytes:
        body = {"sealed_seq": self.sealed_seq, "head_hash": self.head_hash, "written_at": self.written_at}
        return b"audit-checkpoint|" + json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def _mac(key: bytes, checkpoint: Checkpoint) -> str:
    return hmac.new(key, checkpoint.payload(), hashlib.sha256).hexdigest()


def write_checkpoint(session: Session, directory: Path) -> Path | None:
    """Write the chain's head to `directory` (atomically: a temp file renamed); None for an empty chain.
    Older checkpoints beyond the newest `CHECKPOINTS_KEPT` are removed."""
    place, digest = head(session)
    if place == 0:
        return None
    directory.mkdir(parents=True, exist_ok=True)
    checkpoint = Checkpoint(place, digest, utcnow().isoformat(timespec="microseconds"))
    path = directory / f"{CHECKPOINT_PREFIX}{place:015d}.json"
    if path.exists():
        return path
    document = {
        "sealed_seq": place,
        "head_hash": digest,
        "written_at": checkpoint.written_at,
        "mac": _mac(audit_key(session), checkpoint),
    }
    tmp = directory / f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp"
    tmp.write_text(json.dumps(document, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)
    for old in sorted(directory.glob(f"{CHECKPOINT_PREFIX}*.json"))[:-CHECKPOINTS_KEPT]:
        old.unlink(missing_ok=True)
    return path


def read_checkpoints(directory: Path, key: bytes) -> tuple[list[Checkpoint], list[str]]:
    """The checkpoints in `directory`, and the problems of files that are not valid signed checkpoints."""
    good: list[Checkpoint] = []
    problems: list[str] = []
    if not directory.is_dir():
        return good, problems
    for path in sorted(directory.glob(f"{CHECKPOINT_PREFIX}*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            checkpoint = Checkpoint(
                int(doc["sealed_seq"]), str(doc["head_hash"]), str(doc["written_at"]), path
            )
            mac = str(doc["mac"])
        except (OSError, ValueError, KeyError, TypeError):
            problems.append(f"checkpoint {path.name} cannot be read")
            continue
        if not hmac.compare_digest(mac, _mac(key, checkpoint)):
            problems.append(f"checkpoint {path.name} has a wrong signature")
            continue
        good.append(checkpoint)
    return good, problems


# --- the background sealer -------------------------------------------------------------------------------


class Sealer:
    """Seals (and writes a checkpoint) every `interval` seconds in a daemon thread until `stop`, which runs
    one last pass. Errors are logged and retried next time: an unsealed row is never lost, only late."""

    def __init__(
        self, factory: sessionmaker[Session], *, interval: float, checkpoint_dir: Path | None = None
    ) -> None:
        self.factory = factory
        self.interval = interval
        self.checkpoint_dir = checkpoint_dir
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="audit-sealer", daemon=True)

    def start(self) -> Sealer:
        self._thread.start()
        return self

    def run_once(self) -> int:
        done = seal_all(self.factory)
        if self.checkpoint_dir is not None:
            with self.factory() as session:
                write_checkpoint(session, self.checkpoint_dir)
        return done

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.run_once()
            except Exception:
                log.exception("sealing the audit trail failed; retrying in %s s", self.interval)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
        try:
            self.run_once()
        except Exception:
            log.exception("the last sealing pass failed; `naravard audit seal` seals what is left")


def can_run_in_background(factory: sessionmaker[Session]) -> bool:
    """A factory bound to an engine (a pool): not one bound to a single connection (tests), which a second
    thread must not share."""
    return isinstance(factory.kw.get("bind"), Engine)
