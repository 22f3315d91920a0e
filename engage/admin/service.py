"""Admin operations on staff accounts and aspects.

Every function adds or flushes and records the audit event; the caller commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from engage import audit
from engage.auth import sessions
from engage.auth.passwords import hash_password
from engage.extensions import db
from engage.models import Aspect, Customer, Objective, Role, User


class AccountError(ValueError):
    """A change that would lock admins out; ``field`` names the form field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class AspectInUse(ValueError):
    """The aspect is used by objectives and cannot be deleted."""


# --- staff accounts -------------------------------------------------------------


def all_customers() -> list[Customer]:
    """Every customer and department, accounts before their departments."""
    customers = db.session.scalars(
        select(Customer).options(selectinload(Customer.parent))
    ).all()
    return sorted(customers, key=lambda c: c.display_name.casefold())


def list_users() -> Sequence[User]:
    """Every staff account by email, with their customers loaded."""
    return db.session.scalars(
        select(User).options(selectinload(User.customers)).order_by(User.email)
    ).all()


def email_taken(email: str) -> bool:
    """True when a staff account already has ``email`` (already normalised)."""
    return db.session.scalar(select(User.id).where(User.email == email)) is not None


def _customers(ids: Sequence[int]) -> list[Customer]:
    if not ids:
        return []
    return list(db.session.scalars(select(Customer).where(Customer.id.in_(ids))))


def check_account_change(
    user: User, actor: User | None, role: Role, active: bool
) -> None:
    """Refuse changes that would leave Engage without an active admin.

    :raise AccountError: an admin demotes or deactivates themselves, or the last
        active admin would lose that role.
    """
    if actor is not None and user.id == actor.id:
        if not active:
            raise AccountError("active", "You cannot deactivate your own account.")
        if role is not Role.ADMIN:
            raise AccountError("role", "You cannot remove your own admin role.")
    if (
        user.role is Role.ADMIN
        and user.active
        and (role is not Role.ADMIN or not active)
    ):
        others = db.session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.role == Role.ADMIN, User.active.is_(True), User.id != user.id)
        )
        if not others:
            field = "role" if role is not Role.ADMIN else "active"
            raise AccountError(
                field,
                f"{user.email} is the last active admin; make another admin first.",
            )


def create_user(
    actor: User | None,
    email: str,
    name: str,
    role: Role,
    password: str,
    customer_ids: Sequence[int] = (),
) -> User:
    """Add a staff account; customers are kept for managers only."""
    user = User(
        email=email,
        name=name,
        role=role,
        password_hash=hash_password(password),
        customers=_customers(customer_ids) if role is Role.MANAGER else [],
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        actor,
        "user.create",
        user,
        f"Created {role.value} {email}",
        role=role,
        customers=[c.name for c in user.customers],
    )
    return user


def update_user(
    actor: User | None,
    user: User,
    name: str,
    role: Role,
    active: bool,
    customer_ids: Sequence[int] = (),
) -> dict[str, Any]:
    """Apply an edit; a new role or deactivation ends every session of ``user``.

    :return: the changes as ``{field: {"from": old, "to": new}}``.
    :raise AccountError: see :func:`check_account_change`.
    """
    check_account_change(user, actor, role, active)
    customers = _customers(customer_ids) if role is Role.MANAGER else []
    before = {
        "name": user.name,
        "role": user.role.value,
        "active": user.active,
        "customers": sorted(c.name for c in user.customers),
    }
    after = {
        "name": name,
        "role": role.value,
        "active": active,
        "customers": sorted(c.name for c in customers),
    }
    changes = {
        key: {"from": before[key], "to": after[key]}
        for key in before
        if before[key] != after[key]
    }
    if not changes:
        return changes
    user.name, user.role, user.active, user.customers = name, role, active, customers
    ended = 0
    if "role" in changes or not active:
        ended = sessions.end_other_sessions(user)
    if "active" in changes:
        action = "user.deactivate" if not active else "user.reactivate"
    else:
        action = "user.update"
    verb = {"user.deactivate": "Deactivated", "user.reactivate": "Reactivated"}
    audit.record(
        actor,
        action,
        user,
        f"{verb.get(action, 'Updated')} {user.email}",
        changes=changes,
        ended_sessions=ended,
    )
    db.session.flush()
    return changes


def set_password(actor: User, user: User, password: str) -> int:
    """Give ``user`` a new password and end their sessions; return how many ended."""
    user.password_hash = hash_password(password)
    keep = actor.session_token if actor.id == user.id else None
    ended = sessions.end_other_sessions(user, keep_token=keep)
    audit.record(
        actor,
        "user.password",
        user,
        f"Set a new password for {user.email}",
        ended_sessions=ended,
    )
    return ended


# --- aspects --------------------------------------------------------------------


def aspects_with_usage() -> list[tuple[Aspect, int]]:
    """Every aspect in display order, with how many objectives use it."""
    rows = db.session.execute(
        select(Aspect, func.count(Objective.id))
        .outerjoin(Objective, Objective.aspect_id == Aspect.id)
        .group_by(Aspect.id)
        .order_by(Aspect.position, Aspect.id)
    )
    return [(aspect, count) for aspect, count in rows]


def aspect_name_taken(name: str, aspect: Aspect | None = None) -> bool:
    """True when another aspect has ``name``, ignoring case."""
    stmt = select(Aspect.id).where(func.lower(Aspect.name) == name.lower())
    if aspect is not None:
        stmt = stmt.where(Aspect.id != aspect.id)
    return db.session.scalar(stmt) is not None


def create_aspect(actor: User, name: str, description: str) -> Aspect:
    """Add an aspect at the end of the list."""
    last = db.session.scalar(select(func.max(Aspect.position)))
    aspect = Aspect(
        name=name, description=description, position=(last or 0) + 1, active=True
    )
    db.session.add(aspect)
    db.session.flush()
    audit.record(actor, "aspect.create", aspect, f"Added aspect {name}")
    return aspect


def update_aspect(actor: User, aspect: Aspect, name: str, description: str) -> None:
    """Rename or re-describe an aspect."""
    changes = {}
    if aspect.name != name:
        changes["name"] = {"from": aspect.name, "to": name}
    if aspect.description != description:
        changes["description"] = {"from": aspect.description, "to": description}
    if not changes:
        return
    aspect.name, aspect.description = name, description
    audit.record(actor, "aspect.update", aspect, f"Edited aspect {name}", **changes)
    db.session.flush()


def set_aspect_active(actor: User, aspect: Aspect, active: bool) -> None:
    """Offer (or stop offering) the aspect for new clauses and feedback."""
    if aspect.active == active:
        return
    aspect.active = active
    verb = "activate" if active else "deactivate"
    audit.record(
        actor, f"aspect.{verb}", aspect, f"{verb.title()}d aspect {aspect.name}"
    )


def move_aspect(actor: User, aspect: Aspect, step: int) -> bool:
    """Swap the aspect with its neighbour (``step`` -1 up, +1 down); False at an end.

    Positions are renumbered 0..n-1 so gaps and ties from older data disappear.
    """
    ordered = list(
        db.session.scalars(select(Aspect).order_by(Aspect.position, Aspect.id))
    )
    index = ordered.index(aspect)
    other = index + step
    if not 0 <= other < len(ordered):
        return False
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered):
        item.position = position
    direction = "up" if step < 0 else "down"
    audit.record(
        actor, "aspect.move", aspect, f"Moved aspect {aspect.name} {direction}"
    )
    return True


def objective_count(aspect: Aspect) -> int:
    """How many objectives (clauses) use ``aspect``."""
    count = db.session.scalar(
        select(func.count())
        .select_from(Objective)
        .where(Objective.aspect_id == aspect.id)
    )
    return count or 0


def delete_aspect(actor: User, aspect: Aspect) -> None:
    """Delete an unused aspect.

    :raise AspectInUse: an objective uses it (the foreign key would refuse anyway).
    """
    used = objective_count(aspect)
    if used:
        raise AspectInUse(f"{aspect.name} is used by {used} objective(s).")
    audit.record(actor, "aspect.delete", aspect, f"Deleted aspect {aspect.name}")
    db.session.delete(aspect)
    db.session.flush()
