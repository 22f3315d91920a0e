"""Who may make, see and revoke share links and schedules (each denial beside a control)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import func, select

from engage.extensions import db
from engage.models import ReportSchedule, Role, ShareLink
from tests.factories import signed_in
from tests.integration.sharing.conftest import Ids
from tests.integration.sharing.test_links import create

FORM = {"label": "x", "days": "30", "months": "12"}


def _count(model: Any) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def test_manager_of_another_customer_gets_404_and_own_works(
    app: Flask, two_customers: Ids
) -> None:
    """[ASVS 8.2.2, 8.4.1] another tenant's SLA, customer and link are 404."""
    acme_manager, _ = signed_in(app, Role.MANAGER, customer_ids=[two_customers["acme"]])
    globex_manager, _ = signed_in(
        app, Role.MANAGER, customer_ids=[two_customers["globex"]]
    )
    acme_sla = f"/staff/agreements/{two_customers['acme_sla']}/share"
    acme_customer = f"/staff/customers/{two_customers['acme']}/share"
    schedules = f"/staff/customers/{two_customers['acme']}/report-schedules"

    for path in (acme_sla, acme_customer, schedules):
        assert globex_manager.get(path).status_code == 404
    assert globex_manager.post(acme_sla, data=FORM).status_code == 404
    assert globex_manager.post(acme_customer, data=FORM).status_code == 404
    assert (
        globex_manager.post(schedules, data={"recipients": "a@b.test"}).status_code
        == 404
    )
    with app.app_context():
        assert _count(ShareLink) == 0
        assert _count(ReportSchedule) == 0

    # Positive control: Acme's manager does all of it.
    create(acme_manager, acme_sla)
    response = acme_manager.post(schedules, data={"recipients": "dana@acme.test"})
    assert response.status_code == 303
    with app.app_context():
        link_id = db.session.scalars(select(ShareLink.id)).one()
        schedule_id = db.session.scalars(select(ReportSchedule.id)).one()

    for path in (
        f"/staff/share-links/{link_id}",
        f"/staff/share-links/{link_id}/revoke",
        f"/staff/report-schedules/{schedule_id}/pause",
        f"/staff/report-schedules/{schedule_id}/delete",
    ):
        method = (
            globex_manager.get if path.endswith(str(link_id)) else globex_manager.post
        )
        assert method(path).status_code == 404, path
    with app.app_context():
        link = db.session.get(ShareLink, link_id)
        assert link is not None
        assert link.revoked_at is None
        schedule = db.session.get(ReportSchedule, schedule_id)
        assert schedule is not None
        assert schedule.active

    assert acme_manager.get(f"/staff/share-links/{link_id}").status_code == 200
    revoked = acme_manager.post(f"/staff/share-links/{link_id}/revoke")
    assert revoked.status_code == 303
    with app.app_context():
        link = db.session.get(ShareLink, link_id)
        assert link is not None
        assert link.revoked_at is not None


def test_viewer_reads_but_cannot_create_or_revoke(
    app: Flask, two_customers: Ids
) -> None:
    """[ASVS 8.2.3] a read-only role changes nothing."""
    admin, _ = signed_in(app, Role.ADMIN)
    viewer, _ = signed_in(app, Role.VIEWER)
    acme_sla = f"/staff/agreements/{two_customers['acme_sla']}/share"
    schedules = f"/staff/customers/{two_customers['acme']}/report-schedules"
    create(admin, acme_sla)
    assert admin.post(schedules, data={"recipients": "a@acme.test"}).status_code == 303
    with app.app_context():
        link_id = db.session.scalars(select(ShareLink.id)).one()
        schedule_id = db.session.scalars(select(ReportSchedule.id)).one()

    listing = viewer.get(acme_sla)
    assert listing.status_code == 200
    assert "New link" not in listing.text  # no form offered
    assert viewer.post(acme_sla, data=FORM).status_code == 403
    customer_links = f"/staff/customers/{two_customers['acme']}/share"
    assert viewer.post(customer_links, data=FORM).status_code == 403
    assert viewer.post(schedules, data={"recipients": "b@acme.test"}).status_code == 403
    assert viewer.post(f"/staff/share-links/{link_id}/revoke").status_code == 403
    assert (
        viewer.post(f"/staff/report-schedules/{schedule_id}/pause").status_code == 403
    )
    assert viewer.get(f"/staff/share-links/{link_id}").status_code == 200
    with app.app_context():
        assert _count(ShareLink) == 1
        assert _count(ReportSchedule) == 1
        link = db.session.get(ShareLink, link_id)
        assert link is not None
        assert link.revoked_at is None


def test_staff_pages_need_sign_in(app: Flask, two_customers: Ids) -> None:
    anonymous = app.test_client()
    for path in (
        f"/staff/agreements/{two_customers['acme_sla']}/share",
        f"/staff/customers/{two_customers['acme']}/report-schedules",
    ):
        response = anonymous.get(path)
        assert response.status_code == 302
        assert "/staff/login" in response.headers["Location"]


#: Every staff route of the sharing blueprint, with the path the test calls.
ROUTES = [
    ("GET", "sharing.agreement_links", "/staff/agreements/{acme_sla}/share"),
    ("POST", "sharing.agreement_links", "/staff/agreements/{acme_sla}/share"),
    ("GET", "sharing.customer_links", "/staff/customers/{acme}/share"),
    ("POST", "sharing.customer_links", "/staff/customers/{acme}/share"),
    ("GET", "sharing.link", "/staff/share-links/{link}"),
    ("POST", "sharing.revoke", "/staff/share-links/{link}/revoke"),
    ("GET", "sharing.customer_schedules", "/staff/customers/{acme}/report-schedules"),
    ("POST", "sharing.customer_schedules", "/staff/customers/{acme}/report-schedules"),
    ("POST", "sharing.pause_schedule", "/staff/report-schedules/{schedule}/pause"),
    ("POST", "sharing.resume_schedule", "/staff/report-schedules/{schedule}/resume"),
    ("POST", "sharing.delete_schedule", "/staff/report-schedules/{schedule}/delete"),
]


def test_route_list_covers_every_sharing_rule(app: Flask) -> None:
    """A new sharing route must join ROUTES, and so the tenant check below."""
    registered = {
        (method, rule.endpoint)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("sharing.")
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
    declared = {(method, endpoint) for method, endpoint, _ in ROUTES}
    assert registered == declared | {("GET", "sharing.report")}


def test_every_route_is_404_for_another_tenant_and_works_for_its_own(
    app: Flask, two_customers: Ids
) -> None:
    """[ASVS 8.4.1] each route: 404 for Globex's manager, a success for Acme's."""
    acme_manager, _ = signed_in(app, Role.MANAGER, customer_ids=[two_customers["acme"]])
    globex_manager, _ = signed_in(
        app, Role.MANAGER, customer_ids=[two_customers["globex"]]
    )
    create(acme_manager, f"/staff/agreements/{two_customers['acme_sla']}/share")
    acme_manager.post(
        f"/staff/customers/{two_customers['acme']}/report-schedules",
        data={"recipients": "dana@acme.test"},
    )
    with app.app_context():
        ids = {
            **two_customers,
            "link": db.session.scalars(select(ShareLink.id)).one(),
            "schedule": db.session.scalars(select(ReportSchedule.id)).one(),
        }
    data = {**FORM, "recipients": "ops@acme.test"}
    for method, endpoint, template in ROUTES:
        path = template.format(**ids)
        denied = globex_manager.open(path, method=method, data=data)
        assert denied.status_code == 404, (endpoint, denied.status_code)
    # Positive controls, deletion last.
    for method, endpoint, template in ROUTES:
        path = template.format(**ids)
        allowed = acme_manager.open(path, method=method, data=data)
        assert allowed.status_code in (200, 303), (endpoint, allowed.status_code)
