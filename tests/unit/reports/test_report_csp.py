"""report_csp: hashes exactly the executable inline scripts and the styles."""

from __future__ import annotations

import base64
import hashlib

from engage.reports.html import report_csp


def sha(text: str) -> str:
    digest = hashlib.sha256(text.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def test_hashes_executable_scripts_and_styles_only() -> None:
    html = (
        "<style>p{color:red}</style>"
        '<script type="application/json" id="f">{"a": 1}</script>'
        "<script>draw()</script>"
        '<script src="x.js"></script>'
    )
    directives = dict(d.split(" ", 1) for d in report_csp(html).split("; "))
    assert directives["script-src"] == sha("draw()")
    assert directives["style-src"] == sha("p{color:red}")
    assert directives["sandbox"] == "allow-scripts"
    assert directives["default-src"] == "'none'"


def test_no_script_means_none_allowed() -> None:
    directives = dict(d.split(" ", 1) for d in report_csp("<p>x</p>").split("; "))
    assert directives["script-src"] == "'none'"
    assert directives["style-src"] == "'none'"
