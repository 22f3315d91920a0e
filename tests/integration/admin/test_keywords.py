"""The aspect keyword map in Admin > Aspects: edit, normalise, warn, audit, retag."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engage.admin import keywords
from engage.extensions import db
from engage.feedback import forget_keyword_map, load_keyword_map, text_feedback
from engage.models import Aspect, AuditEvent, FeedbackSource, Role
from tests.factories import make_customer, signed_in


@pytest.fixture
def admin(app: Flask) -> FlaskClient:
    client, _ = signed_in(app, Role.ADMIN)
    return client


def _aspect(name: str) -> Aspect:
    return db.session.scalars(select(Aspect).where(Aspect.name == name)).one()


def _id(app: Flask, name: str) -> int:
    with app.app_context():
        return _aspect(name).id


def _url(aspect_id: int) -> str:
    return f"/staff/admin/aspects/{aspect_id}/keywords"


def test_list_shows_each_aspects_keywords_and_the_rescore_button(
    app: Flask, admin: FlaskClient
) -> None:
    cost_id = _id(app, "Cost")
    html = admin.get("/staff/admin/aspects").get_data(as_text=True)
    row = html[html.index(f'id="aspect-{cost_id}"') :].split("</tr>")[0]
    assert '<ul class="keyword-list" aria-label="Keywords of Cost">' in row
    assert "<li>value for money</li>" in row
    assert f'href="{_url(cost_id)}" aria-label="Edit keywords: Cost"' in row
    assert 'action="/staff/admin/rescore"' in html
    assert "Rescore all feedback" in html


def test_edit_page_shows_one_keyword_per_line(app: Flask, admin: FlaskClient) -> None:
    cost_id = _id(app, "Cost")
    page = admin.get(_url(cost_id))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "\ncost\ncosts\nprice\n" in html
    assert '<label for="text">Keywords</label>' in html


def test_save_normalises_deduplicates_and_audits(
    app: Flask, admin: FlaskClient
) -> None:
    cost_id = _id(app, "Cost")
    text = "  Invoice \n\n  PRICE-list\ninvoice\nvalue   for money\n\n"
    response = admin.post(_url(cost_id), data={"text": text})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/staff/admin/aspects#rescore")
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Saved 3 keywords for Cost." in page
    assert "existing feedback keeps its old tags until it is rescored" in page
    assert "Rescore all feedback" in page
    with app.app_context():
        assert _aspect("Cost").keywords == ["invoice", "price list", "value for money"]
        event = db.session.scalars(select(AuditEvent)).one()
        assert (event.action, event.target_id) == ("aspect.keywords", cost_id)
        assert event.details["added"] == ["price list"]
        assert "invoices" in event.details["removed"]
        assert event.details["count"] == 3


def test_unchanged_keywords_record_nothing(app: Flask, admin: FlaskClient) -> None:
    with app.app_context():
        aspect = _aspect("Reporting")
        current, reporting_id = "\n".join(aspect.keywords), aspect.id
    response = admin.post(_url(reporting_id), data={"text": current.upper()})
    assert response.status_code == 303
    assert b"are unchanged" in admin.get(response.headers["Location"]).data
    with app.app_context():
        assert db.session.scalars(select(AuditEvent)).all() == []


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("outage\n!!!\n", "Line 2 (!!!) has no letters or digits."),
        ("x" * 61, "Line 1 is longer than 60 characters"),
        ("\n".join(f"word{i}" for i in range(201)), "At most 200 keywords"),
        ("a" * 10_001, "Field cannot be longer than 10000 characters."),
    ],
)
def test_invalid_keywords_keep_the_input(
    app: Flask, admin: FlaskClient, text: str, error: str
) -> None:
    cost_id = _id(app, "Cost")
    response = admin.post(_url(cost_id), data={"text": text})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert error in html
    assert 'aria-invalid="true"' in html
    assert text.splitlines()[0][:60] in html  # what was typed is still there
    with app.app_context():
        assert "value for money" in _aspect("Cost").keywords
        assert db.session.scalars(select(AuditEvent)).all() == []


def test_empty_text_removes_every_keyword(app: Flask, admin: FlaskClient) -> None:
    cost_id = _id(app, "Cost")
    assert admin.post(_url(cost_id), data={"text": "\n \n"}).status_code == 303
    with app.app_context():
        assert _aspect("Cost").keywords == []


def test_shared_keyword_is_a_warning_not_an_error(
    app: Flask, admin: FlaskClient
) -> None:
    expertise_id = _id(app, "Staff expertise")
    response = admin.post(_url(expertise_id), data={"text": "engineer\nsupport"})
    assert response.status_code == 303
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    # Staff expertise comes before Service desk in the list, so it wins "support".
    assert (
        "“support” is also a keyword of Service desk; Staff expertise wins because "
        "it comes first in the list." in page
    )
    assert "<strong>support</strong>: Staff expertise, Service desk" in page
    with app.app_context():
        assert _aspect("Staff expertise").keywords == ["engineer", "support"]
    edit = admin.get(_url(_id(app, "Service desk"))).get_data(as_text=True)
    assert "Only the aspect higher in the list gets tagged." in edit


def test_conflicts_ignore_inactive_aspects(app: Flask) -> None:
    with app.app_context():
        first = Aspect(
            name="First", keywords=["shared", "own"], position=1, active=True
        )
        second = Aspect(name="Second", keywords=["shared"], position=2, active=True)
        gone = Aspect(name="Gone", keywords=["own"], position=3, active=False)
        found = keywords.conflicts([first, second, gone])
    assert [(c.keyword, c.aspects, c.winner) for c in found] == [
        ("shared", ("First", "Second"), "First")
    ]


def test_forgetting_the_map_tags_new_feedback_with_the_new_word(app: Flask) -> None:
    """Within one request or job the map is cached until forget_keyword_map()."""
    with app.app_context():
        customer = make_customer()

        def new_row() -> list[str]:
            row = text_feedback(
                "The zorbix module crashed.",
                source=FeedbackSource.IMPORT,
                customer_id=customer.id,
                agreement=None,
                received_at=datetime.now(UTC),
            )
            return [m["aspect"] for m in row.aspect_matches or []]

        load_keyword_map()
        _aspect("Cost").keywords = ["zorbix"]
        db.session.flush()
        assert new_row() == ["Availability"]  # the cached map: "crashed" only
        forget_keyword_map()
        assert new_row() == ["Availability", "Cost"]


def test_saving_drops_the_cached_map(
    app: Flask, admin: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engage.admin import keyword_routes

    calls: list[str] = []
    monkeypatch.setattr(keyword_routes, "forget_keyword_map", lambda: calls.append("x"))
    admin.post(_url(_id(app, "Cost")), data={"text": "zorbix"})
    assert calls == ["x"]


def test_unknown_aspect_is_404(admin: FlaskClient) -> None:
    assert admin.get(_url(999999)).status_code == 404
    assert admin.post(_url(999999), data={"text": "x"}).status_code == 404
