"""The deterministic demo data set: a provider, its customers, SLAs and measurements.

Values come from a seeded generator and depend only on the month's position in the
series, so the same end month always gives the same data. Later features add their own
demo layers (feedback, sessions) on top of :func:`seed`'s result.
"""

from __future__ import annotations

import os
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from engage import audit
from engage.auth.passwords import hash_password
from engage.demo.catalogue import (
    CORPORATE,
    CUSTOMER_CLAUSES,
    CUSTOMERS,
    GE,
    LE,
    PROFILES,
    SERVICE_AGREEMENTS,
    SERVICE_CLAUSES,
    SERVICES,
    Clause,
)
from engage.extensions import db
from engage.models import (
    Agreement,
    Aspect,
    Contact,
    Customer,
    Level,
    Measurement,
    MeasurementSource,
    Objective,
    Role,
    Service,
    User,
)
from engage.sla import versions
from engage.sla.compliance import Target, add_months, month_start, target_in_force
from engage.sla.tree import effective_objectives

SEED = 20240401
MONTHS = 18
DOMAIN = "demo.engage.example"


#: Extra demo data loaded after the SLAs, registered by other packages through
#: :func:`register_layer` (``app.py`` wires them; ``engage`` imports none of them).
DemoLayer = Callable[["DemoResult", random.Random], None]
_layers: list[DemoLayer] = []


def register_layer(layer: DemoLayer) -> None:
    """Run ``layer(result, rng)`` after the core demo is loaded (once per layer)."""
    if layer not in _layers:
        _layers.append(layer)


class DemoExists(Exception):
    """The database already holds customers; the demo only loads into an empty one."""


@dataclass
class DemoResult:
    users: dict[str, str]
    password: str
    customers: int = 0
    agreements: int = 0
    measurements: int = 0
    first_month: date | None = None
    last_month: date | None = None
    by_name: dict[str, Agreement] = field(default_factory=dict)

    def summary(self) -> str:
        months = f"{self.first_month:%b %Y} to {self.last_month:%b %Y}"
        return (
            f"Demo loaded: {self.customers} customers, {self.agreements} SLAs, "
            f"{self.measurements} measurements ({months})."
        )


# (name, parent account or None, contacts as (name, job title))


def seed(instance_path: str, end: date | None = None) -> DemoResult:
    """Load the demo into an empty database (the caller commits).

    :param end: the last measured month; by default the last complete month.
    :raise DemoExists: customers already exist.
    """
    if db.session.scalar(select(func.count()).select_from(Customer)):
        raise DemoExists
    rng = random.Random(SEED)
    last = month_start(end) if end else add_months(month_start(date.today()), -1)
    first = add_months(last, -(MONTHS - 1))
    password = secrets.token_urlsafe(12)
    result = DemoResult(users={}, password=password, first_month=first, last_month=last)

    _users(result)
    customers = _customers(result)
    services = _services()
    aspects = {a.name: a for a in db.session.scalars(select(Aspect))}
    _agreements(result, customers, services, aspects, first)
    _measurements(result, rng, first, last)
    db.session.flush()
    for layer in _layers:
        layer(result, rng)
    audit.record(None, "demo.seed", summary=result.summary())
    _write_login(instance_path, result)
    return result


def _users(result: DemoResult) -> None:
    hashed = hash_password(result.password)
    for email, name, role in [
        (f"admin@{DOMAIN}", "Alex Admin", Role.ADMIN),
        (f"manager@{DOMAIN}", "Morgan Manager", Role.MANAGER),
        (f"viewer@{DOMAIN}", "Vic Viewer", Role.VIEWER),
    ]:
        db.session.add(User(email=email, name=name, role=role, password_hash=hashed))
        result.users[role.value] = email


def _customers(result: DemoResult) -> dict[str, Customer]:
    customers: dict[str, Customer] = {}
    for name, parent, contacts in CUSTOMERS:
        customer = Customer(name=name, parent=customers.get(parent or ""))
        for person, title in contacts:
            first, last = person.lower().split(" ", 1)
            domain = name.split()[0].lower() + ".example"
            customer.contacts.append(
                Contact(name=person, job_title=title, email=f"{first}.{last}@{domain}")
            )
        db.session.add(customer)
        customers[name] = customer
    result.customers = len(customers)
    manager = db.session.scalar(select(User).where(User.role == Role.MANAGER))
    assert manager is not None
    # The demo manager looks after Acme (and so its departments) only.
    manager.customers = [customers["Acme Manufacturing"]]
    return customers


def _services() -> dict[str, Service]:
    services = {name: Service(name=name, description=text) for name, text in SERVICES}
    db.session.add_all(services.values())
    return services


def _clauses(
    agreement: Agreement, clauses: list[Clause], aspects: dict[str, Aspect]
) -> None:
    for position, (aspect, metric, target, unit, direction) in enumerate(clauses):
        agreement.objectives.append(
            Objective(
                aspect=aspects[aspect],
                metric=metric,
                target=target,
                unit=unit,
                direction=direction,
                position=position,
            )
        )


def _agreements(
    result: DemoResult,
    customers: dict[str, Customer],
    services: dict[str, Service],
    aspects: dict[str, Aspect],
    start: date,
) -> None:
    owner = db.session.scalar(select(User).where(User.role == Role.MANAGER))
    corporate = Agreement(
        name="Corporate service standard",
        level=Level.CORPORATE,
        description="Commitments that apply to every customer.",
    )
    _clauses(corporate, CORPORATE, aspects)
    db.session.add(corporate)
    db.session.flush()
    versions.publish(corporate, on=start, note="Service standard 2025", by=None)
    result.by_name[corporate.name] = corporate

    parents: dict[str, Agreement] = {}
    for name in (
        "Acme Finance",
        "Acme Operations",
        "Northwind Health",
        "Globex Logistics",
    ):
        agreement = Agreement(
            name=f"{name} SLA",
            level=Level.CUSTOMER,
            parent=corporate,
            customer=customers[name],
            owner=owner if name.startswith("Acme") else None,
        )
        _clauses(agreement, CUSTOMER_CLAUSES, aspects)
        db.session.add(agreement)
        db.session.flush()
        versions.publish(
            agreement, on=start, note="Signed with the master contract", by=None
        )
        parents[name] = agreement
        result.by_name[agreement.name] = agreement

    for customer_name, service_name, profile in SERVICE_AGREEMENTS:
        agreement = Agreement(
            name=f"{customer_name} / {service_name}",
            level=Level.SERVICE,
            parent=parents[customer_name],
            customer=customers[customer_name],
            service=services[service_name],
            owner=owner if customer_name.startswith("Acme") else None,
            description=dict(SERVICES)[service_name],
        )
        _clauses(agreement, SERVICE_CLAUSES[service_name], aspects)
        db.session.add(agreement)
        db.session.flush()
        result.by_name[agreement.name] = agreement
        if profile != "draft":
            versions.publish(agreement, on=start, note="First version", by=None)

    _overrides_and_renegotiation(result, start)
    db.session.flush()
    result.agreements = len(result.by_name)


def _overrides_and_renegotiation(result: DemoResult, start: date) -> None:
    corporate = result.by_name["Corporate service standard"]
    first_response = corporate.objectives[0]
    # Northwind's clinicians get a faster first response than the corporate 30 minutes.
    northwind = result.by_name["Northwind Health / Service desk"]
    northwind.start_review()
    northwind.objectives.append(
        Objective(
            aspect=first_response.aspect,
            metric=first_response.metric,
            target=15,
            unit="minutes",
            direction=LE,
            overrides=first_response,
            position=9,
            description="Clinical staff cannot wait: 15 minutes instead of 30.",
        )
    )
    db.session.flush()
    versions.publish(
        northwind,
        on=add_months(start, 2),
        note="Faster first response for clinical staff, agreed at the Q2 review.",
        by=None,
    )
    # Acme Finance renegotiated its service desk: P2 resolution relaxed from 8 to 12
    # hours in exchange for a higher first-contact resolution target.
    acme = result.by_name["Acme Finance / Service desk"]
    acme.start_review()
    for objective in acme.objectives:
        if objective.metric == "P2 incident resolution":
            objective.target = 12
        if objective.metric == "First-contact resolution":
            objective.target = 75
    versions.publish(
        acme,
        on=add_months(start, 12),
        note="Renegotiated after the annual review: P2 resolution 8 h -> 12 h, "
        "first-contact resolution 70 % -> 75 %.",
        by=None,
    )


def _breaches(profile: str, index: int, rng: random.Random) -> bool:
    if profile == "flaky":
        return rng.random() < 0.2
    if profile == "degrading":
        return rng.random() < (0.65 if index >= MONTHS - 6 else 0.05)
    return False


def _value(
    objective: Objective, goal: Target, breach: bool, rng: random.Random
) -> float:
    target, unit = goal.value, objective.unit
    if goal.direction is GE:
        if unit == "%":
            room = 100 - target
            if breach:
                return round(target - rng.uniform(0.3, 2.5) * max(room, 0.2), 2)
            return round(target + rng.uniform(0.15, 0.9) * room, 2)
        return round(
            target * (rng.uniform(0.6, 0.9) if breach else rng.uniform(1.05, 1.6)), 1
        )
    factor = rng.uniform(1.1, 1.7) if breach else rng.uniform(0.35, 0.9)
    return round(target * factor, 1)


def _measurements(
    result: DemoResult, rng: random.Random, first: date, last: date
) -> None:
    count = 0
    for agreement in result.by_name.values():
        if agreement.version == 0:
            continue
        profile = PROFILES.get(agreement.name, "green")
        for effective in effective_objectives(agreement):
            objective = effective.objective
            # Only one clause of a troubled SLA misbehaves; the rest stay green.
            troubled = (
                objective is agreement.objectives[0] if agreement.objectives else False
            )
            for index in range(MONTHS):
                period = add_months(first, index)
                breach = troubled and _breaches(profile, index, rng)
                goal = target_in_force(effective, period, effective.source.versions)
                db.session.add(
                    Measurement(
                        agreement=agreement,
                        objective=objective,
                        period=period,
                        value=_value(objective, goal, breach, rng),
                        source=MeasurementSource.DEMO,
                    )
                )
                count += 1
    assert add_months(first, MONTHS - 1) == last
    result.measurements = count


def _write_login(instance_path: str, result: DemoResult) -> None:
    lines = [f"{role:8} {email}" for role, email in result.users.items()]
    text = "\n".join([*lines, f"password {result.password}", ""])
    path = Path(instance_path) / "demo-login.txt"
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
