"""Watermelons: SLAs green outside (metrics met) and red inside (customers unhappy).

DESIGN.md section 5. Perception is the mean sentiment of the SLA's feedback text
(surveys, listening sessions, imports) over the period asked about, with its n; it is
*unhappy* when it is below :data:`PERCEPTION_FLOOR` or falling significantly
(Mann-Kendall, p < 0.05), and *content* otherwise. With fewer than ``metrics.MIN_N``
pieces of feedback, or no measured month, nothing is claimed.

The reverse (metrics breached, customer content) is flagged too: both mean the
contract measures the wrong thing.
"""

from __future__ import annotations

import enum

from engage.analysis.metrics import Estimate
from engage.analysis.trends import Direction, TrendTest

#: Mean sentiment below this reads as an unhappy customer: below VADER's neutral band
#: (-0.05..0.05), so complaints clearly outweigh praise. A floor of 0 flagged SLAs whose
#: mean was -0.01 with an interval well across zero: noise, not a verdict.
PERCEPTION_FLOOR = -0.05


class Alignment(enum.StrEnum):
    WATERMELON = "watermelon"
    REVERSE = "reverse"
    GREEN = "green"
    RED = "red"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return {
            Alignment.WATERMELON: "Watermelon: metrics met, customer unhappy",
            Alignment.REVERSE: "Metrics breached, customer content",
            Alignment.GREEN: "Metrics met, customer content",
            Alignment.RED: "Metrics breached, customer unhappy",
            Alignment.UNKNOWN: "Not enough data",
        }[self]

    @property
    def mismatch(self) -> bool:
        """Whether the contract and the customer disagree."""
        return self in (Alignment.WATERMELON, Alignment.REVERSE)


def unhappy(
    perception: Estimate, trend: TrendTest | None, floor: float = PERCEPTION_FLOOR
) -> bool | None:
    """True when perception is below ``floor`` or falling; None with too little data."""
    if not perception.enough or perception.value is None:
        return None
    falling = trend is not None and trend.direction is Direction.FALLING
    return perception.value < floor or falling


def classify(
    compliant: bool | None,
    perception: Estimate,
    trend: TrendTest | None = None,
    floor: float = PERCEPTION_FLOOR,
) -> Alignment:
    """Compare what the contract measures (``compliant``) with what customers feel."""
    feeling = unhappy(perception, trend, floor)
    if compliant is None or feeling is None:
        return Alignment.UNKNOWN
    if compliant:
        return Alignment.WATERMELON if feeling else Alignment.GREEN
    return Alignment.RED if feeling else Alignment.REVERSE
