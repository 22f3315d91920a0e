"""Staff pages: inviting contacts (picked or from a CSV) and the invitations list."""

from __future__ import annotations

import io
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from engage import jobs
from engage.extensions import db
from engage.models import Agreement, AuditEvent, Contact, Invitation, Role, Survey
from surveys.invitations import service
from tests.factories import make_contact, make_customer, signed_in
from tests.survey_factories import (
    make_invitable_agreement,
    make_invitation,
    make_survey,
)


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "JOBS_INLINE": True}


@pytest.fixture
def world(app: Flask) -> dict[str, int]:
    """Two customers with an active agreement and contacts each; one open survey."""
    with app.app_context():
        acme, globex = make_customer("Acme"), make_customer("Globex")
        ids = {
            "acme": acme.id,
            "globex": globex.id,
            "survey": make_survey(title="Pulse", status="open").id,
            "closed": make_survey(status="closed").id,
            "acme_sla": make_invitable_agreement(acme).id,
            "globex_sla": make_invitable_agreement(globex).id,
            "ana": make_contact(acme, "ana@acme.example", name="Ana").id,
            "bo": make_contact(acme, "bo@acme.example", name="Bo").id,
            "old": make_contact(acme, "old@acme.example", active=False).id,
            "gus": make_contact(globex, "gus@globex.example").id,
        }
        db.session.commit()
    return ids


def _count(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count(Invitation.id))) or 0)


def _url(w: dict[str, int], sla: str = "acme_sla", survey: str = "survey") -> str:
    return f"/staff/surveys/{w[survey]}/invite?agreement={w[sla]}"


def test_pick_contacts_creates_invitations_audits_and_sends(
    app: Flask, world: dict[str, int]
) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    page = client.get(_url(world))
    assert page.status_code == 200
    assert b"ana@acme.example" in page.data
    assert b"gus@globex.example" not in page.data
    assert b"old@acme.example" not in page.data
    response = client.post(
        _url(world),
        data={"pick-contacts": [world["ana"], world["bo"]], "pick-submit": "1"},
    )
    assert response.status_code == 303
    assert response.location.endswith(f"/staff/surveys/{world['survey']}/invitations")
    listing = client.get(response.location)
    assert b"2 invitations created; sending in the background." in listing.data
    with app.app_context():
        rows = db.session.scalars(select(Invitation)).all()
        assert {r.contact.email for r in rows} == {
            "ana@acme.example",
            "bo@acme.example",
        }
        assert all(r.sent_at is not None for r in rows)
        assert all(r.token_hash.encode() not in listing.data for r in rows)
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "invitation.create")
        ).one()
        assert event.details["created"] == 2
        assert event.details["source"] == "picked"
    assert len(list((Path(app.instance_path) / "outbox").glob("*.eml"))) == 2


def test_the_request_returns_before_sending_finishes(
    app: Flask, world: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """DESIGN.md 4: sending many invitations never blocks a web request."""
    app.config["JOBS_INLINE"] = False
    release, started = threading.Event(), threading.Event()
    sent: list[str] = []
    futures: list[Future[Any] | None] = []

    def slow_send(to: str, subject: str, text: str, html: str) -> None:
        started.set()
        assert release.wait(10), "the test never released the mail"
        sent.append(to)

    real_submit = jobs.submit

    def spy_submit(fn: Any, *args: Any) -> Any:
        futures.append(real_submit(fn, *args))
        return futures[-1]

    monkeypatch.setattr(service, "send_mail", slow_send)
    monkeypatch.setattr(jobs, "submit", spy_submit)
    client, _ = signed_in(app, Role.ADMIN)
    response = client.post(
        _url(world), data={"pick-contacts": [world["ana"]], "pick-submit": "1"}
    )
    assert response.status_code == 303
    assert started.wait(10)
    assert sent == []  # the response came back while the mail was still blocked
    with app.app_context():
        assert db.session.scalars(select(Invitation.sent_at)).one() is None
    release.set()
    (future,) = futures
    assert future is not None
    future.result(timeout=10)
    assert sent == ["ana@acme.example"]
    with app.app_context():
        assert db.session.scalars(select(Invitation.sent_at)).one() is not None


def _upload(client: Any, url: str, body: str, skip: bool = False) -> Any:
    data: dict[str, Any] = {
        "csv-file": (io.BytesIO(body.encode()), "contacts.csv"),
        "csv-submit": "1",
    }
    if skip:
        data["csv-skip_invalid"] = "y"
    return client.post(url, data=data, content_type="multipart/form-data")


CSV = (
    "email,name\n"
    "ana@acme.example,Ana\n"
    "nobody@acme.example,\n"
    "old@acme.example,\n"
    "recent@acme.example,\n"
    "ANA@acme.example,dup\n"
    "not-an-address,\n"
    "gus@globex.example,\n"
)


def test_csv_upload_reports_every_bad_row(app: Flask, world: dict[str, int]) -> None:
    with app.app_context():
        survey = db.session.get(Survey, world["survey"])
        agreement = db.session.get(Agreement, world["acme_sla"])
        contact = make_contact(agreement.customer, "recent@acme.example")
        make_invitation(survey, agreement, contact)
        db.session.commit()
    client, _ = signed_in(app, Role.ADMIN)
    page = _upload(client, _url(world), CSV)
    assert page.status_code == 422
    assert _count(app) == 1  # all or nothing: only the earlier invitation
    body = page.get_data(as_text=True)
    for row, problem in [
        (3, "unknown email"),
        (4, "inactive contact"),
        (5, "surveyed recently"),
        (6, "duplicate: the same email is in row 2"),
        (7, "not a valid email address"),
        (8, "unknown email"),
    ]:
        assert f'class="num">{row}</td>' in body
        assert problem in body
    done = _upload(client, _url(world), CSV, skip=True)
    assert done.status_code == 303
    assert _count(app) == 2
    listing = client.get(done.location).get_data(as_text=True)
    assert "1 invitation created" in listing
    assert "Row 3 skipped: unknown email" in listing


def test_csv_without_an_email_column_is_refused(
    app: Flask, world: dict[str, int]
) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    page = _upload(client, _url(world), "name\nAna\n")
    assert page.status_code == 422
    assert b"must be a header with an email column" in page.data
    assert _count(app) == 0


def test_manager_sees_only_their_customers(app: Flask, world: dict[str, int]) -> None:
    """[ASVS 8.2.2] another customer's agreement is 404, with a positive control."""
    client, _ = signed_in(app, Role.MANAGER, customer_ids=[world["acme"]])
    assert client.get(_url(world, "globex_sla")).status_code == 404
    post = {"pick-contacts": [world["gus"]], "pick-submit": "1"}
    assert client.post(_url(world, "globex_sla"), data=post).status_code == 404
    picker = client.get(f"/staff/surveys/{world['survey']}/invite")
    assert b"Globex" not in picker.data
    assert b"Acme" in picker.data
    assert client.get(_url(world)).status_code == 200
    ok = client.post(
        _url(world), data={"pick-contacts": [world["ana"]], "pick-submit": "1"}
    )
    assert ok.status_code == 303
    with app.app_context():
        survey = db.session.get(Survey, world["survey"])
        globex_sla = db.session.get(Agreement, world["globex_sla"])
        make_invitation(
            survey,
            globex_sla,
            db.session.get(Contact, world["gus"]),
        )
        db.session.commit()
    listing = client.get(f"/staff/surveys/{world['survey']}/invitations")
    assert b"ana@acme.example" in listing.data
    assert b"gus@globex.example" not in listing.data


def test_viewer_reads_but_cannot_invite(app: Flask, world: dict[str, int]) -> None:
    client, _ = signed_in(app, Role.VIEWER)
    page = client.get(_url(world))
    assert page.status_code == 200
    assert b"ana@acme.example" in page.data
    assert b"Create invitations" not in page.data
    post = {"pick-contacts": [world["ana"]], "pick-submit": "1"}
    assert client.post(_url(world), data=post).status_code == 403
    assert _upload(client, _url(world), CSV).status_code == 403
    assert _count(app) == 0
    assert (
        client.get(f"/staff/surveys/{world['survey']}/invitations").status_code == 200
    )


def test_closed_survey_cannot_be_sent(app: Flask, world: dict[str, int]) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    page = client.get(_url(world, survey="closed"))
    assert b"only an open survey can be sent" in page.data
    assert b"Create invitations" not in page.data
    post = {"pick-contacts": [world["ana"]], "pick-submit": "1"}
    assert client.post(_url(world, survey="closed"), data=post).status_code == 200
    assert _count(app) == 0


def test_unknown_survey_and_agreement_are_404(
    app: Flask, world: dict[str, int]
) -> None:
    client, _ = signed_in(app, Role.ADMIN)
    assert client.get("/staff/surveys/999/invite").status_code == 404
    assert (
        client.get(f"/staff/surveys/{world['survey']}/invite?agreement=x").status_code
        == 404
    )
    assert (
        client.get(f"/staff/surveys/{world['survey']}/invite?agreement=999").status_code
        == 404
    )
    assert client.get("/staff/surveys/999/invitations").status_code == 404
