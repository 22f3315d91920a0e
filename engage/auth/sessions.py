"""Server-side staff sessions.

Flask's session is a signed cookie that stays valid until it expires, so logging out by
clearing it cannot stop a copied cookie (ASVS 7.4.1). The cookie therefore carries a
random token whose hash must match a ``StaffSession`` row; deleting the row ends the
session everywhere.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select

from engage.extensions import db
from engage.models import StaffSession, User, utcnow


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, user_agent: str = "") -> str:
    """Create a session for ``user`` and return its token (the caller commits)."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        StaffSession(user=user, token_hash=_digest(token), user_agent=user_agent[:200])
    )
    user.session_token = token
    return token


def load_session_user(token: str, max_age: timedelta) -> User | None:
    """The active user whose live session has ``token``, or None."""
    row = db.session.scalar(
        select(StaffSession).where(StaffSession.token_hash == _digest(token))
    )
    if row is None or not row.user.active or row.created_at < utcnow() - max_age:
        return None
    row.user.session_token = token
    return row.user


def end_session(token: str) -> None:
    """Delete the session with ``token`` (the caller commits)."""
    db.session.execute(
        delete(StaffSession).where(StaffSession.token_hash == _digest(token))
    )


def end_other_sessions(user: User, keep_token: str | None = None) -> int:
    """Delete ``user``'s sessions except the one with ``keep_token``; return how many."""
    stmt = delete(StaffSession).where(StaffSession.user_id == user.id)
    if keep_token:
        stmt = stmt.where(StaffSession.token_hash != _digest(keep_token))
    result = db.session.execute(stmt)
    return int(getattr(result, "rowcount", 0) or 0)
