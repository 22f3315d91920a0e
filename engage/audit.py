"""Recording staff changes in the audit log."""

from __future__ import annotations

from typing import Any

from engage.extensions import db
from engage.models import AuditEvent, User


def record(
    actor: User | None,
    action: str,
    target: Any = None,
    summary: str = "",
    **details: Any,
) -> AuditEvent:
    """Add an audit event for ``action`` on ``target`` (the caller commits).

    :param target: a model instance with an ``id``; its class names the target type.
    """
    event = AuditEvent(
        actor=actor,
        actor_email=actor.email if actor else "",
        action=action,
        target_type=type(target).__name__.lower() if target is not None else "",
        target_id=getattr(target, "id", None),
        summary=summary[:300],
        details={k: _plain(v) for k, v in details.items()},
    )
    db.session.add(event)
    return event


def _plain(value: Any) -> Any:
    """JSON-safe form of ``value`` (enums and dates become strings)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)
