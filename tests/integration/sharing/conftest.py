"""Two customers, each with one measured SLA whose feedback has recognisable quotes.

Acme / Hosting: targets met, customers unhappy (its comments name "the failover drill").
Globex / Desk: another manager's customer, for the access checks.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from flask import Flask

from engage.extensions import db
from engage.models import Agreement, Level
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
#: Words from one of Acme's comments: a report with quotes shows them.
QUOTE = "failover drill was a shambles"
Ids = dict[str, int]


def _measured_sla(name: str, customer_name: str) -> Agreement:
    agreement = make_agreement(
        Level.CUSTOMER,
        name,
        customer=make_customer(customer_name),
        published_on=date(2025, 1, 1),
    )
    objective = make_objective(agreement, "Availability", 99.5)
    for month in MONTHS:
        make_measurement(agreement, objective, month, 99.9)
    return agreement


def _comments(agreement: Agreement, texts: list[str], compound: float) -> None:
    for m, month in enumerate(MONTHS):
        for i, text in enumerate(texts):
            make_text_feedback(
                f"{text} ({month:%b})",
                agreement,
                received_at=datetime(month.year, month.month, 3 + i, 12, tzinfo=UTC),
                compound=compound - 0.01 * m,
            )


@pytest.fixture
def two_customers(app: Flask) -> Ids:
    with app.app_context():
        acme = _measured_sla("Acme / Hosting", "Acme")
        _comments(
            acme,
            [
                f"The {QUOTE}, again",
                "Tickets sit for days without an answer",
                "Nobody tells us when the backups fail",
            ],
            -0.6,
        )
        globex = _measured_sla("Globex / Desk", "Globex")
        _comments(globex, ["Quick and friendly desk"], 0.6)
        corporate = make_agreement(Level.CORPORATE, "Corporate SLA")
        db.session.commit()
        return {
            "acme": acme.customer_id or 0,
            "acme_sla": acme.id,
            "globex": globex.customer_id or 0,
            "globex_sla": globex.id,
            "corporate": corporate.id,
        }


def outbox(app: Flask) -> list[EmailMessage]:
    folder = Path(app.instance_path) / "outbox"
    files = sorted(folder.glob("*.eml")) if folder.exists() else []
    return [message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]
