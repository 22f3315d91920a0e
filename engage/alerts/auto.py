"""Run the alert check by itself after writes that change perception or compliance.

A flush that touches :class:`~engage.models.Feedback` or
:class:`~engage.models.Measurement` marks the session; when that session commits, a
check is submitted as a background job (:func:`engage.jobs.submit`), so the request
that wrote never waits. Checks are debounced per process: at most one per
``ALERT_CHECK_INTERVAL`` seconds (a burst of imports makes one check, run when the
interval is over) and never two at once. ``ALERTS_AUTO_CHECK = False`` turns it off;
the cron job (``flask engage check-alerts``) still catches everything.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from engage import jobs
from engage.models import Feedback, Measurement

#: The ``session.info`` key set by a flush that changed perception or compliance.
PENDING = "engage.alerts.pending"
_WATCHED = (Feedback, Measurement)


@dataclass
class AutoCheck:
    """One app's debounce state: when the last check started, whether one is queued."""

    last_started: float | None = None
    queued: bool = False
    timer: threading.Timer | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: Held while a check runs, so two never overlap in this process.
    running: threading.Lock = field(default_factory=threading.Lock)
    #: Checks finished (or failed) in this process, their mail job submitted.
    runs: int = 0


def state(app: Flask) -> AutoCheck:
    """The app's :class:`AutoCheck`, created on first use."""
    found = app.extensions.get("engage_alerts")
    if found is None:
        found = app.extensions.setdefault("engage_alerts", AutoCheck())
    assert isinstance(found, AutoCheck)
    return found


def _after_flush(session: Session, _context: Any) -> None:
    for objects in (session.new, session.dirty, session.deleted):
        if any(isinstance(obj, _WATCHED) for obj in objects):
            session.info[PENDING] = True
            return


def _after_commit(session: Session) -> None:
    if not session.info.pop(PENDING, False) or not has_app_context():
        return
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config.get("ALERTS_AUTO_CHECK"):
        request_check(app)


def _after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


def install() -> None:
    """Hook the session events (called once by the app factory)."""
    for name, fn in (
        ("after_flush", _after_flush),
        ("after_commit", _after_commit),
        ("after_rollback", _after_rollback),
    ):
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)


def request_check(app: Flask) -> None:
    """Queue one check now, or when the interval since the last one is over."""
    auto = state(app)
    interval = float(app.config["ALERT_CHECK_INTERVAL"])
    with auto.lock:
        if auto.queued:
            return  # the queued check will see this write too
        auto.queued = True
        wait = 0.0
        if auto.last_started is not None:
            wait = auto.last_started + interval - time.monotonic()
        if wait > 0:
            auto.timer = threading.Timer(wait, _submit_later, (app,))
            auto.timer.daemon = True
            auto.timer.start()
            return
    jobs.submit(run_check)


def _submit_later(app: Flask) -> None:
    with app.app_context():
        jobs.submit(run_check)


def run_check() -> None:
    """Job: check every SLA, commit, then email the new alerts in another job."""
    from engage.alerts.check import check_alerts
    from engage.alerts.notify import send_alert_mails
    from engage.extensions import db

    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    auto = state(app)
    try:
        with auto.running:
            with auto.lock:
                auto.queued = False
                auto.timer = None
                auto.last_started = time.monotonic()
            try:
                ids = [alert.id for alert in check_alerts(db.session)]
                db.session.commit()
            except Exception:
                db.session.rollback()
                raise
        if ids:
            app.logger.info("alert check raised %d alerts", len(ids))
            jobs.submit(send_alert_mails, ids)
    finally:
        auto.runs += 1


def cancel(app: Flask) -> None:
    """Drop a queued check (tests; shutting down)."""
    auto = state(app)
    with auto.lock:
        if auto.timer is not None:
            auto.timer.cancel()
        auto.timer = None
        auto.queued = False
