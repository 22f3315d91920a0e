"""An admin edits the keyword map, rescores, and reads why a comment scored as it did."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from engage.demo import DemoResult
from engage.extensions import db
from engage.models import Agreement, Level
from tests.e2e.conftest import PageProblems, screenshot, sign_in_with_keyboard
from tests.e2e.test_respondent import serious_violations
from tests.feedback_factories import make_text_feedback

COMMENT = (
    "The engineer was great and very knowledgeable. "
    "But the licence renewal took three weeks and nobody told us why. <b>Really?</b>"
)


@pytest.fixture
def comment_id(app: Flask, demo: DemoResult) -> int:
    """A comment about a licence, which no aspect's keywords mention yet."""
    with app.app_context():
        sla = db.session.scalars(
            select(Agreement)
            .where(Agreement.level == Level.CUSTOMER)
            .order_by(Agreement.id)
            .limit(1)
        ).first()
        assert sla is not None
        row = make_text_feedback(
            COMMENT, sla, received_at=datetime(2026, 9, 30, 9, 0, tzinfo=UTC)
        )
        db.session.commit()
        return row.id


def no_sideways_scroll(page: Page, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{what} scrolls sideways on a phone ({width}px)"


def test_edit_keywords_rescore_and_read_the_explanation(
    page: Page, phone: Page, live_server: str, demo: DemoResult, comment_id: int
) -> None:
    problems = PageProblems(page)
    sign_in_with_keyboard(page, live_server, demo.users["admin"], demo.password)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Admin", exact=True).click()
    page.get_by_role("navigation", name="Administration").get_by_role(
        "link", name="Aspects"
    ).click()
    expect(page.get_by_role("heading", name="Feedback tags")).to_be_visible()
    screenshot(page, "aspects-keywords-desktop")

    # Add "licence" to Cost's keywords; the blank line and the case are tidied away.
    page.get_by_role("link", name="Edit keywords: Cost").click()
    expect(page.get_by_role("heading", name="Keywords of Cost")).to_be_visible()
    keywords = page.get_by_label("Keywords")
    keywords.fill(keywords.input_value() + "\n\n  Licence \n")
    screenshot(page, "aspect-keywords-form-desktop")
    page.get_by_role("button", name="Save keywords").click()
    expect(page.locator(".flash-success")).to_contain_text(
        "existing feedback keeps its old tags until it is rescored"
    )
    cost_row = page.locator(
        "tr", has=page.get_by_role("link", name="Edit keywords: Cost")
    )
    expect(cost_row.get_by_text("licence", exact=True)).to_be_visible()

    # The comment still has its old tags until it is rescored.
    page.goto(f"{live_server}/staff/feedback/{comment_id}")
    expect(page.locator(".aspect-list")).not_to_contain_text("Cost")

    page.goto(f"{live_server}/staff/admin/aspects")
    page.get_by_role("button", name="Rescore all feedback").click()
    expect(page.get_by_role("heading", name="Rescore feedback · job #")).to_be_visible()
    # engage.js polls the job until it is done, without a reload.
    expect(page.locator('[data-job-field="status"]')).to_have_text(
        "Done", timeout=30_000
    )
    bar = page.get_by_label("Progress of job #", exact=False)
    assert bar.evaluate("b => b.value === b.max && b.max > 0")
    expect(page.locator('[data-job-field="percent"]')).to_have_text("100")
    expect(page.locator('[data-job-field="message"]')).to_contain_text("Checked")
    expect(page.get_by_role("link", name="Refresh")).to_be_hidden()
    screenshot(page, "rescore-job-desktop")
    assert serious_violations(page) == []

    # The feedback list, filtered to Cost, links the comment to its explanation.
    nav.get_by_role("link", name="Feedback").click()
    page.get_by_label("Aspect").select_option(label="Cost")
    page.get_by_role("button", name="Filter").click()
    screenshot(page, "feedback-list-desktop")
    page.get_by_role("link", name="The engineer was great", exact=False).first.click()
    expect(page.get_by_role("heading", name=f"Feedback #{comment_id}")).to_be_visible()

    # Shown as text, every sentence with its score, drivers and aspects.
    expect(page.locator("blockquote")).to_have_text(COMMENT)
    sentences = page.locator("ol.sentences > li")
    expect(sentences).to_have_count(3)
    expect(sentences.nth(0)).to_contain_text("great")
    expect(sentences.nth(0)).to_contain_text("Staff expertise")
    expect(sentences.nth(1)).to_contain_text("Cost (licence)")
    expect(sentences.nth(1).locator(".drivers li").first).to_be_visible()
    expect(page.locator(".aspect-list")).to_contain_text("Cost (licence)")
    expect(page.get_by_text("older version")).to_have_count(0)
    screenshot(page, "feedback-explain-desktop")
    assert serious_violations(page) == []
    assert problems.errors == []

    # The same pages on a phone.
    phone_problems = PageProblems(phone)
    sign_in_with_keyboard(phone, live_server, demo.users["admin"], demo.password)
    phone.wait_for_load_state()  # let the overview finish loading before moving on
    phone.goto(f"{live_server}/staff/feedback/{comment_id}")
    expect(phone.get_by_role("heading", name="Why this score")).to_be_visible()
    no_sideways_scroll(phone, "the explanation")
    screenshot(phone, "feedback-explain-phone")
    phone.goto(f"{live_server}/staff/feedback")
    no_sideways_scroll(phone, "the feedback list")
    screenshot(phone, "feedback-list-phone")
    phone.goto(f"{live_server}/staff/admin/aspects")
    no_sideways_scroll(phone, "the aspect list")
    screenshot(phone, "aspects-keywords-phone")
    phone.goto(page.url.replace(f"/staff/feedback/{comment_id}", "/staff/admin/jobs"))
    no_sideways_scroll(phone, "the job list")
    phone.get_by_role("link", name="Rescore feedback", exact=False).first.click()
    phone.wait_for_load_state()
    no_sideways_scroll(phone, "the job page")
    screenshot(phone, "rescore-job-phone")
    assert phone_problems.errors == []
