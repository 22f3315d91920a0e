"""The portfolio and a watermelon SLA page draw their Plotly charts in Chromium."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from engage.demo import DemoResult
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
