"""Monthly report mails: the form, the command (once per month), dry runs and pauses."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from sqlalchemy import select

from engage.extensions import db
from engage.models import AuditEvent, ReportSchedule, Role
from engage.sharing.forms import parse_recipients
from engage.sharing.schedules import report_period
from tests.factories import signed_in
from tests.integration.sharing.conftest import QUOTE, Ids, outbox

#: A run on this day reports on June 2026, the data's last month.
RUN_DAY = "2026-07-01"


def _schedule(app: Flask, ids: Ids, recipients: str, **form: str) -> int:
    admin, _ = signed_in(app, Role.ADMIN)
    path = f"/staff/customers/{ids['acme']}/report-schedules"
    response = admin.post(path, data={"recipients": recipients, **form})
    assert response.status_code == 303, response.text[:300]
    with app.app_context():
        return (
            db.session.scalars(
                select(ReportSchedule.id).order_by(ReportSchedule.id.desc())
            ).first()
            or 0
        )


def test_report_period_is_last_month() -> None:
    assert report_period(date(2026, 7, 1)) == date(2026, 6, 1)
    assert report_period(date(2026, 1, 31)) == date(2025, 12, 1)


@pytest.mark.parametrize("jobs_inline", [True, False])
def test_command_sends_once_to_each_recipient(
    app: Flask, two_customers: Ids, jobs_inline: bool
) -> None:
    app.config["JOBS_INLINE"] = jobs_inline
    _schedule(app, two_customers, "Dana@Acme.test\n\nops@acme.test\ndana@acme.test")
    runner = app.test_cli_runner()

    result = runner.invoke(args=["engage", "send-reports", "--today", RUN_DAY])
    assert result.exit_code == 0, result.output
    assert "Sent 1 of 1 report(s) for June 2026." in result.output
    mails = outbox(app)
    assert sorted(m["To"] for m in mails) == ["dana@acme.test", "ops@acme.test"]
    mail = mails[0]
    assert mail["Subject"] == "Monthly insight report: Acme, June 2026"
    plain = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "July 2025 to June 2026" in plain
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_filename() == "engage-report-customer-1-2026-06.html"
    report = attachment.get_content()
    assert "Acme / Hosting" in report
    assert QUOTE in report
    assert "<script" in report
    assert "Globex" not in report

    again = runner.invoke(args=["engage", "send-reports", "--today", RUN_DAY])
    assert again.exit_code == 0
    assert "No reports due for June 2026." in again.output
    assert len(outbox(app)) == 2  # idempotent: nothing sent twice
    with app.app_context():
        schedule = db.session.scalars(select(ReportSchedule)).one()
        assert schedule.last_sent_period == date(2026, 6, 1)

    # The next month goes out again.
    later = runner.invoke(args=["engage", "send-reports", "--today", "2026-08-01"])
    assert "Sent 1 of 1" in later.output
    assert len(outbox(app)) == 4


def test_dry_run_sends_nothing_and_paused_schedules_are_skipped(
    app: Flask, two_customers: Ids
) -> None:
    paused = _schedule(app, two_customers, "paused@acme.test")
    active = _schedule(app, two_customers, "active@acme.test", leave_out_quotes="y")
    admin, _ = signed_in(app, Role.ADMIN)
    assert admin.post(f"/staff/report-schedules/{paused}/pause").status_code == 303
    runner = app.test_cli_runner()

    dry = runner.invoke(
        args=["engage", "send-reports", "--dry-run", "--today", RUN_DAY]
    )
    assert dry.exit_code == 0
    assert "Would send Acme's report for June 2026 to 1 recipient(s)." in dry.output
    assert outbox(app) == []
    with app.app_context():
        assert db.session.get(ReportSchedule, active).last_sent_period is None  # type: ignore[union-attr]

    real = runner.invoke(args=["engage", "send-reports", "--today", RUN_DAY])
    assert "Sent 1 of 1" in real.output
    [mail] = outbox(app)
    assert mail["To"] == "active@acme.test"
    [attachment] = list(mail.iter_attachments())
    assert QUOTE not in attachment.get_content()  # quotes left out as asked
    with app.app_context():
        assert db.session.get(ReportSchedule, paused).last_sent_period is None  # type: ignore[union-attr]

    # Resumed, it goes out on the next run; deleted, it is gone (both audited).
    assert admin.post(f"/staff/report-schedules/{paused}/resume").status_code == 303
    resumed = runner.invoke(args=["engage", "send-reports", "--today", RUN_DAY])
    assert "Sent 1 of 1" in resumed.output
    assert len(outbox(app)) == 2
    assert admin.post(f"/staff/report-schedules/{paused}/delete").status_code == 303
    with app.app_context():
        assert db.session.get(ReportSchedule, paused) is None
        actions = set(db.session.scalars(select(AuditEvent.action)))
        assert {
            "report_schedule.create",
            "report_schedule.pause",
            "report_schedule.resume",
            "report_schedule.delete",
        } <= actions


def test_failed_mail_leaves_the_month_unsent(app: Flask, two_customers: Ids) -> None:
    _schedule(app, two_customers, "dana@acme.test")
    app.config.update(MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=9, JOBS_INLINE=True)
    runner = app.test_cli_runner()
    failed = runner.invoke(args=["engage", "send-reports", "--today", RUN_DAY])
    assert failed.exit_code != 0
    assert "Sent 0 of 1" in failed.output
    with app.app_context():
        assert db.session.scalars(select(ReportSchedule)).one().last_sent_period is None
    app.config["MAIL_SMTP_HOST"] = ""  # the server is back: the next run sends it
    retried = runner.invoke(args=["engage", "send-reports", "--today", RUN_DAY])
    assert "Sent 1 of 1" in retried.output
    assert len(outbox(app)) == 1


@pytest.mark.parametrize(
    ("recipients", "message"),
    [
        ("", "Enter at least one email address."),
        ("not-an-address", "Line 1 is not an email address."),
        ("a@acme.test\nb@acme.test, c@acme.test", "Line 2 is not an email address."),
        ("x@acme.test\r\nBcc: evil@example.test", "Line 2 is not an email address."),
        ("\n".join(f"p{i}@acme.test" for i in range(21)), "At most 20 recipients"),
    ],
)
def test_recipients_are_checked(
    app: Flask, two_customers: Ids, recipients: str, message: str
) -> None:
    admin, _ = signed_in(app, Role.ADMIN)
    path = f"/staff/customers/{two_customers['acme']}/report-schedules"
    response = admin.post(path, data={"recipients": recipients})
    assert response.status_code == 422
    assert message in response.text
    with app.app_context():
        assert db.session.scalars(select(ReportSchedule)).first() is None


def test_parse_recipients_dedupes_and_lowercases() -> None:
    twenty = "\n".join(f"p{i}@acme.test" for i in range(20))
    assert len(parse_recipients(twenty)) == 20
    assert parse_recipients(" A@B.test \n\na@b.test\nc@d.example") == [
        "a@b.test",
        "c@d.example",
    ]
