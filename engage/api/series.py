"""The read side of the API as plain dictionaries: lists, perception and compliance.

The figures are the SLA page's: perception from the rollups of the agreement and its
subtree (``engage.perception.queries``), compliance from ``agreement_grid`` over the
months ``grid_periods`` chooses, and the verdict from the portfolio's ``judge``.
Keys are organisation-wide, so every agreement of the subtree counts (as for admins).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from engage.agreements.overview import agreement_grid
from engage.analysis.metrics import MIN_N
from engage.analysis.trends import Period
from engage.extensions import db
from engage.models import Agreement, Customer, utcnow
from engage.perception import queries, timeline
from engage.perception.evidence import estimate_json
from engage.perception.portfolio import judge
from engage.sla.compliance import add_months
from engage.sla.measurements import grid_periods
from engage.sla.tree import effective_objectives, is_perception_target


def _page(stmt: Any, count: Any, page: int, per_page: int) -> dict[str, Any]:
    total = db.session.scalar(count) or 0
    items = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)))
    return {
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": -(-total // per_page),
        "items": items,
    }


def customers_page(page: int, per_page: int) -> dict[str, Any]:
    stmt = (
        select(Customer)
        .options(selectinload(Customer.parent))
        .order_by(Customer.name, Customer.id)
    )
    result = _page(stmt, select(func.count(Customer.id)), page, per_page)
    result["items"] = [
        {
            "id": c.id,
            "name": c.name,
            "display_name": c.display_name,
            "parent_id": c.parent_id,
        }
        for c in result["items"]
    ]
    return result


def agreement_json(agreement: Agreement) -> dict[str, Any]:
    return {
        "id": agreement.id,
        "name": agreement.name,
        "level": agreement.level.value,
        "status": agreement.status.value,
        "version": agreement.version,
        "customer_id": agreement.customer_id,
        "parent_id": agreement.parent_id,
        "service": agreement.service.name if agreement.service else None,
        "effective_from": agreement.effective_from,
        "effective_to": agreement.effective_to,
    }


def agreements_page(page: int, per_page: int) -> dict[str, Any]:
    stmt = (
        select(Agreement)
        .options(selectinload(Agreement.service))
        .order_by(Agreement.name, Agreement.id)
    )
    result = _page(stmt, select(func.count(Agreement.id)), page, per_page)
    result["items"] = [agreement_json(a) for a in result["items"]]
    return result


def agreement_detail(agreement: Agreement) -> dict[str, Any]:
    """The agreement with its clauses in force: the ids measurements are pushed for."""
    objectives = [
        {
            "id": e.objective.id,
            "metric": e.objective.metric,
            "aspect": e.objective.aspect.name,
            "target": e.objective.target,
            "direction": e.objective.direction.value,
            "unit": e.objective.unit,
            "inherited": e.inherited,
            "measured": not is_perception_target(e.objective),
        }
        for e in effective_objectives(agreement)
    ]
    return {**agreement_json(agreement), "objectives": objectives}


def perception(agreement: Agreement, period: Period, months: int) -> dict[str, Any]:
    """The perception series by ``period`` over the grid's months, and the verdict."""
    periods = grid_periods(agreement, months, utcnow().date())
    grid = agreement_grid(agreement, periods)
    ids = queries.subtree_ids(agreement)
    start, end = periods[0], add_months(periods[-1], 1) - timedelta(days=1)
    monthly = timeline.series(ids, start, end, Period.MONTH)
    points = (
        monthly if period is Period.MONTH else timeline.series(ids, start, end, period)
    )
    verdict = judge(grid, monthly, queries.period_sums(ids, start, end))
    return {
        "agreement_id": agreement.id,
        "period": period.value,
        "start": start,
        "end": end,
        "min_n": MIN_N,
        "series": [
            {
                "start": p.start,
                "n": p.n,
                "sentiment": estimate_json(p.sentiment),
                "happiness": estimate_json(p.happiness),
                "csat": estimate_json(p.csat),
            }
            for p in points
        ],
        "verdict": {
            "alignment": verdict.alignment.value,
            "alignment_label": verdict.alignment.label,
            "why": verdict.why,
            "perception": estimate_json(verdict.perception),
            "compliance_met": verdict.compliance.met,
            "compliance_measured": verdict.compliance.measured,
            "trend": verdict.trend.direction.value,
            "trend_p": verdict.trend.p,
        },
    }


def compliance(agreement: Agreement, months: int) -> dict[str, Any]:
    """Per clause and month: the target then in force, the value and whether it met."""
    periods = grid_periods(agreement, months, utcnow().date())
    grid = agreement_grid(agreement, periods)
    return {
        "agreement_id": agreement.id,
        "periods": [f"{p:%Y-%m}" for p in grid.periods],
        "objectives": [
            {
                "objective_id": row.effective.objective.id,
                "metric": row.effective.objective.metric,
                "unit": row.effective.objective.unit,
                "cells": [
                    {
                        "period": f"{cell.period:%Y-%m}",
                        "target": cell.target.value,
                        "direction": cell.target.direction.value,
                        "in_force": cell.target.in_force,
                        "value": cell.value,
                        "met": cell.met,
                    }
                    for cell in row.cells
                ],
            }
            for row in grid.rows
        ],
        "months": [
            {
                "period": f"{s.period:%Y-%m}",
                "measured": s.measured,
                "met": s.met,
                "status": s.status.value,
            }
            for s in grid.summaries
        ],
    }
