"""Customer, contact and service operations for the staff pages.

They add and flush, never commit: the view records the audit event and commits once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from engage.auth.access import customers_query, visible_customer_ids
from engage.extensions import db
from engage.models import Agreement, Contact, Customer, DomainError, Service, User

# -- reading ----------------------------------------------------------------


@dataclass
class CustomerRow:
    """A customer with its counts, and its departments when it is an account."""

    customer: Customer
    contacts: int = 0
    agreements: int = 0
    departments: list[CustomerRow] = field(default_factory=list)


def contact_counts(customer_ids: Iterable[int]) -> dict[int, int]:
    """Number of contacts per customer id (absent ids have none)."""
    rows = db.session.execute(
        select(Contact.customer_id, func.count(Contact.id))
        .where(Contact.customer_id.in_(list(customer_ids)))
        .group_by(Contact.customer_id)
    )
    return {customer_id: count for customer_id, count in rows}


def agreement_counts(customer_ids: Iterable[int]) -> dict[int, int]:
    """Number of SLAs per customer id (absent ids have none)."""
    rows = db.session.execute(
        select(Agreement.customer_id, func.count(Agreement.id))
        .where(Agreement.customer_id.in_(list(customer_ids)))
        .group_by(Agreement.customer_id)
    )
    return {customer_id: count for customer_id, count in rows if customer_id}


def customer_rows(customers: Iterable[Customer]) -> list[CustomerRow]:
    """``customers`` with their counts: accounts in order, departments nested beneath.

    A department whose account is not among ``customers`` is listed on its own.
    """
    customers = list(customers)
    ids = [c.id for c in customers]
    contacts, agreements = contact_counts(ids), agreement_counts(ids)
    rows = {
        c.id: CustomerRow(c, contacts.get(c.id, 0), agreements.get(c.id, 0))
        for c in customers
    }
    roots: list[CustomerRow] = []
    for customer in customers:
        row = rows[customer.id]
        parent = rows.get(customer.parent_id) if customer.parent_id else None
        if parent is None:
            roots.append(row)
        else:
            parent.departments.append(row)
    return roots


def visible_customer_rows(user: User) -> list[CustomerRow]:
    """The customers ``user`` may see, by name, as :func:`customer_rows`."""
    return customer_rows(db.session.scalars(customers_query(user)))


def customer_agreements(customer: Customer) -> list[Agreement]:
    """The SLAs of ``customer`` itself, by level and name."""
    return list(
        db.session.scalars(
            select(Agreement)
            .where(Agreement.customer_id == customer.id)
            .order_by(Agreement.level, Agreement.name)
        )
    )


def service_rows(user: User) -> list[tuple[Service, int]]:
    """Every service with the number of SLAs ``user`` may see that use it."""
    counted = select(Agreement.service_id, func.count(Agreement.id).label("n"))
    visible = visible_customer_ids(user)
    if visible is not None:
        counted = counted.where(Agreement.customer_id.in_(visible))
    usage = counted.group_by(Agreement.service_id).subquery()
    rows = db.session.execute(
        select(Service, func.coalesce(usage.c.n, 0))
        .outerjoin(usage, usage.c.service_id == Service.id)
        .order_by(Service.name)
    )
    return [(service, int(count)) for service, count in rows]


# -- changing ---------------------------------------------------------------


def apply_changes(obj: Any, **values: Any) -> dict[str, list[Any]]:
    """Set ``values`` on ``obj``; return ``{name: [old, new]}`` for those that changed."""
    changes: dict[str, list[Any]] = {}
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            changes[name] = [old, new]
            setattr(obj, name, new)
    return changes


def create_customer(
    name: str, notes: str = "", parent: Customer | None = None
) -> Customer:
    """Add an account, or a department of ``parent``."""
    if parent is not None and parent.parent_id is not None:
        raise DomainError("Departments are one level deep.")
    customer = Customer(name=name, notes=notes, parent=parent)
    db.session.add(customer)
    db.session.flush()
    return customer


def update_customer(customer: Customer, **values: Any) -> dict[str, list[Any]]:
    """Change an account's ``name``, ``notes`` or ``parent_id``; return the changes."""
    changes = apply_changes(customer, **values)
    db.session.flush()
    # ``parent`` reloads on next use, so display_name follows a changed parent_id.
    db.session.expire(customer, ["parent"])
    return changes


def delete_customer(customer: Customer) -> None:
    """Delete a customer and its contacts.

    :raise DomainError: it still has departments or SLAs (their foreign keys restrict).
    """
    departments = len(customer.departments)
    if departments:
        raise DomainError(
            f"“{customer.name}” still has {_count(departments, 'department')}. "
            "Delete or move them first."
        )
    agreements = agreement_counts([customer.id]).get(customer.id, 0)
    if agreements:
        raise DomainError(
            f"“{customer.display_name}” still has {_count(agreements, 'SLA')}, "
            "and a customer with SLAs cannot be deleted."
        )
    db.session.delete(customer)
    db.session.flush()


def create_contact(customer: Customer, **values: Any) -> Contact:
    """Add a contact (``name``, ``email``, ``job_title``, ``active``) to ``customer``."""
    contact = Contact(customer=customer, **values)
    db.session.add(contact)
    db.session.flush()
    return contact


def update_contact(contact: Contact, **values: Any) -> dict[str, list[Any]]:
    """Change a contact's fields; return the changes."""
    changes = apply_changes(contact, **values)
    db.session.flush()
    return changes


def delete_contact(contact: Contact) -> None:
    """Delete a contact."""
    db.session.delete(contact)
    db.session.flush()


def create_service(name: str, description: str = "") -> Service:
    """Add a service to the catalogue."""
    service = Service(name=name, description=description)
    db.session.add(service)
    db.session.flush()
    return service


def update_service(service: Service, **values: Any) -> dict[str, list[Any]]:
    """Change a service's ``name`` or ``description``; return the changes."""
    changes = apply_changes(service, **values)
    db.session.flush()
    return changes


def delete_service(service: Service) -> None:
    """Delete a service.

    :raise DomainError: SLAs use it (their foreign keys restrict).
    """
    used = db.session.scalar(
        select(func.count(Agreement.id)).where(Agreement.service_id == service.id)
    )
    if used:
        raise DomainError(
            f"{_count(used, 'SLA')} {'uses' if used == 1 else 'use'} “{service.name}”. "
            "Delete those SLAs first; a service in use stays in the catalogue."
        )
    db.session.delete(service)
    db.session.flush()


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
