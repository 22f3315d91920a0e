"""Rescoring from Admin > Aspects, and the job pages that follow its progress."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engage import rescoring
from engage.analysis import engine
from engage.extensions import db
from engage.models import AuditEvent, Feedback, Job, JobStatus, Level, Role, utcnow
from tests.factories import make_agreement, signed_in
from tests.feedback_factories import make_text_feedback


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    # Background jobs run at once, inside the request that starts them.
    return {**app_config, "JOBS_INLINE": True}


@pytest.fixture
def admin(app: Flask) -> tuple[FlaskClient, int]:
    return signed_in(app, Role.ADMIN)


def _feedback(app: Flask, n: int = 3) -> list[int]:
    with app.app_context():
        agreement = make_agreement(Level.CUSTOMER)
        rows = [
            make_text_feedback(
                f"Slow answer number {i}.", agreement, scorer_version="v0"
            )
            for i in range(n)
        ]
        db.session.commit()
        return [r.id for r in rows]


def _job(app: Flask, **fields: Any) -> int:
    with app.app_context():
        job = Job(kind="rescore", **fields)
        db.session.add(job)
        db.session.commit()
        return job.id


def test_rescore_button_runs_the_job_and_shows_its_page(
    app: Flask, admin: tuple[FlaskClient, int]
) -> None:
    client, admin_id = admin
    ids = _feedback(app)
    response = client.post("/staff/admin/rescore")
    assert response.status_code == 303
    with app.app_context():
        job = db.session.scalars(select(Job)).one()
        job_id = job.id
        assert response.headers["Location"] == f"/staff/admin/jobs/{job.id}"
        assert (job.status, job.total, job.done) == (JobStatus.DONE, 3, 3)
        assert job.created_by_id == admin_id
        versions = db.session.scalars(
            select(Feedback.scorer_version).where(Feedback.id.in_(ids))
        ).all()
        assert set(versions) == {engine.ENGINE_VERSION}
        event = db.session.scalars(select(AuditEvent)).one()
        assert (event.action, event.target_type, event.target_id) == (
            "feedback.rescore",
            "job",
            job.id,
        )
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Rescore feedback · job #" in html
    assert (
        f'<progress id="job-{job_id}-bar" data-job-field="bar" max="3" value="3"'
        in html
    )
    assert '>3 of 3</span> (<span data-job-field="percent">100</span> %)' in html
    assert "Checked 3 rows; 3 changed." in html
    assert ">Done</span>" in html
    # A finished job is not polled and needs no refresh link.
    assert "data-job-status-url" not in html
    assert ">Refresh</a>" not in html


def test_running_job_page_polls_and_offers_refresh(
    app: Flask, admin: tuple[FlaskClient, int]
) -> None:
    client, _ = admin
    job_id = _job(
        app, status=JobStatus.RUNNING, total=400, done=100, started_at=utcnow()
    )
    html = client.get(f"/staff/admin/jobs/{job_id}").get_data(as_text=True)
    assert f'data-job-status-url="/staff/admin/jobs/{job_id}/status"' in html
    assert 'max="400" value="100"' in html
    assert "100 of 400" in html
    assert ">25</span> %" in html
    assert (
        f'href="/staff/admin/jobs/{job_id}" data-job-field="refresh">Refresh</a>'
        in html
    )
    assert 'role="status"' in html  # state changes are announced
    status = client.get(f"/staff/admin/jobs/{job_id}/status")
    assert status.is_json
    data = status.get_json()
    assert data["status"] == "running"
    assert (data["done"], data["total"], data["percent"]) == (100, 400, 25)
    assert data["finished"] is False
    assert data["finished_at"] is None


def test_queued_job_bar_is_indeterminate(
    app: Flask, admin: tuple[FlaskClient, int]
) -> None:
    client, _ = admin
    job_id = _job(app, status=JobStatus.QUEUED)
    html = client.get(f"/staff/admin/jobs/{job_id}").get_data(as_text=True)
    bar = html[html.index("<progress") : html.index("</progress>")]
    assert "value=" not in bar
    assert ">Queued</span>" in html


def test_second_rescore_is_refused_while_one_runs(
    app: Flask, admin: tuple[FlaskClient, int]
) -> None:
    client, _ = admin
    running = _job(app, status=JobStatus.RUNNING, started_at=utcnow(), total=5)
    response = client.post("/staff/admin/rescore")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/staff/admin/jobs/{running}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Rescore job #{running} is already running" in page
    with app.app_context():
        assert len(db.session.scalars(select(Job)).all()) == 1


def test_a_failing_job_is_marked_failed(
    app: Flask, admin: tuple[FlaskClient, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _ = admin
    _feedback(app, 1)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk full")

    monkeypatch.setattr(rescoring, "run", broken)
    response = client.post("/staff/admin/rescore")
    assert response.status_code == 303
    data = client.get(response.headers["Location"] + "/status").get_json()
    assert data["status"] == "failed"
    assert data["message"] == "Stopped by an error (RuntimeError)."


def test_jobs_list_newest_first_and_latest_on_aspects(
    app: Flask, admin: tuple[FlaskClient, int]
) -> None:
    client, _ = admin
    first = _job(app, status=JobStatus.DONE, total=2, done=2, message="Checked 2 rows")
    second = _job(app, status=JobStatus.FAILED, message="Stopped")
    html = client.get("/staff/admin/jobs").get_data(as_text=True)
    assert html.index(f"#{second} Rescore feedback") < html.index(
        f"#{first} Rescore feedback"
    )
    assert "command line" in html
    aspects = client.get("/staff/admin/aspects").get_data(as_text=True)
    assert (
        f'Last rescore: <a href="/staff/admin/jobs/{second}">job #{second}</a>, failed'
        in aspects
    )


def test_unknown_job_is_404(admin: tuple[FlaskClient, int]) -> None:
    client, _ = admin
    assert client.get("/staff/admin/jobs/999").status_code == 404
    assert client.get("/staff/admin/jobs/999/status").status_code == 404
