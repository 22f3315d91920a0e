"""The workbench pages: who may open them, proposals and their validation."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engage.extensions import db
from engage.models import Agreement, AgreementStatus, Level, Proposal, ProposalAction
from tests.factories import make_agreement, make_customer
from tests.integration.agreements.measurement_helpers import as_user
from tests.integration.renegotiation.conftest import Ids


def url(ids: Ids, rest: str = "") -> str:
    return f"/staff/agreements/{ids['acme_sla']}/renegotiation{rest}"


def start_review(client: FlaskClient, ids: Ids) -> None:
    response = client.post(
        f"/staff/agreements/{ids['acme_sla']}/review", data={"next": "workbench"}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(url(ids))


def proposals(app: Flask, ids: Ids) -> list[Proposal]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(Proposal).where(Proposal.agreement_id == ids["acme_sla"])
            )
        )


def test_viewer_is_refused_and_other_customers_manager_sees_nothing(
    app: Flask, world: Ids
) -> None:
    viewer = as_user(app, "viewer@example.test")
    assert viewer.get(url(world)).status_code == 403
    other = as_user(app, "globex@example.test")
    assert other.get(url(world)).status_code == 404
    assert other.post(url(world, "/record"), data={}).status_code == 404
    # Positive controls: the Acme manager and the Globex manager on their own SLA.
    mine = as_user(app, "manager@example.test")
    assert mine.get(url(world)).status_code == 200
    globex = f"/staff/agreements/{world['globex_sla']}/renegotiation"
    assert other.get(globex).status_code == 200


def test_an_active_sla_offers_to_start_the_renegotiation(
    admin: FlaskClient, world: Ids
) -> None:
    page = admin.get(url(world)).get_data(as_text=True)
    assert "Start renegotiation" in page
    assert "Propose a change" not in page
    assert "Evidence" in page
    start_review(admin, world)
    page = admin.get(url(world)).get_data(as_text=True)
    assert "Start renegotiation" not in page
    assert page.count("Propose a change") == 3  # two own clauses, one inherited
    assert "Record renegotiation" in page


def test_proposals_wait_for_a_review(
    app: Flask, admin: FlaskClient, world: Ids
) -> None:
    response = admin.post(
        url(world, f"/clauses/{world['response']}"),
        data={
            f"clause-{world['response']}-action": "tighten",
            f"clause-{world['response']}-target": "2",
        },
    )
    assert response.status_code == 303
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Start a renegotiation first" in page
    assert proposals(app, world) == []


def test_tightening_must_be_stricter_and_keeps_what_was_typed(
    app: Flask, admin: FlaskClient, world: Ids
) -> None:
    start_review(admin, world)
    prefix = f"clause-{world['response']}"
    # Response time is "<= 4 h": tightening means a lower number.
    response = admin.post(
        url(world, f"/clauses/{world['response']}"),
        data={
            f"{prefix}-action": "tighten",
            f"{prefix}-target": "6",
            f"{prefix}-reason": "Faster please",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Tightening &lt;= 4 needs a lower target." in page
    assert 'value="6"' in page
    assert "Faster please" in page
    assert proposals(app, world) == []
    response = admin.post(
        url(world, f"/clauses/{world['response']}"),
        data={
            f"{prefix}-action": "tighten",
            f"{prefix}-target": "2",
            f"{prefix}-reason": "Faster please",
        },
    )
    assert response.status_code == 303
    [proposal] = proposals(app, world)
    assert proposal.action is ProposalAction.TIGHTEN
    assert proposal.target == 2
    # A second proposal on the same clause replaces the first.
    admin.post(
        url(world, f"/clauses/{world['response']}"),
        data={f"{prefix}-action": "relax", f"{prefix}-target": "8"},
    )
    [proposal] = proposals(app, world)
    assert proposal.action is ProposalAction.RELAX
    assert proposal.target == 8


def test_a_drop_needs_a_reason_and_bad_ids_are_404(
    app: Flask, admin: FlaskClient, world: Ids
) -> None:
    start_review(admin, world)
    prefix = f"clause-{world['backup']}"
    response = admin.post(
        url(world, f"/clauses/{world['backup']}"), data={f"{prefix}-action": "drop"}
    )
    assert response.status_code == 422
    assert "Say why the clause is dropped." in response.get_data(as_text=True)
    assert admin.post(url(world, "/clauses/99999"), data={}).status_code == 404
    assert admin.post(url(world, "/proposals/99999/delete")).status_code == 404
    response = admin.post(
        url(world, f"/clauses/{world['backup']}"),
        data={f"{prefix}-action": "drop", f"{prefix}-reason": "Nobody asks for it"},
    )
    assert response.status_code == 303
    [proposal] = proposals(app, world)
    response = admin.post(url(world, f"/proposals/{proposal.id}/delete"))
    assert response.status_code == 303
    assert proposals(app, world) == []


def test_a_perception_target_lies_in_its_range(
    app: Flask, admin: FlaskClient, world: Ids
) -> None:
    start_review(admin, world)
    with app.app_context():
        aspect_id = db.session.get(Agreement, world["acme_sla"]).objectives[0].aspect_id
    data = {
        "add-aspect": str(aspect_id),
        "add-measure": "happiness",
        "add-direction": ">=",
        "add-target": "140",
        "add-reason": "Be liked",
    }
    response = admin.post(url(world, "/additions"), data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "A happiness target lies between -100 and 100." in page
    assert 'value="140"' in page
    response = admin.post(url(world, "/additions"), data={**data, "add-target": "40"})
    assert response.status_code == 303
    [proposal] = proposals(app, world)
    assert proposal.metric == "Happiness (response time)"
    assert proposal.target == 40
    assert proposal.unit == ""
    with app.app_context():
        status = db.session.get(Agreement, world["acme_sla"]).status
    assert status is AgreementStatus.IN_REVIEW


def test_a_draft_has_no_renegotiation_yet(app: Flask, admin: FlaskClient) -> None:
    with app.app_context():
        draft = make_agreement(Level.CUSTOMER, "Draft SLA", customer=make_customer())
        db.session.commit()
        draft_id = draft.id
    response = admin.get(f"/staff/agreements/{draft_id}/renegotiation")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "This SLA is a draft" in page
    assert "Start renegotiation" not in page
    refused = admin.post(f"/staff/agreements/{draft_id}/renegotiation/record")
    assert refused.status_code == 303
