"""The default aspect list: what SLA clauses and feedback are about."""

from __future__ import annotations

from sqlalchemy import select

from engage.extensions import db
from engage.models import Aspect

#: (name, description), in display order. Staff edit the list in Admin > Aspects.
DEFAULT_ASPECTS: list[tuple[str, str]] = [
    ("Availability", "Uptime of the service and its components."),
    ("Response time", "How fast a request or incident is first answered."),
    ("Resolution time", "How fast an incident or request is resolved."),
    (
        "Communication",
        "Updates, clarity and proactiveness of what we tell the customer.",
    ),
    ("Staff expertise", "Knowledge and competence of the people who help."),
    ("Change management", "How changes are planned, announced and carried out."),
    ("Security", "Protection of data and systems, incident handling."),
    ("Cost", "Price, invoicing and value for money."),
    ("Service desk", "Reachability and experience of the service desk."),
    ("Reporting", "Service reports and reviews: accuracy and usefulness."),
]


def ensure_default_aspects() -> int:
    """Add the default aspects that are missing; return how many were added."""
    existing = set(db.session.scalars(select(Aspect.name)))
    added = 0
    for position, (name, description) in enumerate(DEFAULT_ASPECTS):
        if name not in existing:
            db.session.add(
                Aspect(name=name, description=description, position=position)
            )
            added += 1
    return added
