"""From the demo, a manager downloads the watermelon SLA's HTML and PDF reports and the
HTML opens from a file:// URL in Chromium with its charts drawn and no console error."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from flask import Flask
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from sqlalchemy import select

from engage.demo import DemoResult
from engage.extensions import db
from engage.models import Agreement
from engage.reports import pdf
from engage.reports.html import report_csp
from tests.e2e.conftest import (
    ARTIFACTS,
    PageProblems,
    screenshot,
    sign_in_with_keyboard,
)

SLA = "Acme Finance / Cloud hosting"


def _open_report(page: Page, url: str) -> PageProblems:
    problems = PageProblems(page)
    page.goto(url)
    expect(page.locator("html")).to_have_attribute("data-charts-drawn", "1")
    chart = page.locator("div.chart").first
    expect(chart.locator("svg.main-svg").first).to_be_attached()
    expect(chart.locator(".legend")).to_contain_text("Mean sentiment")
    return problems


def test_manager_downloads_and_opens_the_watermelon_report(
    app: Flask, page: Page, live_server: str, demo: DemoResult, tmp_path: Path
) -> None:
    with app.app_context():
        hosting_id = db.session.scalars(
            select(Agreement.id).where(Agreement.name == SLA)
        ).one()
    ARTIFACTS.mkdir(exist_ok=True)
    sign_in_with_keyboard(page, live_server, demo.users["manager"], demo.password)
    page.goto(f"{live_server}/staff/agreements/{hosting_id}")
    card = page.locator("section.export-card")
    expect(card.get_by_role("heading", name="Export a report")).to_be_visible()
    card.scroll_into_view_if_needed()
    card.screenshot(path=str(ARTIFACTS / "report-export-card.png"))
    card.get_by_label("Period").select_option("6")
    with page.expect_download() as html_download:
        card.get_by_role("button", name="HTML").click()
    download = html_download.value
    assert download.suggested_filename.startswith(f"engage-report-sla-{hosting_id}-")
    assert download.suggested_filename.endswith(".html")
    report = tmp_path / "report.html"
    download.save_as(report)
    html = report.read_text(encoding="utf-8")
    assert f"Insight report: {SLA}" in html
    assert "(6 months)" in html

    # Opened from disk: charts drawn, nothing fetched, no console error.
    viewer = page.context.new_page()
    problems = _open_report(viewer, report.as_uri())
    expect(viewer.locator(".why.watermelon").first).to_contain_text("Watermelon")
    screenshot(viewer, "report-sla-html")
    viewer.emulate_media(media="print")
    screenshot(viewer, "report-sla-html-print")
    assert problems.errors == [], "\n".join(problems.errors)

    # Served with its own CSP (as a share link would): still drawn, no violation.
    served = page.context.new_page()
    served.route(
        "http://report.invalid/",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": report_csp(html)},
            body=html,
        ),
    )
    csp_problems = _open_report(served, "http://report.invalid/")
    assert csp_problems.errors == [], "\n".join(csp_problems.errors)
    # The sandbox gives it an opaque origin: no cookies, no storage.
    assert served.evaluate("window.origin") == "null"

    # The same card gives the tables: the workbook and the CSV open for real.
    page.bring_to_front()
    with page.expect_download() as xlsx_download:
        card.get_by_role("button", name="XLSX").click()
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    workbook = ARTIFACTS / "report-sla.xlsx"
    xlsx_download.value.save_as(workbook)
    book = load_workbook(workbook, read_only=True)
    assert book.sheetnames[:3] == ["Summary", "Trend", "Feedback"]
    assert len(list(book["Feedback"].iter_rows())) > 10
    with page.expect_download() as csv_download:
        card.get_by_role("button", name="CSV").click()
    assert csv_download.value.suggested_filename.endswith(".csv")
    rows = list(
        csv.DictReader(
            Path(csv_download.value.path()).read_text("utf-8-sig").splitlines()
        )
    )
    assert rows
    assert {row["sla"] for row in rows} == {SLA}

    if not pdf.pdf_available():
        pytest.skip("PDF needs Chromium on the server side")
    page.bring_to_front()
    with page.expect_download() as pdf_download:
        card.get_by_role("button", name="PDF").click()
    body = Path(pdf_download.value.path()).read_bytes()
    assert pdf_download.value.suggested_filename.endswith(".pdf")
    (ARTIFACTS / "report-sla.pdf").write_bytes(body)
    reader = PdfReader(io.BytesIO(body))
    assert len(reader.pages) >= 2
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert f"Insight report: {SLA}" in text
    assert "Watermelon" in text
    assert "Clauses met (%)" in text  # the chart's legend: it was drawn
