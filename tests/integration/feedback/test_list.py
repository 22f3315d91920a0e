"""The feedback list: newest first, filters, paging and refused parameters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engage.extensions import db
from engage.models import FeedbackKind, FeedbackSource, Level, Role
from tests.factories import aspect, make_agreement, make_customer, signed_in
from tests.feedback_factories import make_score_feedback, make_text_feedback

NOW = datetime(2026, 9, 15, 12, 0, tzinfo=UTC)


@dataclass
class Data:
    ids: dict[str, int]
    alpha: int
    alpha_dept: int
    beta: int
    alpha_sla: int
    cost: int
    availability: int


@pytest.fixture
def data(app: Flask) -> Data:
    with app.app_context():
        alpha = make_customer("Alpha Ltd")
        dept = make_customer("Finance", parent=alpha)
        beta = make_customer("Beta plc")
        alpha_sla = make_agreement(Level.CUSTOMER, "Alpha SLA", customer=alpha)
        dept_sla = make_agreement(Level.CUSTOMER, "Finance SLA", customer=dept)
        beta_sla = make_agreement(Level.CUSTOMER, "Beta SLA", customer=beta)
        rows = {
            # negative, Availability first, then Cost mentioned too
            "outage": make_text_feedback(
                "Another outage, another outage, and a wrong invoice. Terrible.",
                alpha_sla,
                received_at=NOW - timedelta(days=1),
            ),
            "praise": make_text_feedback(
                "Great engineers, thank you!",
                dept_sla,
                source=FeedbackSource.SURVEY,
                received_at=NOW - timedelta(days=10),
            ),
            "neutral": make_text_feedback(
                "We had our review meeting.",
                beta_sla,
                received_at=NOW - timedelta(days=40),
            ),
            "csat": make_score_feedback(
                FeedbackKind.CSAT, 2, alpha_sla, received_at=NOW - timedelta(days=3)
            ),
        }
        db.session.commit()
        return Data(
            {k: v.id for k, v in rows.items()},
            alpha.id,
            dept.id,
            beta.id,
            alpha_sla.id,
            aspect("Cost").id,
            aspect("Availability").id,
        )


@pytest.fixture
def viewer(app: Flask) -> FlaskClient:
    client, _ = signed_in(app, Role.VIEWER)
    return client


def _listed(client: FlaskClient, data: Data, query: str = "") -> list[str]:
    page = client.get(f"/staff/feedback{query}")
    assert page.status_code == 200, page.data
    html = page.get_data(as_text=True)
    found = [(html.find(f'/staff/feedback/{i}"'), name) for name, i in data.ids.items()]
    return [name for position, name in sorted(found) if position >= 0]


def test_newest_first_with_links(viewer: FlaskClient, data: Data) -> None:
    assert _listed(viewer, data) == ["outage", "csat", "praise", "neutral"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # A customer includes its departments.
        ("?customer={alpha}", ["outage", "csat", "praise"]),
        ("?customer={alpha_dept}", ["praise"]),
        ("?agreement={alpha_sla}", ["outage", "csat"]),
        ("?source=survey", ["csat", "praise"]),
        ("?source=import", ["outage", "neutral"]),
        # Tagged first, or mentioned anywhere in the text.
        ("?aspect={availability}", ["outage"]),
        ("?aspect={cost}", ["outage"]),
        ("?sentiment=negative", ["outage"]),
        ("?sentiment=positive", ["praise"]),
        ("?sentiment=neutral", ["neutral"]),
        ("?from=2026-09-05", ["outage", "csat", "praise"]),
        ("?to=2026-09-12", ["csat", "praise", "neutral"]),
        ("?from=2026-09-05&to=2026-09-05", ["praise"]),
        ("?customer={beta}&sentiment=negative", []),
    ],
)
def test_filters(
    viewer: FlaskClient, data: Data, query: str, expected: list[str]
) -> None:
    values = {
        "alpha": data.alpha,
        "alpha_dept": data.alpha_dept,
        "beta": data.beta,
        "alpha_sla": data.alpha_sla,
        "cost": data.cost,
        "availability": data.availability,
    }
    assert _listed(viewer, data, query.format(**values)) == expected


@pytest.mark.parametrize(
    "query",
    [
        "?colour=red",
        "?page=0",
        "?page=1_0",
        "?customer=1%20OR%201=1",
    ],
)
def test_unknown_or_malformed_parameters_are_400(
    viewer: FlaskClient, query: str
) -> None:
    assert viewer.get(f"/staff/feedback{query}").status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        "?sentiment=angry",
        "?source=email",
        "?from=2026-13-01",
        "?from=2026-09-10&to=2026-09-01",
    ],
)
def test_invalid_filter_values_show_the_form_again(
    viewer: FlaskClient, query: str
) -> None:
    page = viewer.get(f"/staff/feedback{query}")
    assert page.status_code == 400
    assert b"Correct the filter above to see feedback." in page.data


def test_manager_cannot_filter_for_a_hidden_customer(app: Flask, data: Data) -> None:
    client, _ = signed_in(app, Role.MANAGER, customer_ids=[data.beta])
    assert client.get(f"/staff/feedback?customer={data.alpha}").status_code == 400
    assert _listed(client, data) == ["neutral"]


def test_pages_of_25_keep_the_filters(app: Flask, viewer: FlaskClient) -> None:
    with app.app_context():
        sla = make_agreement(Level.CUSTOMER)
        for i in range(30):
            make_text_feedback(
                f"Slow reply {i}.", sla, received_at=NOW - timedelta(hours=i)
            )
        db.session.commit()
    first = viewer.get("/staff/feedback?sentiment=negative").get_data(as_text=True)
    assert "30 items, page 1 of 2." in first
    assert first.count('<td data-label="Received">') == 25
    assert 'href="/staff/feedback?page=2&amp;sentiment=negative"' in first
    second = viewer.get("/staff/feedback?sentiment=negative&page=2").get_data(
        as_text=True
    )
    assert second.count('<td data-label="Received">') == 5
    assert "Slow reply 29." in second
