"""Publishing, renegotiating and retiring agreements, with their version history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from engage.models import Agreement, AgreementVersion, DomainError, User


def snapshot(agreement: Agreement) -> list[dict[str, Any]]:
    """The agreement's own clauses as plain data, frozen into a version."""
    return [
        {
            "id": o.id,
            "aspect": o.aspect.name,
            "metric": o.metric,
            "target": o.target,
            "unit": o.unit,
            "direction": o.direction.value,
            "overrides_id": o.overrides_id,
            "measure": o.measure.value,
            "dropped_in": o.dropped_in,
        }
        for o in agreement.objectives
    ]


def publish(
    agreement: Agreement, *, on: date, note: str, by: User | None
) -> AgreementVersion:
    """Put the draft or renegotiated clauses in force from ``on`` as a new version.

    The previous version, if any, ends on ``on``. The caller flushes and commits.

    :raise DomainError: the status does not allow it, ``on`` predates the last version,
        or a version after the first has no change note.
    """
    previous = agreement.versions[-1] if agreement.versions else None
    if previous is not None and on < previous.effective_from:
        raise DomainError(
            f"Version {previous.number + 1} cannot take effect before version "
            f"{previous.number} did ({previous.effective_from.isoformat()})."
        )
    if previous is not None and not note.strip():
        # A renegotiation must say what changed and why (DESIGN.md section 2).
        raise DomainError("Say what changed in this version.")
    number = agreement.mark_published()
    if previous is not None:
        previous.effective_to = on
    if agreement.effective_from is None:
        agreement.effective_from = on
    version = AgreementVersion(
        number=number,
        effective_from=on,
        change_note=note.strip(),
        objectives=snapshot(agreement),
        created_by=by,
    )
    agreement.versions.append(version)
    return version


def retire(agreement: Agreement, *, on: date) -> None:
    """End the agreement on ``on``; its history stays.

    :raise DomainError: the status does not allow it, or ``on`` predates the version in
        force (an agreement cannot end before it started).
    """
    current = agreement.versions[-1] if agreement.versions else None
    if current is not None and on < current.effective_from:
        raise DomainError(
            f"The agreement cannot end before version {current.number} took effect "
            f"({current.effective_from.isoformat()})."
        )
    agreement.retire()
    agreement.effective_to = on
    if agreement.versions and agreement.versions[-1].effective_to is None:
        agreement.versions[-1].effective_to = on


@dataclass(frozen=True)
class ClauseChange:
    kind: str  # "added", "override", "removed", "changed" or "dropped"
    metric: str
    before: str = ""
    after: str = ""


def _describe(clause: dict[str, Any]) -> str:
    unit = f" {clause['unit']}" if clause.get("unit") else ""
    text = f"{clause['direction']} {float(clause['target']):g}{unit}"
    # Versions published before perception targets existed have no "measure".
    if clause.get("measure", "metric") != "metric":
        text = f"{clause['measure']} {text}, from feedback"
    return text


def _dropped(clause: dict[str, Any]) -> bool:
    return clause.get("dropped_in") is not None


def changes(
    before: AgreementVersion | None, after: AgreementVersion
) -> list[ClauseChange]:
    """What ``after`` changed compared with ``before``, clause by clause.

    Added and changed clauses come in ``after``'s order, then removed ones in ``before``'s.
    """
    old = {c["id"]: c for c in (before.objectives if before else [])}
    new = {c["id"]: c for c in after.objectives}
    result = []
    for key, clause in new.items():
        if _dropped(clause):
            # A dropped clause stays in the snapshot for history; it is news only in
            # the version that dropped it.
            if key not in old or not _dropped(old[key]):
                was = old.get(key, clause)
                result.append(ClauseChange("dropped", clause["metric"], _describe(was)))
        elif key not in old:
            # A new override changes an inherited clause for this SLA only.
            kind = "override" if clause.get("overrides_id") else "added"
            result.append(ClauseChange(kind, clause["metric"], after=_describe(clause)))
        elif (
            _describe(old[key]) != _describe(clause)
            or old[key]["metric"] != clause["metric"]
        ):
            result.append(
                ClauseChange(
                    "changed", clause["metric"], _describe(old[key]), _describe(clause)
                )
            )
    result += [
        ClauseChange("removed", c["metric"], before=_describe(c))
        for k, c in old.items()
        if k not in new
    ]
    return result
