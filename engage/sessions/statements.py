"""Statements: how a listening session's log becomes rows of the feedback stream.

Notes, asks and commitments are read line by line, with bullet markers ("-", "*", "•",
"1.", "a)") dropped, and each line sentence by sentence with the sentiment engine's own
splitter, so every statement is scored and tagged on its own. Plain functions over
values and model objects: no request, no commit.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from engage.analysis.aspects import tokens
from engage.analysis.engine import _engine
from engage.models import Agreement, Feedback, Level, StatementKind
from engage.sla.tree import effective_objectives

#: The session's text fields, in the order their statements are shown.
FIELDS: tuple[tuple[str, StatementKind], ...] = (
    ("notes", StatementKind.NOTE),
    ("asks", StatementKind.ASK),
    ("commitments", StatementKind.COMMITMENT),
)

#: A bullet or list number at the start of a line. Dashes, stars and numbers need a
#: space after them, so "-5 degrees" and "99.9% uptime" keep their first characters.
_BULLET = re.compile(r"^\s*(?:[•◦▪‣·]\s*|[-*–—+>]+\s+|\(?(?:\d{1,3}|[a-zA-Z])[.)]\s+)")

Statement = tuple[StatementKind, str]


def strip_bullet(line: str) -> str:
    """``line`` without a leading bullet marker or list number, trimmed."""
    return _BULLET.sub("", line, count=1).strip()


def split_statements(text: str) -> list[str]:
    """The statements in ``text``: its lines, bullets dropped, then their sentences."""
    out: list[str] = []
    for line in text.splitlines():
        line = strip_bullet(line)
        if line:
            out.extend(s for s in _engine().split(line) if s)
    return out


def session_statements(notes: str, asks: str, commitments: str) -> list[Statement]:
    """Every statement of a session's log, with the field it came from, in order."""
    texts = {"notes": notes, "asks": asks, "commitments": commitments}
    return [
        (kind, statement)
        for name, kind in FIELDS
        for statement in split_statements(texts[name] or "")
    ]


def received_at(held_on: date) -> datetime:
    """When a session's statements count as received: noon UTC on the day it was held."""
    return datetime.combine(held_on, time(12), UTC)


_DEPTH = {Level.SERVICE: 0, Level.CUSTOMER: 1, Level.CORPORATE: 2}
#: Words of service names too common to say which service a statement is about.
_GENERIC = frozenset({"and", "service", "services", "managed", "management", "the"})


def mentions_service(agreement: Agreement, text: str) -> bool:
    """Whether ``text`` names the service ``agreement`` covers ("the hosting incident")."""
    if agreement.service is None:
        return False
    words = set(tokens(agreement.service.name)) - _GENERIC
    return bool(words & set(tokens(text)))


def agreement_for(
    aspect_id: int | None, agreements: Sequence[Agreement], text: str = ""
) -> Agreement | None:
    """The SLA a statement is about, among the SLAs its session discussed.

    The one whose clauses in force cover the statement's aspect (its first matched
    one): among several, the one that defines the clause itself rather than
    inheriting it, then the most specific level. Otherwise the only SLA discussed.
    Where that still leaves a choice, an SLA whose service the statement names wins,
    then the session's order. None if the session discussed no SLA.
    """
    if not agreements:
        return None
    ranked: list[tuple[bool, int, bool, int, Agreement]] = []
    if aspect_id is not None:
        for position, agreement in enumerate(agreements):
            clauses = [
                e
                for e in effective_objectives(agreement)
                if e.objective.aspect_id == aspect_id
            ]
            if clauses:
                own = any(not e.inherited for e in clauses)
                depth = _DEPTH[agreement.level]
                named = mentions_service(agreement, text)
                ranked.append((not own, depth, not named, position, agreement))
    if not ranked:
        ranked = [
            (False, 0, not mentions_service(a, text), position, a)
            for position, a in enumerate(agreements)
        ]
    return min(ranked, key=lambda r: r[:4])[4]


@dataclass
class Reconciliation:
    """What an edit does to a session's statements."""

    #: Rows whose (kind, text) is still in the log: kept, with their links.
    keep: list[Feedback] = field(default_factory=list)
    #: Rows no longer in the log.
    remove: list[Feedback] = field(default_factory=list)
    #: Statements new to the log.
    add: list[Statement] = field(default_factory=list)


def reconcile(
    existing: Sequence[Feedback], wanted: Sequence[Statement]
) -> Reconciliation:
    """Match stored statements to the edited log by (kind, text), repeats counted."""
    pool: dict[tuple[StatementKind | None, str | None], list[Feedback]] = defaultdict(
        list
    )
    for row in existing:
        pool[(row.statement_kind, row.text)].append(row)
    result = Reconciliation()
    for kind, text in wanted:
        rows = pool.get((kind, text))
        if rows:
            result.keep.append(rows.pop(0))
        else:
            result.add.append((kind, text))
    result.remove = [row for rows in pool.values() for row in rows]
    return result


def in_log_order(
    statements: Sequence[Feedback], wanted: Sequence[Statement]
) -> dict[StatementKind, list[Feedback]]:
    """Statements grouped by kind, each group in the order the log states them."""
    position: dict[Statement, list[int]] = defaultdict(list)
    for index, key in enumerate(wanted):
        position[key].append(index)
    ranked: list[tuple[int, Feedback]] = []
    for row in sorted(statements, key=lambda r: r.id or 0):
        assert row.statement_kind is not None
        places = position.get((row.statement_kind, row.text or ""))
        ranked.append((places.pop(0) if places else len(wanted) + len(ranked), row))
    groups: dict[StatementKind, list[Feedback]] = {kind: [] for _, kind in FIELDS}
    for _, row in sorted(ranked, key=lambda r: r[0]):
        assert row.statement_kind is not None
        groups[row.statement_kind].append(row)
    return groups
