"""Measurements: manual entry, CSV import, the compliance grid and who may do what."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from engage.extensions import db
from engage.models import (
    Agreement,
    AuditEvent,
    Direction,
    Level,
    Measurement,
    Objective,
    Role,
    utcnow,
)
from engage.sla.compliance import add_months, month_start
from tests.factories import (
    login,
    make_agreement,
    make_customer,
    make_measurement,
    make_objective,
    make_user,
)

LAST = add_months(month_start(utcnow().date()), -1)
BEFORE = add_months(LAST, -1)
Ids = dict[str, int]


@pytest.fixture
def world(app: Flask) -> Ids:
    """Corporate (Availability) -> Acme SLA (Response time); Globex SLA; a draft."""
    with app.app_context():
        acme, globex = make_customer("Acme"), make_customer("Globex")
        corporate = make_agreement(
            Level.CORPORATE, "Corporate", published_on=date(2024, 1, 1)
        )
        availability = make_objective(corporate, "Availability", 99.5)
        acme_sla = make_agreement(
            Level.CUSTOMER,
            "Acme SLA",
            parent=corporate,
            customer=acme,
            published_on=date(2024, 1, 1),
        )
        response = make_objective(
            acme_sla, "Response time", 4, Direction.AT_MOST, "h", "Response time"
        )
        globex_sla = make_agreement(
            Level.CUSTOMER, "Globex SLA", customer=globex, published_on=date(2024, 1, 1)
        )
        backup = make_objective(globex_sla, "Backup success", 98)
        draft = make_agreement(Level.CUSTOMER, "Draft SLA", customer=acme)
        make_objective(draft, "Uptime", 99)
        globex_value = make_measurement(globex_sla, backup, LAST, 99)
        make_user(Role.ADMIN, email="admin@example.test")
        make_user(Role.MANAGER, email="manager@example.test", customers=[acme])
        make_user(Role.VIEWER, email="viewer@example.test")
        db.session.commit()
        return {
            "corporate": corporate.id,
            "acme_sla": acme_sla.id,
            "globex_sla": globex_sla.id,
            "draft": draft.id,
            "availability": availability.id,
            "response": response.id,
            "backup": backup.id,
            "globex_value": globex_value.id,
        }


def as_user(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    assert login(client, email).status_code == 303
    return client


@pytest.fixture
def admin(app: Flask, world: Ids) -> FlaskClient:
    return as_user(app, "admin@example.test")


def stored(app: Flask, agreement_id: int) -> list[tuple[int, date, float, str]]:
    with app.app_context():
        rows = db.session.scalars(
            select(Measurement)
            .where(Measurement.agreement_id == agreement_id)
            .order_by(Measurement.period, Measurement.objective_id)
        )
        return [(m.objective_id, m.period, m.value, m.source.value) for m in rows]


def audit_actions(app: Flask) -> list[tuple[str, dict[str, object]]]:
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        return [(e.action, e.details) for e in events]


def enter(client: FlaskClient, agreement_id: int, **fields: object) -> TestResponse:
    data = {"period": f"{LAST:%Y-%m}", "value": "99.7", "note": "", **fields}
    return client.post(f"/staff/agreements/{agreement_id}/measurements", data=data)


def upload(
    client: FlaskClient, agreement_id: int, content: bytes, **fields: str
) -> TestResponse:
    return client.post(
        f"/staff/agreements/{agreement_id}/measurements/import",
        data={"file": (io.BytesIO(content), "m.csv"), **fields},
        content_type="multipart/form-data",
    )


# -- manual entry -------------------------------------------------------------


def test_manual_entry_creates_then_updates(
    app: Flask, admin: FlaskClient, world: Ids
) -> None:
    sla, objective = world["acme_sla"], world["response"]
    response = enter(admin, sla, objective_id=objective, value="3.5")
    assert response.status_code == 303
    assert stored(app, sla) == [(objective, LAST, 3.5, "manual")]
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Added Response time for" in page

    response = enter(admin, sla, objective_id=objective, value="5", note="outage")
    assert response.status_code == 303
    assert stored(app, sla) == [(objective, LAST, 5.0, "manual")]
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Updated Response time for" in page
    assert "(was 3.5)" in page
    actions = audit_actions(app)
    assert [a for a, _ in actions] == ["measurement.create", "measurement.update"]
    assert actions[1][1]["previous"] == 3.5
    assert actions[1][1]["value"] == 5.0


def test_inherited_objective_is_measured_on_the_child(
    app: Flask, admin: FlaskClient, world: Ids
) -> None:
    response = enter(admin, world["acme_sla"], objective_id=world["availability"])
    assert response.status_code == 303
    assert stored(app, world["acme_sla"]) == [
        (world["availability"], LAST, 99.7, "manual")
    ]
    assert stored(app, world["corporate"]) == []


def test_objective_of_another_agreement_is_refused(
    app: Flask, admin: FlaskClient, world: Ids
) -> None:
    response = enter(admin, world["acme_sla"], objective_id=world["backup"])
    assert response.status_code == 200
    assert "Choose an objective in force for this agreement." in response.get_data(
        as_text=True
    )
    assert stored(app, world["acme_sla"]) == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("value", "nan", "is not a number"),
        ("value", "inf", "is not a number"),
        ("value", "1e309", "is too large"),
        ("value", "1_000", "is not a number"),
        ("value", "", "Enter the measured value."),
        ("period", "2025-13", "is not a month"),
        ("period", "2025-03-15", "not the first day"),
        ("period", f"{add_months(LAST, 2):%Y-%m}", "is in the future"),
        ("note", "bad\x00note", "NUL"),
        ("note", "x" * 301, "300"),
    ],
)
def test_case5_bad_input_is_refused(
    app: Flask, admin: FlaskClient, world: Ids, field: str, value: str, message: str
) -> None:
    """SECURITY.md 5: NaN, infinity, malformed months and NUL get a form error."""
    response = enter(
        admin, world["acme_sla"], objective_id=world["response"], **{field: value}
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert stored(app, world["acme_sla"]) == []


def test_draft_agreement_takes_no_measurements(
    app: Flask, admin: FlaskClient, world: Ids
) -> None:
    response = enter(admin, world["draft"], objective_id=world["availability"])
    assert response.status_code == 303
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "publish it before recording measurements" in page
    assert 'name="objective_id"' not in page
    assert stored(app, world["draft"]) == []
    # The import is refused the same way.
    assert upload(admin, world["draft"], b"period,metric,value\n").status_code == 303
    assert audit_actions(app) == []


def test_edit_and_delete_are_audited(
    app: Flask, admin: FlaskClient, world: Ids
) -> None:
    with app.app_context():
        measurement_id = db.session.scalars(select(Measurement.id)).one()
    url = f"/staff/measurements/{measurement_id}"
    assert admin.get(f"{url}/edit").status_code == 200
    response = admin.post(f"{url}/edit", data={"value": "97.5", "note": "restated"})
    assert response.status_code == 303
    assert stored(app, world["globex_sla"]) == [(world["backup"], LAST, 97.5, "manual")]
    assert admin.post(f"{url}/delete").status_code == 303
    assert stored(app, world["globex_sla"]) == []
    actions = audit_actions(app)
    assert [a for a, _ in actions] == ["measurement.update", "measurement.delete"]
    assert actions[1][1]["value"] == 97.5


# -- CSV import ---------------------------------------------------------------


def test_csv_import_adds_and_updates(
    app: Flask, admin: FlaskClient, world: Ids
) -> None:
    sla = world["acme_sla"]
    with app.app_context():
        make_measurement(
            db.session.get_one(Agreement, sla),
            db.session.get_one(Objective, world["availability"]),
            BEFORE,
            99.0,
        )
        db.session.commit()
    content = (
        "\ufeffPeriod;Metric;Value;Note\r\n"
        f"{BEFORE:%Y-%m};availability;99,9;\r\n"
        f"{LAST:%Y-%m};Response time;3.5;two incidents\r\n"
    ).encode()
    response = upload(admin, sla, content)
    assert response.status_code == 303, response.get_data(as_text=True)
    assert stored(app, sla) == [
        (world["availability"], BEFORE, 99.9, "csv"),
        (world["response"], LAST, 3.5, "csv"),
    ]
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 added, 1 updated, 0 unchanged, 0 skipped" in page
    (action, details), *_ = audit_actions(app)
    assert action == "measurement.import"
    assert details["added"] == 1
    assert details["updated"] == 1
    assert details["skipped"] == 0


BAD_FILE = (
    "period,metric,value\n"
    f"{LAST:%Y-%m},Response time,3.5\n"
    f"{LAST:%Y-%m},Latency,12\n"
    f"{BEFORE:%Y-%m},Response time,abc\n"
).encode()


def test_csv_all_or_nothing_reports_every_bad_row(
    app: Flask, admin: FlaskClient, world: Ids
) -> None:
    response = upload(admin, world["acme_sla"], BAD_FILE)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Nothing was imported" in page
    assert "2 of 3 rows have problems" in page
    rows = re.findall(r'data-label="Row" class="num">(\d+)</td>', page)
    assert rows == ["3", "4"]
    assert "unknown metric &#39;Latency&#39;" in page
    assert "&#39;abc&#39; is not a number" in page
    assert stored(app, world["acme_sla"]) == []
    assert audit_actions(app) == []


def test_csv_skip_mode_imports_the_valid_rows(
    app: Flask, admin: FlaskClient, world: Ids
) -> None:
    response = upload(admin, world["acme_sla"], BAD_FILE, skip_invalid="y")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Rows skipped" in page
    assert "1 added, 0 updated, 0 unchanged; 2 of 3 rows skipped" in page
    assert stored(app, world["acme_sla"]) == [(world["response"], LAST, 3.5, "csv")]
    [(action, details)] = audit_actions(app)
    assert action == "measurement.import"
    assert details["added"] == 1
    assert details["skipped"] == 2
    # Sending the same form again changes nothing.
    upload(admin, world["acme_sla"], BAD_FILE, skip_invalid="y")
    assert stored(app, world["acme_sla"]) == [(world["response"], LAST, 3.5, "csv")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("period,metric,value\n".encode("utf-16"), "not UTF-8"),
        ("période,métrique\n99\n".encode("latin-1"), "not UTF-8"),
        (b"", "The file is empty."),
        (b"month,metric,value\n2025-03,x,1\n", "must be a header"),
        (b"period,metric,value\n", "no measurements"),
    ],
)
def test_csv_file_errors_are_explained(
    app: Flask, admin: FlaskClient, world: Ids, content: bytes, message: str
) -> None:
    response = upload(admin, world["acme_sla"], content)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert stored(app, world["acme_sla"]) == []


def test_csv_only_csv_files(admin: FlaskClient, world: Ids) -> None:
    response = admin.post(
        f"/staff/agreements/{world['acme_sla']}/measurements/import",
        data={"file": (io.BytesIO(b"period,metric,value\n"), "m.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "Choose a file ending in .csv." in response.get_data(as_text=True)


def test_case12_oversize_csv_is_413(app: Flask, admin: FlaskClient, world: Ids) -> None:
    """SECURITY.md 12 (ASVS 5.2.1): over MAX_CONTENT_LENGTH the app answers 413."""
    line = f"{LAST:%Y-%m},Response time,3.5\n".encode()
    content = b"period,metric,value\n" + line * (1_100_000 // len(line))
    response = upload(admin, world["acme_sla"], content)
    # The test client spools a body this large to a temporary file it leaves open.
    response.request.environ["wsgi.input"].close()
    assert response.status_code == 413
    assert "Too large" in response.get_data(as_text=True)
    assert stored(app, world["acme_sla"]) == []


def test_template_lists_the_metrics_in_force(admin: FlaskClient, world: Ids) -> None:
    response = admin.get(
        f"/staff/agreements/{world['acme_sla']}/measurements/template.csv"
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data().decode("utf-8-sig")
    assert text.splitlines() == [
        "period,metric,value,note",
        f"{LAST:%Y-%m},Availability,,",
        f"{LAST:%Y-%m},Response time,,",
    ]


# -- the compliance grid ------------------------------------------------------


def cell(html: str, value: str) -> str:
    """The class of the grid cell showing ``value``."""
    match = re.search(
        r'<td class="grid-cell (\w+)"[^>]*><span aria-hidden="true">.</span> '
        + re.escape(value)
        + "<",
        html,
    )
    assert match, f"no grid cell shows {value}"
    return match.group(1)


def test_grid_shows_met_and_breached_months(
    app: Flask, admin: FlaskClient, world: Ids
) -> None:
    with app.app_context():
        sla = db.session.get_one(Agreement, world["acme_sla"])
        availability = db.session.get_one(Objective, world["availability"])
        response = db.session.get_one(Objective, world["response"])
        make_measurement(sla, availability, LAST, 99.9)
        make_measurement(sla, availability, BEFORE, 98.1)
        make_measurement(sla, response, LAST, 4)  # equal to an "at most 4" target
        db.session.commit()
    page = admin.get(f"/staff/agreements/{world['acme_sla']}/measurements")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert cell(html, "99.9") == "met"
    assert cell(html, "98.1") == "breached"
    assert cell(html, "4") == "met"
    assert '✗</span> 98.1<span class="visually-hidden">, breached' in html
    assert f'<abbr title="{LAST:%B %Y}">{LAST:%b %y}</abbr>' in html
    assert html.count('<td class="grid-status">') == 12
    assert "50 %" in html  # availability met one of its two measured months


@pytest.mark.parametrize("months", ["6", "abc", "12.0", "-12", "120"])
def test_bad_months_parameter_is_400(
    admin: FlaskClient, world: Ids, months: str
) -> None:
    url = f"/staff/agreements/{world['acme_sla']}/measurements?months={months}"
    assert admin.get(url).status_code == 400


def test_months_parameter_widens_the_grid(admin: FlaskClient, world: Ids) -> None:
    url = f"/staff/agreements/{world['acme_sla']}/measurements?months=24"
    html = admin.get(url).get_data(as_text=True)
    assert html.count('<td class="grid-status">') == 24


# -- access -------------------------------------------------------------------


def test_manager_sees_only_their_customers(app: Flask, world: Ids) -> None:
    manager = as_user(app, "manager@example.test")
    other, own = world["globex_sla"], world["acme_sla"]
    assert manager.get(f"/staff/agreements/{other}/measurements").status_code == 404
    assert enter(manager, other, objective_id=world["backup"]).status_code == 404
    assert upload(manager, other, BAD_FILE).status_code == 404
    delete = f"/staff/measurements/{world['globex_value']}/delete"
    assert manager.post(delete).status_code == 404
    assert stored(app, other) == [(world["backup"], LAST, 99.0, "manual")]
    # Positive control: their own customer's agreement.
    assert manager.get(f"/staff/agreements/{own}/measurements").status_code == 200
    assert enter(manager, own, objective_id=world["response"]).status_code == 303
    assert stored(app, own) == [(world["response"], LAST, 99.7, "manual")]
    # Corporate agreements are visible to managers but only admins change them.
    corporate = world["corporate"]
    assert manager.get(f"/staff/agreements/{corporate}/measurements").status_code == 200
    assert (
        enter(manager, corporate, objective_id=world["availability"]).status_code == 403
    )


def test_viewer_reads_but_cannot_change(app: Flask, world: Ids) -> None:
    viewer = as_user(app, "viewer@example.test")
    sla = world["globex_sla"]
    page = viewer.get(f"/staff/agreements/{sla}/measurements")
    assert page.status_code == 200
    assert "Backup success" in page.get_data(as_text=True)
    assert 'name="objective_id"' not in page.get_data(as_text=True)
    assert enter(viewer, sla, objective_id=world["backup"]).status_code == 403
    assert viewer.get(f"/staff/agreements/{sla}/measurements/import").status_code == 403
    assert upload(viewer, sla, BAD_FILE).status_code == 403
    url = f"/staff/measurements/{world['globex_value']}"
    assert viewer.get(f"{url}/edit").status_code == 403
    assert viewer.post(f"{url}/delete").status_code == 403
    assert stored(app, sla) == [(world["backup"], LAST, 99.0, "manual")]
    assert audit_actions(app) == []


def test_unknown_ids_are_404(admin: FlaskClient, world: Ids) -> None:
    assert admin.get("/staff/agreements/9999/measurements").status_code == 404
    assert admin.post("/staff/measurements/9999/delete").status_code == 404
