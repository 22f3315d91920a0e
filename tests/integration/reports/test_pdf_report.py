"""The PDF report, printed by the real headless Chromium and read back with pypdf."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import pytest
from flask import Flask
from pypdf import PdfReader

from engage.extensions import db
from engage.models import Agreement
from engage.models.share import ReportScope
from engage.reports import pdf
from engage.reports.data import report_data
from engage.reports.html import render_html
from tests.feedback_factories import make_text_feedback
from tests.integration.perception.conftest import END, Ids, at, tree  # noqa: F401
from tests.integration.perception.test_evidence import story  # noqa: F401

COMMENT = "Superb migration 😀 merci café e\u0301 — Grüße"
ARABIC = "مرحبا"
PAYLOAD = "Payload <img src=x onerror=alert(1)>"

needs_chromium = pytest.mark.skipif(
    not pdf.pdf_available(), reason="PDF needs Chromium (apt-get install chromium)"
)


@needs_chromium
def test_pdf_has_pages_title_sla_name_and_unicode(
    app: Flask,
    story: Ids,  # noqa: F811
    tmp_path: Path,
) -> None:
    with app.app_context():
        hosting = db.session.get_one(Agreement, story["hosting"])
        make_text_feedback(COMMENT, hosting, received_at=at(END, 27), compound=0.99)
        make_text_feedback(ARABIC, hosting, received_at=at(END, 27), compound=0.98)
        make_text_feedback(PAYLOAD, hosting, received_at=at(END, 27), compound=-0.99)
        db.session.commit()
        html = render_html(
            report_data(ReportScope.AGREEMENT, None, agreement=hosting, months=6)
        )
    body = pdf.render_pdf(html)
    (tmp_path / "report.pdf").write_bytes(body)
    assert body.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(body))
    assert len(reader.pages) >= 2
    raw = "\n".join(page.extract_text() for page in reader.pages)
    # Arabic comes out in presentation forms, combining marks composed: compare
    # compatibility-normalized text.
    text = unicodedata.normalize("NFKC", raw)
    assert "Insight report: Acme / Hosting" in text
    assert "Monthly perception and compliance" in text
    assert unicodedata.normalize("NFKC", COMMENT) in text
    assert "😀" in text
    assert ARABIC in text or ARABIC[::-1] in text
    assert PAYLOAD in text  # printed as text
    # The chart was drawn: plotly's SVG legend is in the text layer.
    assert "Clauses met (%)" in text
    assert "Mean sentiment 95 % interval" in text


def test_missing_chromium_is_reported_and_explained(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ENGAGE_CHROMIUM", "/nonexistent/chromium")
    assert pdf.chromium_path() is None
    assert not pdf.pdf_available()
    with pytest.raises(pdf.PdfError, match="apt-get install chromium"):
        pdf.render_pdf("<p>x</p>")


@needs_chromium
def test_a_stuck_render_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    # A page that never settles, with a budget longer than the timeout.
    monkeypatch.setattr(pdf, "VIRTUAL_TIME_BUDGET", 600_000)
    html = "<script>setInterval(function () {}, 10)</script><p>x</p>"
    with pytest.raises(pdf.PdfError, match="longer than"):
        pdf.render_pdf(html, timeout=0.5)
