"""Fixtures: a fresh app and database per test, on SQLite or PostgreSQL.

``ENGAGE_TEST_DATABASE=postgresql`` (set by ``make test``) runs the same suite against a
throwaway PostgreSQL database created on ``TEST_POSTGRES_URL`` for this run.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app import create_app
from engage.extensions import db
from engage.sla.aspects import ensure_default_aspects

BACKEND = os.environ.get("ENGAGE_TEST_DATABASE", "sqlite")
PG_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
PASSWORD = "correct horse battery staple"


def pytest_report_header() -> str:
    return f"engage database backend: {BACKEND}"


@pytest.fixture(scope="session")
def pg_server_url() -> str:
    """The server URL given to the test run (its database is left alone)."""
    return PG_URL


def create_pg_database(server_url: str, prefix: str) -> str:
    """Create an empty database next to ``server_url``'s and return its URL."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(server_url: str, url: str) -> None:
    name = make_url(url).database
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str | None]:
    """One PostgreSQL database for the run, tables created once; None on SQLite."""
    if BACKEND != "postgresql":
        yield None
        return
    url = create_pg_database(PG_URL, "engage_test")
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x" * 32, "TESTING": True}
    )
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    yield url
    drop_pg_database(PG_URL, url)


def _truncate_all() -> None:
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.session.commit()


@pytest.fixture
def app_config(tmp_path: Path, pg_database: str | None) -> dict[str, Any]:
    """Settings for the test app; tests may change them before using ``app``."""
    url = pg_database or f"sqlite:///{tmp_path / 'engage.sqlite3'}"
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-" + "x" * 32,
        "SQLALCHEMY_DATABASE_URI": url,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "WTF_CSRF_ENABLED": False,
        "BASE_URL": "http://localhost",
        # Tests that need the automatic alert check switch it on themselves.
        "ALERTS_AUTO_CHECK": False,
    }


@pytest.fixture
def app(app_config: dict[str, Any]) -> Iterator[Flask]:
    """A fresh app over an empty database holding only the default aspects."""
    app = create_app(app_config)
    with app.app_context():
        if BACKEND == "postgresql":
            _truncate_all()
        else:
            db.create_all()
        ensure_default_aspects()
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """A brand-new database with no tables at all, on the backend under test."""
    if BACKEND != "postgresql":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    url = create_pg_database(PG_URL, "engage_empty")
    yield url
    drop_pg_database(PG_URL, url)
