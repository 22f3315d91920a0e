"""Compare every SLA's verdict with the last one seen and raise alerts for its owners.

The verdict is the portfolio's (:func:`engage.perception.portfolio.portfolio`) over the
last :data:`MONTHS` months, so an alert always says what the portfolio page shows.
:class:`~engage.models.PerceptionState` keeps the last alignment and trend per SLA:
running the check twice in a row raises nothing new.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, scoped_session

from engage.alerts.rules import message, raised
from engage.models import (
    Agreement,
    AgreementStatus,
    Alert,
    PerceptionState,
    Role,
    User,
    utcnow,
)
from engage.perception.portfolio import portfolio

#: The plain session or Flask-SQLAlchemy's scoped one.
AnySession = Session | scoped_session[Any]
#: The period the verdict is judged over: the portfolio's default view.
MONTHS = 12


def recipients(session: AnySession, agreement: Agreement) -> list[User]:
    """Who hears about ``agreement``: its active owner, else the nearest ancestor's.

    An SLA nobody owns (up to the corporate level) still matters, so every active
    admin hears about it rather than nobody.
    """
    node: Agreement | None = agreement
    seen: set[int] = set()
    while node is not None and node.id not in seen:
        seen.add(node.id)
        if node.owner is not None and node.owner.active:
            return [node.owner]
        node = node.parent
    return list(
        session.scalars(
            select(User)
            .where(User.role == Role.ADMIN, User.active.is_(True))
            .order_by(User.id)
        )
    )


def check_alerts(session: AnySession, months: int = MONTHS) -> list[Alert]:
    """Judge every published, unretired SLA; add and flush the alerts a change raises.

    Records the verdict seen for every SLA judged, so only the next change alerts.
    The caller commits.

    :return: the new alerts, one per recipient and kind.
    """
    now = utcnow()
    rows = [
        row
        for row in portfolio(None, months=months).rows
        if row.agreement.status is not AgreementStatus.RETIRED
    ]
    states = {s.agreement_id: s for s in session.scalars(select(PerceptionState))}
    alerts: list[Alert] = []
    for row in rows:
        agreement, verdict = row.agreement, row.verdict
        state = states.get(agreement.id)
        kinds = raised(
            state.alignment if state else None,
            state.direction if state else None,
            verdict.alignment,
            verdict.trend.direction,
        )
        if state is None:
            state = PerceptionState(agreement_id=agreement.id)
            session.add(state)
        state.alignment = verdict.alignment.value
        state.direction = verdict.trend.direction.value
        state.checked_at = now
        for kind in kinds:
            text = message(kind, agreement.name, verdict.why)
            for user in recipients(session, agreement):
                alert = Alert(agreement=agreement, user=user, kind=kind, message=text)
                session.add(alert)
                alerts.append(alert)
    session.flush()
    return alerts
