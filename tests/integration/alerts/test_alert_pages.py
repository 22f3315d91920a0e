"""The alerts page, marking read, the navigation count and the Overview card."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from engage.extensions import db
from engage.models import Alert, AlertKind, Role, User, utcnow
from tests.factories import make_agreement, make_user, signed_in


def _alert(user_id: int, agreement_name: str, kind: AlertKind, age: int) -> int:
    agreement = make_agreement(name=agreement_name)
    alert = Alert(
        agreement=agreement,
        user=db.session.get(User, user_id),
        kind=kind,
        message=f"{agreement_name} needs a look.",
        created_at=utcnow() - timedelta(hours=age),
    )
    db.session.add(alert)
    db.session.flush()
    return alert.id


def _setup(app: Flask) -> tuple[FlaskClient, dict[str, int]]:
    client, me = signed_in(app, Role.MANAGER)
    with app.app_context():
        other = make_user(Role.MANAGER)
        ids = {
            "old": _alert(me, "Old SLA", AlertKind.FALLING, age=48),
            "new": _alert(me, "New SLA", AlertKind.WATERMELON, age=1),
            "read": _alert(me, "Read SLA", AlertKind.WATERMELON, age=0),
            "theirs": _alert(other.id, "Their SLA", AlertKind.WATERMELON, age=0),
        }
        read = db.session.get(Alert, ids["read"])
        assert read is not None
        read.read_at = utcnow()
        db.session.commit()
    return client, ids


def _read_at(app: Flask, alert_id: int) -> object:
    with app.app_context():
        alert = db.session.get(Alert, alert_id)
        assert alert is not None
        return alert.read_at


def test_page_lists_my_alerts_unread_first(app: Flask) -> None:
    client, ids = _setup(app)
    response = client.get("/staff/alerts")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Their SLA" not in html
    # Unread newest first, then read ones.
    assert html.index("New SLA") < html.index("Old SLA") < html.index("Read SLA")
    assert "Turned watermelon" in html
    assert "Perception falling" in html
    assert "2 unread of 3" in html
    assert 'href="/staff/agreements/' in html
    assert f'action="/staff/alerts/{ids["new"]}/read"' in html
    assert f'action="/staff/alerts/{ids["read"]}/read"' not in html
    # The navigation says how many are unread, in words for screen readers.
    assert 'aria-label="Alerts, 2 unread"' in html
    assert '<span class="nav-count" aria-hidden="true">2</span>' in html
    assert 'aria-current="page" title="Alerts"' in html


def test_mark_one_read_only_my_own(app: Flask) -> None:
    client, ids = _setup(app)
    assert client.post(f"/staff/alerts/{ids['theirs']}/read").status_code == 404
    assert _read_at(app, ids["theirs"]) is None
    assert client.post("/staff/alerts/999999/read").status_code == 404
    assert client.get(f"/staff/alerts/{ids['new']}/read").status_code == 405
    # Positive control: my own alert.
    response = client.post(f"/staff/alerts/{ids['new']}/read")
    assert response.status_code == 303
    assert response.headers["Location"] == "/staff/alerts"
    assert _read_at(app, ids["new"]) is not None
    html = client.get("/staff/alerts").get_data(as_text=True)
    assert "Marked the alert as read." in html
    assert 'aria-label="Alerts, 1 unread"' in html


def test_mark_all_read_leaves_others_alone(app: Flask) -> None:
    client, ids = _setup(app)
    response = client.post("/staff/alerts/read-all", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Marked 2 alerts as read." in html
    assert 'aria-label="Alerts"' in html
    assert "nav-count" not in html
    assert _read_at(app, ids["old"]) is not None
    assert _read_at(app, ids["theirs"]) is None
    again = client.post("/staff/alerts/read-all", follow_redirects=True)
    assert "No unread alerts." in again.get_data(as_text=True)


def test_overview_card_lists_unread_alerts(app: Flask) -> None:
    client, _ = _setup(app)
    html = client.get("/staff/").get_data(as_text=True)
    card = html[html.index('id="my-alerts-heading"') :]
    card = card[: card.index("</section>")]
    assert "New SLA" in card
    assert "Old SLA" in card
    assert "Read SLA" not in card
    assert "Their SLA" not in card


def test_overview_card_says_when_nothing_is_unread(app: Flask) -> None:
    client, _ = signed_in(app, Role.VIEWER)
    html = client.get("/staff/").get_data(as_text=True)
    assert "No unread alerts." in html
    assert 'aria-label="Alerts"' in html


def test_signed_out_visitors_are_sent_to_login(app: Flask) -> None:
    response = app.test_client().get("/staff/alerts")
    assert response.status_code in (302, 303)
    assert "/staff/login" in response.headers["Location"]


def test_mark_read_from_the_overview_returns_there(app: Flask) -> None:
    client, ids = _setup(app)
    response = client.post(
        f"/staff/alerts/{ids['old']}/read", data={"back": "overview"}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/staff/"
    # Anything else in "back" is ignored: no open redirect.
    response = client.post(
        f"/staff/alerts/{ids['new']}/read", data={"back": "https://evil.test/"}
    )
    assert response.headers["Location"] == "/staff/alerts"


def test_marking_read_needs_the_csrf_token(app: Flask) -> None:
    client, ids = _setup(app)
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/staff/alerts/{ids['new']}/read").status_code == 400
    assert client.post("/staff/alerts/read-all").status_code == 400
    assert _read_at(app, ids["new"]) is None
