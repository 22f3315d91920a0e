"""Who may see and change what.

Admins and viewers see every customer; a manager sees only the customers assigned to them
and their departments, and everything else answers 404 as if it did not exist. Corporate
agreements apply to every customer, so every role reads them; only admins change them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Blueprint, abort
from flask_login import current_user, login_required
from sqlalchemy import Select, or_, select

from engage.extensions import db
from engage.models import Agreement, Customer, Level, Role, User

F = TypeVar("F", bound=Callable[..., Any])


def staff_only(bp: Blueprint) -> None:
    """Require a logged-in staff member for every route of ``bp``."""

    @bp.before_request
    @login_required
    def _require_login() -> None:
        return None


def role_required(*roles: Role) -> Callable[[F], F]:
    """403 unless the current user has one of ``roles``."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorator


def visible_customer_ids(user: User) -> set[int] | None:
    """The customer ids ``user`` may see, or None for all of them."""
    if user.role is not Role.MANAGER:
        return None
    assigned = {c.id for c in user.customers}
    departments = db.session.scalars(
        select(Customer.id).where(Customer.parent_id.in_(assigned))
    )
    return assigned | set(departments)


def customers_query(user: User) -> Select[Customer]:
    """Customers ``user`` may see, by name."""
    stmt = select(Customer).order_by(Customer.name)
    ids = visible_customer_ids(user)
    return stmt if ids is None else stmt.where(Customer.id.in_(ids))


def agreements_query(user: User) -> Select[Agreement]:
    """Agreements ``user`` may see: corporate ones and their customers' ones."""
    stmt = select(Agreement).order_by(Agreement.name)
    ids = visible_customer_ids(user)
    if ids is None:
        return stmt
    return stmt.where(
        or_(Agreement.level == Level.CORPORATE, Agreement.customer_id.in_(ids))
    )


def can_see_customer(user: User, customer_id: int | None) -> bool:
    ids = visible_customer_ids(user)
    return ids is None or customer_id in ids


def customer_or_404(customer_id: int) -> Customer:
    """The customer, if it exists and the current user may see it."""
    customer = db.session.get(Customer, customer_id)
    if customer is None or not can_see_customer(current_user, customer.id):
        abort(404)
    return customer


def agreement_or_404(agreement_id: int) -> Agreement:
    """The agreement, if it exists and the current user may see it."""
    agreement = db.session.get(Agreement, agreement_id)
    if agreement is None:
        abort(404)
    if agreement.level is not Level.CORPORATE and not can_see_customer(
        current_user, agreement.customer_id
    ):
        abort(404)
    return agreement


def can_edit_customer(user: User, customer: Customer) -> bool:
    return user.can_edit and can_see_customer(user, customer.id)


def can_edit_agreement(user: User, agreement: Agreement) -> bool:
    if agreement.level is Level.CORPORATE:
        return user.is_admin
    return user.can_edit and can_see_customer(user, agreement.customer_id)


def require(allowed: bool) -> None:
    """403 unless ``allowed``: the object is visible, but this user may not change it."""
    if not allowed:
        abort(403)
