"""Rescoring the feedback stream: which rows, batches, progress, tags, CLI, one at a time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select, text

from engage import progress, rescoring
from engage.analysis import engine
from engage.extensions import db
from engage.feedback import forget_keyword_map
from engage.models import (
    Aspect,
    Feedback,
    FeedbackKind,
    Job,
    JobStatus,
    Level,
    QuestionKind,
    utcnow,
)
from tests.factories import aspect, make_agreement
from tests.feedback_factories import make_score_feedback, make_text_feedback
from tests.survey_factories import (
    answer_invitation,
    make_respondent_link,
    make_respondent_survey,
)

OLD = "engage-sentiment-0+old"
COMPLAINT = "The outage lasted all day and nobody told us."


def _stale(app: Flask, n: int, text_: str = COMPLAINT) -> list[int]:
    """``n`` comments that look scored by an old engine (wrong score, old version)."""
    with app.app_context():
        agreement = make_agreement(Level.CUSTOMER)
        ids = [
            make_text_feedback(
                f"{text_} ({i})", agreement, scorer_version=OLD, compound=0.9
            ).id
            for i in range(n)
        ]
        db.session.commit()
        return ids


def _current(app: Flask, text_: str = "Great engineers, quick fix.") -> int:
    with app.app_context():
        row = make_text_feedback(text_)
        db.session.commit()
        return row.id


def _rows(app: Flask) -> dict[int, tuple[Any, ...]]:
    with app.app_context():
        return {
            r.id: (r.compound, r.scorer_version, r.aspect_id, r.aspect_matches)
            for r in db.session.scalars(select(Feedback))
        }


def _jobs(app: Flask) -> list[Job]:
    with app.app_context():
        jobs = list(db.session.scalars(select(Job).order_by(Job.id)))
        db.session.expunge_all()
        return jobs


def test_default_rescores_only_rows_of_another_version(
    app: Flask, runner: FlaskCliRunner
) -> None:
    stale = _stale(app, 3)
    current = _current(app)
    before = _rows(app)
    result = runner.invoke(args=["engage", "rescore"])
    assert result.exit_code == 0, result.output
    assert "3 text rows to check" in result.output
    assert "Checked 3 rows; 3 changed." in result.output
    after = _rows(app)
    # No row lost or added; the current row untouched; stale rows carry the engine now.
    assert set(after) == set(before)
    assert after[current] == before[current]
    expected = engine.score_text(f"{COMPLAINT} (0)").compound
    assert after[stale[0]][:2] == (expected, engine.ENGINE_VERSION)
    assert all(after[i][1] == engine.ENGINE_VERSION for i in stale)
    # Run again: nothing is stale any more.
    again = runner.invoke(args=["engage", "rescore"])
    assert "Checked 0 rows; 0 changed." in again.output


def test_all_checks_every_text_row_and_skips_scores(
    app: Flask, runner: FlaskCliRunner
) -> None:
    _stale(app, 2)
    _current(app)
    with app.app_context():
        make_score_feedback(FeedbackKind.CSAT, 4, make_agreement(Level.CUSTOMER))
        db.session.commit()
    result = runner.invoke(args=["engage", "rescore", "--all"])
    assert result.exit_code == 0, result.output
    assert "Checked 3 rows; 2 changed." in result.output


def test_progress_is_recorded_on_a_job(app: Flask, runner: FlaskCliRunner) -> None:
    _stale(app, 5)
    result = runner.invoke(args=["engage", "rescore", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    (job,) = _jobs(app)
    assert job.kind == "rescore"
    assert job.status is JobStatus.DONE
    assert (job.total, job.done, job.percent) == (5, 5, 100)
    assert job.message == "Checked 5 rows; 5 changed."
    assert job.created_by_id is None
    assert job.started_at is not None
    assert job.finished_at is not None
    assert f"Job #{job.id}" in result.output


def test_each_batch_commits_before_its_progress_is_reported(
    app: Flask, runner: FlaskCliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another connection sees each batch's rows and the job's count as they happen."""
    _stale(app, 5)
    seen: list[tuple[int, int, int]] = []
    advance = progress.advance

    def watching(job_id: int, done: int, message: str | None = None) -> None:
        advance(job_id, done, message)
        with db.engine.connect() as other:  # a connection of its own
            rescored = other.execute(
                text("SELECT count(*) FROM feedback WHERE scorer_version = :v"),
                {"v": engine.ENGINE_VERSION},
            ).scalar_one()
            reported = other.execute(
                text("SELECT done FROM jobs WHERE id = :id"), {"id": job_id}
            ).scalar_one()
        seen.append((done, rescored, reported))

    monkeypatch.setattr(progress, "advance", watching)
    result = runner.invoke(args=["engage", "rescore", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    assert seen == [(2, 2, 2), (4, 4, 4), (5, 5, 5)]


def test_interrupted_run_resumes_where_it_stopped(
    app: Flask, runner: FlaskCliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    _stale(app, 5)
    advance = progress.advance

    def dying(job_id: int, done: int, message: str | None = None) -> None:
        advance(job_id, done, message)
        if done >= 2:
            raise RuntimeError("power cut")

    monkeypatch.setattr(progress, "advance", dying)
    failed = runner.invoke(args=["engage", "rescore", "--batch-size", "2"])
    assert failed.exit_code != 0
    (job,) = _jobs(app)
    assert job.status is JobStatus.FAILED
    assert "run again to resume" in job.message
    monkeypatch.setattr(progress, "advance", advance)
    resumed = runner.invoke(args=["engage", "rescore", "--batch-size", "2"])
    assert resumed.exit_code == 0, resumed.output
    assert "Checked 3 rows; 3 changed." in resumed.output
    assert {v[1] for v in _rows(app).values()} == {engine.ENGINE_VERSION}


def _set_keywords(app: Flask, name: str, words: list[str]) -> None:
    with app.app_context():
        aspect(name).keywords = words
        db.session.commit()
        forget_keyword_map()


def test_all_retags_after_the_keyword_map_changes(
    app: Flask, runner: FlaskCliRunner
) -> None:
    row_id = _current(app, "The weather station is lovely.")
    with app.app_context():
        assert db.session.get(Feedback, row_id).aspect_matches == []  # type: ignore[union-attr]
        cost_id = aspect("Cost").id
    _set_keywords(app, "Cost", ["weather station"])
    # The default run does not see a keyword change: the engine version is the same.
    assert "Checked 0 rows" in runner.invoke(args=["engage", "rescore"]).output
    result = runner.invoke(args=["engage", "rescore", "--all"])
    assert "Checked 1 row; 1 changed." in result.output
    with app.app_context():
        row = db.session.get(Feedback, row_id)
        assert row is not None
        assert row.aspect_id == cost_id
        assert row.aspect_matches == [
            {"aspect_id": cost_id, "aspect": "Cost", "words": ["weather station"]}
        ]


def test_survey_question_aspect_is_kept_keyword_aspect_is_redone(
    app: Flask, runner: FlaskCliRunner
) -> None:
    with app.app_context():
        cost = aspect("Cost")
        survey = make_respondent_survey(
            [
                {"kind": QuestionKind.TEXT, "prompt": "Cost?", "aspect_id": cost.id},
                {"kind": QuestionKind.TEXT, "prompt": "Anything else?"},
            ]
        )
        invitation, _ = make_respondent_link(survey)
        response = answer_invitation(invitation, {"text": "The outage hurt."})
        db.session.commit()
        answers = {a.question.prompt: a.id for a in response.answers}
        cost_id = cost.id
        availability_id = aspect("Availability").id
        security_id = aspect("Security").id

    def tagged(prompt: str) -> Feedback:
        row = db.session.scalar(
            select(Feedback).where(Feedback.answer_id == answers[prompt])
        )
        assert row is not None
        return row

    with app.app_context():
        assert tagged("Cost?").aspect_id == cost_id
        assert tagged("Anything else?").aspect_id == availability_id
    _set_keywords(app, "Availability", [])
    _set_keywords(app, "Security", ["outage"])
    result = runner.invoke(args=["engage", "rescore", "--all"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        own = tagged("Cost?")
        assert own.aspect_id == cost_id  # the question's aspect stays
        assert own.aspect_matches[0]["aspect_id"] == security_id  # type: ignore[index]
        assert tagged("Anything else?").aspect_id == security_id


def test_refuses_while_another_rescore_runs(app: Flask, runner: FlaskCliRunner) -> None:
    (stale_id,) = _stale(app, 1)
    with app.app_context():
        running = Job(
            kind="rescore", status=JobStatus.RUNNING, started_at=utcnow(), total=10
        )
        db.session.add(running)
        db.session.commit()
        running_id = running.id
    result = runner.invoke(args=["engage", "rescore"])
    assert result.exit_code == 1
    assert f"Rescore job #{running_id} is already running" in result.output
    assert len(_jobs(app)) == 1
    assert _rows(app)[stale_id][1] == OLD


def test_a_stale_running_job_is_taken_for_dead(
    app: Flask, runner: FlaskCliRunner
) -> None:
    _stale(app, 1)
    with app.app_context():
        dead = Job(
            kind="rescore",
            status=JobStatus.RUNNING,
            started_at=utcnow() - timedelta(minutes=11),
            total=100,  # 10 minutes + 0.1 minute allowance
        )
        db.session.add(dead)
        db.session.commit()
        dead_id = dead.id
        assert rescoring.is_stale(dead)
        assert not rescoring.is_stale(dead, now=utcnow() - timedelta(minutes=2))
    result = runner.invoke(args=["engage", "rescore"])
    assert result.exit_code == 0, result.output
    jobs = _jobs(app)
    assert [(j.id, j.status) for j in jobs] == [
        (dead_id, JobStatus.FAILED),
        (jobs[1].id, JobStatus.DONE),
    ]
    assert "taken for dead" in jobs[0].message


def test_help_explains_the_choice(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["engage", "rescore", "--help"])
    assert result.exit_code == 0
    assert "--all" in result.output
    assert "scorer version" in result.output
    assert "keyword map" in result.output
    assert "--batch-size" in result.output


def test_inactive_aspects_do_not_tag(app: Flask, runner: FlaskCliRunner) -> None:
    row_id = _current(app, "Another outage.")
    with app.app_context():
        db.session.execute(
            Aspect.__table__.update()
            .where(Aspect.name == "Availability")
            .values(active=False)
        )
        db.session.commit()
    runner.invoke(args=["engage", "rescore", "--all"])
    with app.app_context():
        row = db.session.get(Feedback, row_id)
        assert row is not None
        assert row.aspect_matches == []
        assert row.aspect_id is None
