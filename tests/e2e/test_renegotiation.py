"""An admin renegotiates a demo watermelon on the workbench, in Chromium."""

from __future__ import annotations

from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from engage.demo import DemoResult
from engage.extensions import db
from engage.models import Agreement, Direction
from engage.sla.tree import effective_objectives
from tests.e2e.conftest import PageProblems, screenshot, sign_in_with_keyboard

WATERMELON = "Acme Finance / Cloud hosting"
OTHER = "Northwind Health / Backup and recovery"


def _sla(app: Flask, name: str) -> tuple[int, str, str]:
    """The SLA's id, its first own-or-inherited clause and a stricter target."""
    with app.app_context():
        agreement = db.session.scalars(
            select(Agreement).where(Agreement.name == name)
        ).one()
        clause = effective_objectives(agreement)[0].objective
        step = max(abs(clause.target) * 0.1, 1.0)
        stricter = (
            clause.target + step
            if clause.direction is Direction.AT_LEAST
            else (clause.target - step)
        )
        if clause.direction is Direction.AT_LEAST and clause.unit == "%":
            stricter = min(100.0, (clause.target + 100.0) / 2)
        return agreement.id, clause.metric, f"{stricter:g}"


def test_record_a_renegotiation_and_see_it_on_the_trend(
    app: Flask, page: Page, phone: Page, live_server: str, demo: DemoResult
) -> None:
    agreement_id, metric, target = _sla(app, WATERMELON)
    problems = PageProblems(page)
    sign_in_with_keyboard(page, live_server, demo.users["admin"], demo.password)
    page.goto(f"{live_server}/staff/agreements/{agreement_id}")
    page.get_by_role("link", name="Renegotiation workbench").click()
    expect(page.get_by_role("heading", name="Renegotiation workbench")).to_be_visible()
    expect(page.get_by_role("heading", name="Evidence")).to_be_visible()
    expect(page.locator(".evidence .verdict")).to_contain_text("Watermelon")
    page.get_by_role("button", name="Start renegotiation").click()
    expect(page.get_by_text("Renegotiation started.")).to_be_visible()

    clause = page.locator("li.workbench-clause", has_text=metric).first
    clause.get_by_text("Propose a change").click()
    clause.get_by_label("Tighten").check()
    clause.get_by_label("New target").fill(target)
    clause.get_by_label("Reason").fill("Outages hit month-end closing")
    clause.get_by_role("button", name="Propose").click()
    expect(page.locator("ul.proposals")).to_contain_text(f"Tighten {metric}")

    page.get_by_text("Propose a new clause").click()
    page.get_by_label("Aspect").select_option(label="Service desk")
    page.get_by_label("Judged on").select_option(value="happiness")
    page.get_by_label("Target", exact=True).fill("40")
    page.get_by_label("Reason").last.fill("Tickets are closed without an answer")
    page.get_by_role("button", name="Propose clause").click()
    expect(page.locator("ul.proposals")).to_contain_text(
        "happiness >= 40, from feedback"
    )
    screenshot(page, "renegotiation-workbench-desktop")

    page.get_by_label("In force from").fill("2026-06-01")
    page.get_by_label("Why").fill("Customers feel the outages the SLA hides")
    page.get_by_role("button", name="Record renegotiation").click()
    expect(page.get_by_text("Version 2 is in force from 2026-06-01")).to_be_visible()
    history = page.locator("#history")
    expect(history.get_by_role("heading", name="v2")).to_be_visible()
    expect(history).to_contain_text("Outages hit month-end closing")
    expect(history).to_contain_text("Tickets are closed without an answer")
    history.get_by_text("Evidence at the time").first.click()
    expect(history.locator(".frozen-evidence .evidence").first).to_be_visible()
    # The new perception target is in force, named as such.
    in_force = page.locator("section", has=page.locator("#objectives-heading"))
    expect(in_force).to_contain_text("happiness >= 40, from feedback")

    chart = page.locator("#perception-chart")
    chart.scroll_into_view_if_needed()
    expect(chart).to_have_class("chart js-plotly-plot")
    expect(chart.locator(".annotation-text", has_text="v2")).to_be_attached()
    screenshot(page, "renegotiation-history-desktop")
    assert problems.errors == [], "\n".join(problems.errors)

    # The workbench of an SLA under review fits a phone.
    other_id, _, _ = _sla(app, OTHER)
    phone_problems = PageProblems(phone)
    sign_in_with_keyboard(phone, live_server, demo.users["admin"], demo.password)
    phone.goto(f"{live_server}/staff/agreements/{other_id}/renegotiation")
    phone.get_by_role("button", name="Start renegotiation").click()
    phone.locator("details.propose summary").first.click()
    expect(phone.get_by_role("button", name="Record renegotiation")).to_be_visible()
    screenshot(phone, "renegotiation-workbench-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.goto(f"{live_server}/staff/agreements/{agreement_id}")
    phone.locator("#history").get_by_text("Evidence at the time").first.click()
    screenshot(phone, "renegotiation-history-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert phone_problems.errors == [], "\n".join(phone_problems.errors)
