"""Mail: the outbox by default, real SMTP on loopback, and SMTP being down (L14)."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from engage.extensions import db
from engage.mail import MailError, send_mail
from engage.models import Invitation
from surveys.invitations import service, tasks
from tests.factories import make_contact, make_customer
from tests.survey_factories import (
    make_invitable_agreement,
    make_invitation,
    make_survey,
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Collector:
    """An aiosmtpd handler keeping every envelope it receives."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.envelopes.append(envelope)
        return "250 Message accepted"


@pytest.fixture
def smtp_server() -> Iterator[tuple[Collector, int]]:
    handler = Collector()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def _outbox(app: Flask) -> list[EmailMessage]:
    folder = Path(app.instance_path) / "outbox"
    files = sorted(folder.glob("*.eml")) if folder.exists() else []
    return [
        message_from_bytes(f.read_bytes(), policy=policy.default)  # type: ignore[misc]
        for f in files
    ]


def _parts(message: EmailMessage) -> tuple[str, str]:
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None
    assert html is not None
    return str(plain.get_content()), str(html.get_content())  # type: ignore[attr-defined]


def _invitation(name: str = "Pat Contact") -> Invitation:
    customer = make_customer("Acme")
    agreement = make_invitable_agreement(customer)
    contact = make_contact(customer, "pat@acme.example", name=name)
    survey = make_survey(title="Quarterly pulse", status="open")
    survey.intro = "Tell us how we did."
    invitation: Invitation = make_invitation(survey, agreement, contact)
    db.session.commit()
    return invitation


def test_outbox_gets_a_two_part_eml_and_a_log_line(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    with app.app_context():
        send_mail("a@b.example", "Hello\r\nBcc: x@evil.example", "plain", "<p>html</p>")
        send_mail("c@d.example", "Second", "plain 2", "<p>2</p>")
        mails = _outbox(app)
    assert len(mails) == 2
    assert mails[0]["To"] == "a@b.example"
    assert mails[0]["Bcc"] is None  # CR/LF in a subject cannot add a header
    assert mails[0].get_content_type() == "multipart/alternative"
    assert _parts(mails[0])[0].strip() == "plain"
    assert "<p>html</p>" in _parts(mails[0])[1]
    assert mails[1]["Subject"] == "Second"  # names sort in sending order
    assert "a@b.example" in caplog.text


def test_invitation_mail_uses_base_url_and_escapes_html(app: Flask) -> None:
    """[SECURITY.md 22, 1] the link host comes from config; the HTML part is escaped."""
    app.config["BASE_URL"] = "https://engage.example.com/"
    with app.app_context():
        invitation_id = _invitation(name="<script>alert(1)</script>").id
    # Even inside a request for a hostile Host, the link ignores the request.
    with app.test_request_context("/", base_url="http://evil.example"):
        invitation = db.session.get(Invitation, invitation_id)
        assert invitation is not None
        service.send_invitation(invitation)
        db.session.commit()
        link = service.link_for(invitation)
        assert invitation.sent_at is not None
        agreement_name = invitation.agreement.name
        expiry = invitation.expires_at.strftime("%d %B %Y")
    assert link.startswith("https://engage.example.com/s/")
    (mail,) = _outbox(app)
    plain, html = _parts(mail)
    assert link in plain
    assert f'href="{link}"' in html
    assert "evil.example" not in plain + html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html
    assert "<img" not in html
    assert "<link" not in html
    assert "src=" not in html
    assert "Quarterly pulse" in plain
    assert "Tell us how we did." in html
    assert agreement_name in plain
    assert expiry in plain


def test_smtp_delivers_to_a_real_server(
    app: Flask, smtp_server: tuple[Collector, int]
) -> None:
    handler, port = smtp_server
    app.config.update(MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=port)
    with app.app_context():
        invitation = _invitation()
        counts = tasks.send_invitations([invitation.id])
        link = service.link_for(invitation)
    assert (counts.sent, counts.failed) == (1, 0)
    (envelope,) = handler.envelopes
    assert envelope.rcpt_tos == ["pat@acme.example"]
    message = message_from_bytes(envelope.content, policy=policy.default)
    plain, html = _parts(message)  # type: ignore[arg-type]
    assert link in plain
    assert link in html
    assert not (Path(app.instance_path) / "outbox").exists()


def test_smtp_down_keeps_the_invitation_unsent_then_retries(app: Flask) -> None:
    """[SECURITY.md L14] nothing is lost and nothing crashes; a later run sends it."""
    app.config.update(MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=_free_port())
    app.config["MAIL_SMTP_TIMEOUT"] = 2
    with app.app_context():
        invitation = _invitation()
        with pytest.raises(MailError):
            send_mail("a@b.example", "s", "t", "<p>h</p>")
        counts = tasks.send_invitations([invitation.id])
        assert (counts.sent, counts.failed) == (0, 1)
        db.session.expire_all()
        assert db.session.get(Invitation, invitation.id).sent_at is None  # type: ignore[union-attr]
    app.config["MAIL_SMTP_HOST"] = ""
    with app.app_context():
        retried = tasks.send_unsent()
        assert retried.sent == 1
        assert db.session.get(Invitation, invitation.id).sent_at is not None  # type: ignore[union-attr]
    assert len(_outbox(app)) == 1
