"""Plotly figures as plain JSON-ready dicts (templates only place them).

No Plotly Python objects: the figure schema is small and stable, and building dicts
keeps the page cheap. The browser draws them with the plotly.js that the ``plotly``
package ships (served by :mod:`engage.perception.routes`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from engage.analysis.metrics import MIN_N
from engage.analysis.watermelon import Alignment
from engage.perception.queries import Point

Figure = dict[str, Any]

#: Colour, marker symbol and legend name per alignment: never colour alone.
STYLE = {
    Alignment.WATERMELON: ("#c0392b", "diamond", "Watermelon (met, unhappy)"),
    Alignment.REVERSE: ("#d68910", "triangle-up", "Reverse (breached, content)"),
    Alignment.GREEN: ("#1e8449", "circle", "Met, content"),
    Alignment.RED: ("#7b241c", "x", "Breached, unhappy"),
    Alignment.UNKNOWN: ("#7f8c8d", "circle-open", "Not enough data"),
}

_FONT = {"family": "system-ui, sans-serif", "size": 13}


def _layout(**extra: Any) -> dict[str, Any]:
    return {
        "font": _FONT,
        "margin": {"l": 56, "r": 56, "t": 16, "b": 48},
        "legend": {"orientation": "h", "y": -0.2},
        "hovermode": "closest",
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        **extra,
    }


def sla_trend(
    points: Sequence[Point],
    compliance: Sequence[float | None],
    markers: Sequence[tuple[str, str]],
) -> Figure:
    """Monthly sentiment with its 95 % band, compliance on a second axis, versions.

    :param compliance: per point, the % of measured clauses met (None: not measured).
    :param markers: ``(iso day, label)`` per published version.
    """
    x = [p.start.isoformat() for p in points]
    sure = [p.sentiment.enough and p.sentiment.value is not None for p in points]
    mean = [
        p.sentiment.value if ok else None for p, ok in zip(points, sure, strict=True)
    ]
    low = [p.sentiment.low if ok else None for p, ok in zip(points, sure, strict=True)]
    high = [
        p.sentiment.high if ok else None for p, ok in zip(points, sure, strict=True)
    ]
    few = [
        p.sentiment.value if not ok and p.sentiment.value is not None else None
        for p, ok in zip(points, sure, strict=True)
    ]
    n = [p.n for p in points]
    data: list[dict[str, Any]] = [
        {
            "type": "scatter", "x": x, "y": high, "mode": "lines",
            "line": {"width": 0}, "hoverinfo": "skip",
            "connectgaps": True, "showlegend": False,
        },
        {
            "type": "scatter", "x": x, "y": low, "mode": "lines", "fill": "tonexty",
            "fillcolor": "rgba(41,128,185,0.18)", "line": {"width": 0},
            "name": "95 % interval", "hoverinfo": "skip",
            "connectgaps": True,
        },
        {
            "type": "scatter", "x": x, "y": mean, "mode": "lines+markers",
            "name": "Mean sentiment",
            "connectgaps": True, "customdata": n,
            "line": {"color": "#2471a3", "width": 2},
            "hovertemplate": "%{x|%b %Y}: %{y:+.2f} (n = %{customdata})<extra></extra>",
        },
        {
            "type": "scatter", "x": x, "y": few, "mode": "markers", "customdata": n,
            "name": f"Too few responses (n < {MIN_N})",
            "marker": {"symbol": "circle-open", "size": 9, "color": "#7f8c8d"},
            "hovertemplate": "%{x|%b %Y}: too few responses (n = %{customdata})"
            "<extra></extra>",
        },
        {
            "type": "scatter", "x": x, "y": list(compliance), "yaxis": "y2",
            "mode": "lines+markers", "name": "Clauses met (%)",
            "line": {"color": "#1e8449", "dash": "dot"},
            "marker": {"symbol": "square", "size": 6},
            "hovertemplate": "%{x|%b %Y}: %{y:.0f} % of clauses met<extra></extra>",
        },
    ]  # fmt: skip
    shapes = [
        {
            "type": "line", "xref": "x", "yref": "paper", "x0": day, "x1": day,
            "y0": 0, "y1": 1, "line": {"color": "#6c3483", "dash": "dash", "width": 1},
        }
        for day, _ in markers
    ]  # fmt: skip
    notes = [
        {
            "x": day, "y": 1, "xref": "x", "yref": "paper", "text": label,
            "showarrow": False, "yanchor": "bottom", "font": {"color": "#6c3483"},
        }
        for day, label in markers
    ]  # fmt: skip
    layout = _layout(
        yaxis={"title": {"text": "Mean sentiment"}, "range": [-1, 1], "zeroline": True},
        yaxis2={
            "title": {"text": "Clauses met (%)"}, "range": [0, 105],
            "overlaying": "y", "side": "right", "showgrid": False,
            "tickvals": [0, 25, 50, 75, 100],
        },
        xaxis={"type": "date", "tickformat": "%b %y"},
        shapes=shapes,
        annotations=notes,
    )  # fmt: skip
    layout["margin"]["t"] = 28
    return {"data": data, "layout": layout}


def portfolio_scatter(rows: Sequence[dict[str, Any]]) -> Figure:
    """Every SLA a point: x compliance share (%), y mean sentiment, one trace per kind.

    :param rows: dicts with ``alignment``, ``x``, ``y``, ``name``, ``n``, ``url``.
    """
    data = []
    for alignment, (colour, symbol, label) in STYLE.items():
        mine = [r for r in rows if r["alignment"] is alignment]
        if not mine:
            continue
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": label,
                "x": [r["x"] for r in mine],
                "y": [r["y"] for r in mine],
                "text": [r["name"] for r in mine],
                "customdata": [[r["url"], r["n"]] for r in mine],
                "marker": {
                    "color": colour,
                    "symbol": symbol,
                    "size": 13 if alignment.mismatch else 10,
                    "line": {"width": 1, "color": "#222"},
                },
                "hovertemplate": "%{text}<br>met %{x:.0f} % of months,"
                " sentiment %{y:+.2f} (n = %{customdata[1]})<extra></extra>",
            }
        )
    layout = _layout(
        # Above the plot: below it the legend would sit on the x axis title.
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        xaxis={
            "title": {"text": "Months with every target met (%)"},
            "range": [-5, 105],
        },
        yaxis={"title": {"text": "Mean sentiment"}, "range": [-1, 1]},
    )
    return {"data": data, "layout": layout}
