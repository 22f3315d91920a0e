"""A service manager signs in and walks the SLA tree in a real Chromium."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from engage.demo import DemoResult
from tests.e2e.conftest import PageProblems, screenshot, sign_in_with_keyboard


def test_sign_in_and_walk_the_sla_tree(
    page: Page, live_server: str, demo: DemoResult
) -> None:
    problems = PageProblems(page)
    page.goto(f"{live_server}/staff/login")
    screenshot(page, "login-desktop")
    sign_in_with_keyboard(page, live_server, demo.users["admin"], demo.password)
    screenshot(page, "overview-desktop")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="SLAs").click()
    tree = page.locator("ul.tree").first
    expect(tree.get_by_role("link", name="Corporate service standard")).to_be_visible()
    # corporate -> customer -> service, nested in that order
    customer = tree.locator(
        "li", has=page.get_by_role("link", name="Acme Finance SLA")
    ).first
    expect(
        customer.get_by_role("link", name="Acme Finance / Service desk")
    ).to_be_visible()
    screenshot(page, "sla-tree-desktop")

    tree.get_by_role("link", name="Acme Finance SLA", exact=True).click()
    expect(page.get_by_role("heading", name="Acme Finance SLA")).to_be_visible()
    page.get_by_role("link", name="Acme Finance / Service desk").first.click()
    expect(
        page.get_by_role("heading", name="Acme Finance / Service desk")
    ).to_be_visible()
    # Clauses inherited from the corporate standard are shown and marked as such.
    expect(page.get_by_text("Service desk first response").first).to_be_visible()
    expect(page.get_by_text("inherited", exact=False).first).to_be_visible()
    # The renegotiation is in the version history.
    expect(
        page.get_by_text("Renegotiated after the annual review", exact=False)
    ).to_be_visible()
    screenshot(page, "sla-detail-desktop")
    assert problems.errors == []


def test_phone_navigation_and_tree(
    phone: Page, live_server: str, demo: DemoResult
) -> None:
    problems = PageProblems(phone)
    phone.goto(f"{live_server}/staff/login")
    screenshot(phone, "login-phone")
    sign_in_with_keyboard(phone, live_server, demo.users["manager"], demo.password)
    # On a phone the navigation folds behind a menu button.
    links = phone.locator("#nav-links")
    expect(links).to_be_hidden()
    phone.get_by_role("button", name="Menu").click()
    expect(links).to_be_visible()
    links.get_by_role("link", name="SLAs").click()
    # The demo manager looks after Acme only: other customers' SLAs are not listed.
    expect(phone.get_by_role("link", name="Acme Finance SLA")).to_be_visible()
    expect(phone.get_by_role("link", name="Northwind Health SLA")).to_have_count(0)
    screenshot(phone, "sla-tree-phone")
    phone.get_by_role("link", name="Acme Operations / Managed network").click()
    expect(
        phone.get_by_role("heading", name="Acme Operations / Managed network")
    ).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways on a phone ({width}px)"
    screenshot(phone, "sla-detail-phone")
    assert problems.errors == []


def test_renegotiate_with_an_override(
    page: Page, phone: Page, live_server: str, demo: DemoResult
) -> None:
    """An admin renegotiates a service SLA, overriding an inherited corporate clause."""
    problems = PageProblems(page)
    sign_in_with_keyboard(page, live_server, demo.users["admin"], demo.password)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="SLAs").click()
    page.get_by_role("link", name="Globex Logistics / Service desk").click()
    page.get_by_role("button", name="Start renegotiation").click()
    expect(page.get_by_text("in review").first).to_be_visible()

    page.get_by_role("link", name="Override Service desk first response").click()
    expect(
        page.get_by_role("heading", name="Inherited clause being overridden")
    ).to_be_visible()
    screenshot(page, "objective-editor-desktop")
    # The same editor on a phone, while the renegotiation is open.
    sign_in_with_keyboard(phone, live_server, demo.users["admin"], demo.password)
    phone.goto(page.url)
    expect(
        phone.get_by_role("heading", name="Inherited clause being overridden")
    ).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the editor scrolls sideways on a phone ({width}px)"
    screenshot(phone, "objective-editor-phone")

    page.get_by_label("Target").fill("20")
    page.get_by_label("Description").fill("Globex's depots need a faster first answer.")
    page.get_by_role("button", name="Save clause").click()

    clause = page.locator(
        "section", has=page.get_by_role("heading", name="Objectives in force")
    ).locator("tr", has_text="Service desk first response")
    expect(clause.get_by_text("override", exact=True)).to_be_visible()
    expect(clause.get_by_role("cell", name="<= 20 minutes")).to_be_visible()
    page.get_by_label("Change note").fill(
        "First response 30 -> 20 minutes for the depots."
    )
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("v2").first).to_be_visible()
    expect(
        page.get_by_text("First response 30 -> 20 minutes for the depots.")
    ).to_be_visible()
    assert problems.errors == []
