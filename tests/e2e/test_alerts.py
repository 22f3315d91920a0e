"""An SLA owner sees the demo's watermelon alert in Chromium and marks it read."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from engage.demo import DemoResult
from tests.e2e.conftest import PageProblems, screenshot, sign_in_with_keyboard


def test_owner_sees_the_watermelon_alert_and_marks_it_read(
    page: Page, phone: Page, live_server: str, demo: DemoResult
) -> None:
    problems = PageProblems(page)
    # The demo manager owns the Acme SLAs; Acme Finance / Cloud hosting is a watermelon.
    sign_in_with_keyboard(page, live_server, demo.users["manager"], demo.password)
    nav = page.get_by_role("navigation", name="Main")
    bell = nav.get_by_role("link", name="Alerts, 1 unread")
    expect(bell).to_be_visible()
    card = page.locator(
        "section", has=page.get_by_role("heading", name="Unread alerts")
    )
    expect(card).to_contain_text("Acme Finance / Cloud hosting")

    bell.click()
    expect(page.get_by_role("heading", name="Alerts", exact=True)).to_be_visible()
    item = page.locator("li.alert-item", has_text="Acme Finance / Cloud hosting")
    expect(item).to_contain_text("Turned watermelon")
    expect(item).to_contain_text("Targets met in")
    screenshot(page, "alerts-desktop")

    # On a phone the menu button carries the count and the list fits the screen.
    sign_in_with_keyboard(phone, live_server, demo.users["manager"], demo.password)
    expect(
        phone.get_by_role("button", name=re.compile(r"^Menu\s*, 1 unread alerts$"))
    ).to_be_visible()
    phone.goto(page.url)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the alerts page scrolls sideways on a phone ({width}px)"
    screenshot(phone, "alerts-phone")

    item.get_by_role("button", name="Mark as read").click()
    expect(page.get_by_text("0 unread of 1")).to_be_visible()
    expect(nav.get_by_role("link", name="Alerts", exact=True)).to_be_visible()
    # The alert leads to the SLA page, which tells why.
    page.get_by_role("link", name="Acme Finance / Cloud hosting").click()
    expect(page.locator(".perception .verdict")).to_contain_text("Watermelon")
    assert problems.errors == [], "\n".join(problems.errors)
