"""Progress of long jobs, recorded in ``Job`` rows that a web page can read meanwhile.

:func:`queue` adds a job to the caller's session (the caller commits, like any service
function). :func:`start`, :func:`advance`, :func:`finish` and :func:`fail` each write in
a short transaction on a session of their own, so progress is visible to other
connections at once. On SQLite call them only while the caller's session holds no
transaction (commit first): SQLite has one writer, and CLI and background work begin
every transaction with ``BEGIN IMMEDIATE``, so they would wait for the caller's lock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engage.extensions import db
from engage.models import Job, JobStatus, utcnow

#: Longest message kept on a job (the page shows it; a traceback does not belong there).
MESSAGE_MAX = 500


@contextmanager
def _job(job_id: int) -> Iterator[Job]:
    """The job in a short transaction of its own, committed on leaving."""
    with Session(db.engine, expire_on_commit=False) as session, session.begin():
        job = session.get(Job, job_id)
        if job is None:
            raise LookupError(f"no job {job_id}")
        yield job


def queue(kind: str, *, created_by_id: int | None = None, message: str = "") -> Job:
    """Add a queued job of ``kind`` to the caller's session and flush it."""
    job = Job(
        kind=kind,
        status=JobStatus.QUEUED,
        created_by_id=created_by_id,
        message=message[:MESSAGE_MAX],
    )
    db.session.add(job)
    db.session.flush()
    return job


def start(job_id: int, total: int, message: str = "") -> None:
    """Mark the job running with ``total`` steps to do."""
    with _job(job_id) as job:
        job.status = JobStatus.RUNNING
        job.total, job.done = total, 0
        job.started_at = utcnow()
        job.message = message[:MESSAGE_MAX]


def advance(job_id: int, done: int, message: str | None = None) -> None:
    """Record that ``done`` steps are done (an absolute count, so retries are safe)."""
    with _job(job_id) as job:
        job.done = done
        if message is not None:
            job.message = message[:MESSAGE_MAX]


def finish(job_id: int, message: str = "") -> None:
    """Mark the job done."""
    with _job(job_id) as job:
        job.status = JobStatus.DONE
        job.finished_at = utcnow()
        job.message = message[:MESSAGE_MAX]


def fail(job_id: int, message: str) -> None:
    """Mark the job failed with a short reason for staff."""
    with _job(job_id) as job:
        job.status = JobStatus.FAILED
        job.finished_at = utcnow()
        job.message = message[:MESSAGE_MAX]


def unfinished(kind: str) -> list[Job]:
    """Queued and running jobs of ``kind``, newest first (in the caller's session)."""
    return list(
        db.session.scalars(
            select(Job)
            .where(
                Job.kind == kind,
                Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]),
            )
            .order_by(Job.id.desc())
        )
    )


def running_for(job: Job, now: datetime | None = None) -> timedelta:
    """How long ``job`` has been queued or running."""
    since = job.started_at or job.created_at
    return (now or utcnow()) - since
