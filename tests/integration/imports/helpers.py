"""Shared data and helpers for the feedback import tests."""

from __future__ import annotations

import io
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from engage.extensions import db
from engage.models import AuditEvent, Feedback, utcnow
from tests.factories import login

Ids = dict[str, int]
DAY = f"{utcnow().date() - timedelta(days=7)}"
HEADER = "customer,agreement,date,text,score\n"
#: Three good rows for Acme: a complaint about an outage with a score, praise, a question.
GOOD = (
    HEADER
    + f"Acme,Acme SLA,{DAY},The outage took two days and nobody called us back.,1\n"
    + f'Acme,Acme SLA,{DAY}T09:30:00Z,"Fixed quickly, thank you!",5\n'
    + f"Finance,Finance SLA,{DAY},Could you send the monthly report?,\n"
)


def as_user(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    assert login(client, email).status_code == 303
    return client


def upload(
    client: FlaskClient, content: bytes | str, name: str = "tickets.csv", **fields: str
) -> TestResponse:
    data = content.encode() if isinstance(content, str) else content
    return client.post(
        "/staff/feedback/import",
        data={"file": (io.BytesIO(data), name), **fields},
        content_type="multipart/form-data",
    )


def imported(app: Flask) -> list[Feedback]:
    """The imported feedback rows, oldest first, detached with their values loaded."""
    with app.app_context():
        rows = list(
            db.session.scalars(
                select(Feedback)
                .where(Feedback.import_key.is_not(None))
                .order_by(Feedback.id)
            )
        )
        db.session.expunge_all()
        return rows


def audit_events(app: Flask) -> list[AuditEvent]:
    with app.app_context():
        events = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
        db.session.expunge_all()
        return events
