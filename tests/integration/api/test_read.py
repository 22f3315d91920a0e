"""Reading through the API: customers, agreements, perception and compliance."""

from __future__ import annotations

import json

import pytest
from flask import Flask

from engage.extensions import db
from engage.models import Customer
from tests.integration.api.conftest import BEFORE, LAST, Ids
from tests.integration.api.helpers import Caller


def test_customers_paginated_without_notes_or_contacts(
    app: Flask, api: Caller, world: Ids
) -> None:
    with app.app_context():
        acme = db.session.get(Customer, world["acme"])
        assert acme is not None
        acme.notes = "INTERNAL: renegotiation leverage"
        db.session.commit()
    first = api.get("/api/v1/customers?per_page=1")
    assert first.status_code == 200
    assert first.json["total"] == 2
    assert first.json["pages"] == 2
    assert [c["name"] for c in first.json["items"]] == ["Acme"]
    second = api.get("/api/v1/customers?per_page=1&page=2").json
    assert [c["name"] for c in second["items"]] == ["Globex"]
    body = json.dumps(first.json)
    assert "INTERNAL" not in body
    assert "notes" not in body
    assert "@" not in body


@pytest.mark.parametrize(
    "query", ["page=0", "per_page=0", "per_page=1000", "page=abc", "sort=name;--"]
)
def test_bad_paging_is_a_clear_422(api: Caller, query: str) -> None:
    response = api.get(f"/api/v1/customers?{query}")
    assert response.status_code == 422
    assert response.is_json
    assert api.get("/api/v1/customers?page=1").status_code == 200  # positive control


def test_agreements_list_and_detail(api: Caller, world: Ids) -> None:
    listing = api.get("/api/v1/agreements").json
    names = [a["name"] for a in listing["items"]]
    assert names == ["Acme SLA", "Corporate", "Draft SLA", "Globex SLA"]
    acme = next(a for a in listing["items"] if a["name"] == "Acme SLA")
    assert acme["customer_id"] == world["acme"]
    assert acme["status"] == "active"
    detail = api.get(f"/api/v1/agreements/{world['acme_sla']}").json
    by_id = {o["id"]: o for o in detail["objectives"]}
    assert by_id[world["availability"]]["inherited"] is True
    assert by_id[world["response"]]["measured"] is True
    assert by_id[world["csat"]]["measured"] is False
    assert api.get("/api/v1/agreements/999999").status_code == 404
    assert api.get(f"/api/v1/agreements/{2**40}").status_code == 404


def test_keys_are_organisation_wide(api: Caller, world: Ids) -> None:
    """A key is not a manager: it sees every customer's agreements (documented)."""
    listing = api.get("/api/v1/agreements").json
    customers = {a["customer_id"] for a in listing["items"]}
    assert {world["acme"], world["globex"]} <= customers


def test_perception_series_and_verdict(api: Caller, world: Ids) -> None:
    response = api.get(f"/api/v1/agreements/{world['acme_sla']}/perception?months=3")
    assert response.status_code == 200
    data = response.json
    assert data["period"] == "month"
    assert len(data["series"]) == 3
    last = data["series"][-1]
    assert last["start"] == LAST.isoformat()
    assert last["n"] == 5
    assert last["sentiment"]["n"] == 5
    assert last["sentiment"]["value"] is not None
    assert last["sentiment"]["low"] <= last["sentiment"]["value"]
    assert data["series"][0]["n"] == 0
    assert data["series"][0]["sentiment"]["value"] is None
    verdict = data["verdict"]
    assert verdict["perception"]["n"] == 5
    assert verdict["compliance_met"] == 1
    assert verdict["compliance_measured"] == 2
    assert verdict["alignment"]
    assert verdict["why"]
    weekly = api.get(
        f"/api/v1/agreements/{world['acme_sla']}/perception?period=week&months=3"
    ).json
    assert weekly["period"] == "week"
    assert len(weekly["series"]) >= 12
    assert sum(p["n"] for p in weekly["series"]) == 5


@pytest.mark.parametrize("query", ["period=day", "months=0", "months=37", "months=x"])
def test_perception_bad_arguments(api: Caller, world: Ids, query: str) -> None:
    path = f"/api/v1/agreements/{world['acme_sla']}/perception"
    assert api.get(f"{path}?{query}").status_code == 422
    assert api.get(path).status_code == 200


def test_compliance_per_month_and_clause(api: Caller, world: Ids) -> None:
    response = api.get(f"/api/v1/agreements/{world['acme_sla']}/compliance?months=2")
    assert response.status_code == 200
    data = response.json
    assert data["periods"] == [f"{BEFORE:%Y-%m}", f"{LAST:%Y-%m}"]
    rows = {r["objective_id"]: r for r in data["objectives"]}
    cells = rows[world["response"]]["cells"]
    assert [(c["value"], c["met"], c["target"]) for c in cells] == [
        (6.0, False, 4.0),
        (3.0, True, 4.0),
    ]
    assert [m["status"] for m in data["months"]] == ["breached", "met"]
    assert api.get("/api/v1/agreements/0/compliance").status_code == 404
