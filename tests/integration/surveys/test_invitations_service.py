"""Creating invitations and reminding: the rules of ``surveys.invitations.service``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, text

from engage.extensions import db
from engage.models import DomainError, Invitation, Level, Response
from surveys.invitations import service, tasks
from surveys.links import hash_token, token_for
from tests.factories import make_agreement, make_contact, make_customer
from tests.survey_factories import (
    make_invitable_agreement,
    make_invitation,
    make_survey,
)

NOW = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def ctx(app: Flask) -> Any:
    with app.app_context():
        yield app


def _world() -> tuple[Any, Any, list[Any]]:
    customer = make_customer("Acme")
    agreement = make_invitable_agreement(customer)
    contacts = [make_contact(customer, f"p{i}@acme.example") for i in range(3)]
    return make_survey(status="open"), agreement, contacts


def test_invite_sets_expiry_and_stores_only_salt_and_hash(ctx: Flask) -> None:
    """[SECURITY.md 6] the raw token never reaches the database."""
    survey, agreement, contacts = _world()
    result = service.invite(survey, agreement, contacts, by=None, now=NOW)
    db.session.commit()
    assert len(result.created) == 3
    assert result.skipped == []
    for invitation in result.created:
        assert invitation.expires_at == NOW + timedelta(days=30)
        token = token_for(invitation.token_salt, ctx.config["SECRET_KEY"])
        assert invitation.token_hash == hash_token(token)
        row = db.session.execute(
            text("SELECT * FROM invitations WHERE id = :id"), {"id": invitation.id}
        ).one()
        assert token not in " ".join(str(v) for v in row)
        assert service.link_for(invitation) == f"http://localhost/s/{token}"


def test_contact_invited_recently_is_skipped_until_the_limit(ctx: Flask) -> None:
    survey, agreement, contacts = _world()
    service.invite(survey, agreement, contacts[:1], by=None, now=NOW)
    other = make_survey(status="open")
    again = service.invite(
        other, agreement, contacts[:2], by=None, now=NOW + timedelta(days=10)
    )
    assert [i.contact for i in again.created] == [contacts[1]]
    assert again.skipped[0].contact == contacts[0]
    assert "surveyed recently" in again.skipped[0].reason
    later = service.invite(
        other, agreement, contacts[:1], by=None, now=NOW + timedelta(days=31)
    )
    assert [i.contact for i in later.created] == [contacts[0]]


def test_inactive_and_other_customers_contacts_are_skipped(ctx: Flask) -> None:
    survey, agreement, contacts = _world()
    contacts[0].active = False
    stranger = make_contact(make_customer("Globex"), "x@globex.example")
    result = service.invite(
        survey,
        agreement,
        [contacts[0], stranger, contacts[1], contacts[1]],
        by=None,
        now=NOW,
    )
    assert [i.contact for i in result.created] == [contacts[1]]
    reasons = {s.contact.email: s.reason for s in result.skipped}
    assert reasons == {
        contacts[0].email: "inactive contact",
        "x@globex.example": "not a contact of this agreement's customer",
    }


def test_department_agreement_reaches_the_parent_accounts_contacts(ctx: Flask) -> None:
    account = make_customer("Acme")
    department = make_customer("Finance", parent=account)
    agreement = make_invitable_agreement(department, Level.SERVICE)
    boss = make_contact(account, "boss@acme.example")
    clerk = make_contact(department, "clerk@acme.example")
    result = service.invite(
        make_survey(status="open"), agreement, [boss, clerk], by=None, now=NOW
    )
    assert {i.contact.email for i in result.created} == {boss.email, clerk.email}


@pytest.mark.parametrize(
    "case", ["draft survey", "closed survey", "draft sla", "corporate"]
)
def test_invitations_are_refused(ctx: Flask, case: str) -> None:
    survey, agreement, contacts = _world()
    if case == "draft survey":
        survey = make_survey(status="draft")
    elif case == "closed survey":
        survey = make_survey(status="closed")
    elif case == "draft sla":
        agreement = make_agreement(Level.CUSTOMER, customer=agreement.customer)
    else:
        agreement = make_agreement(Level.CORPORATE, published_on=NOW.date())
    with pytest.raises(DomainError):
        service.invite(survey, agreement, contacts, by=None, now=NOW)
    assert db.session.scalar(select(Invitation.id)) is None


# -- reminders ---------------------------------------------------------------


def _outbox(app: Flask) -> list[Any]:
    folder = Path(app.instance_path) / "outbox"
    files = sorted(folder.glob("*.eml")) if folder.exists() else []
    return [message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]


def _text(message: Any) -> str:
    return str(message.get_body(("plain",)).get_content())


def test_reminders_respect_quiet_period_cap_and_reuse_the_link(ctx: Flask) -> None:
    survey, agreement, contacts = _world()
    invitation = make_invitation(
        survey, agreement, contacts[0], created_at=NOW, sent_at=NOW
    )
    db.session.commit()
    link = service.link_for(invitation)
    assert tasks.send_reminders(NOW + timedelta(days=2)).due == 0  # quiet period
    first = tasks.send_reminders(NOW + timedelta(days=3))
    assert (first.due, first.sent) == (1, 1)
    assert tasks.send_reminders(NOW + timedelta(days=4)).due == 0  # quiet again
    assert tasks.send_reminders(NOW + timedelta(days=6)).sent == 1
    assert tasks.send_reminders(NOW + timedelta(days=20)).due == 0  # REMINDER_MAX = 2
    db.session.refresh(invitation)
    assert invitation.reminder_count == 2
    assert invitation.last_reminded_at == NOW + timedelta(days=6)
    mails = _outbox(ctx)
    assert len(mails) == 2
    assert all(link in _text(m) for m in mails)
    assert mails[0]["Subject"].startswith("Reminder: ")


def test_dry_run_counts_and_sends_nothing(ctx: Flask) -> None:
    survey, agreement, contacts = _world()
    make_invitation(survey, agreement, contacts[0], created_at=NOW, sent_at=NOW)
    db.session.commit()
    counts = tasks.send_reminders(NOW + timedelta(days=5), dry_run=True)
    assert (counts.due, counts.sent) == (1, 0)
    assert _outbox(ctx) == []


def test_answered_expired_closed_and_unsent_are_not_reminded(ctx: Flask) -> None:
    survey, agreement, contacts = _world()
    answered = make_invitation(
        survey, agreement, contacts[0], created_at=NOW, sent_at=NOW, responded_at=NOW
    )
    make_invitation(
        survey,
        agreement,
        contacts[1],
        created_at=NOW,
        sent_at=NOW,
        expires_at=NOW + timedelta(days=4),
    )
    make_invitation(survey, agreement, contacts[2], created_at=NOW)  # never sent
    closed = make_survey(status="closed")
    extra = make_contact(agreement.customer, "late@acme.example")
    make_invitation(closed, agreement, extra, created_at=NOW, sent_at=NOW)
    db.session.add(Response(invitation=answered, version=survey.current))
    due = make_invitation(
        survey, agreement, make_contact(agreement.customer), created_at=NOW, sent_at=NOW
    )
    db.session.commit()
    assert service.reminders_due(NOW + timedelta(days=5)) == [due]
