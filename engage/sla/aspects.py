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

#: The starting keyword map: words in feedback that say what it is about. Staff edit
#: it in Admin > Aspects; a keyword matches whole words, a phrase its words in order.
DEFAULT_KEYWORDS: dict[str, list[str]] = {
    "Availability": [
        "outage",
        "outages",
        "down",
        "downtime",
        "uptime",
        "unavailable",
        "available",
        "availability",
        "offline",
        "crash",
        "crashed",
        "went down",
    ],
    "Response time": [
        "response time",
        "respond",
        "responded",
        "reply",
        "replied",
        "answer",
        "answered",
        "callback",
        "call back",
        "waiting",
        "on hold",
        "hold",
    ],
    "Resolution time": [
        "resolve",
        "resolved",
        "resolution",
        "fix",
        "fixed",
        "reopened",
        "still broken",
        "workaround",
        "ticket",
        "tickets",
        "backlog",
    ],
    "Communication": [
        "communication",
        "update",
        "updates",
        "informed",
        "inform",
        "notice",
        "notified",
        "status page",
        "heads up",
        "kept us posted",
        "told",
    ],
    "Staff expertise": [
        "engineer",
        "engineers",
        "technician",
        "expertise",
        "knowledge",
        "knowledgeable",
        "skilled",
        "competent",
        "experienced",
        "escalate",
        "escalated",
        "escalation",
    ],
    "Change management": [
        "change",
        "changes",
        "release",
        "releases",
        "deployment",
        "upgrade",
        "migration",
        "maintenance window",
        "rollback",
        "cab",
    ],
    "Security": [
        "security",
        "breach",
        "phishing",
        "vulnerability",
        "patch",
        "patching",
        "malware",
        "ransomware",
        "access rights",
        "mfa",
        "password",
    ],
    "Cost": [
        "cost",
        "costs",
        "price",
        "pricing",
        "invoice",
        "invoices",
        "billing",
        "expensive",
        "cheap",
        "budget",
        "value for money",
        "charge",
        "charged",
    ],
    "Service desk": [
        "service desk",
        "help desk",
        "helpdesk",
        "support",
        "hotline",
        "phone",
        "portal",
        "agent",
        "agents",
        "first line",
    ],
    "Reporting": [
        "report",
        "reports",
        "reporting",
        "dashboard",
        "dashboards",
        "review",
        "qbr",
        "metrics",
        "kpi",
        "kpis",
    ],
}


def ensure_default_aspects() -> int:
    """Add the default aspects that are missing; return how many were added."""
    existing = set(db.session.scalars(select(Aspect.name)))
    added = 0
    for position, (name, description) in enumerate(DEFAULT_ASPECTS):
        if name not in existing:
            db.session.add(
                Aspect(
                    name=name,
                    description=description,
                    position=position,
                    keywords=list(DEFAULT_KEYWORDS.get(name, [])),
                )
            )
            added += 1
    return added
