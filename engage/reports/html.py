"""An insight report as ONE self-contained HTML file.

The file travels: mailed, attached to meeting notes, opened years later from a disk.
So everything it needs is inside it: plotly.js from the installed package, the
figures as JSON data blocks, the CSS (with print rules). Nothing refers to a URL, so
opening it fetches nothing, and the PDF renderer (headless Chromium) has nothing to
fetch either (SECURITY.md case 29).

Answer text is attacker-controlled: the template is rendered with Jinja autoescape
and the figures with ``tojson`` (which escapes ``<``, ``>``, ``&`` and quotes), so a
stored payload stays text. When a browser serves the file, :func:`report_csp` adds a
policy that only lets the file's own inline scripts run, in an opaque-origin sandbox
that cannot reach the app's cookies.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache

from flask import render_template
from markupsafe import Markup

from engage.perception.vendor import bundled_style_ids, plotly_css, plotly_path
from engage.reports.content import ReportData

TEMPLATE = "engage/reports/report.html"

_SCRIPT = re.compile(r"<script([^>]*)>(.*?)</script>", re.DOTALL | re.IGNORECASE)
_STYLE = re.compile(r"<style([^>]*)>(.*?)</style>", re.DOTALL | re.IGNORECASE)
_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)


@cache
def plotly_source() -> str:
    """plotly.min.js, safe to place inside a ``<script>`` element."""
    source = plotly_path().read_text(encoding="utf-8")
    # Neither occurs in today's bundle; either would end or confuse the element.
    source = re.sub(r"</(script)", r"<\\/\1", source, flags=re.IGNORECASE)
    return source.replace("<!--", "<\\!--")


def render_html(data: ReportData) -> str:
    """The report as one HTML document (call inside an app context)."""
    return render_template(
        TEMPLATE,
        data=data,
        plotly_js=Markup(plotly_source()),  # noqa: S704 - the vendored bundle, not input
        plotly_css=Markup(plotly_css()),  # noqa: S704 - rules rebuilt from the bundle
        style_ids=bundled_style_ids(),
    )


def _sha256(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def _executable(attrs: str) -> bool:
    """A ``<script>`` the browser runs (JSON data blocks are never executed)."""
    if re.search(r"\bsrc\s*=", attrs, re.IGNORECASE):
        return False
    found = _TYPE.search(attrs)
    return found is None or found.group(1).lower() in {
        "text/javascript",
        "application/javascript",
        "module",
    }


def report_csp(html: str) -> str:
    """A Content-Security-Policy for serving ``html`` (from :func:`render_html`).

    Only the report's own inline scripts and styles run (by hash); nothing may be
    loaded; ``sandbox allow-scripts`` without ``allow-same-origin`` gives the page an
    opaque origin, so even a script that slipped through could not read the app's
    cookies or call it with the viewer's session.
    """
    scripts = sorted(
        {_sha256(body) for attrs, body in _SCRIPT.findall(html) if _executable(attrs)}
    )
    styles = sorted({_sha256(body) for _, body in _STYLE.findall(html)})
    return "; ".join(
        [
            "default-src 'none'",
            "script-src " + (" ".join(scripts) or "'none'"),
            "style-src " + (" ".join(styles) or "'none'"),
            "img-src data:",
            "font-src 'none'",
            "connect-src 'none'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
            "sandbox allow-scripts",
        ]
    )
