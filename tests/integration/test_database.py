"""SQLite runs with WAL, foreign keys, a busy timeout and immediate write transactions."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from engage.extensions import db
from tests.conftest import BACKEND

pytestmark = pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite engine tuning")


def test_pragmas(app: Flask) -> None:
    with app.app_context():
        pragma = {
            name: db.session.execute(text(f"PRAGMA {name}")).scalar()
            for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
        }
    assert pragma == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "busy_timeout": 5000,
        "synchronous": 2,
    }


def test_foreign_keys_enforced(app: Flask) -> None:
    orphan = text(
        "INSERT INTO contacts (customer_id, name, email, job_title, active, created_at)"
        " VALUES (999, 'x', 'x@y', '', 1, '2025-01-01')"
    )
    with app.app_context():
        with pytest.raises(IntegrityError, match="FOREIGN KEY"):
            db.session.execute(orphan)
        db.session.rollback()


def _holds_write_lock(path: str) -> bool:
    """True when another connection cannot take the write lock right now."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        other.close()


def test_writes_begin_immediately_reads_do_not(app: Flask, tmp_path: Path) -> None:
    """SECURITY.md lesson 8: a POST's transaction holds the write lock from its start."""
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    seen: dict[str, bool] = {}

    @app.route("/probe", methods=["GET", "POST"])
    def probe() -> str:
        from flask import request

        db.session.execute(text("SELECT 1"))  # a read opens the transaction
        result: list[bool] = []
        thread = threading.Thread(target=lambda: result.append(_holds_write_lock(path)))
        thread.start()
        thread.join()
        seen[request.method] = result[0]
        return "ok"

    client = app.test_client()
    client.get("/probe")
    client.post("/probe")
    assert seen == {"GET": False, "POST": True}


def test_reading_first_defers_the_write_lock(app: Flask) -> None:
    """A POST may look up and validate before it takes SQLite's write lock."""
    from engage.database import reading_first

    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    seen: list[bool] = []

    @app.post("/probe-read-first")
    def probe() -> str:
        with reading_first():
            db.session.execute(text("SELECT 1"))
        seen.append(_locked_elsewhere(path))
        db.session.commit()
        db.session.execute(text("SELECT 1"))  # the write phase
        seen.append(_locked_elsewhere(path))
        return "ok"

    app.test_client().post("/probe-read-first")
    assert seen == [False, True]


def _locked_elsewhere(path: str) -> bool:
    result: list[bool] = []
    thread = threading.Thread(target=lambda: result.append(_holds_write_lock(path)))
    thread.start()
    thread.join()
    return result[0]
