"""The evidence a renegotiation is decided on, as plain JSON.

The renegotiation workbench freezes this dictionary into the new agreement version,
so it must stay readable after the data behind it changes: only strings, numbers,
booleans, lists and dicts, dates as ISO strings, and labels written out. The keys are
a contract with ``engage.renegotiation``; add keys, never rename them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from engage.agreements.overview import agreement_grid
from engage.analysis.metrics import Estimate
from engage.analysis.themes import Theme
from engage.extensions import db
from engage.models import Agreement, Measurement, User
from engage.perception.clauses import ObjectiveLine
from engage.perception.insight import BeforeAfter
from engage.perception.sla import SlaPerception, sla_perception
from engage.perception.texts import Quote
from engage.sla.compliance import month_start, months_ending


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def estimate_json(estimate: Estimate) -> dict[str, Any]:
    """``{"value", "n", "low", "high"}``; value None below the minimum n."""
    shown = estimate.enough
    return {
        "value": _round(estimate.value) if shown else None,
        "n": estimate.n,
        "low": _round(estimate.low) if shown else None,
        "high": _round(estimate.high) if shown else None,
    }


def objective_json(line: ObjectiveLine) -> dict[str, Any]:
    objective = line.objective
    return {
        "id": objective.id,
        "metric": objective.metric,
        "aspect": line.aspect,
        "target": objective.target_text,
        "alignment": line.alignment.value,
        "alignment_label": line.alignment.label,
        "why": line.why,
        "impact": round(line.impact.score, 3),
        "impact_rank": line.rank,
        "perception": _round(line.perception.value) if line.perception.enough else None,
        "n": line.perception.n,
        "met": line.compliance.met,
        "measured": line.compliance.measured,
    }


def theme_json(theme: Theme) -> dict[str, Any]:
    return theme.as_json()


def quote_json(quote: Quote) -> dict[str, Any]:
    return quote.as_json()


def effect_json(line: BeforeAfter) -> dict[str, Any]:
    effect = line.effect
    return {
        "version": line.label,
        "effective_from": line.effective_from.isoformat(),
        "months": line.months,
        "before": estimate_json(line.before),
        "after": estimate_json(line.after),
        "diff": None if effect is None else _round(effect.diff),
        "low": None if effect is None else _round(effect.low),
        "high": None if effect is None else _round(effect.high),
        "p": None if effect is None else _round(effect.p, 4),
        "test": None if effect is None else effect.test,
    }


def perception_json(perception: SlaPerception, as_of: date) -> dict[str, Any]:
    """The evidence dictionary of an already built :class:`SlaPerception`."""
    verdict = perception.verdict
    insight = perception.insight
    compliance = verdict.compliance
    return {
        "as_of": as_of.isoformat(),
        "period": {
            "start": perception.start.isoformat(),
            "end": perception.end.isoformat(),
        },
        "alignment": verdict.alignment.value,
        "alignment_label": verdict.alignment.label,
        "why": verdict.why,
        "perception": estimate_json(verdict.perception),
        "compliance": {"met": compliance.met, "measured": compliance.measured},
        "trend": {
            "direction": verdict.trend.direction.value,
            "p": _round(verdict.trend.p, 4),
        },
        "objectives": [objective_json(line) for line in insight.objectives],
        "themes": [theme_json(t) for t in insight.themes],
        "unmet_needs": [theme_json(t) for t in insight.unmet],
        "quotes": {
            "positive": [quote_json(q) for q in insight.positive],
            "negative": [quote_json(q) for q in insight.negative],
        },
        "effects": [effect_json(line) for line in insight.effects],
        "texts_read": insight.texts,
        "subtree": perception.subtree,
    }


def _empty(agreement: Agreement, as_of: date) -> dict[str, Any]:
    return {
        "as_of": as_of.isoformat(),
        "period": {"start": None, "end": None},
        "alignment": "unknown",
        "alignment_label": "Not enough data",
        "why": f"No months to judge {agreement.name} on.",
        "perception": {"value": None, "n": 0, "low": None, "high": None},
        "compliance": {"met": 0, "measured": 0},
        "trend": {"direction": "flat", "p": None},
        "objectives": [],
        "themes": [],
        "unmet_needs": [],
        "quotes": {"positive": [], "negative": []},
        "effects": [],
        "texts_read": 0,
        "subtree": 1,
    }


def build_evidence(
    agreement: Agreement, user: User | None, months: int = 12
) -> dict[str, Any]:
    """The evidence for ``agreement`` over the ``months`` up to its last measured one.

    The same period and figures as the SLA page. ``user`` limits the subtree to what
    they may see; None means every agreement is visible.
    """
    last = db.session.scalar(
        select(func.max(Measurement.period)).where(
            Measurement.agreement_id == agreement.id
        )
    ) or month_start(date.today())
    grid = agreement_grid(agreement, months_ending(last, months))
    perception = sla_perception(agreement, grid, user)
    today = date.today()
    if perception is None:
        return _empty(agreement, today)
    return perception_json(perception, today)
