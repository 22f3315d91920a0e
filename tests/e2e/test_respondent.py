"""A customer answers a survey on a phone, in a real Chromium (DESIGN.md 9, issue #3)."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PageProblems, screenshot
from tests.integration.surveys.respond_helpers import counts, make_link

COMMENT = "Quick fix, but the first call went unanswered. <b>not bold</b>"


def serious_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core findings of impact serious or critical on the current page."""
    results = Axe().run(page)
    return [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def only_same_origin(page: Page, base: str) -> None:
    urls = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    assert all(url.startswith(base) for url in urls), urls


def unexpected(problems: PageProblems, *statuses: int) -> list[str]:
    """Console errors, less Chromium's notes on pages sent with an error status."""
    notes = [f"status of {code}" for code in (422, *statuses)]
    return [e for e in problems.errors if not any(n in e for n in notes)]


def fill_all_but_the_required_rating(page: Page) -> None:
    page.get_by_role("radio", name="9", exact=True).check()
    page.get_by_role("radio", name="7 Very easy").check()
    page.get_by_role("radio", name="Email").check()
    page.get_by_role("checkbox", name="Speed").check()
    page.get_by_role("checkbox", name="Knowledge").check()
    page.get_by_label("Tell us more").fill(COMMENT)
    page.get_by_label("Hours lost").fill("2,5")


def test_respondent_fixes_a_missing_answer_on_a_phone(
    phone: Page, live_server: str, app: Flask
) -> None:
    link = make_link(app, title="How did we do?", intro="Three minutes of your time.")
    problems = PageProblems(phone)
    phone.goto(live_server + link.url)
    expect(phone.get_by_role("heading", level=1)).to_have_text("How did we do?")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(phone, "survey-form-phone")
    assert serious_violations(phone) == []
    only_same_origin(phone, live_server)

    fill_all_but_the_required_rating(phone)
    phone.get_by_role("button", name="Send my answers").click()
    alert = phone.get_by_role("alert")
    expect(alert).to_contain_text("How satisfied are you?")
    csat = phone.get_by_role("group", name="How satisfied are you? Required")
    expect(csat).to_contain_text("Please answer this question.")
    # every other answer is still there
    expect(phone.get_by_role("radio", name="9", exact=True)).to_be_checked()
    expect(phone.get_by_role("radio", name="7 Very easy")).to_be_checked()
    expect(phone.get_by_role("checkbox", name="Knowledge")).to_be_checked()
    expect(phone.get_by_label("Tell us more")).to_have_value(COMMENT)
    expect(phone.get_by_label("Hours lost")).to_have_value("2,5")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(phone, "survey-error-phone")
    assert serious_violations(phone) == []
    assert counts(app) == (0, 0, 0)

    # Keyboard: from the error link to the rating, then choose with the arrow keys.
    alert.get_by_role("link", name="How satisfied are you?").click()
    csat.get_by_role("radio", name="4").focus()
    phone.keyboard.press("Space")
    expect(csat.get_by_role("radio", name="4")).to_be_checked()
    phone.get_by_role("button", name="Send my answers").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you")
    assert phone.url.endswith(f"{link.url}/thanks")
    screenshot(phone, "survey-thanks-phone")
    assert serious_violations(phone) == []
    assert counts(app) == (1, 7, 5)
    assert unexpected(problems) == []


def test_survey_pages_at_desktop_width(
    page: Page, live_server: str, app: Flask
) -> None:
    link = make_link(
        app, title="Service review", thank_you="Thank you, we read every answer."
    )
    problems = PageProblems(page)
    page.goto(live_server + link.url)
    screenshot(page, "survey-form-desktop")
    assert serious_violations(page) == []
    fill_all_but_the_required_rating(page)
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("alert")).to_be_visible()
    screenshot(page, "survey-error-desktop")
    page.get_by_role("radio", name="5 Very satisfied").check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("Thank you, we read every answer.")).to_be_visible()
    screenshot(page, "survey-thanks-desktop")
    assert serious_violations(page) == []
    page.goto(f"{live_server}/s/{'Z' * 43}")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "This link is not valid any more"
    )
    screenshot(page, "survey-invalid-desktop")
    assert serious_violations(page) == []
    assert unexpected(problems, 404) == []
