"""The listening-session demo layer: sessions with every customer, and action items.

Registered from ``app.py`` with ``engage.demo.register_layer``. Every demo customer has
quarterly reviews and a few calls, workshops or site visits over the demo's months; what
they say follows the demo's story (see :mod:`engage.sessions.demo_data`). Commitments
become action items owned by the session's facilitator: old ones are done (a few
dropped), those due in the last month are overdue, recent ones still open. A seeded
generator of its own keeps the layer deterministic whatever ran before it.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import select

from engage.actions.service import from_response, response_signals
from engage.actions.signals import is_detractor
from engage.demo import SEED, DemoResult
from engage.extensions import db
from engage.feedback import load_keyword_map
from engage.models import (
    ActionItem,
    ActionStatus,
    Agreement,
    Channel,
    Customer,
    Invitation,
    Level,
    ListeningSession,
    Response,
    Role,
    StatementKind,
    User,
)
from engage.sessions import service
from engage.sessions.demo_data import (
    ASKS,
    BAD,
    COMMITMENTS,
    GOOD,
    NOTES,
    PLANS,
    sla_name,
)
from engage.sessions.statements import received_at
from engage.sla.compliance import add_months

WATERMELONS = ("Acme Finance / Cloud hosting", "Northwind Health / Backup and recovery")
#: Breaches now and then; its customer stays content.
REVERSE = "Northwind Health / Cloud hosting"
#: Months at the end of the demo in which the watermelons' customers sour.
DECLINE_MONTHS = 8
#: Months at the end in which Globex's service desk degrades.
DEGRADING_MONTHS = 6
#: Months in which Acme Operations' flaky network let the plant down.
NETWORK_TROUBLE = (10, 11, 14)


def mood(name: str, index: int, months: int) -> str:
    """How the customer talks about SLA ``name`` in month ``index``."""
    if name in WATERMELONS or name == "Acme Finance SLA":
        return BAD if index >= months - DECLINE_MONTHS else GOOD
    if name.startswith("Globex Logistics") and (
        name.endswith("Service desk") or name.endswith("SLA")
    ):
        return BAD if index >= months - DEGRADING_MONTHS else GOOD
    if name == "Acme Operations / Managed network":
        return BAD if index in NETWORK_TROUBLE else GOOD
    return GOOD


def topic(agreement: Agreement) -> str:
    """Which statement bank an SLA's talk comes from."""
    if agreement.name == REVERSE:
        return "breached but content"
    if agreement.level is Level.SERVICE and agreement.service is not None:
        return agreement.service.name
    return "account"


def seed_session_demo(result: DemoResult, rng: random.Random) -> None:
    """Add sessions, their scored statements and action items (flushes only)."""
    del rng  # a generator of our own: the layers before us may change freely
    own = random.Random(SEED + 7)
    assert result.first_month is not None
    assert result.last_month is not None
    first, last = result.first_month, result.last_month
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    today = add_months(last, 1)
    manager = db.session.scalar(select(User).where(User.role == Role.MANAGER))
    admin = db.session.scalar(select(User).where(User.role == Role.ADMIN))
    assert manager is not None
    assert admin is not None
    keyword_map = load_keyword_map()
    customers = {c.name: c for c in db.session.scalars(select(Customer))}
    for name, plans in PLANS.items():
        customer = customers[name]
        host = manager if name.startswith("Acme") else admin
        for index, day, channel, title, discussed in plans:
            if index >= months:
                continue
            held_on = add_months(first, index).replace(day=day)
            agreements = [result.by_name[sla_name(name, n)] for n in discussed]
            feelings = [mood(a.name, index, months) for a in agreements]
            session = _session(
                customer, host, (held_on, channel, title), agreements, feelings, own
            )
            service.sync_statements(session, keyword_map)
            db.session.flush()
            _action_items(session, host, today, own)
    _detractor_items(admin, manager, first, months, today)
    db.session.flush()


def _session(
    customer: Customer,
    host: User,
    facts: tuple[date, str, str],
    agreements: list[Agreement],
    feelings: list[str],
    rng: random.Random,
) -> ListeningSession:
    """A session whose notes, asks and commitments follow each SLA's mood."""
    held_on, channel, title = facts
    notes: list[str] = []
    asks: list[str] = []
    commitments: list[str] = []
    for agreement, feeling in zip(agreements, feelings, strict=True):
        subject = topic(agreement)
        bank = NOTES[subject][feeling]
        notes += rng.sample(bank, min(2, len(bank)))
        if feeling == BAD and rng.random() < 0.3:
            notes.append(rng.choice(NOTES[subject][GOOD] or bank))
        if rng.random() < 0.6:
            asks.append(rng.choice(ASKS.get(subject, ASKS["account"])))
        promises = COMMITMENTS[subject][feeling]
        if promises and (feeling == BAD or rng.random() < 0.5):
            commitments.append(rng.choice(promises))
    contacts = [f"{c.name}, {c.job_title}" for c in customer.contacts[:2]]
    session = ListeningSession(
        customer=customer,
        title=title,
        held_on=held_on,
        channel=Channel(channel),
        facilitator=host,
        created_by=host,
        created_at=received_at(held_on) + timedelta(hours=4),
        attendees="\n".join([*contacts, f"{host.name}, service manager"]),
        notes="\n".join(f"- {n}" for n in dict.fromkeys(notes)),
        asks="\n".join(f"- {a}" for a in dict.fromkeys(asks)),
        commitments="\n".join(f"- {c}" for c in dict.fromkeys(commitments)),
        agreements=agreements,
    )
    db.session.add(session)
    return session


def _action_items(
    session: ListeningSession, host: User, today: date, rng: random.Random
) -> None:
    negatives = [
        s
        for s in session.statements
        if s.statement_kind is StatementKind.NOTE
        and s.compound is not None
        and s.compound <= service.NEGATIVE
    ]
    for promise in session.statements:
        if promise.statement_kind is not StatementKind.COMMITMENT:
            continue
        cause = next(
            (n for n in negatives if n.agreement_id == promise.agreement_id),
            negatives[0] if negatives else None,
        )
        days = 14 if session.channel is Channel.CALL else 21
        due_on = session.held_on + timedelta(days=days)
        status, closed = _fate(due_on, today, rng)
        db.session.add(
            ActionItem(
                customer=session.customer,
                agreement=promise.agreement,
                title=(promise.text or "").rstrip("."),
                owner=host,
                due_on=due_on,
                status=status,
                closed_at=closed,
                session=session,
                feedback=cause,
                quote=cause.text if cause is not None else "",
                created_by=host,
                created_at=received_at(session.held_on) + timedelta(hours=5),
            )
        )


def _fate(
    due_on: date, today: date, rng: random.Random
) -> tuple[ActionStatus, datetime | None]:
    """Old items are done (one in eight dropped), last month's overdue, newer open."""
    if due_on < today - timedelta(days=30):
        done_on = due_on - timedelta(days=rng.randrange(0, 6))
        status = ActionStatus.DROPPED if rng.random() < 0.125 else ActionStatus.DONE
        return status, received_at(done_on)
    if due_on < today:
        return rng.choice([ActionStatus.OPEN, ActionStatus.IN_PROGRESS]), None
    return ActionStatus.OPEN, None


def _detractor_items(
    admin: User, manager: User, first: date, months: int, today: date
) -> None:
    """Close the loop on the watermelons' latest detractors: one item each."""
    since = received_at(add_months(first, months - 2))
    for name in WATERMELONS:
        rows = db.session.scalars(
            select(Response)
            .join(Invitation, Response.invitation_id == Invitation.id)
            .join(Agreement, Invitation.agreement_id == Agreement.id)
            .where(Agreement.name == name, Response.submitted_at >= since)
            .order_by(Response.submitted_at, Response.id)
        ).all()
        signals = response_signals([r.id for r in rows])
        for response in rows:
            signals_of = signals.get(response.id, [])
            if not is_detractor(signals_of):
                continue
            source = from_response(response)
            owner = manager if name.startswith("Acme") else admin
            db.session.add(
                ActionItem(
                    customer=source.customer,
                    agreement=source.agreement,
                    title=source.title,
                    quote=source.quote,
                    response_id=response.id,
                    owner=owner,
                    created_by=owner,
                    created_at=response.submitted_at + timedelta(days=1),
                    due_on=today + timedelta(days=7),
                    status=ActionStatus.IN_PROGRESS,
                )
            )
            break
