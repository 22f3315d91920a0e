"""The demo's catalogue: customers, services, clauses, and how each SLA behaves."""

from __future__ import annotations

from engage.models import Direction

CUSTOMERS: list[tuple[str, str | None, list[tuple[str, str]]]] = [
    ("Acme Manufacturing", None, [("Dana Whitfield", "CIO")]),
    (
        "Acme Finance",
        "Acme Manufacturing",
        [("Priya Raman", "Finance systems lead"), ("Tom Berger", "Controller")],
    ),
    ("Acme Operations", "Acme Manufacturing", [("Luis Ortega", "Plant IT manager")]),
    (
        "Northwind Health",
        None,
        [
            ("Grace Kim", "Head of IT"),
            ("Samuel Osei", "Clinical apps manager"),
            ("Hannah Vogel", "Service owner"),
        ],
    ),
    (
        "Globex Logistics",
        None,
        [("Marta Novak", "IT director"), ("Kenji Watanabe", "Procurement")],
    ),
]

SERVICES = [
    (
        "Cloud hosting",
        "Managed virtual servers and platform services in our data centres.",
    ),
    ("Service desk", "24/7 user support by phone, portal and chat."),
    ("Managed network", "WAN, LAN and Wi-Fi operations and monitoring."),
    ("Backup and recovery", "Daily backups, restores and disaster-recovery tests."),
    (
        "Microsoft 365 management",
        "Tenant administration, licences and security settings.",
    ),
]

# (aspect, metric, target, unit, direction)
Clause = tuple[str, str, float, str, Direction]
GE, LE = Direction.AT_LEAST, Direction.AT_MOST

CORPORATE: list[Clause] = [
    ("Service desk", "Service desk first response", 30, "minutes", LE),
    ("Security", "Security incident notification", 24, "hours", LE),
    ("Reporting", "Monthly service report delivered", 5, "working days", LE),
]
CUSTOMER_CLAUSES: list[Clause] = [
    ("Communication", "Planned changes announced in advance", 5, "days", GE),
]
SERVICE_CLAUSES: dict[str, list[Clause]] = {
    "Cloud hosting": [
        ("Availability", "Platform availability", 99.9, "%", GE),
        ("Resolution time", "P1 incident resolution", 4, "hours", LE),
    ],
    "Service desk": [
        ("Response time", "Calls answered within 60 s", 85, "%", GE),
        ("Resolution time", "P2 incident resolution", 8, "hours", LE),
        ("Service desk", "First-contact resolution", 70, "%", GE),
    ],
    "Managed network": [
        ("Availability", "Site connectivity availability", 99.5, "%", GE),
        ("Resolution time", "Site outage resolution", 6, "hours", LE),
    ],
    "Backup and recovery": [
        ("Availability", "Backup jobs successful", 98, "%", GE),
        ("Resolution time", "Restore request completed", 24, "hours", LE),
    ],
    "Microsoft 365 management": [
        ("Response time", "Change requests started", 2, "working days", LE),
        ("Security", "Secure score", 75, "%", GE),
    ],
}

# (customer, service, profile): profiles shape the measurements:
# "green" always meets target; "flaky" breaches now and then; "degrading" breaches
# more and more in the last half year; "draft" is not published yet.
SERVICE_AGREEMENTS: list[tuple[str, str, str]] = [
    ("Acme Finance", "Cloud hosting", "green"),
    ("Acme Finance", "Service desk", "green"),
    ("Acme Operations", "Managed network", "flaky"),
    ("Northwind Health", "Cloud hosting", "flaky"),
    ("Northwind Health", "Service desk", "green"),
    ("Northwind Health", "Backup and recovery", "green"),
    ("Globex Logistics", "Service desk", "degrading"),
    ("Globex Logistics", "Microsoft 365 management", "green"),
    ("Globex Logistics", "Backup and recovery", "draft"),
]


#: How each service SLA's measurements behave, by agreement name.
PROFILES = {f"{c} / {s}": profile for c, s, profile in SERVICE_AGREEMENTS}
