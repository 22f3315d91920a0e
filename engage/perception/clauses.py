"""Each clause in force of an SLA: its compliance, perception, alignment and impact."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from engage.analysis.impact import Impact, impact, rank
from engage.analysis.metrics import Estimate
from engage.analysis.trends import TrendTest
from engage.analysis.watermelon import Alignment, classify
from engage.models import Measure, Objective, Slice
from engage.perception import timeline
from engage.perception.portfolio import COMPLIANT_SHARE, Compliance
from engage.perception.queries import Sums
from engage.sla.compliance import ComplianceGrid, ObjectiveRow, meets


@dataclass(frozen=True)
class ObjectiveLine:
    """One clause in force: its compliance, how customers feel about its aspect."""

    objective: Objective
    compliance: Compliance
    perception: Estimate
    trend: TrendTest
    alignment: Alignment
    impact: Impact
    rank: int = 0

    @property
    def aspect(self) -> str:
        return self.objective.aspect.name

    @property
    def why(self) -> str:
        """One plain line: compliance, perception of the aspect, trend."""
        c = self.compliance
        parts = [
            f"target met in {c.met} of {c.measured} measured months"
            if c.measured
            else "not measured in the period"
        ]
        p = self.perception
        if p.value is None or not p.enough:
            parts.append(f"too few comments on {self.aspect} (n = {p.n})")
        else:
            parts.append(f"mean sentiment on {self.aspect} {p.value:+.2f} (n = {p.n})")
        if self.trend.p is not None and self.trend.significant:
            parts.append(
                f"{self.trend.direction.value} (Mann-Kendall p = {self.trend.p:.3f})"
            )
        text = "; ".join(parts)
        return text[0].upper() + text[1:] + "."


def _compliance(row: ObjectiveRow, sums: Sums) -> Compliance:
    """A clause's months met; a perception clause judged once on its aspect's sums."""
    objective = row.effective.objective
    if row.measured or objective.measure is Measure.METRIC:
        return Compliance(row.met, row.measured)
    value = {
        Measure.HAPPINESS: sums.happiness.value,
        Measure.CSAT: None if sums.csat.value is None else 100 * sums.csat.value,
        Measure.SENTIMENT: sums.sentiment.value,
    }[objective.measure]
    if value is None:
        return Compliance(0, 0)
    return Compliance(int(meets(value, objective.target, objective.direction)), 1)


def objective_lines(
    grid: ComplianceGrid,
    ids: Collection[int],
    start: date,
    end: date,
    baseline: float | None = None,
) -> list[ObjectiveLine]:
    """Each clause in force, classified, with its impact rank (1 = act first)."""
    rows = [r for r in grid.rows if r.effective.objective.dropped_in is None]
    # One query for every clause's aspect: monthly points and period sums.
    by_aspect = timeline.slice_series(
        ids, start, end, Slice.ASPECT, {r.effective.objective.aspect_id for r in rows}
    )
    lines = []
    for row in rows:
        objective = row.effective.objective
        points, sums = by_aspect[objective.aspect_id]
        trend = timeline.trend(points)
        compliance = _compliance(row, sums)
        perception = sums.sentiment
        share = compliance.share
        compliant = None if share is None else share >= COMPLIANT_SHARE
        lines.append(
            ObjectiveLine(
                objective=objective,
                compliance=compliance,
                perception=perception,
                trend=trend,
                alignment=classify(compliant, perception, trend),
                impact=impact(
                    perception.n,
                    perception.value,
                    compliance.met,
                    compliance.measured,
                    baseline=baseline,
                ),
            )
        )
    ranked = rank((line, line.impact) for line in lines)
    return [
        ObjectiveLine(
            line.objective,
            line.compliance,
            line.perception,
            line.trend,
            line.alignment,
            line.impact,
            position,
        )
        for position, line, _ in ranked
    ]
