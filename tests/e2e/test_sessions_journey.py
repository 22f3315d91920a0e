"""A manager logs a listening session, opens an action item from it, sees it overdue."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import Locator, Page, expect

from engage.demo import DemoResult
from tests.e2e.conftest import (
    ARTIFACTS,
    PageProblems,
    screenshot,
    sign_in_with_keyboard,
)

NEGATIVE = (
    "The outage last Tuesday took four hours to resolve and nobody called us back."
)


def part(locator: Locator, name: str) -> None:
    """Screenshot one section: a long page shrinks too much to read whole."""
    ARTIFACTS.mkdir(exist_ok=True)
    locator.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def no_sideways_scroll(page: Page, where: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size
    assert viewport is not None
    assert width <= viewport["width"], f"{where} scrolls sideways ({width}px)"


def log_session(page: Page, title: str) -> None:
    """Fill the session form as a user would and save it."""
    page.get_by_label("Customer", exact=True).select_option(
        label="Acme Manufacturing / Acme Finance"
    )
    # Only Acme Finance's SLAs (and its account's customer SLAs) stay on offer.
    hosting = page.get_by_label("Acme Finance / Cloud hosting")
    expect(hosting).to_be_visible()
    expect(page.get_by_label("Acme Operations / Managed network")).to_be_hidden()
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Date", exact=True).fill(date.today().isoformat())
    page.get_by_label("Channel").select_option(label="Call")
    hosting.check()
    page.get_by_label("Attendees").fill("Priya Raman, Finance systems lead")
    page.get_by_label("Notes").fill(
        f"- {NEGATIVE}\n- The engineer who fixed it was brilliant, thank you."
    )
    page.get_by_label("The customer's asks").fill("1. A named contact for hosting")
    page.get_by_label("Our commitments").fill("We will send the root-cause report.")
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()


def test_log_a_session_and_follow_up_on_a_phone(
    phone: Page, live_server: str, demo: DemoResult
) -> None:
    problems = PageProblems(phone)
    sign_in_with_keyboard(phone, live_server, demo.users["manager"], demo.password)
    phone.get_by_role("button", name="Menu").click()
    phone.locator("#nav-links").get_by_role("link", name="Sessions").click()
    expect(phone.get_by_role("heading", name="Listening sessions")).to_be_visible()
    no_sideways_scroll(phone, "the session list")
    screenshot(phone, "sessions-list-phone")
    part(phone.locator("table.session-list tbody tr").first, "sessions-list-row-phone")
    phone.get_by_role("link", name="Log a session").click()
    screenshot(phone, "session-form-phone")
    log_session(phone, "Call about the Tuesday outage")

    statement = phone.locator("li.statement", has_text=NEGATIVE)
    expect(statement.get_by_text("Negative", exact=False)).to_be_visible()
    expect(statement.get_by_text("Availability (outage)")).to_be_visible()
    expect(statement.get_by_text("Platform availability", exact=False)).to_be_visible()
    positive = phone.locator("li.statement", has_text="brilliant")
    expect(positive.get_by_text("Positive", exact=False)).to_be_visible()
    expect(positive.get_by_role("link", name="Open action item")).to_have_count(0)
    no_sideways_scroll(phone, "the session page")
    screenshot(phone, "session-detail-phone")

    statement.get_by_role("link", name="Open action item").click()
    expect(phone.get_by_label("The customer's words")).to_have_value(NEGATIVE)
    phone.get_by_label("Title", exact=True).fill("Call Priya back about the outage")
    phone.get_by_label("Due date").fill((date.today() - timedelta(days=2)).isoformat())
    no_sideways_scroll(phone, "the action item form")
    screenshot(phone, "action-form-phone")
    phone.get_by_role("button", name="Save action item").click()
    expect(phone.get_by_text("Overdue by 2 days")).to_be_visible()
    screenshot(phone, "action-detail-phone")

    phone.get_by_role("link", name="Acme Manufacturing / Acme Finance").click()
    actions = phone.locator(
        "section", has=phone.get_by_role("heading", name="Open action items")
    )
    row = actions.locator("tr", has_text="Call Priya back about the outage")
    expect(row.get_by_text("Overdue by 2 days")).to_be_visible()
    expect(actions.locator("tr.overdue").first).to_contain_text("Overdue")
    no_sideways_scroll(phone, "the customer page")
    screenshot(phone, "customer-page-phone")
    part(actions, "customer-actions-phone")
    part(phone.locator("#timeline"), "customer-timeline-phone")
    assert problems.errors == []


def test_log_a_session_on_a_desktop(
    page: Page, live_server: str, demo: DemoResult
) -> None:
    problems = PageProblems(page)
    sign_in_with_keyboard(page, live_server, demo.users["manager"], demo.password)
    screenshot(page, "overview-actions-desktop")
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Sessions").click()
    screenshot(page, "sessions-list-desktop")
    page.get_by_role("link", name="Log a session").click()
    # A mistake keeps everything typed.
    page.get_by_label("Notes").fill(NEGATIVE)
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("Choose the customer you met.")).to_be_visible()
    expect(page.get_by_label("Notes")).to_have_value(NEGATIVE)
    screenshot(page, "session-form-errors-desktop")
    log_session(page, "Desktop call about the outage")
    screenshot(page, "session-detail-desktop")
    statement = page.locator("li.statement", has_text=NEGATIVE)
    statement.get_by_role("link", name="Open action item").click()
    page.get_by_label("Due date").fill((date.today() - timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Save action item").click()
    expect(page.get_by_text("Overdue by 1 day").first).to_be_visible()
    page.get_by_role("link", name="Acme Manufacturing / Acme Finance").click()
    expect(page.get_by_role("heading", name="Timeline")).to_be_visible()
    expect(
        page.locator("#timeline").get_by_role(
            "link", name="Desktop call about the outage"
        )
    ).to_be_visible()
    screenshot(page, "customer-page-desktop")
    part(page.locator("#timeline"), "customer-timeline-desktop")
    nav.get_by_role("link", name="Overview").click()
    card = page.locator("section.my-actions")
    expect(card.get_by_text("Overdue by 1 day").first).to_be_visible()
    part(card, "overview-my-actions-desktop")
    assert problems.errors == []
