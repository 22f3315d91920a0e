"""Share links: only a hash stored, opened without login, stopped by revoke and expiry."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engage.extensions import db
from engage.models import AuditEvent, Role, ShareLink, ShareView, utcnow
from tests.factories import signed_in
from tests.integration.sharing.conftest import QUOTE, Ids

URL = re.compile(r'value="(http://localhost/r/([A-Za-z0-9_-]{43}))"')


def create(
    client: FlaskClient, path: str, expect: int = 200, **form: str
) -> tuple[str, str]:
    """POST the link form; return the URL shown once and its token."""
    data = {"label": "QBR pack", "days": "30", "months": "12", **form}
    response = client.post(path, data=data)
    assert response.status_code == expect, response.text[:500]
    found = URL.search(response.text)
    assert found, "the new link's URL is shown"
    return found.group(1), found.group(2)


def test_token_is_stored_only_as_hash_and_opens_report_without_login(
    app: Flask, two_customers: Ids
) -> None:
    staff, _ = signed_in(app, Role.MANAGER, customer_ids=[two_customers["acme"]])
    url, token = create(staff, f"/staff/agreements/{two_customers['acme_sla']}/share")
    assert url == f"http://localhost/r/{token}"  # from BASE_URL, not the Host header

    with app.app_context():
        link = db.session.scalars(select(ShareLink)).one()
        assert token not in (link.token_hash, link.label)
        assert len(link.token_hash) == 64
        # Nothing in the database holds the secret: not the link, not the audit trail.
        dumped = " ".join(
            str(v)
            for table in ("share_links", "audit_events")
            for row in db.session.execute(db.text(f"SELECT * FROM {table}"))
            for v in row
        )
        assert token not in dumped
        assert db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "share_link.create")
        )

    # The link page afterwards never shows the secret again.
    again = staff.get(f"/staff/share-links/{link.id}")
    assert again.status_code == 200
    assert token not in again.text

    public = app.test_client()  # no session at all
    page = public.get(f"/r/{token}", headers={"User-Agent": "Probe/1.0"})
    assert page.status_code == 200
    assert "Acme / Hosting" in page.text
    assert QUOTE in page.text  # quotes were not left out
    assert "Globex" not in page.text
    csp = page.headers["Content-Security-Policy"]
    assert "sandbox allow-scripts" in csp
    assert "unsafe-eval" not in csp
    assert "allow-same-origin" not in csp
    assert "script-src 'sha256-" in csp
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-store"
    assert "noindex" in page.headers["X-Robots-Tag"]

    with app.app_context():
        view = db.session.scalars(select(ShareView)).one()
        assert (view.outcome, view.user_agent) == ("shown", "Probe/1.0")
        assert view.ip == "127.0.0.1"
    listing = staff.get(f"/staff/agreements/{two_customers['acme_sla']}/share")
    assert "QBR pack" in listing.text
    assert "Active" in listing.text


def test_customer_link_leaves_out_quotes_when_asked(
    app: Flask, two_customers: Ids
) -> None:
    staff, _ = signed_in(app, Role.ADMIN)
    path = f"/staff/customers/{two_customers['acme']}/share"
    _, with_quotes = create(staff, path)
    _, without = create(staff, path, leave_out_quotes="y")

    shown = app.test_client().get(f"/r/{with_quotes}")
    assert shown.status_code == 200
    assert QUOTE in shown.text
    hidden = app.test_client().get(f"/r/{without}")
    assert hidden.status_code == 200
    assert "Acme / Hosting" in hidden.text
    assert QUOTE not in hidden.text  # themes ("failover drill") stay; words do not
    assert "Tickets sit for days" not in hidden.text


def test_revoked_and_expired_links_stop_and_log_the_refusal(
    app: Flask, two_customers: Ids
) -> None:
    staff, _ = signed_in(app, Role.MANAGER, customer_ids=[two_customers["acme"]])
    path = f"/staff/agreements/{two_customers['acme_sla']}/share"
    _, revoked = create(staff, path)
    _, expired = create(staff, path)
    public = app.test_client()
    assert public.get(f"/r/{revoked}").status_code == 200

    with app.app_context():
        links = db.session.scalars(select(ShareLink).order_by(ShareLink.id)).all()
        first_id, second_id = links[0].id, links[1].id
        links[1].expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    response = staff.post(f"/staff/share-links/{first_id}/revoke")
    assert response.status_code == 303

    unknown = public.get("/r/" + "A" * 43)
    gone = public.get(f"/r/{revoked}")
    old = public.get(f"/r/{expired}")
    junk = public.get("/r/not-a-token")
    for answer in (unknown, gone, old, junk):
        assert answer.status_code == 404
        assert answer.data == unknown.data  # the same page: nothing to tell apart
        assert "Acme" not in answer.text
    assert "not available" in unknown.text

    with app.app_context():
        outcomes = {
            (v.link_id, v.outcome)
            for v in db.session.scalars(select(ShareView).order_by(ShareView.id))
        }
        assert outcomes == {
            (first_id, "shown"),
            (first_id, "revoked"),
            (second_id, "expired"),
        }
        revoke_event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "share_link.revoke")
        )
        assert revoke_event is not None
        assert revoke_event.target_id == first_id
    page = staff.get(f"/staff/share-links/{first_id}")
    assert "Refused: revoked" in page.text
    assert "Revoked" in page.text


def test_expiry_is_capped_and_form_errors_are_422(
    app: Flask, two_customers: Ids
) -> None:
    staff, _ = signed_in(app, Role.ADMIN)
    path = f"/staff/agreements/{two_customers['acme_sla']}/share"
    for days in ("91", "0", "-3", "abc", ""):
        bad = staff.post(path, data={"days": days, "months": "12"})
        assert bad.status_code == 422, days
    bad_period = staff.post(path, data={"days": "30", "months": "7"})
    assert bad_period.status_code == 422
    too_long = staff.post(path, data={"days": "30", "months": "12", "label": "x" * 201})
    assert too_long.status_code == 422
    create(staff, path, days="90")
    with app.app_context():
        link = db.session.scalars(select(ShareLink)).one()
        left = link.expires_at - utcnow()
        assert timedelta(days=89, hours=23) < left <= timedelta(days=90)


def test_corporate_sla_is_never_shared(app: Flask, two_customers: Ids) -> None:
    staff, _ = signed_in(app, Role.ADMIN)
    corporate = f"/staff/agreements/{two_customers['corporate']}/share"
    assert staff.get(corporate).status_code == 404
    assert staff.post(corporate, data={"days": "30", "months": "12"}).status_code == 404
    # Positive control: the admin shares a customer SLA.
    assert (
        staff.get(f"/staff/agreements/{two_customers['acme_sla']}/share").status_code
        == 200
    )


def test_guessing_tokens_is_rate_limited(app: Flask, two_customers: Ids) -> None:
    app.config["SHARE_LINK_GUESS_LIMIT"] = "5 per minute"
    staff, _ = signed_in(app, Role.ADMIN)
    _, token = create(staff, f"/staff/agreements/{two_customers['acme_sla']}/share")
    guesser = app.test_client()
    codes = [guesser.get("/r/" + f"{i:043d}").status_code for i in range(7)]
    assert codes[:5] == [404] * 5
    assert codes[5:] == [429, 429]
    # Another IP is not affected.
    other = app.test_client().get(
        f"/r/{token}", environ_overrides={"REMOTE_ADDR": "10.0.0.9"}
    )
    assert other.status_code == 200


def test_pages_offer_sharing_except_on_corporate_slas(
    app: Flask, two_customers: Ids
) -> None:
    staff, _ = signed_in(app, Role.ADMIN)
    sla = staff.get(f"/staff/agreements/{two_customers['acme_sla']}")
    assert "Share with the customer" in sla.text
    assert f"/staff/agreements/{two_customers['acme_sla']}/share" in sla.text
    corporate = staff.get(f"/staff/agreements/{two_customers['corporate']}")
    assert corporate.status_code == 200
    assert "Share with the customer" not in corporate.text
    customer = staff.get(f"/staff/customers/{two_customers['acme']}")
    assert f"/staff/customers/{two_customers['acme']}/share" in customer.text
    assert f"/staff/customers/{two_customers['acme']}/report-schedules" in customer.text


def test_opening_valid_links_is_rate_limited_too(
    app: Flask, two_customers: Ids
) -> None:
    app.config["SHARE_REPORT_LIMIT"] = "2 per minute"
    staff, _ = signed_in(app, Role.ADMIN)
    _, token = create(staff, f"/staff/agreements/{two_customers['acme_sla']}/share")
    reader = app.test_client()
    codes = [reader.get(f"/r/{token}").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
