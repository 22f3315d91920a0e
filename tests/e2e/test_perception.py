"""The portfolio and a watermelon SLA page draw their Plotly charts in Chromium."""

from __future__ import annotations

import re

from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from engage.demo import DemoResult
from engage.extensions import db
from engage.models import Agreement
from tests.e2e.conftest import PageProblems, screenshot, sign_in_with_keyboard


def _charts_drawn(page: Page, chart_id: str) -> None:
    chart = page.locator(f"#{chart_id}")
    # plotly.js is fetched once the chart has been in view for a moment.
    chart.scroll_into_view_if_needed()
    expect(chart).to_have_class("chart js-plotly-plot")
    expect(chart.locator("svg.main-svg").first).to_be_attached()


def test_portfolio_and_watermelon_page_draw_charts(
    page: Page, phone: Page, live_server: str, demo: DemoResult
) -> None:
    problems = PageProblems(page)
    sign_in_with_keyboard(page, live_server, demo.users["admin"], demo.password)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Portfolio").click()
    expect(page.get_by_role("heading", name="Portfolio", exact=True)).to_be_visible()
    _charts_drawn(page, "portfolio-chart")
    # The demo's watermelons stand out in the table and in the legend.
    table = page.locator("table.portfolio-table")
    for name in (
        "Acme Finance / Cloud hosting",
        "Northwind Health / Backup and recovery",
    ):
        row = table.locator("tr", has=page.get_by_role("link", name=name, exact=True))
        expect(row.locator(".badge-align-watermelon")).to_be_visible()
    reverse = table.locator(
        "tr",
        has=page.get_by_role("link", name="Northwind Health / Cloud hosting"),
    )
    expect(reverse.locator(".badge-align-reverse")).to_be_visible()
    expect(page.locator("#portfolio-chart .legend")).to_contain_text("Watermelon")
    screenshot(page, "perception-portfolio-desktop")

    table.get_by_role("link", name="Acme Finance / Cloud hosting", exact=True).click()
    expect(page.get_by_role("heading", name="Perception")).to_be_visible()
    _charts_drawn(page, "perception-chart")
    expect(page.locator(".perception .verdict")).to_contain_text("Watermelon")
    page.get_by_text("The figures as a table").click()
    expect(page.locator("table.series-table tbody tr").first).to_be_visible()
    screenshot(page, "perception-sla-desktop")
    assert problems.errors == [], "\n".join(problems.errors)

    phone_problems = PageProblems(phone)
    sign_in_with_keyboard(phone, live_server, demo.users["manager"], demo.password)
    phone.goto(f"{live_server}/staff/portfolio?months=6")
    _charts_drawn(phone, "portfolio-chart")
    screenshot(phone, "perception-portfolio-phone")
    phone.locator("table.portfolio-table a").first.click()
    _charts_drawn(phone, "perception-chart")
    screenshot(phone, "perception-sla-phone")
    card = phone.locator("section.perception")
    card.screenshot(path=str(screenshot(phone, "perception-card-phone")))
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    assert phone_problems.errors == []


def test_watermelon_sla_page_tells_why_and_customer_page_rolls_up(
    app: Flask, page: Page, phone: Page, live_server: str, demo: DemoResult
) -> None:
    with app.app_context():
        hosting = db.session.scalars(
            select(Agreement).where(Agreement.name == "Acme Finance / Cloud hosting")
        ).one()
        assert hosting.customer is not None
        hosting_id, account_id = hosting.id, hosting.customer.parent_id
    problems = PageProblems(page)
    sign_in_with_keyboard(page, live_server, demo.users["admin"], demo.password)
    page.goto(f"{live_server}/staff/agreements/{hosting_id}")
    card = page.locator("section.perception")
    # Which clause: the monthly report is met every month, yet customers are unhappy.
    clauses = card.locator("table.clause-feelings")
    reporting = clauses.locator("tr", has_text="Reporting")
    expect(reporting.locator(".badge-align-watermelon")).to_be_visible()
    # Which themes, and an unmet need no clause covers.
    themes = card.locator("table.themes-table")
    expect(themes).to_contain_text("month-end close")
    expect(themes.locator(".badge-unmet").first).to_be_visible()
    # Which quotes, each linked to the comment in full.
    negative = card.locator(".quote-negative li").first
    expect(negative.locator("blockquote")).not_to_be_empty()
    negative.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/staff/feedback/\d+$"))
    page.go_back()
    expect(card.get_by_role("heading", name="Listening sessions")).to_be_visible()
    expect(card.get_by_role("heading", name="Open action items")).to_be_visible()
    _charts_drawn(page, "perception-chart")
    screenshot(page, "perception-sla-why-desktop")

    # The account page rolls its departments' SLAs up, with links down to each.
    page.goto(f"{live_server}/staff/customers/{account_id}")
    rollup = page.locator("section.perception")
    expect(rollup.get_by_role("heading", level=2)).to_contain_text("Perception across")
    _charts_drawn(page, "perception-chart")
    expect(
        rollup.get_by_role("link", name="Acme Finance / Cloud hosting", exact=True)
    ).to_be_visible()
    screenshot(page, "perception-customer-desktop")
    assert problems.errors == [], "\n".join(problems.errors)

    phone_problems = PageProblems(phone)
    sign_in_with_keyboard(phone, live_server, demo.users["admin"], demo.password)
    phone.goto(f"{live_server}/staff/agreements/{hosting_id}")
    expect(phone.locator("table.clause-feelings")).to_be_visible()
    screenshot(phone, "perception-sla-why-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.goto(f"{live_server}/staff/customers/{account_id}")
    _charts_drawn(phone, "perception-chart")
    screenshot(phone, "perception-customer-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert phone_problems.errors == []
