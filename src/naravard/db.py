"""Database plumbing: the declarative base, the engine (SQLite or PostgreSQL) and sessions.

SQLite is the embedded default. It runs in WAL mode and every transaction starts with BEGIN IMMEDIATE:
patient reads write audit rows, and a deferred SQLite transaction that read (the patient's data, its
session) and then tries to write after another writer committed fails with SQLITE_BUSY_SNAPSHOT instead of
waiting its turn. (The audit row itself no longer reads the chain: rows are sealed later, see
`naravard.audit.sealing`.)
"""

from __future__ import annotations

import logging
import uuid
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.orm.session import JoinTransactionMode
from sqlalchemy.types import TypeDecorator

log = logging.getLogger("naravard")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both databases (SQLite drops the offset otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> uuid.UUID:
    return uuid.uuid4()


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, *, echo: bool = False, pool_size: int = 10) -> Engine:
    """Engine for either database, with the SQLite settings this app relies on."""
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=pool_size,
            max_overflow=20,
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(url, echo=echo, pool_size=pool_size, max_overflow=20, pool_pre_ping=True)


def _unicode_lower(value: str | None) -> str | None:
    return value.lower() if isinstance(value, str) else value


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy (not the driver) decide when transactions begin, so BEGIN IMMEDIATE is ours.
        dbapi_connection.isolation_level = None
        # SQLite's own lower() folds ASCII only; Swedish names need Å, Ä, Ö folded too (as PostgreSQL does).
        dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(
    bind: Engine | Connection,
    *,
    audit_key: bytes,
    expire_on_commit: bool = False,
    join_transaction_mode: JoinTransactionMode = "conditional_savepoint",
) -> sessionmaker[Session]:
    """Sessions over `bind` whose ``info["audit_key"]`` keys the audit chain (`naravard.audit.chain`): every
    session that may seal or verify audit rows needs it (`record` inserts them unsealed). Objects stay
    readable after commit (a request renders what it saved) unless `expire_on_commit`; `join_transaction_mode` is SQLAlchemy's, for a session bound
    to a connection already in a transaction (the tests' rolled-back one)."""
    return sessionmaker(
        bind=bind,
        expire_on_commit=expire_on_commit,
        join_transaction_mode=join_transaction_mode,
        info={"audit_key": audit_key},
    )


# Writes that must outlive their unit of work's rollback: the audit row of a refusal (PDL 4 kap. 3 §: the
# attempt is logged though the request fails), the count of a wrong password. Services register them and
# raise; only the unit of work (`transaction` here, `deps.get_db` for requests) rolls back, runs them and
# commits, so no service ever commits the caller's transaction.
_KEPT: weakref.WeakKeyDictionary[Session, list[Callable[[Session], object]]] = weakref.WeakKeyDictionary()


def keep_after_rollback(session: Session, write: Callable[[Session], object]) -> None:
    """Run `write` when this unit of work ends, after its rollback if it fails, and commit it."""
    _KEPT.setdefault(session, []).append(write)


def end_unit_of_work(session: Session, *, failed: bool) -> None:
    """Commit the work (success), or roll it back (failure); either way then write and commit what was
    kept. A failure to write what was kept is logged, never hides the request's own error."""
    kept = _KEPT.pop(session, [])
    if not failed:
        for write in kept:
            write(session)
        session.commit()
        return
    session.rollback()
    if not kept:
        return
    try:
        for write in kept:
            write(session)
        session.commit()
    except Exception:
        session.rollback()
        log.exception("could not write what a failed unit of work had to keep")


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error (nothing half-written), and keep what
    must outlive a rollback (`keep_after_rollback`)."""
    session = factory()
    try:
        yield session
    except BaseException:
        end_unit_of_work(session, failed=True)
        raise
    else:
        end_unit_of_work(session, failed=False)
    finally:
        session.close()
