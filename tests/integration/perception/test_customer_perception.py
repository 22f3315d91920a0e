"""The customer page rolls perception up over the customer's SLAs, each comment once."""

from __future__ import annotations

from flask import Flask

from engage.extensions import db
from engage.models import Customer, Role
from engage.perception.customer import customer_perception
from tests.factories import make_customer, make_user, signed_in
from tests.integration.perception.conftest import Ids
from tests.integration.perception.test_evidence import story  # noqa: F401


def test_customer_rollup_counts_each_sla_once(app: Flask, story: Ids) -> None:  # noqa: F811
    with app.app_context():
        acme = db.session.get_one(Customer, story["acme"])
        found = customer_perception(acme, None, months=6)
        assert found is not None
        # Acme SLA, Acme / Hosting and Acme / Desk: the customer SLA is the root.
        names = [(line.agreement.name, line.root) for line in found.slas]
        assert ("Acme SLA", True) in names
        assert ("Acme / Hosting", False) in names
        assert found.agreements == 3
        # 30 on hosting + 2 on the desk + 1 on the customer SLA, each once.
        assert found.verdict.perception.n == 33
        assert found.texts == 33
        phrases = {t.phrase: t for t in found.themes}
        assert phrases["outage lasted"].n == 6
        assert [t.phrase for t in found.unmet if t.phrase == "billing errors"]
        # Months measured on each SLA's own clauses: hosting 6 + desk 6.
        assert found.verdict.compliance.measured == 12
        hosting = next(x for x in found.slas if x.agreement.name == "Acme / Hosting")
        assert hosting.verdict.alignment.value == "watermelon"


def test_customer_page_shows_the_rollup_and_links_each_sla(
    app: Flask,
    story: Ids,  # noqa: F811
) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    html = client.get(f"/staff/customers/{story['acme']}").get_data(as_text=True)
    assert "Perception across Acme" in html
    assert f'href="/staff/agreements/{story["hosting"]}"' in html
    assert "“outage lasted”" in html
    assert 'id="perception-chart-data"' in html


def test_customer_without_slas_has_no_card_and_manager_sees_own_only(
    app: Flask,
    story: Ids,  # noqa: F811
) -> None:
    with app.app_context():
        empty = make_customer("Initech")
        globex = db.session.get_one(Customer, story["globex"])
        manager = make_user(Role.MANAGER, customers=[globex])
        assert customer_perception(empty, None) is None
        acme = db.session.get_one(Customer, story["acme"])
        assert customer_perception(acme, manager) is None  # nothing of Acme visible
        assert customer_perception(globex, manager) is not None
        empty_id = empty.id
        db.session.commit()
    client, _ = signed_in(app, Role.ADMIN)
    response = client.get(f"/staff/customers/{empty_id}")
    assert response.status_code == 200
    assert "Perception across" not in response.get_data(as_text=True)
