"""Listening-session operations: the SLAs a session may discuss, saving its statements.

They add and flush, never commit: the view records the audit event and commits once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import selectinload

from engage.analysis.aspects import KeywordMap, match_aspects
from engage.auth.access import customers_query, visible_customer_ids
from engage.extensions import db
from engage.feedback import load_keyword_map, objective_for_aspect, text_feedback
from engage.models import (
    Agreement,
    AgreementStatus,
    Base,
    Channel,
    Customer,
    Feedback,
    FeedbackSource,
    Level,
    ListeningSession,
    User,
    session_agreements,
)
from engage.sessions.statements import (
    agreement_for,
    received_at,
    reconcile,
    session_statements,
)

#: A statement at or below this compound is negative (VADER's usual cut-off).
NEGATIVE = -0.05

# -- who and what a session may involve -----------------------------------------


def editable_customers(user: User) -> list[Customer]:
    """Customers ``user`` may log sessions and action items for, by name."""
    # The query already keeps to the customers a manager looks after.
    return list(db.session.scalars(customers_query(user))) if user.can_edit else []


def candidate_agreements(customers: Iterable[Customer]) -> dict[int, list[Agreement]]:
    """For each customer, the SLAs a session with it may be about, in two queries.

    Its own SLAs and its departments' (any level), and its account's customer-level
    SLAs; never corporate ones (customer SLAs inherit them) nor retired ones.
    """
    customers = list(customers)
    parents: dict[int, int | None] = {
        department: parent
        for department, parent in db.session.execute(
            select(Customer.id, Customer.parent_id).where(
                Customer.parent_id.in_([c.id for c in customers])
            )
        )
    }
    related: dict[int, set[int]] = {}
    for customer in customers:
        ids = {customer.id, *(d for d, p in parents.items() if p == customer.id)}
        if customer.parent_id is not None:
            ids.add(customer.parent_id)
        related[customer.id] = ids
    everyone = set().union(*related.values()) if related else set()
    agreements = list(
        db.session.scalars(
            select(Agreement)
            .where(
                Agreement.customer_id.in_(everyone),
                Agreement.status != AgreementStatus.RETIRED,
            )
            .order_by(Agreement.name, Agreement.id)
        )
    )
    return {
        customer.id: [
            a
            for a in agreements
            if a.customer_id in related[customer.id]
            and (a.customer_id != customer.parent_id or a.level is Level.CUSTOMER)
        ]
        for customer in customers
    }


def staff_who_see(customer: Customer, users: Iterable[User]) -> list[User]:
    """Those of ``users`` who may see ``customer`` (admins, viewers, its managers)."""
    out = []
    for user in users:
        ids = visible_customer_ids(user)
        if ids is None or customer.id in ids:
            out.append(user)
    return out


def active_staff() -> list[User]:
    """Every active staff account, by name."""
    return list(
        db.session.scalars(
            select(User).where(User.active).order_by(User.name, User.email)
        )
    )


# -- saving -----------------------------------------------------------------------


def shown(value: Any) -> Any:
    """A value as the audit log shows it: model objects by name or email."""
    if isinstance(value, Customer):
        return value.display_name
    if isinstance(value, Agreement):
        return value.name
    if isinstance(value, User):
        return value.email
    return value


def set_fields(obj: Any, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Set ``values`` on ``obj``; return ``{name: [old, new]}`` of those that changed.

    Model objects compare by identity (staff accounts' ``==`` needs a login session).
    """
    changes: dict[str, list[Any]] = {}
    for name, new in values.items():
        old = getattr(obj, name)
        same = (
            old is new if isinstance(new, Base) or isinstance(old, Base) else old == new
        )
        if not same:
            changes[name] = [shown(old), shown(new)]
            setattr(obj, name, new)
    return changes


def create_session(
    customer: Customer,
    agreements: Sequence[Agreement],
    by: User | None,
    **values: Any,
) -> ListeningSession:
    """Add a session and its statements, scored and tagged."""
    session = ListeningSession(customer=customer, created_by=by, **values)
    session.agreements = list(agreements)
    db.session.add(session)
    sync_statements(session)
    db.session.flush()
    return session


def update_session(
    session: ListeningSession, agreements: Sequence[Agreement], **values: Any
) -> dict[str, list[Any]]:
    """Change a session; statements follow its log. Return the changed fields."""
    changes = set_fields(session, values)
    before = sorted(a.id for a in session.agreements)
    after = sorted(a.id for a in agreements)
    if before != after:
        changes["agreements"] = [before, after]
        session.agreements = list(agreements)
    sync_statements(session)
    db.session.flush()
    return changes


def sync_statements(
    session: ListeningSession, keyword_map: KeywordMap | None = None
) -> None:
    """Make the session's statements match its log (DESIGN: one Feedback each).

    Statements whose kind and text are unchanged keep their row, score and links (an
    action item opened from one stays linked); their date, customer and SLA follow
    the session. Removed ones are deleted; new ones are scored and tagged.
    """
    keyword_map = keyword_map or load_keyword_map()
    wanted = session_statements(session.notes, session.asks, session.commitments)
    plan = reconcile(session.statements, wanted)
    agreements = list(session.agreements)
    for row in plan.remove:
        session.statements.remove(row)
    for row in plan.keep:
        row.customer_id = session.customer.id
        row.received_at = received_at(session.held_on)
        agreement = agreement_for(row.aspect_id, agreements, row.text or "")
        if agreement is not row.agreement:
            row.agreement = agreement
            row.objective_id = (
                objective_for_aspect(agreement, row.aspect_id)
                if agreement is not None and row.aspect_id is not None
                else None
            )
    for kind, text in plan.add:
        matches = match_aspects(text, keyword_map)
        aspect_id = matches[0].aspect_id if matches else None
        agreement = agreement_for(aspect_id, agreements, text)
        row = text_feedback(
            text,
            source=FeedbackSource.SESSION,
            customer_id=session.customer.id,
            agreement=agreement,
            received_at=received_at(session.held_on),
            keyword_map=keyword_map,
        )
        row.statement_kind = kind
        session.statements.append(row)


def delete_session(session: ListeningSession) -> None:
    """Delete a session and its statements; its action items stay, unlinked."""
    for item in session.action_items:
        item.session = None
    db.session.delete(session)
    db.session.flush()


# -- reading ------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionFilters:
    """The list's filters, each optional."""

    customer_id: int | None = None
    agreement_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    channel: Channel | None = None


def sessions_query(user: User, filters: SessionFilters) -> Select[Any]:
    """Sessions ``user`` may see matching ``filters``, most recent first."""
    stmt = (
        select(ListeningSession)
        .options(
            selectinload(ListeningSession.customer).selectinload(Customer.parent),
            selectinload(ListeningSession.facilitator),
            selectinload(ListeningSession.agreements),
        )
        .order_by(ListeningSession.held_on.desc(), ListeningSession.id.desc())
    )
    ids = visible_customer_ids(user)
    if ids is not None:
        stmt = stmt.where(ListeningSession.customer_id.in_(ids))
    if filters.customer_id is not None:
        stmt = stmt.where(ListeningSession.customer_id == filters.customer_id)
    if filters.agreement_id is not None:
        discussed = select(session_agreements.c.session_id).where(
            session_agreements.c.agreement_id == filters.agreement_id
        )
        stmt = stmt.where(ListeningSession.id.in_(discussed))
    if filters.date_from is not None:
        stmt = stmt.where(ListeningSession.held_on >= filters.date_from)
    if filters.date_to is not None:
        stmt = stmt.where(ListeningSession.held_on <= filters.date_to)
    if filters.channel is not None:
        stmt = stmt.where(ListeningSession.channel == filters.channel)
    return stmt


def statement_counts(session_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """``{session id: (statements, negative ones)}`` in one query."""
    rows = db.session.execute(
        select(
            Feedback.session_id,
            func.count(Feedback.id),
            func.sum(case((Feedback.compound <= NEGATIVE, 1), else_=0)),
        )
        .where(Feedback.session_id.in_(list(session_ids)))
        .group_by(Feedback.session_id)
    )
    return {sid: (int(n), int(neg or 0)) for sid, n, neg in rows if sid is not None}


def filter_agreements(user: User) -> list[Agreement]:
    """SLAs the list may be filtered by: customer and service SLAs the user sees."""
    stmt = select(Agreement).where(Agreement.customer_id.is_not(None))
    ids = visible_customer_ids(user)
    if ids is not None:
        stmt = stmt.where(Agreement.customer_id.in_(ids))
    return list(db.session.scalars(stmt.order_by(Agreement.name)))
