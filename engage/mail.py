"""Sending mail: SMTP when configured, otherwise an outbox folder and the log.

Every message has a plain-text and an HTML part. Without ``MAIL_SMTP_HOST`` the
message is written to ``instance/outbox/`` as an ``.eml`` file (DESIGN.md section 7),
so a fresh install never needs a mail server and nothing leaves the machine.
"""

from __future__ import annotations

import smtplib
import ssl
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app


class MailError(RuntimeError):
    """The message could not be handed to the mail server; nothing was sent."""


def _one_line(value: str) -> str:
    """Header text on one line: CR/LF in a header would start a new header."""
    return " ".join(value.splitlines()).strip()


#: One attached file: its name, MIME type ("text/html") and content.
Attachment = tuple[str, str, bytes]


def build_message(
    to: str,
    subject: str,
    text: str,
    html: str,
    attachments: Sequence[Attachment] = (),
) -> EmailMessage:
    """A ``multipart/alternative`` message from ``MAIL_FROM`` to ``to``.

    With ``attachments`` the message becomes ``multipart/mixed``: the two-part body,
    then each file.

    :raise ValueError: an address or the subject cannot go in a header.
    """
    sender = current_app.config["MAIL_FROM"]
    message = EmailMessage()
    message["From"] = sender
    message["To"] = _one_line(to)
    message["Subject"] = _one_line(subject)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> "))
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    for filename, mimetype, content in attachments:
        maintype, _, subtype = mimetype.partition("/")
        message.add_attachment(
            content, maintype=maintype, subtype=subtype, filename=_one_line(filename)
        )
    return message


def send_mail(
    to: str,
    subject: str,
    text: str,
    html: str,
    attachments: Sequence[Attachment] = (),
) -> None:
    """Send one two-part message (plus any attached files) by SMTP, or to the outbox.

    :raise MailError: the SMTP server refused the message or could not be reached.
    """
    message = build_message(to, subject, text, html, attachments)
    config = current_app.config
    if config.get("MAIL_SMTP_HOST"):
        _send_smtp(message)
        current_app.logger.info("mail sent by SMTP to %s: %s", to, message["Subject"])
        return
    path = _write_outbox(message)
    current_app.logger.info(
        "mail to %s written to %s: %s", to, path.name, message["Subject"]
    )


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    try:
        with smtplib.SMTP(
            config["MAIL_SMTP_HOST"],
            int(config["MAIL_SMTP_PORT"]),
            timeout=float(config["MAIL_SMTP_TIMEOUT"]),
        ) as smtp:
            if config.get("MAIL_SMTP_STARTTLS"):
                smtp.starttls(context=ssl.create_default_context())
            if config.get("MAIL_SMTP_USERNAME"):
                smtp.login(config["MAIL_SMTP_USERNAME"], config["MAIL_SMTP_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(f"SMTP delivery failed: {error}") from error


def outbox_dir() -> Path:
    """``instance/outbox``, created on first use."""
    path = Path(current_app.instance_path) / "outbox"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _write_outbox(message: EmailMessage) -> Path:
    # The timestamp sorts files in sending order; the random part keeps names unique.
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = outbox_dir() / f"{stamp}-{uuid.uuid4().hex[:12]}.eml"
    path.write_bytes(message.as_bytes())
    return path
