"""``flask surveys invite | send-invitations | send-reminders``."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from engage.extensions import db
from engage.models import Agreement, AuditEvent, Invitation, Survey, utcnow
from surveys.links import hash_token, looks_like_token
from tests.factories import make_contact, make_customer
from tests.survey_factories import (
    make_invitable_agreement,
    make_invitation,
    make_survey,
)


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    with app.app_context():
        acme = make_customer("Acme")
        ids = {
            "survey": make_survey(status="open").id,
            "closed": make_survey(status="closed").id,
            "sla": make_invitable_agreement(acme).id,
        }
        make_contact(acme, "ana@acme.example")
        make_contact(acme, "bo@acme.example")
        make_contact(acme, "old@acme.example", active=False)
        db.session.commit()
    return ids


def _outbox(app: Flask) -> list[Path]:
    folder = Path(app.instance_path) / "outbox"
    return sorted(folder.glob("*.eml")) if folder.exists() else []


def _invite(runner: FlaskCliRunner, w: dict[str, Any], *extra: str) -> Any:
    args = [
        "surveys",
        "invite",
        "--survey",
        str(w["survey"]),
        "--agreement",
        str(w["sla"]),
    ]
    return runner.invoke(args=[*args, *extra])


def test_invite_prints_links_whose_hash_is_stored(
    app: Flask, runner: FlaskCliRunner, world: dict[str, Any]
) -> None:
    app.config["BASE_URL"] = "https://engage.example.com"
    result = _invite(runner, world, "--all-contacts", "--print-links", "--no-send")
    assert result.exit_code == 0, result.output
    assert "2 invitations created, 0 skipped." in result.output
    links = dict(
        line.split("\t") for line in result.output.splitlines() if "\t" in line
    )
    assert set(links) == {"ana@acme.example", "bo@acme.example"}
    with app.app_context():
        for email, link in links.items():
            prefix, token = link.rsplit("/", 1)
            assert prefix == "https://engage.example.com/s"
            assert looks_like_token(token)
            row = db.session.scalars(
                select(Invitation).where(Invitation.token_hash == hash_token(token))
            ).one()
            assert row.contact.email == email
            assert row.sent_at is None
        assert db.session.scalars(select(AuditEvent.action)).all() == [
            "invitation.create"
        ]
    assert _outbox(app) == []  # --no-send
    client = app.test_client()
    for link in links.values():
        # The respondent's page answers the link (the path; the host is BASE_URL's).
        assert client.get(urlsplit(link).path).status_code == 200


def test_invite_sends_by_default_and_skips_recent(
    app: Flask, runner: FlaskCliRunner, world: dict[str, Any]
) -> None:
    first = _invite(runner, world, "--contact", "ANA@acme.example")
    assert first.exit_code == 0, first.output
    assert "1 invitations created" in first.output
    assert "1 sent, 0 failed." in first.output
    assert len(_outbox(app)) == 1
    again = _invite(
        runner, world, "--contact", "ana@acme.example", "--contact", "bo@acme.example"
    )
    assert again.exit_code == 0
    assert "1 invitations created, 1 skipped." in again.output
    assert "skipped ana@acme.example: surveyed recently" in again.output


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--contact", "nobody@acme.example"), "Not contacts of this agreement"),
        ((), "Give --contact EMAIL"),
        (("--all-contacts", "--contact", "ana@acme.example"), "Give --contact EMAIL"),
    ],
)
def test_invite_refuses_bad_input(
    app: Flask,
    runner: FlaskCliRunner,
    world: dict[str, Any],
    extra: tuple[str, ...],
    message: str,
) -> None:
    result = _invite(runner, world, *extra)
    assert result.exit_code != 0
    assert message in result.output
    with app.app_context():
        assert db.session.scalar(select(Invitation.id)) is None


def test_invite_refuses_a_closed_survey(
    app: Flask, runner: FlaskCliRunner, world: dict[str, Any]
) -> None:
    result = _invite(runner, {**world, "survey": world["closed"]}, "--all-contacts")
    assert result.exit_code == 1
    assert "only an open survey can be sent" in result.output


def test_send_invitations_retries_unsent(
    app: Flask, runner: FlaskCliRunner, world: dict[str, Any]
) -> None:
    assert _invite(runner, world, "--all-contacts", "--no-send").exit_code == 0
    result = runner.invoke(args=["surveys", "send-invitations"])
    assert "2 sent, 0 failed, 0 skipped." in result.output
    assert len(_outbox(app)) == 2
    assert "0 sent" in runner.invoke(args=["surveys", "send-invitations"]).output


def test_send_reminders_counts(
    app: Flask, runner: FlaskCliRunner, world: dict[str, Any]
) -> None:
    with app.app_context():
        survey = db.session.get(Survey, world["survey"])
        sla = db.session.get(Agreement, world["sla"])
        long_ago = utcnow() - timedelta(days=5)
        for email in ("ana@acme.example", "bo@acme.example"):
            contact = next(c for c in sla.customer.contacts if c.email == email)
            make_invitation(survey, sla, contact, created_at=long_ago, sent_at=long_ago)
        db.session.commit()
    dry = runner.invoke(args=["surveys", "send-reminders", "--dry-run"])
    assert "2 reminders due (dry run, nothing sent)." in dry.output
    assert _outbox(app) == []
    real = runner.invoke(args=["surveys", "send-reminders"])
    assert "2 due, 2 sent, 0 failed." in real.output
    assert len(_outbox(app)) == 2
    assert "0 due" in runner.invoke(args=["surveys", "send-reminders"]).output


def test_help_comes_from_docstrings(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["surveys", "invite", "--help"])
    assert (
        "Invite contacts of an agreement's customer to an open survey." in result.output
    )
