"""Creating invitations, building their links and mailing them.

Functions here add and flush; the caller (a view, a CLI command or a job) commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app, render_template
from sqlalchemy import func, select

from engage.extensions import db
from engage.mail import send_mail
from engage.models import (
    Agreement,
    AgreementStatus,
    Contact,
    DomainError,
    Invitation,
    Level,
    Survey,
    SurveyStatus,
    User,
    utcnow,
)
from surveys.links import hash_token, new_salt, token_for

INVITABLE_LEVELS = (Level.CUSTOMER, Level.SERVICE)
INVITABLE_STATUSES = (AgreementStatus.ACTIVE, AgreementStatus.IN_REVIEW)


@dataclass(frozen=True)
class Skipped:
    """A contact that was not invited, and why (shown to staff)."""

    contact: Contact
    reason: str


@dataclass
class InviteResult:
    created: list[Invitation] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def check_invitable(survey: Survey, agreement: Agreement) -> None:
    """:raise DomainError: invitations cannot go out for this survey or agreement."""
    if survey.status is not SurveyStatus.OPEN:
        raise DomainError(
            f"The survey is {survey.status.value}; only an open survey can be sent."
        )
    if agreement.level not in INVITABLE_LEVELS:
        raise DomainError("Invitations are about a customer or service agreement.")
    if agreement.status not in INVITABLE_STATUSES:
        raise DomainError(
            f"The agreement is {agreement.status.label}; "
            "only an active or in-review agreement can be surveyed."
        )


def invitable_customer_ids(agreement: Agreement) -> set[int]:
    """The agreement's customer and, for a department, its parent account."""
    customer = agreement.customer
    if customer is None:
        return set()
    ids = {customer.id}
    if customer.parent_id is not None:
        ids.add(customer.parent_id)
    return ids


def candidate_contacts(agreement: Agreement) -> list[Contact]:
    """Every contact (active or not) who could be asked about ``agreement``."""
    ids = invitable_customer_ids(agreement)
    stmt = (
        select(Contact)
        .where(Contact.customer_id.in_(ids))
        .order_by(Contact.name, Contact.email)
    )
    return list(db.session.scalars(stmt))


def last_invited(contact_ids: Iterable[int], since: datetime) -> dict[int, datetime]:
    """When each contact was last invited to anything, if after ``since``."""
    ids = list(set(contact_ids))
    if not ids:
        return {}
    stmt = (
        select(Invitation.contact_id, func.max(Invitation.created_at))
        .where(Invitation.contact_id.in_(ids), Invitation.created_at > since)
        .group_by(Invitation.contact_id)
    )
    return {contact_id: when for contact_id, when in db.session.execute(stmt)}


def recent_cutoff(now: datetime) -> datetime:
    """Contacts invited after this moment are not invited again yet."""
    return now - timedelta(days=int(current_app.config["SURVEY_CONTACT_MIN_DAYS"]))


def skip_reason(
    contact: Contact, customer_ids: set[int], recent: dict[int, datetime]
) -> str | None:
    """Why ``contact`` cannot be invited now, or None if they can."""
    if contact.customer_id not in customer_ids:
        return "not a contact of this agreement's customer"
    if not contact.active:
        return "inactive contact"
    if contact.id in recent:
        days = current_app.config["SURVEY_CONTACT_MIN_DAYS"]
        return f"surveyed recently (invited {recent[contact.id]:%Y-%m-%d}; limit {days} days)"
    return None


def invite(
    survey: Survey,
    agreement: Agreement,
    contacts: Sequence[Contact],
    *,
    by: User | None,
    now: datetime,
) -> InviteResult:
    """Create one invitation per eligible contact; report the others.

    Only the token's salt and hash are stored; the link is rebuilt with ``link_for``.

    :raise DomainError: the survey is not open or the agreement cannot be surveyed.
    """
    check_invitable(survey, agreement)
    config = current_app.config
    customer_ids = invitable_customer_ids(agreement)
    recent = last_invited((c.id for c in contacts), recent_cutoff(now))
    expires_at = now + timedelta(days=int(config["SURVEY_LINK_DAYS"]))
    result = InviteResult()
    seen: set[int] = set()
    for contact in contacts:
        if contact.id in seen:
            continue
        seen.add(contact.id)
        reason = skip_reason(contact, customer_ids, recent)
        if reason:
            result.skipped.append(Skipped(contact, reason))
            continue
        salt = new_salt()
        invitation = Invitation(
            survey=survey,
            agreement=agreement,
            contact=contact,
            token_salt=salt,
            token_hash=hash_token(token_for(salt, config["SECRET_KEY"])),
            expires_at=expires_at,
            created_at=now,
            created_by=by,
        )
        db.session.add(invitation)
        result.created.append(invitation)
    db.session.flush()
    return result


def link_for(invitation: Invitation) -> str:
    """The invitation's survey link, always from ``BASE_URL`` (never the request Host)."""
    config = current_app.config
    token = token_for(invitation.token_salt, config["SECRET_KEY"])
    return f"{config['BASE_URL'].rstrip('/')}/s/{token}"


@dataclass(frozen=True)
class Mail:
    """A rendered message, independent of any database session."""

    to: str
    subject: str
    text: str
    html: str

    def send(self) -> None:
        """:raise engage.mail.MailError: the mail could not be sent."""
        send_mail(self.to, self.subject, self.text, self.html)


def render_mail(invitation: Invitation, kind: str) -> Mail:
    """The ``invitation`` or ``reminder`` mail: title, intro, SLA, link and expiry."""
    survey, agreement, contact = (
        invitation.survey,
        invitation.agreement,
        invitation.contact,
    )
    context = {
        "survey": survey,
        "agreement": agreement,
        "contact": contact,
        "link": link_for(invitation),
        "expires_at": invitation.expires_at,
    }
    prefix = "Reminder: " if kind == "reminder" else ""
    return Mail(
        to=contact.email,
        subject=f"{prefix}{survey.title} ({agreement.name})",
        text=render_template(f"surveys/email/{kind}.txt", **context),
        html=render_template(f"surveys/email/{kind}.html", **context),
    )


def send_invitation(invitation: Invitation) -> None:
    """Mail the invitation and mark it sent.

    :raise engage.mail.MailError: the mail could not be sent; ``sent_at`` stays empty.
    """
    render_mail(invitation, "invitation").send()
    invitation.sent_at = utcnow()


def send_reminder(invitation: Invitation, now: datetime) -> None:
    """Mail a reminder with the same link and count it.

    :raise engage.mail.MailError: the mail could not be sent; nothing is counted.
    """
    render_mail(invitation, "reminder").send()
    invitation.last_reminded_at = now
    invitation.reminder_count += 1


def reminders_due(now: datetime) -> list[Invitation]:
    """Sent, unanswered, unexpired invitations of open surveys that may be reminded."""
    config = current_app.config
    quiet = now - timedelta(days=int(config["REMINDER_QUIET_DAYS"]))
    last_contact = func.coalesce(Invitation.last_reminded_at, Invitation.sent_at)
    stmt = (
        select(Invitation)
        .join(Invitation.survey)
        .join(Invitation.contact)
        .where(
            Survey.status == SurveyStatus.OPEN,
            Contact.active.is_(True),
            Invitation.sent_at.is_not(None),
            Invitation.responded_at.is_(None),
            ~Invitation.response.has(),
            Invitation.expires_at > now,
            Invitation.reminder_count < int(config["REMINDER_MAX"]),
            last_contact <= quiet,
        )
        .order_by(Invitation.id)
    )
    return list(db.session.scalars(stmt))


def unsent(survey_id: int | None = None) -> list[Invitation]:
    """Invitations never mailed (SMTP was down, or ``--no-send``) that still work."""
    stmt = (
        select(Invitation)
        .join(Invitation.survey)
        .where(
            Invitation.sent_at.is_(None),
            Invitation.responded_at.is_(None),
            Invitation.expires_at > utcnow(),
            Survey.status == SurveyStatus.OPEN,
        )
        .order_by(Invitation.id)
    )
    if survey_id is not None:
        stmt = stmt.where(Invitation.survey_id == survey_id)
    return list(db.session.scalars(stmt))
