"""Measurements imported from CSV, with a per-row error report."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engage.extensions import db
from engage.models import Agreement, Objective
from tests.factories import make_measurement
from tests.integration.agreements.measurement_helpers import (
    BAD_FILE,
    BEFORE,
    LAST,
    Ids,
    audit_actions,
    stored,
    upload,
)

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
