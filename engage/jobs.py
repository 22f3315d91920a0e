"""In-process background jobs, so a web request never waits for slow work.

``submit(fn, *ids)`` runs ``fn`` inside an app context on a small thread pool. Task
functions are plain functions of ids (``send_invitations([1, 2])``), so swapping this
module for Celery later (DESIGN.md section 7) changes no task code. With
``JOBS_INLINE`` set the job runs at once, in the caller's thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from flask import Flask, current_app

#: Few workers: the jobs are I/O bound and SQLite takes one writer at a time.
MAX_WORKERS = 2

_executor: ThreadPoolExecutor | None = None
_lock = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(
                max_workers=MAX_WORKERS, thread_name_prefix="engage-job"
            )
        return _executor


def submit(fn: Callable[..., Any], *args: Any) -> Future[Any] | None:
    """Run ``fn(*args)`` in the background, or now when ``JOBS_INLINE`` is set.

    :return: the pending job's future, or None when it already ran inline.
    """
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config.get("JOBS_INLINE"):
        _run(app, fn, args)
        return None
    return _pool().submit(_run, app, fn, args)


def _run(app: Flask, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """Run one job in its own app context; a failure is logged, never raised."""
    with app.app_context():
        try:
            fn(*args)
        except Exception:
            app.logger.exception("background job %s failed", fn.__name__)
