"""Building SLAs whose verdicts the alert check can judge.

Every SLA gets one availability clause (>= 99.5) measured in each of the six months
ending :data:`END`: met (99.9) or breached (98.0). Feedback is written through the ORM
with fixed sentiment, so the rollups (and the portfolio) follow by themselves.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from flask import Flask

from engage.models import Agreement, Level, User
from engage.sla.compliance import add_months
from tests.factories import (
    make_agreement,
    make_customer,
    make_measurement,
    make_objective,
)
from tests.feedback_factories import make_text_feedback

END = date(2026, 6, 1)
MONTHS = [add_months(END, -i) for i in range(5, -1, -1)]
PUBLISHED = date(2025, 1, 1)


def at(month: date, day: int = 10) -> datetime:
    return datetime(month.year, month.month, day, 12, tzinfo=UTC)


def sla(
    name: str,
    owner: User | None = None,
    parent: Agreement | None = None,
    met: bool = True,
) -> Agreement:
    """A published customer SLA (or a service SLA under ``parent``), measured."""
    if parent is None:
        agreement = make_agreement(
            Level.CUSTOMER, name, customer=make_customer(), published_on=PUBLISHED
        )
    else:
        agreement = make_agreement(
            Level.SERVICE, name, parent, parent.customer, published_on=PUBLISHED
        )
    agreement.owner = owner
    objective = make_objective(agreement, "Availability", 99.5)
    for month in MONTHS:
        make_measurement(agreement, objective, month, 99.9 if met else 98.0)
    return agreement


def say(agreement: Agreement, month: date, *compounds: float) -> None:
    """Feedback text in ``month`` scored as ``compounds``."""
    for i, compound in enumerate(compounds):
        make_text_feedback(
            f"comment {i}", agreement, received_at=at(month, 2 + i), compound=compound
        )


def unhappy(agreement: Agreement, month: date = END) -> None:
    """Five clearly negative comments: a verdict on their own."""
    say(agreement, month, -0.6, -0.5, -0.4, -0.5, -0.6)


def content(agreement: Agreement, month: date = END) -> None:
    say(agreement, month, 0.6, 0.5, 0.4, 0.5, 0.6)


def falling(agreement: Agreement, start: float = -0.1) -> None:
    """Five comments a month for six months, each month 0.1 lower (MK p < 0.01)."""
    for i, month in enumerate(MONTHS):
        value = start - 0.1 * i
        say(agreement, month, *([value] * 5))


def outbox(app: Flask) -> list[EmailMessage]:
    folder = Path(app.instance_path) / "outbox"
    files = sorted(folder.glob("*.eml")) if folder.exists() else []
    return [message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]
