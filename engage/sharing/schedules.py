"""Monthly report mails per customer: schedules, the sending job and its command.

``flask engage send-reports`` (cron, e.g. on the 1st of each month) finds every active
schedule not yet sent for last month and submits one background job per schedule. The
job builds the customer's report over the 12 months ending last month and mails it as a
self-contained HTML attachment to each recipient. ``last_sent_period`` moves on only
after every recipient's mail went out, so a failed run is retried by the next one, and a
second run for the same month sends nothing.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass
from datetime import date
from typing import Any

import click
from flask import render_template
from flask.cli import with_appcontext
from sqlalchemy import or_, select, update

from engage.extensions import db
from engage.jobs import submit
from engage.mail import send_mail
from engage.models import Customer, ReportSchedule, User
from engage.sla.compliance import add_months, month_start

#: The report of a scheduled mail covers a year up to last month.
REPORT_MONTHS = 12


def report_period(today: date) -> date:
    """The month a run on ``today`` reports on: last month (its first day)."""
    return add_months(month_start(today), -1)


def recipients_of(schedule: ReportSchedule) -> list[str]:
    return [line.strip() for line in schedule.recipients.splitlines() if line.strip()]


def add_schedule(
    customer: Customer, recipients: list[str], include_quotes: bool, by: User | None
) -> ReportSchedule:
    """A new active schedule (flushed; the caller commits)."""
    schedule = ReportSchedule(
        customer=customer,
        recipients="\n".join(recipients),
        include_quotes=include_quotes,
        active=True,
        created_by=by,
    )
    db.session.add(schedule)
    db.session.flush()
    return schedule


def _due(period: date) -> Any:
    return (
        select(ReportSchedule)
        .where(
            ReportSchedule.active.is_(True),
            or_(
                ReportSchedule.last_sent_period.is_(None),
                ReportSchedule.last_sent_period < period,
            ),
        )
        .order_by(ReportSchedule.id)
    )


def due_schedules(period: date) -> list[ReportSchedule]:
    """Active schedules whose report for ``period`` has not gone out."""
    return list(db.session.scalars(_due(period)))


@dataclass(frozen=True)
class SendResult:
    schedule_id: int
    sent: int


def send_schedule(schedule_id: int, period_iso: str) -> SendResult:
    """Job: mail one schedule's report for the month ``period_iso``, once.

    Re-checks the schedule first (paused, deleted or already sent: nothing to do), and
    marks the month sent with a conditional UPDATE only after every mail went out.

    :raise engage.mail.MailError: a mail could not be sent; the month stays unsent.
    """
    period = date.fromisoformat(period_iso)
    schedule = db.session.get(ReportSchedule, schedule_id)
    if schedule is None or not schedule.active:
        return SendResult(schedule_id, 0)
    if schedule.last_sent_period is not None and schedule.last_sent_period >= period:
        return SendResult(schedule_id, 0)
    from engage.sharing.report import customer_report_html

    data, report = customer_report_html(
        schedule.customer, period, schedule.include_quotes, REPORT_MONTHS
    )
    customer = schedule.customer
    context = {"data": data, "customer": customer, "period": period}
    subject = f"Monthly insight report: {customer.name}, {period.strftime('%B %Y')}"
    filename = f"engage-report-customer-{customer.id}-{period:%Y-%m}.html"
    text = render_template("engage/sharing/mail/report.txt", **context)
    html = render_template("engage/sharing/mail/report.html", **context)
    attachment = (filename, "text/html", report.encode())
    sent = 0
    for address in recipients_of(schedule):
        send_mail(address, subject, text, html, attachments=[attachment])
        sent += 1
    db.session.execute(
        update(ReportSchedule)
        .where(
            ReportSchedule.id == schedule_id,
            or_(
                ReportSchedule.last_sent_period.is_(None),
                ReportSchedule.last_sent_period < period,
            ),
        )
        .values(last_sent_period=period)
    )
    db.session.commit()
    return SendResult(schedule_id, sent)


@click.command("send-reports")
@with_appcontext
@click.option("--dry-run", is_flag=True, help="List what would be sent; send nothing.")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Run as if on this day (default: today); the report is for the month before.",
)
def send_reports_command(dry_run: bool, today: Any) -> None:
    """Email each active schedule's monthly customer report (run on the 1st by cron)."""
    period = report_period(today.date() if today else date.today())
    schedules = due_schedules(period)
    label = period.strftime("%B %Y")
    if not schedules:
        click.echo(f"No reports due for {label}.")
        return
    for schedule in schedules:
        count = len(recipients_of(schedule))
        verb = "Would send" if dry_run else "Sending"
        click.echo(
            f"{verb} {schedule.customer.name}'s report for {label} to {count} recipient(s)."
        )
    if dry_run:
        return
    ids = [s.id for s in schedules]
    db.session.rollback()  # the jobs read and write in their own sessions
    futures: list[Future[Any]] = []
    for schedule_id in ids:
        future = submit(send_schedule, schedule_id, period.isoformat())
        if future is not None:
            futures.append(future)
    for future in futures:
        future.result()  # wait: the command ends when the mail is out
    db.session.expire_all()
    sent = db.session.scalars(
        select(ReportSchedule.id).where(
            ReportSchedule.id.in_(ids), ReportSchedule.last_sent_period == period
        )
    ).all()
    click.echo(f"Sent {len(sent)} of {len(ids)} report(s) for {label}.")
    if len(sent) < len(ids):
        raise click.ClickException(
            "Some reports were not sent (see the log); the next run retries them."
        )
