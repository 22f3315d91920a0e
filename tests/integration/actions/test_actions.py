"""Opening action items from negative statements and detractors, and closing them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engage.actions.service import today
from engage.extensions import db
from engage.models import (
    ActionItem,
    ActionStatus,
    Agreement,
    AuditEvent,
    Feedback,
    QuestionKind,
)
from tests.factories import login
from tests.session_factories import NEGATIVE, POSITIVE, World, build_world, session_form
from tests.survey_factories import (
    answer_invitation,
    make_respondent_link,
    make_respondent_survey,
)


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app)


def client_for(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    assert login(client, email).status_code == 303
    return client


@pytest.fixture
def manager(app: Flask, world: World) -> FlaskClient:
    return client_for(app, world.manager)


def statement_ids(app: Flask, manager: FlaskClient, world: World) -> dict[str, int]:
    """Log the standard session; return its statements' ids by text."""
    assert (
        manager.post("/staff/sessions/new", data=session_form(world)).status_code == 303
    )
    with app.app_context():
        return {f.text or "": f.id for f in db.session.scalars(select(Feedback))}


def item_form(world: World, **overrides: str) -> dict[str, str]:
    data = {
        "customer_id": str(world.acme_fin),
        "agreement_id": str(world.fin_hosting),
        "title": "Call Priya back about the outage",
        "description": "",
        "quote": "",
        "owner_id": str(world.manager_id),
        "due_on": (today() + timedelta(days=10)).isoformat(),
        "status": "open",
    }
    data.update(overrides)
    return data


def only_item(app: Flask) -> ActionItem:
    items = db.session.scalars(select(ActionItem)).all()
    assert len(items) == 1
    return items[0]


def test_open_from_a_negative_statement_prefills_and_links(
    app: Flask, manager: FlaskClient, world: World
) -> None:
    ids = statement_ids(app, manager, world)
    session_page = manager.get("/staff/sessions/1").get_data(as_text=True)
    # The button is offered beside the negative statement only.
    assert f"/staff/actions/new?feedback_id={ids[NEGATIVE]}" in session_page
    assert f"/staff/actions/new?feedback_id={ids[POSITIVE]}" not in session_page

    url = f"/staff/actions/new?feedback_id={ids[NEGATIVE]}"
    html = manager.get(url).get_data(as_text=True)
    assert f'<option selected value="{world.acme_fin}">' in html
    assert f'selected value="{world.fin_hosting}"' in html
    assert "Follow up: The outage last Tuesday" in html
    assert f"{NEGATIVE}</textarea>" in html
    assert f'<option selected value="{world.manager_id}">' in html

    data = item_form(world, quote=NEGATIVE, title="Send the outage report")
    response = manager.post(url, data=data)
    assert response.status_code == 303
    with app.app_context():
        item = only_item(app)
        assert item.feedback_id == ids[NEGATIVE]
        assert item.session_id == 1
        assert item.quote == NEGATIVE
        assert item.agreement_id == world.fin_hosting
        assert item.owner_id == world.manager_id
        assert item.status is ActionStatus.OPEN
        assert item.closed_at is None
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "action.create")
        ).one()
        assert event.target_id == item.id
    detail = manager.get(response.headers["Location"]).get_data(as_text=True)
    assert "Q3 service review" in detail
    assert NEGATIVE in detail
    # The session page lists the item it led to.
    assert "Send the outage report" in manager.get("/staff/sessions/1").get_data(
        as_text=True
    )


def _detractor_response(app: Flask, world: World, happiness: float, text: str) -> int:
    with app.app_context():
        survey = make_respondent_survey(
            [
                {"kind": QuestionKind.HAPPINESS, "prompt": "Recommend us?"},
                {"kind": QuestionKind.TEXT, "prompt": "Why?"},
            ]
        )
        agreement = db.session.get(Agreement, world.fin_hosting)
        invitation, _ = make_respondent_link(survey, agreement)
        response = answer_invitation(invitation, {"happiness": happiness, "text": text})
        db.session.commit()
        return int(response.id)


def test_open_from_a_detractor_response(
    app: Flask, manager: FlaskClient, world: World
) -> None:
    response_id = _detractor_response(app, world, 4, "Nobody told us about the outage.")
    page = manager.get(f"/staff/surveys/responses/{response_id}").get_data(as_text=True)
    url = f"/staff/actions/new?response_id={response_id}"
    assert url in page
    form = manager.get(url).get_data(as_text=True)
    assert "Nobody told us about the outage.</textarea>" in form
    assert f'selected value="{world.fin_hosting}"' in form
    assert manager.post(url, data=item_form(world)).status_code == 303
    with app.app_context():
        item = only_item(app)
        assert item.response_id == response_id
        assert item.feedback_id is None


def test_no_button_for_a_promoter(
    app: Flask, manager: FlaskClient, world: World
) -> None:
    response_id = _detractor_response(app, world, 10, "Brilliant service, thank you.")
    page = manager.get(f"/staff/surveys/responses/{response_id}").get_data(as_text=True)
    assert "/staff/actions/new?response_id=" not in page


def test_status_changes_close_reopen_and_are_audited(
    app: Flask, manager: FlaskClient, world: World
) -> None:
    assert manager.post("/staff/actions/new", data=item_form(world)).status_code == 303
    with app.app_context():
        item_id = only_item(app).id
    done = manager.post(f"/staff/actions/{item_id}/status", data={"status": "done"})
    assert done.status_code == 303
    with app.app_context():
        item = only_item(app)
        assert item.status is ActionStatus.DONE
        assert item.closed_at is not None
    manager.post(f"/staff/actions/{item_id}/edit", data=item_form(world, status="open"))
    with app.app_context():
        item = only_item(app)
        assert item.status is ActionStatus.OPEN
        assert item.closed_at is None
        actions = db.session.scalars(
            select(AuditEvent.action).order_by(AuditEvent.id)
        ).all()
        assert actions == ["action.create", "action.status", "action.status"]
    assert (
        manager.post(
            f"/staff/actions/{item_id}/status", data={"status": "finished"}
        ).status_code
        == 400
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"owner_id": "3"}, "does not look after Acme / Acme Finance"),
        ({"title": ""}, "This field is required."),
        ({"due_on": ""}, "Enter the date it is due."),
        ({"agreement_id": "4"}, "Choose an SLA of Acme / Acme Finance, or none."),
        ({"customer_id": "3"}, "Choose one of the customers listed."),
    ],
)
def test_validation_keeps_typed_values(
    app: Flask,
    manager: FlaskClient,
    world: World,
    overrides: dict[str, str],
    message: str,
) -> None:
    data = item_form(world, description="Typed description survives.", **overrides)
    response = manager.post("/staff/actions/new", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    assert "Typed description survives." in html
    with app.app_context():
        assert db.session.scalars(select(ActionItem)).all() == []


def test_scoping_and_viewers(app: Flask, manager: FlaskClient, world: World) -> None:
    ids = statement_ids(app, manager, world)
    assert manager.post("/staff/actions/new", data=item_form(world)).status_code == 303
    other = client_for(app, world.other_manager)
    viewer = client_for(app, world.viewer)
    # Another customer's manager: the item and the statement do not exist for them.
    assert other.get("/staff/actions/1").status_code == 404
    assert other.get("/staff/actions/1/edit").status_code == 404
    assert (
        other.post("/staff/actions/1/status", data={"status": "done"}).status_code
        == 404
    )
    assert (
        other.get(f"/staff/actions/new?feedback_id={ids[NEGATIVE]}").status_code == 404
    )
    assert "Call Priya back" not in other.get("/staff/actions?scope=all").get_data(
        as_text=True
    )
    # Viewers read, never change.
    assert viewer.get("/staff/actions/1").status_code == 200
    assert viewer.get("/staff/actions/new").status_code == 403
    assert viewer.post("/staff/actions/new", data=item_form(world)).status_code == 403
    assert (
        viewer.post("/staff/actions/1/edit", data=item_form(world)).status_code == 403
    )
    assert (
        viewer.post("/staff/actions/1/status", data={"status": "done"}).status_code
        == 403
    )
    # Positive control: the owner's manager reaches all of it.
    assert manager.get("/staff/actions/1/edit").status_code == 200
    with app.app_context():
        assert only_item(app).status is ActionStatus.OPEN


@pytest.mark.parametrize(
    "query", ["?feedback_id=999", "?response_id=999", "?session_id=999"]
)
def test_unknown_sources_are_404(
    manager: FlaskClient, world: World, query: str
) -> None:
    assert manager.get(f"/staff/actions/new{query}").status_code == 404


def test_my_actions_filters_and_overdue_text(
    app: Flask, manager: FlaskClient, world: World
) -> None:
    late = (today() - timedelta(days=3)).isoformat()
    soon = (today() + timedelta(days=2)).isoformat()
    manager.post(
        "/staff/actions/new", data=item_form(world, title="Late one", due_on=late)
    )
    manager.post(
        "/staff/actions/new", data=item_form(world, title="Soon one", due_on=soon)
    )
    admin_owned = item_form(world, title="Admin one", owner_id=str(world.admin_id))
    manager.post("/staff/actions/new", data=admin_owned)
    closed = item_form(world, title="Closed one", due_on=late, status="done")
    manager.post("/staff/actions/new", data=closed)

    mine = manager.get("/staff/actions").get_data(as_text=True)
    assert "Late one" in mine
    assert "Soon one" in mine
    assert "Admin one" not in mine
    assert "Closed one" not in mine
    assert "Overdue by 3 days" in mine
    assert "Due in 2 days" in mine
    assert mine.index("Late one") < mine.index("Soon one")

    overdue = manager.get("/staff/actions?overdue=y").get_data(as_text=True)
    assert "Late one" in overdue
    assert "Soon one" not in overdue
    everyone = manager.get("/staff/actions?scope=all&status=").get_data(as_text=True)
    assert "Admin one" in everyone
    assert "Closed one" in everyone
    done = manager.get("/staff/actions?scope=all&status=done").get_data(as_text=True)
    assert "Closed one" in done
    assert "Late one" not in done
    assert manager.get("/staff/actions?status=bogus").status_code == 400
    assert manager.get("/staff/actions?order=x").status_code == 400


def test_overdue_items_show_on_the_overview_and_the_customer_page(
    app: Flask, manager: FlaskClient, world: World
) -> None:
    late = (today() - timedelta(days=1)).isoformat()
    manager.post(
        "/staff/actions/new",
        data=item_form(
            world, title="Later", due_on=(today() + timedelta(days=30)).isoformat()
        ),
    )
    manager.post(
        "/staff/actions/new", data=item_form(world, title="Late report", due_on=late)
    )
    admin_owned = item_form(
        world, title="Not mine", owner_id=str(world.admin_id), due_on=late
    )
    manager.post("/staff/actions/new", data=admin_owned)

    overview = manager.get("/staff/").get_data(as_text=True)
    assert "Late report" in overview
    assert "Overdue by 1 day" in overview
    assert "Not mine" not in overview
    assert "Later" not in overview  # due in a month: neither overdue nor due soon

    for customer_id in (
        world.acme_fin,
        world.acme,
    ):  # the account shows its departments'
        page = manager.get(f"/staff/customers/{customer_id}").get_data(as_text=True)
        assert "Open action items" in page
        assert page.index("Late report") < page.index("Later")
        assert page.index("Not mine") < page.index("Later")
        assert "Overdue by 1 day" in page
