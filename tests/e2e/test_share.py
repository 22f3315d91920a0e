"""A manager shares a watermelon SLA's report; a customer opens it with no account.

The report is served under its own CSP (script hashes, ``sandbox allow-scripts``), so
the charts must draw without one console error, on a desktop and on a 375 px phone;
after the manager revokes the link, the same URL shows the neutral page.
"""

from __future__ import annotations

from flask import Flask
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from engage.demo import DemoResult
from engage.extensions import db
from engage.models import Agreement, ShareView
from tests.e2e.conftest import PageProblems, screenshot, sign_in_with_keyboard

SLA = "Acme Finance / Cloud hosting"


def _charts_drawn(page: Page) -> None:
    chart = page.locator(".chart").first
    chart.scroll_into_view_if_needed()
    expect(chart.locator("svg.main-svg").first).to_be_attached()


def test_manager_shares_report_customer_opens_it_then_it_is_revoked(
    app: Flask, browser: Browser, page: Page, live_server: str, demo: DemoResult
) -> None:
    with app.app_context():
        sla_id = db.session.scalars(
            select(Agreement.id).where(Agreement.name == SLA)
        ).one()
    app.config["BASE_URL"] = live_server

    staff_problems = PageProblems(page)
    sign_in_with_keyboard(page, live_server, demo.users["manager"], demo.password)
    page.goto(f"{live_server}/staff/agreements/{sla_id}")
    card = page.locator(
        "section", has=page.get_by_role("heading", name="Share with the customer")
    )
    card.get_by_role("link", name="Share links").click()
    expect(page.get_by_role("heading", name="Share links")).to_be_visible()
    page.get_by_label("Who it is for").fill("QBR pack for Dana")
    expect(page.get_by_label("Valid for (days)")).to_have_value("30")
    page.get_by_role("button", name="Create link").click()
    expect(page.get_by_role("heading", name="Copy the link now")).to_be_visible()
    url = page.get_by_label("Link to the report").input_value()
    assert url.startswith(f"{live_server}/r/")
    screenshot(page, "share-link-created")

    # The customer: a fresh browser with no session at all.
    customer = browser.new_context(viewport={"width": 1280, "height": 900})
    reader = customer.new_page()
    problems = PageProblems(reader)
    response = reader.goto(url)
    assert response is not None
    assert response.status == 200
    assert "sandbox allow-scripts" in response.headers["content-security-policy"]
    expect(reader.get_by_role("heading", name=f"Insight report: {SLA}")).to_be_visible()
    _charts_drawn(reader)
    screenshot(reader, "share-report-desktop")
    assert problems.errors == [], "\n".join(problems.errors)

    phone_context = browser.new_context(
        viewport={"width": 375, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    phone = phone_context.new_page()
    phone_problems = PageProblems(phone)
    phone.goto(url)
    expect(phone.get_by_role("heading", name=f"Insight report: {SLA}")).to_be_visible()
    _charts_drawn(phone)
    screenshot(phone, "share-report-phone")
    wide = phone.evaluate(
        """[...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > 376)
        .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' +
            Math.round(e.getBoundingClientRect().right))"""
    )
    # Checked last, so a layout fault does not hide the revocation checks below.
    phone_width = phone.evaluate("document.documentElement.scrollWidth")
    assert phone_problems.errors == [], "\n".join(phone_problems.errors)

    # The manager sees the views, then revokes.
    page.goto(f"{live_server}/staff/agreements/{sla_id}/share")
    page.get_by_role("link", name="QBR pack for Dana").click()
    expect(page.locator("table")).to_contain_text("Shown")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoke").click()
    expect(
        page.get_by_text("Revoked: the link no longer opens the report.")
    ).to_be_visible()
    screenshot(page, "share-link-revoked")
    assert staff_problems.errors == [], "\n".join(staff_problems.errors)

    gone = reader.goto(url)
    assert gone is not None
    assert gone.status == 404
    expect(
        reader.get_by_role("heading", name="This report is not available")
    ).to_be_visible()
    screenshot(reader, "share-report-revoked")
    customer.close()
    phone_context.close()

    with app.app_context():
        outcomes = sorted(v.outcome for v in db.session.scalars(select(ShareView)))
    assert outcomes == ["revoked", "shown", "shown"]
    assert phone_width <= 375, f"the report is wider than a phone: {wide}"
