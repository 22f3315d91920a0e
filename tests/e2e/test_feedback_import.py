"""A manager imports a file of ticket comments in Chromium, on a laptop and a phone."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from engage.extensions import db
from engage.models import Level, Role, utcnow
from tests.e2e.conftest import PageProblems, screenshot
from tests.factories import PASSWORD, make_agreement, make_customer, make_user

DAY = f"{utcnow().date() - timedelta(days=3)}"
FILE = (
    "customer,agreement,date,text,score\n"
    f"Acme Manufacturing,Acme managed services,{DAY},"
    '"The outage took two days, and nobody called us back.",1\n'
    f"Acme Manufacturing,Acme managed services,{DAY}T09:30:00Z,Fixed quickly!,5\n"
    f"Globex,Globex SLA,{DAY},Not one of the manager's customers,\n"
    f"Acme Manufacturing,Acme managed services,31/12/2025,A date the wrong way round,\n"
    f"Acme Manufacturing,Acme managed services,{DAY},,9\n"
    f'Acme Manufacturing,Acme managed services,{DAY},"{"A very long comment " * 300}",\n'
).encode()


@pytest.fixture
def manager_email(app: Flask) -> str:
    with app.app_context():
        acme = make_customer("Acme Manufacturing")
        make_customer("Acme Finance", parent=acme)
        make_agreement(
            Level.CUSTOMER,
            "Acme managed services",
            customer=acme,
            published_on=date(2024, 1, 1),
        )
        make_agreement(Level.CUSTOMER, "Globex SLA", customer=make_customer("Globex"))
        user = make_user(Role.MANAGER, email="pat@example.test", customers=[acme])
        db.session.commit()
        return user.email


def _sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/staff/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()


def _fits(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_import_with_a_per_line_report(
    request: pytest.FixtureRequest, live_server: str, manager_email: str, device: str
) -> None:
    page: Page = request.getfixturevalue("page" if device == "desktop" else "phone")
    width = 1280 if device == "desktop" else 375
    problems = PageProblems(page)
    _sign_in(page, live_server, manager_email)
    page.get_by_role("link", name="Import feedback").click()
    expect(page.get_by_role("heading", name="Import feedback")).to_be_visible()
    _fits(page, width)
    screenshot(page, f"feedback-import-{device}")

    page.get_by_label("CSV file", exact=True).set_input_files(
        {"name": "tickets.csv", "mimeType": "text/csv", "buffer": FILE}
    )
    page.get_by_role("button", name="Import feedback").click()
    report = page.locator(".import-report")
    expect(report.get_by_role("heading", name="Imported tickets.csv")).to_be_visible()
    counts = report.get_by_role("status")
    expect(counts).to_contain_text("Imported2")
    expect(counts).to_contain_text("with a CSAT score2")
    expect(counts).to_contain_text("With problems, not imported4")
    rows = report.locator("table.import-errors tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(0)).to_contain_text("unknown customer 'Globex'")
    expect(rows.nth(1)).to_contain_text("is not a date")
    expect(rows.nth(2)).to_contain_text("the text is empty")
    expect(rows.nth(3)).to_contain_text("more than 5,000")
    _fits(page, width)
    screenshot(page, f"feedback-import-report-{device}")
    assert problems.errors == []
