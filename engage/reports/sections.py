"""One SLA's detailed report section: trend series, evidence and version history."""

from __future__ import annotations

from datetime import date
from typing import Any

from engage.agreements.overview import agreement_grid
from engage.models import Agreement, AgreementVersion, User
from engage.perception.evidence import _empty, perception_json
from engage.perception.sla import sla_perception
from engage.reports.content import SeriesPoint, SlaSection, VersionLine
from engage.sla.versions import changes


def sla_section(
    agreement: Agreement, user: User | None, periods: list[date], include_quotes: bool
) -> SlaSection:
    grid = agreement_grid(agreement, periods)
    perception = sla_perception(agreement, grid, user)
    today = date.today()
    if perception is None:
        evidence = _empty(agreement, today)
        series: list[SeriesPoint] = []
        figure: dict[str, Any] = {}
    else:
        evidence = perception_json(perception, today)
        series = [
            SeriesPoint(
                month=p.start,
                mean=p.sentiment.value if p.sentiment.enough else None,
                n=p.n,
                low=p.sentiment.low if p.sentiment.enough else None,
                high=p.sentiment.high if p.sentiment.enough else None,
                compliance=c,
            )
            for p, c in zip(perception.points, _align(perception), strict=True)
        ]
        figure = perception.figure
    if not include_quotes:
        # Theme examples are answer text too: they go with the quotes.
        evidence["quotes"] = {"positive": [], "negative": []}
        for theme in [*evidence["themes"], *evidence["unmet_needs"]]:
            theme["example"] = ""
    return SlaSection(
        agreement=agreement,
        evidence=evidence,
        series=series,
        figure=figure,
        history=history(agreement),
    )


def _align(perception: Any) -> list[float | None]:
    """Compliance per point (the grid's months and the series' months match)."""
    compliance = list(perception.compliance)
    n = len(perception.points)
    return (compliance + [None] * n)[:n]


def history(agreement: Agreement) -> list[VersionLine]:
    """Every published version, newest first, with its changes and decisions."""
    versions: list[AgreementVersion] = list(agreement.versions)
    out = []
    for i, version in enumerate(versions):
        before = versions[i - 1] if i else None
        out.append(
            VersionLine(
                number=version.number,
                effective_from=version.effective_from,
                effective_to=version.effective_to,
                change_note=version.change_note,
                changes=changes(before, version),
                decisions=list(version.decisions or []),
            )
        )
    return out[::-1]
