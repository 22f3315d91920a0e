"""Shared data, fixtures and helpers for the measurement tests."""

from __future__ import annotations

import io
from datetime import date

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from engage.extensions import db
from engage.models import (
    AuditEvent,
    Measurement,
    utcnow,
)
from engage.sla.compliance import add_months, month_start
from tests.factories import (
    login,
)

LAST = add_months(month_start(utcnow().date()), -1)
BEFORE = add_months(LAST, -1)
Ids = dict[str, int]


def as_user(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    assert login(client, email).status_code == 303
    return client


def stored(app: Flask, agreement_id: int) -> list[tuple[int, date, float, str]]:
    with app.app_context():
        rows = db.session.scalars(
            select(Measurement)
            .where(Measurement.agreement_id == agreement_id)
            .order_by(Measurement.period, Measurement.objective_id)
        )
        return [(m.objective_id, m.period, m.value, m.source.value) for m in rows]


def audit_actions(app: Flask) -> list[tuple[str, dict[str, object]]]:
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        return [(e.action, e.details) for e in events]


def enter(client: FlaskClient, agreement_id: int, **fields: object) -> TestResponse:
    data = {"period": f"{LAST:%Y-%m}", "value": "99.7", "note": "", **fields}
    return client.post(f"/staff/agreements/{agreement_id}/measurements", data=data)


def upload(
    client: FlaskClient, agreement_id: int, content: bytes, **fields: str
) -> TestResponse:
    return client.post(
        f"/staff/agreements/{agreement_id}/measurements/import",
        data={"file": (io.BytesIO(content), "m.csv"), **fields},
        content_type="multipart/form-data",
    )


BAD_FILE = (
    "period,metric,value\n"
    f"{LAST:%Y-%m},Response time,3.5\n"
    f"{LAST:%Y-%m},Latency,12\n"
    f"{BEFORE:%Y-%m},Response time,abc\n"
).encode()
