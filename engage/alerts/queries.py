"""Reading a user's alerts: the page, the navigation count and the Overview card."""

from __future__ import annotations

from sqlalchemy import func, select, update

from engage.extensions import db
from engage.models import Alert, User, utcnow


def alerts_for(
    user: User, limit: int | None = None, unread_only: bool = False
) -> list[Alert]:
    """``user``'s alerts, unread first, newest first within each group."""
    stmt = (
        select(Alert)
        .where(Alert.user_id == user.id)
        .order_by(Alert.read_at.is_not(None), Alert.created_at.desc(), Alert.id.desc())
    )
    if unread_only:
        stmt = stmt.where(Alert.read_at.is_(None))
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(db.session.scalars(stmt))


def unread_count(user: User) -> int:
    """How many of ``user``'s alerts are unread (one indexed count)."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Alert)
            .where(Alert.user_id == user.id, Alert.read_at.is_(None))
        )
        or 0
    )


def mark_all_read(user: User) -> int:
    """Mark every unread alert of ``user`` read; the caller commits.

    :return: how many were marked.
    """
    result = db.session.execute(
        update(Alert)
        .where(Alert.user_id == user.id, Alert.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
