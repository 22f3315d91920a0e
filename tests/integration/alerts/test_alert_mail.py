"""Alert emails: one per recipient and SLA, an absolute link, retried after a failure."""

from __future__ import annotations

import socket

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from engage.alerts.check import check_alerts
from engage.alerts.notify import send_alert_mails, unsent_alert_ids
from engage.extensions import db
from engage.models import Alert, Role
from tests.factories import make_user
from tests.integration.alerts.conftest import falling, outbox, sla, unhappy


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_owner_gets_one_mail_with_every_reason_and_a_link(app: Flask) -> None:
    with app.app_context():
        owner = make_user(Role.MANAGER, email="olive@example.test", name="Olive")
        cloud = sla("Cloud <& Co>", owner)
        falling(cloud, start=0.4)  # watermelon and falling: two alerts, one mail
        other = sla("Desk", owner)
        unhappy(other)
        db.session.commit()
        alerts = check_alerts(db.session)
        db.session.commit()
        assert len(alerts) == 3
        assert send_alert_mails([a.id for a in alerts]) == 2
        assert all(a.emailed_at is not None for a in alerts)
        cloud_id = cloud.id

    mails = outbox(app)
    assert len(mails) == 2
    cloud_mail = next(m for m in mails if "Cloud" in m["Subject"])
    assert cloud_mail["To"] == "olive@example.test"
    assert cloud_mail["Subject"] == "Engage alert: Cloud <& Co>"
    plain = cloud_mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = cloud_mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
    link = f"http://localhost/staff/agreements/{cloud_id}"
    assert "Hello Olive," in plain
    assert "Turned watermelon: Cloud <& Co> turned watermelon" in plain
    assert "Perception falling: Customer perception of Cloud <& Co>" in plain
    assert link in plain
    assert f'href="{link}"' in html
    assert "Cloud &lt;&amp; Co&gt;" in html
    assert "Cloud <& Co>" not in html
    desk_mail = next(m for m in mails if "Desk" in m["Subject"])
    assert desk_mail["Subject"] == "Engage alert: Desk – turned watermelon"

    # Sent once: asking again sends nothing.
    with app.app_context():
        assert unsent_alert_ids() == []
        assert send_alert_mails([a.id for a in db.session.scalars(select(Alert))]) == 0
    assert len(outbox(app)) == 2


def test_smtp_down_leaves_alerts_unsent_and_the_cli_retries(
    app: Flask, runner: FlaskCliRunner
) -> None:
    with app.app_context():
        owner = make_user(Role.MANAGER)
        unhappy(sla("Hosting", owner))
        db.session.commit()
    app.config.update(
        MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=_closed_port(), MAIL_SMTP_TIMEOUT=2
    )
    result = runner.invoke(args=["engage", "check-alerts"])
    assert result.exit_code == 1, result.output
    assert "Raised 1 alerts." in result.output
    assert "No alert email could be sent" in result.output
    with app.app_context():
        alert = db.session.scalars(select(Alert)).one()
        assert alert.emailed_at is None
        assert unsent_alert_ids() == [alert.id]

    app.config["MAIL_SMTP_HOST"] = ""  # the mail server is back (outbox)
    result = runner.invoke(args=["engage", "check-alerts"])
    assert result.exit_code == 0, result.output
    assert "Raised 0 alerts." in result.output
    assert "Sent 1 alert emails." in result.output
    assert len(outbox(app)) == 1
    with app.app_context():
        assert db.session.scalars(select(Alert)).one().emailed_at is not None


def test_inactive_recipients_get_no_mail(app: Flask) -> None:
    with app.app_context():
        owner = make_user(Role.MANAGER)
        unhappy(sla("Hosting", owner))
        db.session.commit()
        alerts = check_alerts(db.session)
        db.session.commit()
        owner.active = False
        db.session.commit()
        assert unsent_alert_ids() == []
        assert send_alert_mails([a.id for a in alerts]) == 0
    assert outbox(app) == []
