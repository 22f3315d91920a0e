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
        }
        for o in agreement.objectives
    ]


def publish(
    agreement: Agreement, *, on: date, note: str, by: User | None
) -> AgreementVersion:
    """Put the draft or renegotiated clauses in force from ``on`` as a new version.

    The previous version, if any, ends on ``on``. The caller flushes and commits.

    :raise DomainError: the status does not allow it, or ``on`` predates the last version.
    """
    previous = agreement.versions[-1] if agreement.versions else None
    if previous is not None and on < previous.effective_from:
        raise DomainError(
            f"Version {previous.number + 1} cannot take effect before version "
            f"{previous.number} did ({previous.effective_from.isoformat()})."
        )
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
    """End the agreement on ``on``; its history stays."""
    agreement.retire()
    agreement.effective_to = on
    if agreement.versions and agreement.versions[-1].effective_to is None:
        agreement.versions[-1].effective_to = on


@dataclass(frozen=True)
class ClauseChange:
    kind: str  # "added", "removed" or "changed"
    metric: str
    before: str = ""
    after: str = ""


def _describe(clause: dict[str, Any]) -> str:
    unit = f" {clause['unit']}" if clause.get("unit") else ""
    return f"{clause['direction']} {float(clause['target']):g}{unit}"


def changes(
    before: AgreementVersion | None, after: AgreementVersion
) -> list[ClauseChange]:
    """What ``after`` changed compared with ``before``, clause by clause."""
    old = {c["id"]: c for c in (before.objectives if before else [])}
    new = {c["id"]: c for c in after.objectives}
    result = [
        ClauseChange("added", c["metric"], after=_describe(c))
        for k, c in new.items()
        if k not in old
    ]
    result += [
        ClauseChange("removed", c["metric"], before=_describe(c))
        for k, c in old.items()
        if k not in new
    ]
    for key in old.keys() & new.keys():
        if (
            _describe(old[key]) != _describe(new[key])
            or old[key]["metric"] != new[key]["metric"]
        ):
            result.append(
                ClauseChange(
                    "changed",
                    new[key]["metric"],
                    _describe(old[key]),
                    _describe(new[key]),
                )
            )
    return result
