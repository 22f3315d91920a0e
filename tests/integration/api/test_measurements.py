"""Pushing measurements: the form's checks, one transaction, upsert by month."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engage.extensions import db
from engage.models import AuditEvent, Measurement, Objective
from tests.factories import login
from tests.integration.api.conftest import BEFORE, LAST, NEXT, Ids
from tests.integration.api.helpers import Caller

PATH = "/api/v1/measurements"


def stored(app: Flask, agreement_id: int) -> list[tuple[int, date, float, str]]:
    with app.app_context():
        rows = db.session.scalars(
            select(Measurement)
            .where(Measurement.agreement_id == agreement_id)
            .order_by(Measurement.period, Measurement.objective_id)
        )
        return [(m.objective_id, m.period, m.value, m.source.value) for m in rows]


def item(world: Ids, **fields: Any) -> dict[str, Any]:
    return {
        "agreement_id": world["globex_sla"],
        "objective_id": world["backup"],
        "period": f"{LAST:%Y-%m}",
        "value": 99.2,
        **fields,
    }


def test_push_adds_then_updates_then_changes_nothing(
    app: Flask, api: Caller, world: Ids
) -> None:
    sla, backup = world["globex_sla"], world["backup"]
    first = api.post(
        PATH, {"items": [item(world), item(world, period=f"{BEFORE:%Y-%m}")]}
    )
    assert first.status_code == 200
    assert (first.json["added"], first.json["updated"]) == (2, 0)
    assert stored(app, sla) == [
        (backup, BEFORE, 99.2, "api"),
        (backup, LAST, 99.2, "api"),
    ]
    again = api.post(PATH, {"items": [item(world, value="97.5")]})
    assert again.json["updated"] == 1
    assert again.json["items"][0]["previous"] == 99.2
    assert stored(app, sla)[-1] == (backup, LAST, 97.5, "api")
    same = api.post(PATH, {"items": [item(world, value=97.5)]})
    assert same.json["unchanged"] == 1
    assert len(stored(app, sla)) == 2
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("measurement.api") == 2  # the unchanged push is not logged


def test_inherited_clause_is_measured_on_the_child(
    app: Flask, api: Caller, world: Ids
) -> None:
    body = {
        "items": [
            item(
                world,
                agreement_id=world["acme_sla"],
                objective_id=world["availability"],
            )
        ]
    }
    assert api.post(PATH, body).status_code == 200
    assert (world["availability"], LAST, 99.2, "api") in stored(app, world["acme_sla"])


def test_one_bad_item_stores_nothing_and_names_each_problem(
    app: Flask, api: Caller, world: Ids
) -> None:
    body = {
        "items": [
            item(world),
            item(world, period=f"{NEXT:%Y-%m}"),
            item(world, objective_id=world["response"]),
            item(world, period=f"{BEFORE:%Y-%m}"),
            item(world, period=f"{BEFORE:%Y-%m}"),
        ]
    }
    response = api.post(PATH, body)
    assert response.status_code == 422
    errors = response.json["errors"]["json"]["items"]
    assert set(errors) == {"1", "2", "3", "4"}
    assert "future" in errors["1"][0]
    assert "not a measured objective in force" in errors["2"][0]
    assert "Duplicate" in errors["3"][0]
    assert stored(app, world["globex_sla"]) == []
    # Positive control: the good item alone is stored.
    assert api.post(PATH, {"items": [item(world)]}).status_code == 200
    assert len(stored(app, world["globex_sla"])) == 1


# The same bad inputs, refused by the form and by the API (SECURITY.md case 10 and
# lesson 4; ASVS 2.2.2). Each is a change to a good entry.
PARITY = {
    "future month": {"period": "NEXT"},
    "not a month": {"period": "2025-13"},
    "not a number": {"value": "abc"},
    "nan": {"value": "nan"},
    "too large": {"value": "1e309"},
    "underscore": {"value": "1_000"},
    "perception target": {"objective_id": "csat"},
    "another SLA's clause": {"objective_id": "backup"},
    "draft agreement": {"agreement_id": "draft", "objective_id": "uptime"},
    "long note": {"note": "x" * 301},
    "NUL in note": {"note": "a\x00b"},
}


def _resolve(world: Ids, changes: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name, value in changes.items():
        if value == "NEXT":
            value = f"{NEXT:%Y-%m}"
        elif name.endswith("_id"):
            value = world[value]
        out[name] = value
    return out


@pytest.mark.parametrize("case", list(PARITY))
def test_form_and_api_refuse_the_same_inputs(
    app: Flask, api: Caller, world: Ids, case: str
) -> None:
    changes = _resolve(world, PARITY[case])
    good = {
        "agreement_id": world["acme_sla"],
        "objective_id": world["response"],
        "period": f"{LAST:%Y-%m}",
        "value": "2.5",
        "note": "",
    }
    bad = {**good, **changes}
    before = stored(app, world["acme_sla"]) + stored(app, world["draft"])

    form_client: FlaskClient = app.test_client()
    assert login(form_client, "admin@example.test").status_code == 303
    form_data = {k: v for k, v in bad.items() if k != "agreement_id"}
    form_response = form_client.post(
        f"/staff/agreements/{bad['agreement_id']}/measurements", data=form_data
    )
    api_response = api.post(PATH, {"items": [bad]})

    assert api_response.status_code == 422, api_response.json
    after = stored(app, world["acme_sla"]) + stored(app, world["draft"])
    assert after == before, "the form or the API stored a refused value"
    assert form_response.status_code in (200, 303)  # re-rendered or flashed back
    # Positive control: the good entry passes both ways.
    assert api.post(PATH, {"items": [good]}).status_code == 200
    ok = form_client.post(
        f"/staff/agreements/{good['agreement_id']}/measurements",
        data={**{k: v for k, v in good.items() if k != "agreement_id"}, "value": "2.6"},
    )
    assert ok.status_code == 303
    assert stored(app, world["acme_sla"])[-1][2] == 2.6


def test_dropped_clause_is_refused_as_the_form_refuses_it(
    app: Flask, api: Caller, world: Ids
) -> None:
    with app.app_context():
        objective = db.session.get(Objective, world["backup"])
        assert objective is not None
        objective.dropped_in = 1  # dropped in version 1 (2024-01): binds nothing now
        db.session.commit()
    response = api.post(PATH, {"items": [item(world)]})
    assert response.status_code == 422
    # As in the form and the CSV import, a dropped clause is no longer offered.
    assert (
        "not a measured objective" in response.json["errors"]["json"]["items"]["0"][0]
    )


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"items": []},
        {"items": "x"},
        [],
        {"items": [{"agreement_id": 1}]},
        {
            "items": [
                {
                    "agreement_id": 2**40,
                    "objective_id": 1,
                    "period": "2025-01",
                    "value": 1,
                }
            ]
        },
        {
            "items": [
                {
                    "agreement_id": True,
                    "objective_id": 1,
                    "period": "2025-01",
                    "value": 1,
                }
            ]
        },
        {
            "items": [
                {
                    "agreement_id": 1,
                    "objective_id": 1,
                    "period": "2025-01",
                    "value": 1,
                    "sla_id": 3,
                }
            ]
        },
        {
            "items": [
                {"agreement_id": 1, "objective_id": 1, "period": "\ud800", "value": 1}
            ]
        },
    ],
)
def test_malformed_bodies_are_422(api: Caller, world: Ids, body: Any) -> None:
    response = api.post(PATH, body)
    assert response.status_code == 422
    assert response.is_json
