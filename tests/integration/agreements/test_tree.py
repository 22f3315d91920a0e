"""The SLA tree page: nesting, scoping and filters."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engage.extensions import db
from engage.models import Level, Role
from tests.factories import login, make_agreement, make_customer, make_user


@pytest.fixture
def portfolio(app: Flask) -> dict[str, int]:
    """Corporate -> Acme -> Acme hosting, a Globex SLA and a parentless Initech SLA."""
    with app.app_context():
        acme = make_customer("Acme")
        globex = make_customer("Globex")
        initech = make_customer("Initech")
        corporate = make_agreement(
            Level.CORPORATE, "Corporate standard", published_on=date(2025, 1, 1)
        )
        acme_sla = make_agreement(
            Level.CUSTOMER,
            "Acme SLA",
            parent=corporate,
            customer=acme,
            published_on=date(2025, 1, 1),
        )
        hosting = make_agreement(Level.SERVICE, "Acme hosting", parent=acme_sla)
        globex_sla = make_agreement(
            Level.CUSTOMER, "Globex SLA", parent=corporate, customer=globex
        )
        initech_sla = make_agreement(Level.CUSTOMER, "Initech SLA", customer=initech)
        make_user(Role.ADMIN, email="admin@example.test")
        make_user(Role.MANAGER, email="manager@example.test", customers=[acme])
        make_user(Role.VIEWER, email="viewer@example.test")
        db.session.commit()
        return {
            "acme": acme.id,
            "globex": globex.id,
            "corporate": corporate.id,
            "acme_sla": acme_sla.id,
            "hosting": hosting.id,
            "globex_sla": globex_sla.id,
            "initech_sla": initech_sla.id,
        }


def names_in_order(html: str) -> list[str]:
    return re.findall(r'class="node-name" href="[^"]+">([^<]+)</a>', html)


def test_tree_nests_corporate_customer_service(
    client: FlaskClient, portfolio: dict[str, int]
) -> None:
    login(client, "admin@example.test")
    response = client.get("/staff/agreements")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert names_in_order(html) == [
        "Corporate standard",
        "Acme SLA",
        "Acme hosting",
        "Globex SLA",
        "Initech SLA",
    ]
    # Acme hosting sits in a list inside Acme SLA's item, which is inside Corporate's.
    corporate_item = html[html.index("Corporate standard") : html.index("Initech SLA")]
    assert corporate_item.count("<ul>") == 2
    # The parentless customer SLA is a root of its own: back at the top level.
    assert html.count('<ul class="tree">') == 1
    assert "v1" in html
    assert "unpublished" in html
    assert 'class="badge badge-level-service"' in html
    assert "New SLA" in html


def test_manager_sees_corporate_and_own_customers_only(
    client: FlaskClient, portfolio: dict[str, int]
) -> None:
    login(client, "manager@example.test")
    html = client.get("/staff/agreements").get_data(as_text=True)
    assert names_in_order(html) == ["Corporate standard", "Acme SLA", "Acme hosting"]
    assert "Globex" not in html
    assert "Initech" not in html
    # Positive control: their own SLA opens, another customer's answers 404.
    assert client.get(f"/staff/agreements/{portfolio['hosting']}").status_code == 200
    assert client.get(f"/staff/agreements/{portfolio['corporate']}").status_code == 200
    assert client.get(f"/staff/agreements/{portfolio['globex_sla']}").status_code == 404
    assert (
        client.get(f"/staff/agreements/{portfolio['initech_sla']}").status_code == 404
    )


def test_viewer_has_no_new_button(
    client: FlaskClient, portfolio: dict[str, int]
) -> None:
    login(client, "viewer@example.test")
    html = client.get("/staff/agreements").get_data(as_text=True)
    assert len(names_in_order(html)) == 5
    assert "New SLA" not in html


def test_filter_by_status_keeps_ancestors_as_context(
    client: FlaskClient, portfolio: dict[str, int]
) -> None:
    login(client, "admin@example.test")
    html = client.get("/staff/agreements?status=draft").get_data(as_text=True)
    assert names_in_order(html) == [
        "Corporate standard",
        "Acme SLA",
        "Acme hosting",
        "Globex SLA",
        "Initech SLA",
    ]
    # The active corporate and Acme SLAs are only context for the drafts below them.
    assert html.count('class="node context"') == 2
    active = client.get("/staff/agreements?status=active").get_data(as_text=True)
    assert names_in_order(active) == ["Corporate standard", "Acme SLA"]
    assert 'class="node context"' not in active


def test_filter_by_customer(client: FlaskClient, portfolio: dict[str, int]) -> None:
    login(client, "admin@example.test")
    html = client.get(f"/staff/agreements?customer={portfolio['globex']}").get_data(
        as_text=True
    )
    assert names_in_order(html) == ["Corporate standard", "Globex SLA"]
    empty = client.get("/staff/agreements?customer=&status=").get_data(as_text=True)
    assert len(names_in_order(empty)) == 5


@pytest.mark.parametrize(
    "query",
    [
        "status=bogus",
        "status=ACTIVE",
        "customer=abc",
        "customer=-1",
        "customer=1.5",
        "customer=99999",
        "customer=1%20OR%201=1",
    ],
)
def test_bad_filter_values_are_400(
    client: FlaskClient, portfolio: dict[str, int], query: str
) -> None:
    login(client, "admin@example.test")
    assert client.get(f"/staff/agreements?{query}").status_code == 400


def test_manager_cannot_filter_by_another_customer(
    client: FlaskClient, portfolio: dict[str, int]
) -> None:
    login(client, "manager@example.test")
    assert (
        client.get(f"/staff/agreements?customer={portfolio['globex']}").status_code
        == 400
    )
    assert (
        client.get(f"/staff/agreements?customer={portfolio['acme']}").status_code == 200
    )


def test_tree_requires_login(client: FlaskClient) -> None:
    response = client.get("/staff/agreements")
    assert response.status_code == 302
    assert "/staff/login" in response.headers["Location"]
