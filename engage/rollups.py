"""Keeping the daily feedback rollups current (DESIGN.md section 4).

Every feedback write changes the rollups in the same transaction: a session event
sees the feedback rows an ORM flush inserts, updates or deletes and adds their
contributions (or takes them away) with one upsert per touched rollup row. Writers
that insert with SQL Core instead of the ORM call :func:`apply` themselves.
:func:`rebuild` recomputes every rollup from the feedback table in SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    Table,
    case,
    cast,
    delete,
    event,
    func,
    inspect,
    literal,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, scoped_session

from engage.models import COUNTERS, Feedback, FeedbackKind, FeedbackRollup, Slice

#: VADER's usual cut-offs for a negative and a positive text.
NEGATIVE = -0.05
POSITIVE = 0.05

#: The fields of a feedback row that its contribution depends on.
FIELDS = (
    "agreement_id",
    "aspect_id",
    "objective_id",
    "received_at",
    "kind",
    "compound",
    "score",
)

Key = tuple[int, int, int, date]
#: A session or Flask-SQLAlchemy's scoped ``db.session``.
AnySession = Session | scoped_session[Any]


@dataclass(frozen=True)
class Contribution:
    """What one feedback row adds to the rollups."""

    agreement_id: int | None
    aspect_id: int | None
    objective_id: int | None
    day: date
    counters: tuple[float, ...]

    def rollup_keys(self) -> list[Key]:
        if self.agreement_id is None:
            return []
        keys = [(self.agreement_id, Slice.ALL.value, 0, self.day)]
        if self.aspect_id is not None:
            keys.append(
                (self.agreement_id, Slice.ASPECT.value, self.aspect_id, self.day)
            )
        if self.objective_id is not None:
            keys.append(
                (self.agreement_id, Slice.OBJECTIVE.value, self.objective_id, self.day)
            )
        return keys


def _counters(
    kind: FeedbackKind, compound: float | None, score: float | None
) -> tuple[float, ...]:
    values = dict.fromkeys(COUNTERS, 0.0)
    if kind is FeedbackKind.TEXT:
        if compound is not None:
            values.update(
                text_n=1,
                text_sum=compound,
                text_sumsq=compound * compound,
                text_neg=compound <= NEGATIVE,
                text_pos=compound >= POSITIVE,
            )
    elif score is not None:
        if kind is FeedbackKind.CSAT:
            values.update(csat_n=1, csat_sat=score >= 4)
        elif kind is FeedbackKind.HAPPINESS:
            values.update(nps_n=1, nps_pro=score >= 9, nps_det=score <= 6)
        elif kind is FeedbackKind.CES:
            values.update(ces_n=1, ces_sum=score, ces_sumsq=score * score)
        elif kind is FeedbackKind.LOST_TIME:
            values.update(lost_n=1, lost_sum=score, lost_sumsq=score * score)
    return tuple(float(values[c]) for c in COUNTERS)


def contribution(values: Mapping[Any, Any]) -> Contribution:
    """The contribution of a feedback row given as a mapping of :data:`FIELDS`."""
    received: datetime = values["received_at"]
    day = received.astimezone(UTC).date() if received.tzinfo else received.date()
    return Contribution(
        values["agreement_id"],
        values["aspect_id"],
        values["objective_id"],
        day,
        _counters(FeedbackKind(values["kind"]), values["compound"], values["score"]),
    )


def apply(session: AnySession, changes: Iterable[tuple[Contribution, int]]) -> int:
    """Add (+1) or take away (-1) contributions; return how many rollup rows changed."""
    totals: dict[Key, list[float]] = {}
    for item, sign in changes:
        for key in item.rollup_keys():
            acc = totals.setdefault(key, [0.0] * len(COUNTERS))
            for i, v in enumerate(item.counters):
                acc[i] += sign * v
    totals = {k: v for k, v in totals.items() if any(v)}
    if not totals:
        return 0
    table: Table = FeedbackRollup.__table__  # type: ignore[assignment]
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    rows = [
        {
            "agreement_id": a,
            "slice": s,
            "slice_id": i,
            "day": d,
            **dict(zip(COUNTERS, v, strict=True)),
        }
        for (a, s, i, d), v in sorted(totals.items())
    ]
    stmt = dialect.insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=[
            table.c.agreement_id,
            table.c.slice,
            table.c.slice_id,
            table.c.day,
        ],
        set_={c: table.c[c] + stmt.excluded[c] for c in COUNTERS},
    )
    session.connection().execute(stmt, rows)
    return len(rows)


def _current(row: Feedback) -> dict[str, Any]:
    return {f: getattr(row, f) for f in FIELDS}


def _before_change(row: Feedback) -> dict[str, Any] | None:
    """A dirty row's values as they were before this flush, or None if unchanged."""
    state = inspect(row)
    old: dict[str, Any] = {}
    changed = False
    for f in FIELDS:
        history = state.attrs[f].history
        if history.deleted:
            old[f] = history.deleted[0]
            changed = True
        else:
            old[f] = getattr(row, f)
    return old if changed else None


def _after_flush(session: Session, _context: Any) -> None:
    changes: list[tuple[Contribution, int]] = []
    for obj in session.new:
        if isinstance(obj, Feedback):
            changes.append((contribution(_current(obj)), 1))
    for obj in session.deleted:
        if isinstance(obj, Feedback):
            changes.append((contribution(_current(obj)), -1))
    for obj in session.dirty:
        if isinstance(obj, Feedback) and not inspect(obj).deleted:
            old = _before_change(obj)
            if old is not None and old["received_at"] is not None:
                changes.append((contribution(old), -1))
                changes.append((contribution(_current(obj)), 1))
    if changes:
        apply(session, changes)


def install() -> None:
    """Keep rollups current on every ORM flush (called once by the app factory)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        # Load a field's old value when it is set on an expired row, so the flush
        # knows what to take away from the rollups.
        for name in FIELDS:
            event.listen(getattr(Feedback, name), "set", _keep, active_history=True)


def _keep(_target: Any, value: Any, _old: Any, _initiator: Any) -> Any:
    return value


def _day(session: AnySession) -> Any:
    if session.get_bind().dialect.name == "sqlite":
        return func.date(Feedback.received_at)
    return cast(Feedback.received_at, Date)


def _aggregate(session: AnySession, slice_: Slice) -> Any:
    """``SELECT`` of every rollup row of one slice, computed from the feedback table."""
    text = Feedback.kind == FeedbackKind.TEXT
    score = Feedback.score

    def count(kind: FeedbackKind, cond: Any = True) -> Any:
        return func.coalesce(
            func.sum(
                case(
                    ((Feedback.kind == kind) & (score.is_not(None)) & cond, 1), else_=0
                )
            ),
            0,
        )

    def total(kind: FeedbackKind, expr: Any) -> Any:
        return func.coalesce(
            func.sum(case(((Feedback.kind == kind), expr), else_=0.0)), 0.0
        )

    c = Feedback.compound
    scored = text & c.is_not(None)
    slice_id = {
        Slice.ALL: literal(0, Integer),
        Slice.ASPECT: Feedback.aspect_id,
        Slice.OBJECTIVE: Feedback.objective_id,
    }[slice_]
    day = _day(session)
    query = select(
        Feedback.agreement_id,
        literal(slice_.value, Integer),
        slice_id,
        day,
        func.coalesce(func.sum(case((scored, 1), else_=0)), 0),
        func.coalesce(func.sum(case((scored, c), else_=0.0)), 0.0),
        func.coalesce(func.sum(case((scored, c * c), else_=0.0)), 0.0),
        func.coalesce(func.sum(case((scored & (c <= NEGATIVE), 1), else_=0)), 0),
        func.coalesce(func.sum(case((scored & (c >= POSITIVE), 1), else_=0)), 0),
        count(FeedbackKind.CSAT),
        count(FeedbackKind.CSAT, score >= 4),
        count(FeedbackKind.HAPPINESS),
        count(FeedbackKind.HAPPINESS, score >= 9),
        count(FeedbackKind.HAPPINESS, score <= 6),
        count(FeedbackKind.CES),
        total(FeedbackKind.CES, score),
        total(FeedbackKind.CES, score * score),
        count(FeedbackKind.LOST_TIME),
        total(FeedbackKind.LOST_TIME, score),
        total(FeedbackKind.LOST_TIME, score * score),
    ).where(Feedback.agreement_id.is_not(None))
    if slice_ is not Slice.ALL:
        query = query.where(slice_id.is_not(None))
    return query.group_by(Feedback.agreement_id, slice_id, day)


def rebuild(session: AnySession) -> int:
    """Recompute every rollup row from the feedback table; return how many there are."""
    session.execute(delete(FeedbackRollup))
    columns = ["agreement_id", "slice", "slice_id", "day", *COUNTERS]
    table: Table = FeedbackRollup.__table__  # type: ignore[assignment]
    for slice_ in Slice:
        session.execute(
            table.insert().from_select(columns, _aggregate(session, slice_))
        )
    return session.scalar(select(func.count()).select_from(FeedbackRollup)) or 0
