"""Email new alerts to their recipients, as a background job.

One message per recipient and SLA (an SLA that turned watermelon *and* is falling is
one email with both reasons). ``emailed_at`` is set only once the message was handed
over, so a failure leaves the alert for ``flask engage check-alerts`` to retry.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from flask import current_app, render_template
from sqlalchemy import select

from engage.extensions import db
from engage.mail import MailError, send_mail
from engage.models import Alert, User, utcnow


def unsent_alert_ids() -> list[int]:
    """Alerts never emailed to an active recipient, oldest first."""
    return list(
        db.session.scalars(
            select(Alert.id)
            .join(Alert.user)
            .where(Alert.emailed_at.is_(None), User.active.is_(True))
            .order_by(Alert.id)
        )
    )


def agreement_url(agreement_id: int) -> str:
    """The SLA page's absolute URL, from ``BASE_URL`` (jobs have no request)."""
    base = current_app.config["BASE_URL"].rstrip("/")
    return f"{base}/staff/agreements/{agreement_id}"


def send_alert_mails(alert_ids: Sequence[int]) -> int:
    """Job: email the unsent alerts among ``alert_ids`` and mark them emailed.

    Commits after each message, so one failure never un-marks the others.

    :return: how many messages were sent.
    """
    alerts = db.session.scalars(
        select(Alert)
        .join(Alert.user)
        .where(
            Alert.id.in_(list(alert_ids)),
            Alert.emailed_at.is_(None),
            User.active.is_(True),
        )
        .order_by(Alert.id)
    )
    groups: dict[tuple[int, int], list[Alert]] = defaultdict(list)
    for alert in alerts:
        groups[(alert.user_id, alert.agreement_id)].append(alert)
    sent = 0
    for group in groups.values():
        first = group[0]
        context = {
            "user": first.user,
            "agreement": first.agreement,
            "alerts": group,
            "link": agreement_url(first.agreement_id),
            "alerts_link": f"{current_app.config['BASE_URL'].rstrip('/')}/staff/alerts",
        }
        subject = (
            f"Engage alert: {first.agreement.name} – {first.kind.label.lower()}"
            if len(group) == 1
            else f"Engage alert: {first.agreement.name}"
        )
        try:
            send_mail(
                first.user.email,
                subject,
                render_template("engage/alerts/email.txt", **context),
                render_template("engage/alerts/email.html", **context),
            )
        except (MailError, ValueError):
            current_app.logger.exception(
                "alert mail to %s failed; check-alerts will retry", first.user.email
            )
            continue
        now = utcnow()
        for alert in group:
            alert.emailed_at = now
        db.session.commit()
        sent += 1
    return sent
