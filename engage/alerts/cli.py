"""``flask engage check-alerts``: the check operators run from cron."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from engage.alerts.check import check_alerts
from engage.alerts.notify import send_alert_mails, unsent_alert_ids
from engage.extensions import db


@click.command("check-alerts")
@click.option("--no-send", is_flag=True, help="Raise alerts but send no email.")
@with_appcontext
def check_alerts_command(no_send: bool) -> None:
    """Check every SLA, raise alerts for its owners and email unsent ones."""
    alerts = check_alerts(db.session)
    db.session.commit()
    for alert in alerts:
        click.echo(f"{alert.kind.label}: {alert.agreement.name} -> {alert.user.email}")
    click.echo(f"Raised {len(alerts)} alerts.")
    if no_send:
        return
    # Every unsent alert, so a mail server that was down last time is retried now.
    ids = unsent_alert_ids()
    sent = send_alert_mails(ids) if ids else 0
    click.echo(f"Sent {sent} alert emails.")
    if ids and not sent:
        raise click.ClickException("No alert email could be sent; see the log.")
