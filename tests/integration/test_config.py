"""Settings from the environment, the generated secret key, production refusals."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from app import create_app
from engage.config import ConfigError, normalise_database_url


def test_secret_key_generated_once_into_instance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ENGAGE_SECRET_KEY", raising=False)
    config = {"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    first = create_app(dict(config))
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first.config["SECRET_KEY"]) >= 64
    assert create_app(dict(config)).config["SECRET_KEY"] == first.config["SECRET_KEY"]


def test_environment_prefixes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENGAGE_DATABASE_URL", "postgresql://u@db.example:5432/engage")
    monkeypatch.setenv("ENGAGE_LOGIN_MAX_FAILURES", "5")
    monkeypatch.setenv("FLASK_MAX_CONTENT_LENGTH", "2048")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://u@db.example:5432/engage"
    )
    assert app.config["LOGIN_MAX_FAILURES"] == 5
    assert app.config["MAX_CONTENT_LENGTH"] == 2048


def test_default_database_is_sqlite_in_instance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ENGAGE_DATABASE_URL", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert (
        app.config["SQLALCHEMY_DATABASE_URI"]
        == f"sqlite:///{tmp_path / 'engage.sqlite3'}"
    )


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://a@h/d", "postgresql+psycopg://a@h/d"),
        ("postgresql://a@h/d", "postgresql+psycopg://a@h/d"),
        ("postgresql+psycopg://a@h/d", "postgresql+psycopg://a@h/d"),
        ("sqlite:////srv/engage.db", "sqlite:////srv/engage.db"),
    ],
)
def test_normalise_database_url(given: str, expected: str) -> None:
    assert normalise_database_url(given) == expected


def _production(monkeypatch: pytest.MonkeyPatch, **env: str) -> None:
    monkeypatch.setenv("ENGAGE_ENV", "production")
    monkeypatch.delenv("ENGAGE_SECRET_KEY", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)


def test_production_requires_secret_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _production(monkeypatch, ENGAGE_BASE_URL="https://engage.example")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"INSTANCE_PATH": str(tmp_path)})
    assert not (tmp_path / "secret_key").exists()


def test_production_refuses_debug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _production(
        monkeypatch,
        ENGAGE_SECRET_KEY="k" * 48,
        ENGAGE_BASE_URL="https://engage.example",
        FLASK_DEBUG="1",
    )
    with pytest.raises(ConfigError, match="Debug"):
        create_app({"INSTANCE_PATH": str(tmp_path)})


def test_production_cookie_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SECURITY.md 20 (ASVS 3.3.1-3.3.4): Secure, HttpOnly, SameSite=Lax, __Host- name."""
    _production(
        monkeypatch, ENGAGE_SECRET_KEY="k" * 48, ENGAGE_BASE_URL="https://e.example"
    )
    app = create_app(
        {"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["SESSION_COOKIE_NAME"].startswith("__Host-")
    response = app.test_client().get("/staff/login", base_url="https://e.example")
    assert "Strict-Transport-Security" in response.headers
