"""The survey journey in Chromium: staff build and send, a customer answers on a phone."""

from __future__ import annotations

import re
import time
from datetime import date
from email import policy
from email.parser import BytesParser
from pathlib import Path

from flask import Flask
from playwright.sync_api import Dialog, Page, expect

from engage.extensions import db
from engage.models import Feedback, Level, Response, Role
from tests.e2e.conftest import PageProblems, screenshot, sign_in_with_keyboard
from tests.factories import (
    PASSWORD,
    make_agreement,
    make_contact,
    make_customer,
    make_user,
)

#: SECURITY.md case 1: every one must show literally and none may run.
PAYLOAD = (
    '<script>alert(1)</script> "><img src=x onerror=alert(1)> <svg onload=alert(1)> '
    "javascript:alert(1) {{7*7}} {{config}} — the outage lasted all day."
)


def _world(app: Flask, base: str) -> dict[str, str]:
    app.config["BASE_URL"] = base  # links in mails point at this live server
    with app.app_context():
        customer = make_customer("Acme Finance")
        make_contact(customer, email="pat@acme.example", name="Pat Jones")
        make_agreement(
            Level.CUSTOMER,
            "Acme Finance SLA",
            customer=customer,
            published_on=date(2025, 1, 1),
        )
        make_user(Role.MANAGER, email="sam@provider.example", customers=[customer])
        db.session.commit()
    return {"email": "sam@provider.example"}


def _link_from_outbox(outbox: Path, timeout: float = 15) -> str:
    """The survey link in the newest mail; sending runs in the background."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        mails = sorted(outbox.glob("*.eml")) if outbox.exists() else []
        if mails:
            message = BytesParser(policy=policy.default).parsebytes(
                mails[-1].read_bytes()
            )
            body = message.get_body(preferencelist=("plain",))
            assert body is not None
            match = re.search(r"https?://\S+/s/[A-Za-z0-9_-]{43}", body.get_content())
            assert match, "no survey link in the mail"
            return match.group(0)
        time.sleep(0.2)
    raise AssertionError("no invitation mail arrived in the outbox")


def test_build_invite_answer_and_read(
    app: Flask, page: Page, phone: Page, live_server: str
) -> None:
    world = _world(app, live_server)
    dialogs: list[str] = []

    def no_dialogs(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", no_dialogs)
    phone.on("dialog", no_dialogs)
    staff_problems = PageProblems(page)

    # Staff build the survey and open it.
    sign_in_with_keyboard(page, live_server, world["email"], PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Surveys"
    ).click()
    page.get_by_role("link", name="New survey").first.click()
    page.get_by_label("Title").fill("Quarterly service review")
    page.get_by_role("button", name="Save").click()
    for kind, prompt, required in [
        ("csat", "How satisfied are you with the service?", True),
        ("text", "What should we do better?", False),
    ]:
        page.get_by_role("link", name="Add question").click()
        page.get_by_label("Kind").select_option(kind)
        page.get_by_label("Question", exact=True).fill(prompt)
        if required:
            page.get_by_label("Required").check()
        page.get_by_role("button", name="Save question").click()
        expect(page.get_by_text(prompt).first).to_be_visible()
    page.get_by_role("button", name="Open survey").click()

    # ... and invite the customer's contact.
    page.get_by_role("link", name="Invite contacts").click()
    agreement = page.get_by_label("Agreement", exact=True)
    value = agreement.locator("option", has_text="Acme Finance SLA").get_attribute(
        "value"
    )
    agreement.select_option(value)
    page.get_by_role("button", name="Show contacts").click()
    page.get_by_role("checkbox", name=re.compile("Pat Jones")).check()
    page.get_by_role("button", name="Create invitations").click()
    expect(page.get_by_text(re.compile("sending in the background"))).to_be_visible()

    # The contact opens the link from the mail on a phone and answers.
    link = _link_from_outbox(Path(app.instance_path) / "outbox")
    assert link.startswith(live_server)
    respondent_problems = PageProblems(phone)
    phone.goto(link)
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Quarterly service review"
    )
    phone.get_by_role("radio", name=re.compile("^4")).check()
    phone.get_by_label("What should we do better?").fill(PAYLOAD)
    screenshot(phone, "journey-survey-phone")
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_role("heading", name="Thank you")).to_be_visible()
    screenshot(phone, "journey-thanks-phone")

    # Stored once, scored on arrival.
    with app.app_context():
        assert db.session.query(Response).count() == 1
        text = db.session.query(Feedback).filter(Feedback.text.is_not(None)).one()
        assert text.text == PAYLOAD
        assert text.compound is not None
        assert text.scorer_version

    # Staff see the response; the payload shows literally and nothing runs.
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Surveys"
    ).click()
    page.get_by_role("link", name="Quarterly service review").first.click()
    expect(page.get_by_text("javascript:alert(1)", exact=False).first).to_be_visible()
    screenshot(page, "journey-results-desktop")
    page.get_by_role("link", name=re.compile("response from Pat Jones")).click()
    expect(page.locator("blockquote.answer-text")).to_have_text(PAYLOAD)
    expect(page.get_by_text("{{7*7}}", exact=False).first).to_be_visible()
    # The explanation repeats the sentences: as text too.
    page.get_by_text("Why this score").click()
    explanation = page.locator(".explanation")
    expect(
        explanation.get_by_text("<script>alert(1)</script>", exact=False)
    ).to_be_visible()
    expect(explanation.get_by_text("outage", exact=False).first).to_be_visible()
    screenshot(page, "journey-response-desktop")
    assert dialogs == []
    assert staff_problems.errors == []
    assert respondent_problems.errors == []
