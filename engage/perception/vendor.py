"""plotly.js and its stylesheet, taken from the installed ``plotly`` package.

Nothing is fetched from the internet (DESIGN.md section 7). plotly.js normally injects
its base CSS as an inline ``<style>`` element, which our CSP (``style-src 'self'``)
blocks. It skips that when the page already holds an element with the id
``plotly.js-style-global`` and the class ``no-inline-styles``; the chart macro puts a
``<link>`` with that id to :func:`plotly_css`, which rebuilds the same rules from the
table in the installed plotly.js, so they always match its version. Bundled map
styles are injected the same way unless an element with their id exists:
:func:`bundled_style_ids` finds those ids and the macro places empty ``<template>``
elements with them (the portfolio draws no maps).
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import metadata, resources
from pathlib import Path

#: The rules object in plotly.js: ``{"X,X div":'direction:ltr;...', ...}``.
_TABLE_START = '={"X,X div"'
_PAIR = re.compile(
    r'"((?:[^"\\]|\\.)*)":(\'(?:[^\'\\]|\\.)*\'|"(?:[^"\\]|\\.)*")', re.DOTALL
)

_BUNDLED = re.compile(r'if\(!document\.getElementById\("([0-9a-f]{16,})"\)\)')


@cache
def plotly_path() -> Path:
    """The minified plotly.js inside the installed ``plotly`` package."""
    return Path(str(resources.files("plotly") / "package_data" / "plotly.min.js"))


@cache
def plotly_version() -> str:
    return metadata.version("plotly")


def _unquote(literal: str) -> str:
    if literal.startswith("'"):
        literal = '"' + literal[1:-1].replace("\\'", "'").replace('"', '\\"') + '"'
    value: str = json.loads(literal)
    return value


@cache
def plotly_css() -> str:
    """plotly.js's base stylesheet, or an empty one if its table is not found.

    Without it charts still draw; only the hover and notifier styling is plainer.
    """
    source = plotly_path().read_text(encoding="utf-8")
    start = source.find(_TABLE_START)
    if start < 0:
        return ""
    end = source.find("};", start)
    rules = []
    for selector, body in _PAIR.findall(source[start + 1 : end + 1]):
        selector = re.sub(r"^,", " ,", selector)
        selector = selector.replace("X", ".js-plotly-plot .plotly").replace(
            "Y", ".plotly-notifier"
        )
        rules.append(f"{selector}{{{_unquote(body)}}}")
    return "\n".join(rules) + "\n"


@cache
def bundled_style_ids() -> tuple[str, ...]:
    """Ids of the ``<style>`` elements plotly.js adds at load unless they exist."""
    return tuple(_BUNDLED.findall(plotly_path().read_text(encoding="utf-8")))
