"""The XLSX download, read back with openpyxl and as raw sheet XML (SECURITY.md case 4)."""

from __future__ import annotations

import io
import re
import zipfile

from flask import Flask
from openpyxl import load_workbook

from engage.extensions import db
from engage.models import Agreement, Role
from engage.models.share import ReportScope
from engage.reports.cells import TRIGGERS, unescape
from engage.reports.data import report_data
from engage.reports.tabular import FEEDBACK_COLUMNS
from engage.reports.workbook import SafeSheets, report_xlsx, stream_file
from tests.factories import signed_in
from tests.integration.reports.test_tabular_data import (
    PAYLOADS,
    SECRET,
    UNICODE,
    scene,
)

SHEETS = ["Summary", "Trend", "Feedback", "Sessions", "Action items"]


def _no_formulas(content: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets
        for name in sheets:
            xml = archive.read(name).decode("utf-8")
            assert "<f>" not in xml
            assert "<f " not in xml
            # Every string cell is inline (openpyxl write-only) or shared.
            for kind in re.findall(r'<c [^>]*t="([^"]+)"', xml):
                assert kind in ("inlineStr", "s", "n", "b"), kind


def test_xlsx_sheets_rows_unicode_numbers_and_inert_payloads(app: Flask) -> None:
    s = scene(app)
    client, _ = signed_in(app, Role.ADMIN)
    response = client.get(f"/staff/reports/agreement/{s.acme_sla}.xlsx")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.headers["Content-Disposition"].endswith(".xlsx")
    _no_formulas(response.data)
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == SHEETS
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value:
                    assert cell.value[0] not in TRIGGERS, cell.value
    rows = list(book["Feedback"].iter_rows(values_only=True))
    assert list(rows[0]) == list(FEEDBACK_COLUMNS)
    assert len(rows) == s.feedback + 1
    texts = [r[FEEDBACK_COLUMNS.index("text")] for r in rows[1:]]
    # XML reads a CR as LF, so the XLSX writes "\r=1" as "\n=1" (documented).
    expected = [t.replace("\r", "\n") for t in [*PAYLOADS, *UNICODE]]
    assert [unescape(t) for t in texts] == expected
    assert SECRET not in texts
    ids = [r[0] for r in rows[1:]]
    assert all(isinstance(i, int) for i in ids)
    sessions = list(book["Sessions"].iter_rows(values_only=True))
    assert sessions[1][3] == "'" + PAYLOADS[3]  # a session title is data
    actions = list(book["Action items"].iter_rows(values_only=True))
    assert actions[1][1] == "'" + PAYLOADS[1]
    assert actions[1][-1] == UNICODE[0]
    trend = list(book["Trend"].iter_rows(values_only=True))
    assert trend[0][:3] == ("agreement_id", "sla", "month")
    assert len(trend) == 13  # 12 months of the one SLA
    assert trend[-1][-1] == 100.0  # compliance % as a number
    assert isinstance(trend[-1][4], int)


def test_header_and_sheet_names_from_data_are_neutralised(app: Flask) -> None:
    book = SafeSheets()
    book.sheet("=HYPERLINK(1)", ["=SUM(1)", "ok"], [[-3, "@x"], [1.5, "fine"]])
    book.sheet("=hyperlink(1)", ["a"], [])
    path = book.save()
    content = b"".join(stream_file(path))
    _no_formulas(content)
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames == ["_=HYPERLINK(1)", "_=hyperlink(1) (2)"]
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == ["'=SUM(1)", "ok"]
    assert ws["A2"].value == -3
    assert ws["A2"].data_type == "n"
    assert ws["B2"].value == "'@x"


def test_quotes_left_out_drop_text_columns(app: Flask) -> None:
    s = scene(app)
    with app.app_context():
        sla = db.session.get_one(Agreement, s.acme_sla)
        data = report_data(ReportScope.AGREEMENT, None, agreement=sla,
                           include_quotes=False)  # fmt: skip
        content = b"".join(stream_file(report_xlsx(data)))
    book = load_workbook(io.BytesIO(content))
    header = [c.value for c in book["Feedback"][1]]
    assert "text" not in header
    for ws in book.worksheets:
        for row in ws.iter_rows(values_only=True):
            assert "'" + PAYLOADS[0] not in row


def test_xlsx_access_with_positive_controls(app: Flask) -> None:
    s = scene(app)
    viewer, _ = signed_in(app, Role.VIEWER)
    assert viewer.get(f"/staff/reports/agreement/{s.acme_sla}.xlsx").status_code == 403
    manager, _ = signed_in(app, Role.MANAGER, customer_ids=[s.acme])
    url = f"/staff/reports/agreement/{s.globex_sla}.xlsx"
    assert manager.get(url).status_code == 404
    own = manager.get(f"/staff/reports/agreement/{s.acme_sla}.xlsx")
    assert own.status_code == 200
    assert load_workbook(io.BytesIO(own.data)).sheetnames == SHEETS
    portfolio = manager.get("/staff/reports/portfolio.xlsx")
    assert portfolio.status_code == 200
    feedback = load_workbook(io.BytesIO(portfolio.data))["Feedback"]
    assert SECRET not in [r[12] for r in feedback.iter_rows(values_only=True)]
