"""Which changes of an SLA's verdict raise an alert: plain values in, kinds out.

Only a *change* alerts, so an SLA that stays a watermelon is not reported every night.
An SLA seen for the first time counts as a change: on a new install (or a new SLA)
the owner should hear about a watermelon that already exists.
"""

from __future__ import annotations

from engage.analysis.trends import Direction
from engage.analysis.watermelon import Alignment
from engage.models import AlertKind


def raised(
    before_alignment: str | None,
    before_direction: str | None,
    alignment: Alignment,
    direction: Direction,
) -> list[AlertKind]:
    """The alert kinds for a move from the stored state (None: never seen) to now.

    ``direction`` is FALLING only when Mann-Kendall says so at p < 0.05
    (:func:`engage.analysis.trends.mann_kendall`), so a noisy dip never alerts.
    """
    kinds = []
    if alignment is Alignment.WATERMELON and before_alignment != alignment.value:
        kinds.append(AlertKind.WATERMELON)
    if direction is Direction.FALLING and before_direction != direction.value:
        kinds.append(AlertKind.FALLING)
    return kinds


def message(kind: AlertKind, agreement_name: str, why: str) -> str:
    """The plain sentence shown in the app and in the email."""
    if kind is AlertKind.WATERMELON:
        head = (
            f"{agreement_name} turned watermelon: its targets are met but"
            " customers are unhappy."
        )
    else:
        head = f"Customer perception of {agreement_name} is falling significantly."
    return f"{head} {why}"
