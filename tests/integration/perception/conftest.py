"""A small SLA tree with feedback written through the ORM (rollups follow by themselves).

corporate -> Acme SLA -> Acme / Hosting (watermelon: met, unhappy)
                      -> Acme / Desk (too few responses)
          -> Globex SLA -> Globex / Hosting (reverse: breached, content)
"""

from __future__ import annotations

from datetime import UTC, date, datetime

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

#: The last month of the data; the portfolio is asked about the 6 months ending here.
END = date(2026, 6, 1)
MONTHS = [add_months(END, -i) for i in range(5, -1, -1)]
Ids = dict[str, int]


def at(month: date, day: int = 10) -> datetime:
    return datetime(month.year, month.month, day, 12, tzinfo=UTC)


def comments(agreement: Agreement, month: date, *compounds: float) -> None:
    """Feedback text with fixed sentiment (as if scored so) in ``month``."""
    for i, compound in enumerate(compounds):
        make_text_feedback(
            f"comment {i}", agreement, received_at=at(month, 2 + i), compound=compound
        )


def measured(agreement: Agreement, values: list[float]) -> None:
    """One availability clause (>= 99.5) measured each month with ``values``."""
    objective = make_objective(agreement, "Availability", 99.5)
    for month, value in zip(MONTHS, values, strict=True):
        make_measurement(agreement, objective, month, value)


@pytest.fixture
def tree(app: Flask) -> Ids:
    with app.app_context():
        acme, globex = make_customer("Acme"), make_customer("Globex")
        published = date(2025, 1, 1)
        corporate = make_agreement(Level.CORPORATE, "Corporate", published_on=published)
        acme_sla = make_agreement(
            Level.CUSTOMER, "Acme SLA", corporate, acme, published_on=published
        )
        hosting = make_agreement(
            Level.SERVICE, "Acme / Hosting", acme_sla, acme, published_on=published
        )
        desk = make_agreement(
            Level.SERVICE, "Acme / Desk", acme_sla, acme, published_on=published
        )
        globex_sla = make_agreement(
            Level.CUSTOMER, "Globex SLA", corporate, globex, published_on=published
        )
        globex_hosting = make_agreement(
            Level.SERVICE,
            "Globex / Hosting",
            globex_sla,
            globex,
            published_on=published,
        )
        measured(hosting, [99.9] * 6)
        measured(desk, [99.9] * 6)
        measured(globex_hosting, [99.9, 98.0, 99.9, 97.0, 98.5, 99.9])
        for month in MONTHS:
            comments(hosting, month, -0.6, -0.4, -0.5)
            comments(globex_hosting, month, 0.6, 0.5)
        comments(desk, END, 0.3, 0.2)
        comments(acme_sla, END, 0.1)
        db.session.commit()
        return {
            "acme": acme.id,
            "globex": globex.id,
            "corporate": corporate.id,
            "acme_sla": acme_sla.id,
            "hosting": hosting.id,
            "desk": desk.id,
            "globex_sla": globex_sla.id,
            "globex_hosting": globex_hosting.id,
        }
