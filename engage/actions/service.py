"""Action items: opening them from what customers said, tracking them to done.

They add and flush, never commit: the view records the audit event and commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, case, select
from sqlalchemy.orm import selectinload

from engage.actions.signals import Signal, is_negative
from engage.auth.access import visible_customer_ids
from engage.extensions import db
from engage.models import (
    OPEN_STATUSES,
    ActionItem,
    ActionStatus,
    Agreement,
    Answer,
    Customer,
    Feedback,
    ListeningSession,
    Question,
    QuestionKind,
    Response,
    Role,
    User,
)
from engage.sessions.service import set_fields

#: Items due within this many days show as "due soon" on the overview.
DUE_SOON_DAYS = 7
TITLE_CHARS = 80


def today() -> date:
    """Today in UTC: what "overdue" is measured against."""
    return datetime.now(UTC).date()


def due_text(due_on: date, status: ActionStatus, on: date) -> str:
    """How an item's due date reads: "Overdue by 3 days", "Due today", "Due in 2 days"."""
    if status.is_closed:
        return f"Was due {due_on:%d %b %Y}"
    days = (due_on - on).days
    if days < 0:
        return f"Overdue by {-days} day{'s' if days != -1 else ''}"
    if days == 0:
        return "Due today"
    if days == 1:
        return "Due tomorrow"
    if days <= DUE_SOON_DAYS:
        return f"Due in {days} days"
    return f"Due {due_on:%d %b %Y}"


def shorten(text: str, limit: int = TITLE_CHARS) -> str:
    """``text`` on one line, cut at a word boundary to at most ``limit`` characters."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[: limit - 1].rsplit(" ", 1)[0] + "…"


# -- where an item comes from ----------------------------------------------------


@dataclass(frozen=True)
class Source:
    """What a new item is opened from, and what the form starts with."""

    customer: Customer
    agreement: Agreement | None = None
    quote: str = ""
    title: str = ""
    session_id: int | None = None
    feedback_id: int | None = None
    response_id: int | None = None
    #: What the page says the item answers, e.g. "a statement from Q3 review".
    label: str = ""


def feedback_is_negative(item: Feedback) -> bool:
    """Negative text, or a detractor score (see :mod:`engage.actions.signals`)."""
    return is_negative(item.kind.value, item.score, item.compound)


def from_feedback(item: Feedback) -> Source:
    """A new item answering one feedback row (a statement or a survey answer)."""
    if item.text:
        quote = item.text
    elif item.score is not None:
        quote = f"{item.kind.value.replace('_', ' ').capitalize()}: {item.score:g}"
    else:
        quote = ""
    label = f"a statement from “{item.session.title}”" if item.session else "feedback"
    return Source(
        customer=item.customer,
        agreement=item.agreement,
        quote=quote,
        title=f"Follow up: {shorten(quote, TITLE_CHARS - 11)}" if quote else "",
        session_id=item.session_id,
        feedback_id=item.id,
        label=label,
    )


def response_signals(response_ids: list[int]) -> dict[int, list[Signal]]:
    """``{response id: [(kind, number, compound)]}`` of rated and text answers."""
    rows = db.session.execute(
        select(Answer.response_id, Question.kind, Answer.number, Feedback.compound)
        .join(Question, Answer.question_id == Question.id)
        .outerjoin(Feedback, Feedback.answer_id == Answer.id)
        .where(
            Answer.response_id.in_(response_ids),
            Question.kind.in_(
                [QuestionKind.HAPPINESS, QuestionKind.CSAT, QuestionKind.TEXT]
            ),
        )
    )
    out: dict[int, list[Signal]] = {}
    for response_id, kind, number, compound in rows:
        out.setdefault(response_id, []).append((kind.value, number, compound))
    return out


def from_response(response: Response) -> Source:
    """A new item answering a survey response: its most negative comment is the quote."""
    comments = db.session.execute(
        select(Feedback.text, Feedback.compound)
        .join(Answer, Feedback.answer_id == Answer.id)
        .where(Answer.response_id == response.id, Feedback.text.is_not(None))
        .order_by(Feedback.compound, Feedback.id)
    ).all()
    invitation = response.invitation
    agreement = invitation.agreement
    customer = agreement.customer or invitation.contact.customer
    return Source(
        customer=customer,
        agreement=agreement,
        quote=comments[0].text if comments else "",
        title=f"Follow up on {invitation.contact.name}'s answer to {invitation.survey.title}",
        response_id=response.id,
        label=f"{invitation.contact.name}'s answer to “{invitation.survey.title}”",
    )


def from_session(session: ListeningSession) -> Source:
    """A new item from a session as a whole."""
    return Source(
        customer=session.customer,
        agreement=session.agreements[0] if len(session.agreements) == 1 else None,
        session_id=session.id,
        label=f"the session “{session.title}”",
    )


# -- who may own an item ------------------------------------------------------------


def possible_owners() -> list[User]:
    """Active staff who can change customers: admins and managers, by name."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.active, User.role.in_([Role.ADMIN, Role.MANAGER]))
            .order_by(User.name, User.email)
        )
    )


def may_own(user: User, customer: Customer) -> bool:
    """Whether ``user`` can see and change ``customer``, and so act on its items."""
    ids = visible_customer_ids(user)
    return user.can_edit and user.active and (ids is None or customer.id in ids)


# -- changing ---------------------------------------------------------------------


def create_item(by: User, source: Source | None = None, **values: Any) -> ActionItem:
    """Add an item (``customer``, ``agreement``, ``title``, ``owner``, ``due_on`` ...)."""
    item = ActionItem(created_by=by, **values)
    if source is not None:
        item.session_id = source.session_id
        item.feedback_id = source.feedback_id
        item.response_id = source.response_id
    if item.status is None:
        item.status = ActionStatus.OPEN
    _stamp_closed(item, None)
    db.session.add(item)
    db.session.flush()
    return item


def update_item(item: ActionItem, **values: Any) -> dict[str, list[Any]]:
    """Change an item; return ``{field: [old, new]}`` (objects shown by name)."""
    was = item.status
    changes = set_fields(item, values)
    _stamp_closed(item, was)
    db.session.flush()
    return changes


def _stamp_closed(item: ActionItem, was: ActionStatus | None) -> None:
    """Closing sets ``closed_at``; reopening clears it."""
    if item.status.is_closed and (was is None or not was.is_closed):
        item.closed_at = datetime.now(UTC)
    elif not item.status.is_closed:
        item.closed_at = None


# -- reading ------------------------------------------------------------------------


def _visible(stmt: Select[Any], user: User) -> Select[Any]:
    ids = visible_customer_ids(user)
    return stmt if ids is None else stmt.where(ActionItem.customer_id.in_(ids))


def _with_links(stmt: Select[Any]) -> Select[Any]:
    return stmt.options(
        selectinload(ActionItem.customer).selectinload(Customer.parent),
        selectinload(ActionItem.owner),
        selectinload(ActionItem.agreement),
    )


def items_query(
    user: User,
    *,
    mine: bool,
    status: str,
    overdue_only: bool,
    on: date,
) -> Select[Any]:
    """Items ``user`` may see, soonest due first.

    :param status: ``"open"`` (open or in progress), ``""`` (any) or one status value.
    """
    stmt = _with_links(_visible(select(ActionItem), user))
    if mine:
        stmt = stmt.where(ActionItem.owner_id == user.id)
    if status == "open" or overdue_only:
        stmt = stmt.where(ActionItem.status.in_(OPEN_STATUSES))
    if status and status != "open":
        stmt = stmt.where(ActionItem.status == ActionStatus(status))
    if overdue_only:
        stmt = stmt.where(ActionItem.due_on < on)
    return stmt.order_by(ActionItem.due_on, ActionItem.id)


def due_for(user: User, on: date, days: int = DUE_SOON_DAYS) -> list[ActionItem]:
    """``user``'s open items that are overdue or due within ``days``, soonest first."""
    stmt = _visible(select(ActionItem), user).where(
        ActionItem.owner_id == user.id,
        ActionItem.status.in_(OPEN_STATUSES),
        ActionItem.due_on <= on + timedelta(days=days),
    )
    return list(db.session.scalars(_with_links(stmt).order_by(ActionItem.due_on)))


def open_items_for(customer_ids: list[int], on: date) -> list[ActionItem]:
    """Open items of these customers: overdue ones first, then by due date."""
    overdue_first = case((ActionItem.due_on < on, 0), else_=1)
    stmt = (
        select(ActionItem)
        .where(
            ActionItem.customer_id.in_(customer_ids),
            ActionItem.status.in_(OPEN_STATUSES),
        )
        .order_by(overdue_first, ActionItem.due_on, ActionItem.id)
    )
    return list(db.session.scalars(_with_links(stmt)))
