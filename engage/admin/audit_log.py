"""Reading the audit log: filtered queries and plain-text details."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, or_, select

from engage.extensions import db
from engage.models import AuditEvent


def audit_actions() -> list[str]:
    """The distinct actions in the log, sorted."""
    return sorted(db.session.scalars(select(AuditEvent.action).distinct()))


def audit_query(
    action: str = "",
    actor_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> Select[AuditEvent]:
    """Events newest first; ``action`` is a full action or an area (``user``).

    Dates are whole days in UTC, both ends included.
    """
    stmt = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if action:
        stmt = stmt.where(
            or_(
                AuditEvent.action == action,
                AuditEvent.action.startswith(action + ".", autoescape=True),
            )
        )
    if actor_id is not None:
        stmt = stmt.where(AuditEvent.actor_id == actor_id)
    if date_from:
        stmt = stmt.where(AuditEvent.at >= datetime.combine(date_from, time(), UTC))
    if date_to:
        end = datetime.combine(date_to + timedelta(days=1), time(), UTC)
        stmt = stmt.where(AuditEvent.at < end)
    return stmt


def detail_lines(details: dict[str, Any]) -> list[tuple[str, str]]:
    """``(key, text)`` pairs for showing an event's details as plain text."""
    return [(str(key), _text(value)) for key, value in sorted(details.items())]


def _text(value: Any) -> str:
    if isinstance(value, dict) and set(value) == {"from", "to"}:
        return f"{_text(value['from'])} → {_text(value['to'])}"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_text(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value) or "none"
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
