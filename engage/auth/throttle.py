"""Per-account login throttling, stored in the database.

The counts live in the database rather than in the rate limiter's memory so that every
gunicorn worker sees the same count (SECURITY.md case 16: counted per account across IPs).
Unknown emails are counted the same way, so throttling reveals nothing about accounts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from engage.extensions import db
from engage.models import LoginFailure


def is_throttled(
    email: str, now: datetime, max_failures: int, window: timedelta
) -> bool:
    """True when ``email`` had ``max_failures`` failed logins within ``window``."""
    count = db.session.scalar(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.email == email, LoginFailure.at > now - window)
    )
    return (count or 0) >= max_failures


def record_failure(email: str, now: datetime, window: timedelta) -> None:
    """Count a failure and forget this email's failures older than ``window``."""
    db.session.execute(
        delete(LoginFailure).where(
            LoginFailure.email == email, LoginFailure.at <= now - window
        )
    )
    db.session.add(LoginFailure(email=email, at=now))


def clear_failures(email: str) -> None:
    """A successful login starts the count again."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == email))
