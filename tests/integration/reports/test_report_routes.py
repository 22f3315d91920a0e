"""Report downloads: who may export what, file names and headers, and the Export card."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engage.models import Role
from engage.reports import pdf
from tests.factories import signed_in
from tests.integration.perception.conftest import Ids, tree  # noqa: F401


def get(client: FlaskClient, url: str) -> tuple[int, dict[str, str], bytes]:
    response = client.get(url)
    return response.status_code, dict(response.headers), response.data


def test_manager_downloads_own_sla_html_as_a_safe_attachment(
    app: Flask,
    tree: Ids,  # noqa: F811
) -> None:
    client, _ = signed_in(app, Role.MANAGER, customer_ids=[tree["acme"]])
    status, headers, body = get(
        client, f"/staff/reports/agreement/{tree['hosting']}.html?months=6&quotes=0"
    )
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert headers["Cache-Control"] == "no-store"
    assert headers["X-Content-Type-Options"] == "nosniff"
    disposition = headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"engage-report-sla-{tree['hosting']}-" in disposition
    assert "Acme" not in disposition  # names from ids, never raw names
    csp = headers["Content-Security-Policy"]
    assert "sandbox allow-scripts" in csp
    assert "default-src 'none'" in csp
    text = body.decode("utf-8")
    assert "Insight report: Acme / Hosting" in text
    assert "Free-text quotes and examples are left out" in text


def test_other_managers_sla_and_customer_are_404_with_positive_control(
    app: Flask,
    tree: Ids,  # noqa: F811
) -> None:
    client, _ = signed_in(app, Role.MANAGER, customer_ids=[tree["acme"]])
    assert (
        get(client, f"/staff/reports/agreement/{tree['globex_hosting']}.html")[0] == 404
    )
    assert get(client, f"/staff/reports/customer/{tree['globex']}.html")[0] == 404
    assert get(client, "/staff/reports/agreement/999999.html")[0] == 404
    # Positive controls: their own customer and SLA.
    assert get(client, f"/staff/reports/customer/{tree['acme']}.html")[0] == 200
    assert get(client, f"/staff/reports/agreement/{tree['hosting']}.html")[0] == 200
    # The portfolio holds only what they may see.
    status, _, body = get(client, "/staff/reports/portfolio.html?months=6")
    assert status == 200
    assert b"Acme / Hosting" in body
    assert b"Globex / Hosting" not in body


def test_viewer_may_not_export_but_admin_may(app: Flask, tree: Ids) -> None:  # noqa: F811
    viewer, _ = signed_in(app, Role.VIEWER)
    for url in (
        f"/staff/reports/agreement/{tree['hosting']}.html",
        f"/staff/reports/customer/{tree['acme']}.pdf",
        "/staff/reports/portfolio.html",
    ):
        assert get(viewer, url)[0] == 403
    admin, _ = signed_in(app, Role.ADMIN)
    status, headers, body = get(admin, "/staff/reports/portfolio.html?months=6")
    assert status == 200
    assert "engage-report-portfolio-" in headers["Content-Disposition"]
    assert b"Globex / Hosting" in body


def test_anonymous_is_sent_to_login(app: Flask, tree: Ids) -> None:  # noqa: F811
    response = app.test_client().get("/staff/reports/portfolio.html")
    assert response.status_code in {302, 303, 401}
    assert b"Insight report" not in response.data


@pytest.mark.parametrize(
    "query",
    ["months=5", "months=abc", "months=-3", "quotes=2", "quotes=yes", "months=12%00"],
)
def test_bad_arguments_are_400(app: Flask, tree: Ids, query: str) -> None:  # noqa: F811
    admin, _ = signed_in(app, Role.ADMIN)
    assert (
        get(admin, f"/staff/reports/agreement/{tree['hosting']}.html?{query}")[0] == 400
    )
    assert (
        get(admin, f"/staff/reports/agreement/{tree['hosting']}.html?months=3")[0]
        == 200
    )


def test_unknown_format_is_404(app: Flask, tree: Ids) -> None:  # noqa: F811
    admin, _ = signed_in(app, Role.ADMIN)
    assert get(admin, f"/staff/reports/agreement/{tree['hosting']}.exe")[0] == 404
    assert get(admin, f"/staff/reports/agreement/{tree['hosting']}.html")[0] == 200


@pytest.mark.skipif(not pdf.pdf_available(), reason="needs Chromium")
def test_pdf_download(app: Flask, tree: Ids) -> None:  # noqa: F811
    admin, _ = signed_in(app, Role.ADMIN)
    status, headers, body = get(
        admin, f"/staff/reports/customer/{tree['acme']}.pdf?months=6"
    )
    assert status == 200
    assert headers["Content-Type"] == "application/pdf"
    assert f"engage-report-customer-{tree['acme']}-" in headers["Content-Disposition"]
    assert headers["Cache-Control"] == "no-store"
    assert body.startswith(b"%PDF-")


def test_without_chromium_pdf_is_503_and_the_card_explains(
    app: Flask,
    tree: Ids,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    admin, _ = signed_in(app, Role.ADMIN)
    page = admin.get(f"/staff/agreements/{tree['hosting']}").get_data(as_text=True)
    if pdf.pdf_available():  # positive control where Chromium is installed
        assert f"/staff/reports/agreement/{tree['hosting']}.pdf" in page
    monkeypatch.setenv("ENGAGE_CHROMIUM", "/nonexistent/chromium")
    response = admin.get(f"/staff/reports/agreement/{tree['hosting']}.pdf")
    assert response.status_code == 503
    assert b"apt-get install chromium" in response.data
    page = admin.get(f"/staff/agreements/{tree['hosting']}").get_data(as_text=True)
    assert "apt-get install chromium" in page
    assert f"/staff/reports/agreement/{tree['hosting']}.pdf" not in page
    # The HTML still works.
    assert f"/staff/reports/agreement/{tree['hosting']}.html" in page
    assert (
        admin.get(f"/staff/reports/agreement/{tree['hosting']}.html").status_code == 200
    )


def test_export_card_on_the_three_pages_for_staff_not_viewers(
    app: Flask,
    tree: Ids,  # noqa: F811
) -> None:
    manager, _ = signed_in(app, Role.MANAGER, customer_ids=[tree["acme"]])
    pages = {
        f"/staff/agreements/{tree['hosting']}": f"/staff/reports/agreement/{tree['hosting']}.html",
        f"/staff/customers/{tree['acme']}": f"/staff/reports/customer/{tree['acme']}.html",
        "/staff/portfolio": "/staff/reports/portfolio.html",
    }
    for page, link in pages.items():
        html = manager.get(page).get_data(as_text=True)
        assert "Export a report" in html, page
        assert link in html, page
    viewer, _ = signed_in(app, Role.VIEWER)
    for page in pages:
        response = viewer.get(page)
        assert response.status_code == 200
        assert "Export a report" not in response.get_data(as_text=True)
