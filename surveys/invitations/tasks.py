"""Mail-sending tasks, run as background jobs or from the CLI.

Each takes plain values (ids, a time), so a Celery worker could run them unchanged.
No database transaction stays open while a mail is being sent: SMTP may take seconds
(or time out), and on SQLite an open write transaction would block every respondent.
Each mail that went out is committed at once; a failure (SMTP down, SECURITY.md L14)
leaves its invitation as it was, for a later retry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import update

from engage.extensions import db
from engage.mail import MailError
from engage.models import Invitation, SurveyStatus, utcnow
from surveys.invitations import service


@dataclass
class SendCounts:
    sent: int = 0
    failed: int = 0
    #: Already sent, answered, expired, or the survey closed meanwhile.
    skipped: int = 0


def _still_sendable(invitation: Invitation | None, now: datetime) -> bool:
    return (
        invitation is not None
        and invitation.sent_at is None
        and invitation.responded_at is None
        and invitation.expires_at > now
        and invitation.survey.status is SurveyStatus.OPEN
    )


def _deliver(mail: service.Mail, what: str) -> bool:
    """Send ``mail`` outside any transaction; log and return False on failure."""
    db.session.rollback()  # end the read transaction before talking to SMTP
    try:
        mail.send()
    except MailError as error:
        current_app.logger.warning("%s not sent, will retry: %s", what, error)
        return False
    return True


def send_invitations(invitation_ids: list[int]) -> SendCounts:
    """Mail each unsent invitation of ``invitation_ids``; failures stay unsent."""
    counts = SendCounts()
    now = utcnow()
    for invitation_id in sorted(invitation_ids):
        invitation = db.session.get(Invitation, invitation_id)
        if invitation is None or not _still_sendable(invitation, now):
            counts.skipped += 1
            continue
        mail = service.render_mail(invitation, "invitation")
        if not _deliver(mail, f"invitation {invitation_id}"):
            counts.failed += 1
            continue
        db.session.execute(
            update(Invitation)
            .where(Invitation.id == invitation_id, Invitation.sent_at.is_(None))
            .values(sent_at=utcnow())
        )
        db.session.commit()
        counts.sent += 1
    return counts


def send_unsent(survey_id: int | None = None) -> SendCounts:
    """Retry every invitation that was never mailed and still works."""
    ids = [i.id for i in service.unsent(survey_id)]
    return send_invitations(ids)


@dataclass
class ReminderCounts:
    due: int = 0
    sent: int = 0
    failed: int = 0


def send_reminders(now: datetime, *, dry_run: bool = False) -> ReminderCounts:
    """Remind everyone due a reminder (see ``service.reminders_due``)."""
    due = [i.id for i in service.reminders_due(now)]
    counts = ReminderCounts(due=len(due))
    if dry_run:
        return counts
    for invitation_id in due:
        invitation = db.session.get(Invitation, invitation_id)
        if invitation is None:
            continue
        mail = service.render_mail(invitation, "reminder")
        if not _deliver(mail, f"reminder for invitation {invitation_id}"):
            counts.failed += 1
            continue
        db.session.execute(
            update(Invitation)
            .where(Invitation.id == invitation_id)
            .values(last_reminded_at=now, reminder_count=Invitation.reminder_count + 1)
        )
        db.session.commit()
        counts.sent += 1
    return counts
