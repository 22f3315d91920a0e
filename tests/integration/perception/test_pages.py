"""The portfolio page, the Perception card, plotly.js and who may see what."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from flask import Flask

from engage.extensions import db
from engage.models import Agreement, Role
from engage.perception.vendor import plotly_version
from engage.sla.versions import publish
from tests.factories import signed_in
from tests.integration.perception.conftest import Ids

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"


def _figure(html: str, chart_id: str) -> dict[str, object]:
    match = re.search(
        rf'<script type="application/json" id="{chart_id}-data">(.*?)</script>',
        html,
        re.DOTALL,
    )
    assert match, f"no data block for {chart_id}"
    figure: dict[str, object] = json.loads(match.group(1))
    return figure


def test_portfolio_page_plots_and_lists_every_sla(app: Flask, tree: Ids) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    response = client.get("/staff/portfolio?months=12")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    figure = _figure(html, "portfolio-chart")
    names = {trace["name"] for trace in figure["data"]}  # type: ignore[attr-defined]
    assert "Watermelon (met, unhappy)" in names
    assert "Reverse (breached, content)" in names
    assert f"/static/vendor/plotly.min.js?v={plotly_version()}" in html
    # The table says the same without JavaScript.
    row = html[html.index(">Acme / Hosting<") :]
    assert "badge-align-watermelon" in row[: row.index("</tr>")]
    assert 'aria-current="page">Portfolio' in html
    # Pages without a chart never load plotly.js.
    assert "plotly" not in client.get("/staff/agreements").get_data(as_text=True)


def test_portfolio_rejects_unknown_filters(app: Flask, tree: Ids) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    assert client.get("/staff/portfolio?months=7").status_code == 400
    assert client.get("/staff/portfolio?level=galaxy").status_code == 400
    assert client.get("/staff/portfolio?customer=999999").status_code == 400
    assert client.get("/staff/portfolio?level=service&months=3").status_code == 200


def test_manager_sees_only_their_slas(app: Flask, tree: Ids) -> None:
    client, _ = signed_in(app, Role.MANAGER, customer_ids=[tree["acme"]])
    html = client.get("/staff/portfolio?months=36").get_data(as_text=True)
    assert "Acme / Hosting" in html
    assert "Globex" not in html
    assert client.get(f"/staff/agreements/{tree['globex_hosting']}").status_code == 404
    # Positive control: their own SLA page shows its Perception card.
    own = client.get(f"/staff/agreements/{tree['hosting']}")
    assert own.status_code == 200
    assert "Perception" in own.get_data(as_text=True)


def test_manager_corporate_figure_counts_only_their_customers(
    app: Flask, tree: Ids
) -> None:
    client, _ = signed_in(app, Role.MANAGER, customer_ids=[tree["acme"]])
    html = client.get(f"/staff/agreements/{tree['corporate']}").get_data(as_text=True)
    # Acme's 21 comments, not Globex's 12.
    assert "n = 21" in html


def test_sla_card_explains_the_watermelon(app: Flask, tree: Ids) -> None:
    client, _ = signed_in(app, Role.VIEWER)
    html = client.get(f"/staff/agreements/{tree['hosting']}").get_data(as_text=True)
    assert "Watermelon: metrics met, customer unhappy" in html
    assert "Targets met in 6 of 6 measured months" in html
    assert "mean sentiment -0.50 (n = 18" in html
    figure = _figure(html, "perception-chart")
    traces = {t["name"]: t for t in figure["data"] if "name" in t}  # type: ignore[attr-defined]
    # Three comments a month: every month is "too few responses", none drawn as sure.
    assert all(v is None for v in traces["Mean sentiment"]["y"])
    assert traces["Too few responses (n < 5)"]["y"][-1] == -0.5
    assert traces["Clauses met (%)"]["y"][-6:] == [100.0] * 6
    assert "too few responses" in html


def test_sla_card_marks_published_versions(app: Flask, tree: Ids) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    with app.app_context():
        hosting = db.session.get(Agreement, tree["hosting"])
        assert hosting is not None
        hosting.start_review()
        publish(hosting, on=date(2026, 4, 1), note="Renegotiated", by=None)
        db.session.commit()
    html = client.get(f"/staff/agreements/{tree['hosting']}").get_data(as_text=True)
    layout = _figure(html, "perception-chart")["layout"]
    assert [s["x0"] for s in layout["shapes"]] == ["2026-04-01"]  # type: ignore[index]
    assert [a["text"] for a in layout["annotations"]] == ["v2"]  # type: ignore[index]


def test_plotly_is_served_from_the_package(app: Flask) -> None:
    test_client = app.test_client()
    response = test_client.get(f"/static/vendor/plotly.min.js?v={plotly_version()}")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.cache_control.max_age == 365 * 24 * 3600
    assert response.get_data()[:40].lstrip().startswith(b"/**")
    response.close()  # send_file streams the file; close it like a server would
    css = test_client.get("/static/vendor/plotly.css")
    assert css.mimetype == "text/css"
    assert ".js-plotly-plot .plotly .modebar" in css.get_data(as_text=True)


def test_no_template_loads_anything_from_a_cdn() -> None:
    remote = re.compile(r"""(src|href)=["']?(https?:)?//""", re.IGNORECASE)
    offenders = [
        str(path)
        for path in TEMPLATES.rglob("*.html")
        if remote.search(path.read_text(encoding="utf-8"))
        or "cdn." in path.read_text(encoding="utf-8").lower()
    ]
    assert offenders == []
