"""Test data for listening sessions and action items.

``world`` builds two customers with SLAs and one staff member per role; the helpers
post the real forms or add rows directly (inside an app context; they flush).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Flask

from engage.extensions import db
from engage.models import (
    ActionItem,
    ActionStatus,
    Channel,
    Customer,
    Direction,
    Level,
    ListeningSession,
    Role,
    User,
)
from engage.sessions import service
from tests.factories import make_agreement, make_customer, make_objective, make_user

NEGATIVE = (
    "The outage last Tuesday took four hours to resolve and nobody called us back."
)
POSITIVE = "The engineer who handled the migration was brilliant and kept us informed."


@dataclass
class World:
    acme: int
    acme_fin: int
    globex: int
    corporate: int
    fin_sla: int
    fin_hosting: int
    globex_sla: int
    admin: str
    manager: str
    other_manager: str
    viewer: str
    manager_id: int
    admin_id: int
    other_manager_id: int


def build_world(app: Flask) -> World:
    """Acme (account) > Acme Finance (with an SLA and a hosting SLA); Globex."""
    with app.app_context():
        acme = make_customer("Acme")
        fin = make_customer("Acme Finance", parent=acme)
        globex = make_customer("Globex")
        on = date(2024, 1, 1)
        corporate = make_agreement(Level.CORPORATE, "Corporate", published_on=on)
        make_objective(
            corporate,
            "First response",
            30,
            Direction.AT_MOST,
            "minutes",
            "Service desk",
        )
        fin_sla = make_agreement(
            Level.CUSTOMER, "Acme Finance SLA", corporate, fin, published_on=on
        )
        hosting = make_agreement(
            Level.SERVICE, "Acme Finance / Hosting", fin_sla, fin, published_on=on
        )
        make_objective(hosting, "Platform availability", 99.9)
        globex_sla = make_agreement(
            Level.CUSTOMER, "Globex SLA", corporate, globex, published_on=on
        )
        make_objective(globex_sla, "Uptime", 99.5)
        admin = make_user(Role.ADMIN, email="admin@example.test", name="Ada Admin")
        manager = make_user(
            Role.MANAGER, email="manager@example.test", customers=[acme], name="Max"
        )
        other = make_user(
            Role.MANAGER, email="globex@example.test", customers=[globex], name="Gil"
        )
        viewer = make_user(Role.VIEWER, email="viewer@example.test", name="Vi")
        db.session.commit()
        return World(
            acme.id,
            fin.id,
            globex.id,
            corporate.id,
            fin_sla.id,
            hosting.id,
            globex_sla.id,
            admin.email,
            manager.email,
            other.email,
            viewer.email,
            manager.id,
            admin.id,
            other.id,
        )


def session_form(world: World, **overrides: Any) -> dict[str, Any]:
    """Form data for a session with Acme Finance about both its SLAs."""
    data: dict[str, Any] = {
        "customer_id": str(world.acme_fin),
        "title": "Q3 service review",
        "held_on": "2026-09-15",
        "channel": "qbr",
        "facilitator_id": str(world.manager_id),
        "agreement_ids": [str(world.fin_sla), str(world.fin_hosting)],
        "attendees": "Priya Raman, Finance systems lead\nTom Berger, Controller",
        "notes": f"- {NEGATIVE}\n- {POSITIVE}",
        "asks": "1. A named contact for the cloud platform",
        "commitments": "We will send the root-cause report by Friday.",
    }
    data.update(overrides)
    return data


def add_session(
    customer: Customer,
    by: User | None,
    *,
    title: str = "Call",
    held_on: date = date(2026, 9, 1),
    channel: Channel = Channel.CALL,
    notes: str = "",
    agreements: list[Any] | None = None,
) -> ListeningSession:
    """A session saved through the service (statements scored), flushed."""
    return service.create_session(
        customer,
        agreements or [],
        by=by,
        title=title,
        held_on=held_on,
        channel=channel,
        facilitator=by,
        attendees="",
        notes=notes,
        asks="",
        commitments="",
    )


def add_item(
    customer: Customer,
    owner: User | None,
    due_on: date,
    *,
    title: str = "Send the report",
    status: ActionStatus = ActionStatus.OPEN,
    **values: Any,
) -> ActionItem:
    item = ActionItem(
        customer=customer,
        owner=owner,
        due_on=due_on,
        title=title,
        status=status,
        **values,
    )
    db.session.add(item)
    db.session.flush()
    return item
