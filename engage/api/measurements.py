"""Pushing measurements through the API: the form's and the CSV's checks, then one
transaction.

Each item goes through the same functions as the entry form and the CSV import
(``check_measurable``, ``parse_period``, ``check_period``, the clauses in force from
``measured_objectives``, ``check_clause_measured``) and is recorded with the form's
``record``, which updates the month already recorded rather than adding a second one.
So a push is idempotent by nature: sending it again changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from engage import audit
from engage.extensions import db
from engage.models import Agreement, ApiKey, DomainError, MeasurementSource, Objective
from engage.sla import measurements as service
from engage.sla.compliance import parse_period
from engage.sla.tree import measured_objectives


@dataclass
class Checked:
    """A batch's entries ready to record, or the problems of each bad item."""

    entries: list[tuple[int, Agreement, service.Entry]] = field(default_factory=list)
    errors: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))


def _sentence(error: Exception) -> str:
    text = str(error).rstrip(".")
    return text[:1].upper() + text[1:] + "."


class _Agreements:
    """Agreements and their clauses in force, each read once per batch."""

    def __init__(self) -> None:
        self.found: dict[int, Agreement | None] = {}
        self.clauses: dict[int, dict[int, Objective]] = {}

    def get(self, agreement_id: int) -> Agreement | None:
        if agreement_id not in self.found:
            self.found[agreement_id] = db.session.get(Agreement, agreement_id)
        return self.found[agreement_id]

    def clause(self, agreement: Agreement, objective_id: int) -> Objective | None:
        if agreement.id not in self.clauses:
            self.clauses[agreement.id] = {
                e.objective.id: e.objective for e in measured_objectives(agreement)
            }
        return self.clauses[agreement.id].get(objective_id)


def check_items(items: Sequence[dict[str, Any]], today: date) -> Checked:
    """Check every item; an item's problems are all reported, not only the first."""
    checked = Checked()
    agreements = _Agreements()
    seen: dict[tuple[int, int, date], list[int]] = defaultdict(list)
    for index, item in enumerate(items):
        problems = checked.errors[index]
        agreement = agreements.get(item["agreement_id"])
        period: date | None = None
        try:
            period = parse_period(item["period"])
            service.check_period(period, today)
        except ValueError as error:
            problems.append(_sentence(error))
            period = None
        if agreement is None:
            problems.append(f"Agreement {item['agreement_id']} does not exist.")
            continue
        try:
            service.check_measurable(agreement)
        except DomainError as error:
            problems.append(str(error))
            continue
        objective = agreements.clause(agreement, item["objective_id"])
        if objective is None:
            problems.append(
                f"Objective {item['objective_id']} is not a measured objective in "
                f"force for agreement {agreement.id}."
            )
        note = item.get("note", "").strip()
        if objective is None or period is None:
            continue
        try:
            service.check_clause_measured(objective, period)
        except ValueError as error:
            problems.append(_sentence(error))
            continue
        if not problems:
            entry = service.Entry(objective, period, item["value"], note)
            checked.entries.append((index, agreement, entry))
            seen[(agreement.id, objective.id, period)].append(index)
    for indexes in seen.values():
        for index in indexes if len(indexes) > 1 else ():
            others = ", ".join(str(i) for i in indexes if i != index)
            checked.errors[index].append(
                f"Duplicate: item(s) {others} have the same agreement, objective "
                "and month."
            )
    checked.errors = {i: p for i, p in checked.errors.items() if p}
    return checked


def record_items(checked: Checked, key: ApiKey) -> dict[str, Any]:
    """Record checked entries (the caller commits) and say what happened to each."""
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    results = []
    for index, agreement, entry in checked.entries:
        done = service.record(agreement, entry, source=MeasurementSource.API, by=None)
        counts[done.outcome.value] += 1
        results.append(
            {
                "index": index,
                "id": done.measurement.id,
                "outcome": done.outcome.value,
                "previous": done.previous,
            }
        )
    if counts["added"] or counts["updated"]:
        audit.record(
            None,
            "measurement.api",
            key,
            f"API key '{key.name}' pushed measurements: {counts['added']} added, "
            f"{counts['updated']} updated, {counts['unchanged']} unchanged",
            api_key_id=key.id,
            **counts,
        )
    return {**counts, "items": results}
