"""Rescoring the feedback stream with the current engine and aspect keyword map.

Text feedback keeps the score and tags it got on arrival. After the engine changes
(its version differs from the stored ``scorer_version``) or the keyword map is edited,
:func:`run` scores and tags the rows again, in batches by id. Each batch is its own
short transaction, and its texts are scored before the transaction that writes them
begins, so on SQLite a writer holds the lock for one batch's updates only. Rows are
only updated, never added or removed; a survey question's own aspect is kept. A run
that stops half-way is resumed by running again: rows already done carry the current
version and are skipped (with ``--all`` every row is checked again).

Progress goes to a ``Job`` row (kind ``rescore``) that the job page polls.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import selectinload

from engage import progress
from engage.analysis.aspects import KeywordMap
from engage.analysis.engine import ENGINE_VERSION
from engage.database import reading_first
from engage.extensions import db
from engage.feedback import load_keyword_map, rescore, score_comment
from engage.models import (
    Answer,
    DomainError,
    Feedback,
    FeedbackKind,
    Job,
    JobStatus,
    Question,
    utcnow,
)

KIND = "rescore"
DEFAULT_BATCH_SIZE = 200
#: A queued or running rescore blocks a new one until it has run this long...
STALE_AFTER = timedelta(minutes=10)
#: ...plus one minute per this many rows it had to check. A healthy run checks several
#: thousand rows a minute, so one still unfinished by then has died (killed worker,
#: power cut). The Job table keeps no heartbeat, so time since start against the
#: job's size is the test.
SLOWEST_RATE_PER_MINUTE = 1000


class RescoreBusy(DomainError):
    """Another rescore is queued or running; ``job`` is it."""

    def __init__(self, job: Job) -> None:
        super().__init__(
            f"Rescore job #{job.id} is already {job.status.value}; "
            "wait for it to finish."
        )
        self.job = job


@dataclass(frozen=True)
class Plan:
    """What a run will check: text rows up to ``up_to_id`` (``total`` of them)."""

    all_rows: bool
    up_to_id: int
    total: int


@dataclass(frozen=True)
class Summary:
    """How a run ended: rows checked and rows whose score or tags changed."""

    checked: int
    changed: int

    @property
    def message(self) -> str:
        rows = "row" if self.checked == 1 else "rows"
        return f"Checked {self.checked:,} {rows}; {self.changed:,} changed."


def is_stale(job: Job, now: datetime | None = None) -> bool:
    """True when an unfinished ``job`` has run too long to be alive (see STALE_AFTER)."""
    allowance = STALE_AFTER + timedelta(minutes=job.total / SLOWEST_RATE_PER_MINUTE)
    return progress.running_for(job, now) > allowance


def busy_job() -> Job | None:
    """The queued or running rescore that is still alive, if any."""
    for job in progress.unfinished(KIND):
        if not is_stale(job):
            return job
    return None


def latest_job() -> Job | None:
    """The most recent rescore job, whatever its state."""
    return db.session.scalar(
        select(Job).where(Job.kind == KIND).order_by(Job.id.desc()).limit(1)
    )


def queue_job(created_by_id: int | None, all_rows: bool) -> Job:
    """Add a queued rescore job (the caller commits); stale ones are marked failed.

    :raise RescoreBusy: another rescore is queued or running.
    """
    for job in progress.unfinished(KIND):
        if not is_stale(job):
            raise RescoreBusy(job)
        job.status, job.finished_at = JobStatus.FAILED, utcnow()
        job.message = (
            "Stopped making progress; taken for dead when a new rescore began."
        )
    what = "all text feedback" if all_rows else "feedback scored by an older engine"
    return progress.queue(
        KIND, created_by_id=created_by_id, message=f"Waiting to rescore {what}."
    )


def _scope(plan: Plan) -> list[ColumnElement[bool]]:
    conditions = [
        Feedback.kind == FeedbackKind.TEXT,
        Feedback.text.is_not(None),
        Feedback.id <= plan.up_to_id,
    ]
    if not plan.all_rows:
        conditions.append(
            or_(
                Feedback.scorer_version.is_(None),
                Feedback.scorer_version != ENGINE_VERSION,
            )
        )
    return conditions


def make_plan(all_rows: bool) -> Plan:
    """Count the rows to check; rows arriving later are scored on arrival anyway."""
    up_to = db.session.scalar(select(func.max(Feedback.id))) or 0
    plan = Plan(all_rows, up_to, 0)
    total = db.session.scalar(
        select(func.count()).select_from(Feedback).where(*_scope(plan))
    )
    return Plan(all_rows, up_to, total or 0)


def _question_aspect(question: Question) -> int | None:
    return question.objective.aspect_id if question.objective else question.aspect_id


def _rescore_row(row: Feedback, keyword_map: KeywordMap) -> bool:
    """Score and tag one row again; True if anything stored changed."""

    def state() -> tuple[object, ...]:
        return (
            row.compound,
            row.pos,
            row.neu,
            row.neg,
            row.scorer_version,
            row.aspect_matches,
            row.aspect_id,
            row.objective_id,
        )

    before = state()
    if row.answer is not None and _question_aspect(row.answer.question) is None:
        # The keyword map, not the question, chose this comment's aspect: let it
        # choose again. A question's own aspect is never touched.
        row.aspect_id = row.objective_id = None
    rescore(row, keyword_map)
    return state() != before


def run(
    job_id: int,
    plan: Plan,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_batch: Callable[[int], None] | None = None,
) -> Summary:
    """Rescore the rows of ``plan`` in batches, recording progress on job ``job_id``.

    Commits each batch (this is a job's top level, like a CLI command).
    """
    db.session.commit()  # progress writes on its own connection: hold no lock here
    what = "all text feedback" if plan.all_rows else "feedback scored by older engines"
    progress.start(job_id, plan.total, f"Rescoring {what}.")
    keyword_map = load_keyword_map()
    db.session.commit()
    checked = changed = 0
    last_id = 0
    while True:
        # Score outside the write lock: the results are cached for the writes below.
        with reading_first():
            batch = db.session.execute(
                select(Feedback.id, Feedback.text)
                .where(*_scope(plan), Feedback.id > last_id)
                .order_by(Feedback.id)
                .limit(batch_size)
            ).all()
            for _, text in batch:
                score_comment(text)
            db.session.commit()
        if not batch:
            break
        ids = [feedback_id for feedback_id, _ in batch]
        rows = db.session.scalars(
            select(Feedback)
            .where(Feedback.id.in_(ids))
            .options(
                selectinload(Feedback.agreement),
                selectinload(Feedback.answer)
                .selectinload(Answer.question)
                .selectinload(Question.objective),
            )
        ).all()
        changed += sum(_rescore_row(row, keyword_map) for row in rows)
        db.session.commit()
        checked += len(batch)
        last_id = ids[-1]
        progress.advance(
            job_id,
            checked,
            f"Checked {checked:,} of {plan.total:,} rows; {changed:,} changed.",
        )
        if on_batch is not None:
            on_batch(len(batch))
    summary = Summary(checked, changed)
    progress.finish(job_id, summary.message)
    return summary


def run_job(job_id: int, all_rows: bool, batch_size: int = DEFAULT_BATCH_SIZE) -> None:
    """Background task (``engage.jobs.submit``): plan and run a queued rescore job."""
    try:
        plan = make_plan(all_rows)
        run(job_id, plan, batch_size)
    except Exception as error:
        db.session.rollback()
        progress.fail(job_id, f"Stopped by an error ({type(error).__name__}).")
        raise


@click.command("rescore")
@click.option(
    "--all",
    "all_rows",
    is_flag=True,
    help="Rescore every text row, not only those scored by another engine version "
    "(do this after editing the aspect keyword map).",
)
@click.option(
    "--batch-size",
    type=click.IntRange(1, 10_000),
    default=DEFAULT_BATCH_SIZE,
    show_default=True,
    help="Rows per transaction.",
)
@with_appcontext
def rescore_command(all_rows: bool, batch_size: int) -> None:
    """Score and tag text feedback again with the current engine and keyword map.

    By default only rows whose stored scorer version differs from the engine's
    current one are rescored; --all rescores every text row, e.g. after the aspect
    keyword map changed. Rows are updated in batches, each its own short
    transaction, so the app keeps working meanwhile; an interrupted run is resumed
    by running it again. Progress is recorded as a job that staff see under Admin >
    Jobs. Refuses to start while another rescore is queued or running, unless that
    one has run for over 10 minutes plus a minute per 1,000 rows: it is then taken
    for dead and marked failed.
    """
    try:
        job_id = queue_job(None, all_rows).id
    except RescoreBusy as busy:
        raise click.ClickException(str(busy)) from None
    plan = make_plan(all_rows)
    db.session.commit()
    click.echo(f"Job #{job_id}: {plan.total:,} text rows to check.")
    try:
        with click.progressbar(length=plan.total, label="Rescoring") as bar:
            summary = run(job_id, plan, batch_size, on_batch=bar.update)
    except BaseException as error:  # Ctrl-C included: the job must not stay "running"
        db.session.rollback()
        progress.fail(job_id, f"Stopped ({type(error).__name__}); run again to resume.")
        raise
    click.echo(f"{summary.message} Engine {ENGINE_VERSION}.")
