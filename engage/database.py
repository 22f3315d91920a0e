"""Engine tuning: SQLite pragmas and immediate write transactions.

SQLite's default deferred ``BEGIN`` lets a read-then-write transaction fail with
``SQLITE_BUSY_SNAPSHOT``, which ``busy_timeout`` does not retry (SECURITY.md, "SQLite
concurrency trap"). Requests that may write therefore start with ``BEGIN IMMEDIATE``;
safe-method requests keep deferred, concurrent read transactions.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask import Flask, has_request_context, request
from sqlalchemy import Engine, event

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_reading: ContextVar[bool] = ContextVar("engage_reading_first", default=False)


@contextmanager
def reading_first() -> Iterator[None]:
    """Begin transactions as deferred readers inside this block, even in a POST.

    A write request can then look up, validate and compute without SQLite's write lock,
    end that read transaction, and take the lock only for its inserts and commit, so
    concurrent writers queue for milliseconds, not for a whole request.
    """
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def configure_engine(app: Flask, engine: Engine) -> None:
    """Install the SQLite connection and transaction hooks on ``engine``."""
    if engine.dialect.name != "sqlite":
        return
    busy_ms = int(app.config["SQLITE_BUSY_TIMEOUT_MS"])
    synchronous = str(app.config["SQLITE_SYNCHRONOUS"]).upper()
    if synchronous not in {"FULL", "NORMAL", "EXTRA"}:
        raise ValueError(
            f"SQLITE_SYNCHRONOUS must be FULL, NORMAL or EXTRA: {synchronous}"
        )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy (the documented pysqlite recipe).
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _may_write() else "BEGIN")


def _may_write() -> bool:
    """Requests with unsafe methods and all CLI work take the write lock up front."""
    if _reading.get():
        return False
    if has_request_context():
        return request.method not in SAFE_METHODS
    return True
