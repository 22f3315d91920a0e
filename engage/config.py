"""Settings: safe defaults, then the environment, then the caller's overrides."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete; the app refuses to start."""


DEFAULTS: dict[str, Any] = {
    "ENV_NAME": "development",
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    # Every form post, CSV upload included, must fit in 1 MiB (SECURITY.md case 12).
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    # Flask-WTF's default; a form older than this is re-rendered, not lost.
    "WTF_CSRF_TIME_LIMIT": 3600,
    "SQLITE_BUSY_TIMEOUT_MS": 5000,
    # FULL survives power loss in WAL mode; NORMAL only application crashes (SECURITY.md L5).
    "SQLITE_SYNCHRONOUS": "FULL",
    "STAFF_SESSION_HOURS": 12,
    "LOGIN_MAX_FAILURES": 10,
    "LOGIN_WINDOW_MINUTES": 15,
    "BASE_URL": "http://127.0.0.1:5000",
    #: Engage's own log lines (mail written to the outbox, incidents) go to stderr.
    "LOG_LEVEL": "INFO",
    # Surveys
    "SURVEY_LINK_DAYS": 30,
    #: A contact is invited at most once in this many days, whatever the survey.
    "SURVEY_CONTACT_MIN_DAYS": 30,
    "REMINDER_MAX": 2,
    #: Days after the invitation (or the last reminder) before a reminder may go out.
    "REMINDER_QUIET_DAYS": 3,
    #: The longest free-text answer accepted (SECURITY.md case 12).
    "SURVEY_TEXT_MAX": 10_000,
    #: Unknown links one IP may try before getting 429 (SECURITY.md case 6).
    "SURVEY_LINK_GUESS_LIMIT": "30 per minute",
    "RATELIMIT_STORAGE_URI": "memory://",
    # Mail: with no SMTP host, messages are written to instance/outbox and logged.
    "MAIL_FROM": "Engage <engage@localhost>",
    "MAIL_SMTP_HOST": "",
    "MAIL_SMTP_PORT": 25,
    "MAIL_SMTP_USERNAME": "",
    "MAIL_SMTP_PASSWORD": "",
    "MAIL_SMTP_STARTTLS": False,
    "MAIL_SMTP_TIMEOUT": 10,
    # Alerts: check after writes to feedback or measurements (besides the cron job),
    # at most once per this many seconds per process.
    "ALERTS_AUTO_CHECK": True,
    "ALERT_CHECK_INTERVAL": 60,
    # JSON API (engage.api): flask-smorest's OpenAPI document at /api/v1/openapi.json;
    # no Swagger UI or ReDoc (they load from a CDN): /api/v1/docs renders the spec.
    "API_TITLE": "Engage API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    #: Calls per API key (Flask-Limiter syntax).
    "API_RATE_LIMIT": "600 per minute",
}

PRODUCTION_OVERRIDES: dict[str, Any] = {
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_NAME": "__Host-engage",
    "REMEMBER_COOKIE_SECURE": True,
    "REMEMBER_COOKIE_NAME": "__Host-engage-remember",
}


def load_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Fill ``app.config`` from defaults, ``ENGAGE_*``/``FLASK_*`` variables and overrides.

    :raise ConfigError: production settings are missing or insecure.
    """
    app.config.from_mapping(DEFAULTS)
    env_name = os.environ.get("ENGAGE_ENV", "development")
    app.config["ENV_NAME"] = env_name
    if env_name == "production":
        app.config.from_mapping(PRODUCTION_OVERRIDES)
    app.config.from_prefixed_env("FLASK")
    app.config.from_prefixed_env("ENGAGE")
    if test_config:
        app.config.from_mapping(test_config)

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _database_url(app)
    _secret_key(app)
    if app.config["ENV_NAME"] == "production":
        _check_production(app)


def _database_url(app: Flask) -> None:
    if "SQLALCHEMY_DATABASE_URI" in app.config:
        url = app.config["SQLALCHEMY_DATABASE_URI"]
    else:
        url = app.config.get("DATABASE_URL") or os.environ.get("DATABASE_URL")
        url = url or f"sqlite:///{Path(app.instance_path) / 'engage.sqlite3'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)


def normalise_database_url(url: str) -> str:
    """Pin PostgreSQL URLs to the psycopg 3 driver that Engage installs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _secret_key(app: Flask) -> None:
    if app.config.get("SECRET_KEY"):
        return
    if app.config["ENV_NAME"] == "production":
        raise ConfigError("ENGAGE_SECRET_KEY must be set when ENGAGE_ENV=production.")
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        # Written once with owner-only permissions, so sessions survive restarts.
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    app.config["SECRET_KEY"] = key_file.read_text().strip()


def _check_production(app: Flask) -> None:
    if app.debug:
        raise ConfigError("Debug mode must be off when ENGAGE_ENV=production.")
    if len(app.config["SECRET_KEY"]) < 32:
        raise ConfigError("ENGAGE_SECRET_KEY must be at least 32 characters long.")
    if not app.config["BASE_URL"].startswith("https://"):
        raise ConfigError("ENGAGE_BASE_URL must be an https:// URL in production.")
