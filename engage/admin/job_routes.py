"""Rescoring from the web and the background jobs' progress pages (admin blueprint).

The job page shows a ``<progress>`` bar; engage.js polls :func:`job_status` to move it,
and without JavaScript a refresh link does the same.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from engage import audit, jobs, rescoring
from engage.admin.routes import _actor, admin_only, bp
from engage.extensions import db
from engage.models import Job

RECENT_JOBS = 50


@bp.post("/rescore")
@admin_only
def rescore() -> Response:
    """Start rescoring all text feedback in the background and show its progress."""
    actor = _actor()
    try:
        job = rescoring.queue_job(actor.id, all_rows=True)
    except rescoring.RescoreBusy as busy:
        flash(str(busy), "info")
        return redirect(url_for("admin.job", job_id=busy.job.id), code=303)
    audit.record(actor, "feedback.rescore", job, "Started rescoring all feedback")
    job_id = job.id
    db.session.commit()
    # Touch nothing in this session from here on: on SQLite a new transaction would
    # take the write lock that the job (inline in tests) needs for its batches.
    jobs.submit(rescoring.run_job, job_id, True)
    return redirect(url_for("admin.job", job_id=job_id), code=303)


@bp.get("/jobs")
@admin_only
def jobs_list() -> str:
    """Recent background jobs, newest first, with their progress."""
    recent = db.session.scalars(
        select(Job).order_by(Job.id.desc()).limit(RECENT_JOBS)
    ).all()
    return render_template("engage/admin/jobs.html", jobs=recent)


@bp.get("/jobs/<int:job_id>")
@admin_only
def job(job_id: int) -> str:
    """One job: what it does, how far it got, how it ended."""
    return render_template("engage/admin/job.html", job=db.get_or_404(Job, job_id))


def status_json(job: Job) -> dict[str, Any]:
    """What the job page's script needs to redraw the job."""
    return {
        "id": job.id,
        "kind": job.kind,
        "status": job.status.value,
        "finished": job.status.finished,
        "total": job.total,
        "done": job.done,
        "percent": job.percent,
        "message": job.message,
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


@bp.get("/jobs/<int:job_id>/status")
@admin_only
def job_status(job_id: int) -> dict[str, Any]:
    """The job's progress as JSON (polled by the job page)."""
    return status_json(db.get_or_404(Job, job_id))
