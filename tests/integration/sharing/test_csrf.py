"""CSRF on every sharing action: without the form's token nothing changes."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import func, select

from engage.extensions import db
from engage.models import ReportSchedule, Role, ShareLink
from tests.factories import signed_in
from tests.integration.sharing.conftest import Ids

FORM = {"label": "x", "days": "30", "months": "12"}


def _count(model: Any) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def test_csrf_is_required(app: Flask, two_customers: Ids) -> None:
    """[ASVS 3.5.1] a state change without the form's token changes nothing."""
    admin, _ = signed_in(app, Role.ADMIN)
    app.config["WTF_CSRF_ENABLED"] = True  # after signing in through the helper
    acme_sla = f"/staff/agreements/{two_customers['acme_sla']}/share"
    assert admin.post(acme_sla, data=FORM).status_code == 400
    schedules = f"/staff/customers/{two_customers['acme']}/report-schedules"
    assert admin.post(schedules, data={"recipients": "a@acme.test"}).status_code == 400
    with app.app_context():
        assert _count(ShareLink) == 0
        assert _count(ReportSchedule) == 0
    # Positive control: with the token from the page, it works.
    page = admin.get(acme_sla).text
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    ok = admin.post(acme_sla, data={**FORM, "csrf_token": token})
    assert ok.status_code == 200
    assert "Copy the link now" in ok.text
    with app.app_context():
        link_id = db.session.scalars(select(ShareLink.id)).one()
    assert admin.post(f"/staff/share-links/{link_id}/revoke").status_code == 400
    with app.app_context():
        link = db.session.get(ShareLink, link_id)
        assert link is not None
        assert link.revoked_at is None
    page = admin.get(f"/staff/share-links/{link_id}").text
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    revoked = admin.post(
        f"/staff/share-links/{link_id}/revoke", data={"csrf_token": token}
    )
    assert revoked.status_code == 303
