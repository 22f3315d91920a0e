"""The demo's alerts: the demo layer that runs the check once the data is in."""

from __future__ import annotations

import random

from engage.alerts.auto import PENDING
from engage.alerts.check import check_alerts
from engage.demo import DemoResult
from engage.extensions import db


def seed_alert_demo(result: DemoResult, rng: random.Random) -> None:
    """Raise the alerts the demo's watermelon SLAs deserve (registered last).

    No mail is sent here: ``flask engage check-alerts`` sends the unsent ones. The
    session's pending auto-check is dropped, since this check already saw the data.
    """
    check_alerts(db.session)
    db.session.info.pop(PENDING, None)
