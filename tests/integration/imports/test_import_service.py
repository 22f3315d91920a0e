"""The import service: a row stored meanwhile by someone else is not stored twice."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from engage import rollups
from engage.extensions import db
from engage.imports import service
from engage.models import Feedback, FeedbackRollup, Slice, User, utcnow
from tests.integration.imports.helpers import DAY, GOOD, HEADER, Ids


def test_a_concurrent_import_of_the_same_rows_stores_them_once(
    app: Flask, world: Ids, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two imports both find a row new; ON CONFLICT keeps the second from storing it."""
    with app.app_context():
        first = service.import_rows(
            service.read_csv(GOOD.encode(), None, utcnow().date())
        )
        db.session.commit()
        assert (first.imported, first.scores) == (3, 2)
        # The second import checked before the first committed: it saw no keys.
        monkeypatch.setattr(service, "_stored_keys", lambda keys: set())
        second = service.import_rows(
            service.read_csv(GOOD.encode(), None, utcnow().date())
        )
        db.session.commit()
        assert (second.imported, second.scores, second.skipped) == (0, 0, 3)
        assert db.session.scalar(select(func.count(Feedback.id))) == 5


def test_dry_run_counts_without_storing(app: Flask, world: Ids) -> None:
    with app.app_context():
        parsed = service.read_csv(GOOD.encode(), None, utcnow().date())
        report = service.import_rows(parsed, dry_run=True)
        assert (report.imported, report.scores, report.skipped) == (3, 2, 0)
        assert report.dry_run
        assert db.session.scalar(select(func.count(Feedback.id))) == 0


def test_progress_covers_every_row(app: Flask, world: Ids) -> None:
    steps: list[int] = []
    with app.app_context():
        parsed = service.read_csv(GOOD.encode(), None, utcnow().date())
        service.import_rows(parsed, progress=steps.append)
        db.session.commit()
        assert sum(steps) == 3
        steps.clear()
        service.import_rows(parsed, progress=steps.append)  # all skipped now
        assert sum(steps) == 3


def test_pending_changes_are_not_silently_dropped(app: Flask, world: Ids) -> None:
    with app.app_context():
        db.session.add(User(email="x@example.test", password_hash="x"))
        with pytest.raises(RuntimeError, match="pending changes"):
            service.read_csv(GOOD.encode(), None, utcnow().date())


def test_many_rows_go_in_batches(app: Flask, world: Ids) -> None:
    """More rows than one batch: each is stored once, and a re-import skips them all."""
    rows = [
        f"Acme,Acme SLA,{DAY},Comment number {n} about the outage,{n % 5 + 1}\n"
        for n in range(service.CHUNK * 2 + 17)
    ]
    content = (HEADER + "".join(rows)).encode()
    with app.app_context():
        report = service.import_rows(service.read_csv(content, None, utcnow().date()))
        db.session.commit()
        assert (report.imported, report.scores) == (len(rows), len(rows))
        assert db.session.scalar(select(func.count(Feedback.id))) == 2 * len(rows)
        again = service.import_rows(service.read_csv(content, None, utcnow().date()))
        assert (again.imported, again.skipped) == (0, len(rows))


def test_imported_rows_reach_the_rollups_once(
    app: Flask, world: Ids, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Core inserts bypass the ORM flush: the import tells the rollups itself."""
    with app.app_context():
        service.import_rows(service.read_csv(GOOD.encode(), None, utcnow().date()))
        db.session.commit()
        monkeypatch.setattr(service, "_stored_keys", lambda keys: set())
        service.import_rows(service.read_csv(GOOD.encode(), None, utcnow().date()))
        db.session.commit()
        totals = db.session.execute(
            select(
                func.sum(FeedbackRollup.text_n), func.sum(FeedbackRollup.csat_n)
            ).where(FeedbackRollup.slice == Slice.ALL)
        ).one()
        assert tuple(totals) == (3, 2)
        before = sorted(
            tuple(r) for r in db.session.execute(select(FeedbackRollup.__table__))
        )
        rollups.rebuild(db.session)
        after = sorted(
            tuple(r) for r in db.session.execute(select(FeedbackRollup.__table__))
        )
        assert before == after
