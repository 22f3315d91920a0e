"""A customer's timeline: sessions, survey responses and action items, newest first.

Each kind is read with one query, newest first and cut at the limit, then the three are
merged by date; one extra row each tells whether there is more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select

from engage.actions.service import open_items_for, response_signals, today
from engage.actions.signals import is_detractor
from engage.extensions import db
from engage.models import (
    ActionItem,
    Agreement,
    Contact,
    Customer,
    Invitation,
    ListeningSession,
    Response,
    Survey,
)
from engage.sessions.statements import received_at

DEFAULT_LIMIT = 20
MAX_LIMIT = 1000


@dataclass(frozen=True)
class Event:
    """One line of the timeline."""

    at: datetime
    #: ``session``, ``response``, ``action_opened`` or ``action_closed``.
    kind: str
    #: The session, response or action item the line links to.
    target_id: int
    title: str
    detail: str = ""
    customer_id: int | None = None
    #: A word shown beside the line: "Detractor", "Done", "Dropped".
    flag: str = ""

    @property
    def dated_only(self) -> bool:
        """Sessions are held on a day; other events have a time."""
        return self.kind == "session"


@dataclass(frozen=True)
class Timeline:
    events: list[Event]
    limit: int
    #: Whether older events were left out.
    more: bool


def parse_limit(raw: str | None) -> int:
    """The ``?timeline=`` argument: how many events to show (default 20, at most 1000)."""
    if raw and raw.isdigit():
        return max(1, min(MAX_LIMIT, int(raw)))
    return DEFAULT_LIMIT


def _sessions(ids: list[int], limit: int) -> list[Event]:
    rows = db.session.execute(
        select(
            ListeningSession.id,
            ListeningSession.held_on,
            ListeningSession.title,
            ListeningSession.channel,
            ListeningSession.customer_id,
        )
        .where(ListeningSession.customer_id.in_(ids))
        .order_by(ListeningSession.held_on.desc(), ListeningSession.id.desc())
        .limit(limit + 1)
    )
    return [
        Event(received_at(held_on), "session", sid, title, channel.label, customer_id)
        for sid, held_on, title, channel, customer_id in rows
    ]


def _responses(ids: list[int], limit: int) -> list[Event]:
    rows = db.session.execute(
        select(
            Response.id,
            Response.submitted_at,
            Contact.name,
            Survey.title,
            Agreement.name,
            Agreement.customer_id,
            Contact.customer_id,
        )
        .join(Invitation, Response.invitation_id == Invitation.id)
        .join(Contact, Invitation.contact_id == Contact.id)
        .join(Survey, Invitation.survey_id == Survey.id)
        .join(Agreement, Invitation.agreement_id == Agreement.id)
        .where(or_(Contact.customer_id.in_(ids), Agreement.customer_id.in_(ids)))
        .order_by(Response.submitted_at.desc(), Response.id.desc())
        .limit(limit + 1)
    ).all()
    signals = response_signals([r[0] for r in rows])
    return [
        Event(
            at,
            "response",
            rid,
            f"{contact} answered {survey}",
            agreement,
            about if about in ids else own,
            "Detractor" if is_detractor(signals.get(rid, [])) else "",
        )
        for rid, at, contact, survey, agreement, about, own in rows
    ]


def _actions(ids: list[int], limit: int) -> list[Event]:
    base = (
        select(
            ActionItem.id,
            ActionItem.title,
            ActionItem.created_at,
            ActionItem.closed_at,
            ActionItem.status,
            ActionItem.customer_id,
            Agreement.name,
        )
        .outerjoin(Agreement, ActionItem.agreement_id == Agreement.id)
        .where(ActionItem.customer_id.in_(ids))
    )
    opened = db.session.execute(
        base.order_by(ActionItem.created_at.desc(), ActionItem.id.desc()).limit(
            limit + 1
        )
    )
    closed = db.session.execute(
        base.where(ActionItem.closed_at.is_not(None))
        .order_by(ActionItem.closed_at.desc(), ActionItem.id.desc())
        .limit(limit + 1)
    )
    events = [
        Event(created, "action_opened", aid, title, sla or "", cid)
        for aid, title, created, _, _, cid, sla in opened
    ]
    events += [
        Event(closed_at, "action_closed", aid, title, sla or "", cid, status.label)
        for aid, title, _, closed_at, status, cid, sla in closed
        if closed_at is not None
    ]
    return events


def customer_timeline(customer_ids: list[int], limit: int = DEFAULT_LIMIT) -> Timeline:
    """The newest ``limit`` events of these customers, newest first."""
    events = [
        *_sessions(customer_ids, limit),
        *_responses(customer_ids, limit),
        *_actions(customer_ids, limit),
    ]
    events.sort(key=lambda e: (e.at, e.kind, e.target_id), reverse=True)
    return Timeline(events[:limit], limit, len(events) > limit)


def customer_sections(customer: Customer, raw_limit: str | None) -> dict[str, Any]:
    """The customer page's action items and timeline (its departments' included)."""
    ids = [customer.id, *(d.id for d in customer.departments)]
    names = {customer.id: customer.display_name}
    names.update({d.id: d.name for d in customer.departments})
    return {
        "open_actions": open_items_for(ids, today()),
        "timeline": customer_timeline(ids, parse_limit(raw_limit)),
        "timeline_names": names if len(ids) > 1 else {},
    }
