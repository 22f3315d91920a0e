"""The insight report as PDF, printed by headless Chromium from the self-contained HTML.

Chromium draws the Plotly charts exactly as a browser does, and the print CSS decides
the pages. It runs on a file in a private temporary directory, with a proxy that
leads nowhere, so even a URL that slipped into the HTML could fetch nothing (SECURITY.md
case 29); it gets a time limit, so a stuck renderer never holds a worker.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

#: Seconds the whole render may take before it is abandoned.
TIMEOUT = 90
#: Milliseconds of virtual time for scripts (the charts) before printing.
VIRTUAL_TIME_BUDGET = 10_000
#: Where Debian puts it; ENGAGE_CHROMIUM overrides.
CANDIDATES = ("chromium", "chromium-browser", "google-chrome")

INSTALL_HINT = "apt-get install chromium (or set ENGAGE_CHROMIUM to a Chromium binary)"


class PdfError(RuntimeError):
    """Chromium is missing, failed or took too long."""


def chromium_path() -> str | None:
    """The Chromium binary to use, or None when there is none."""
    configured = os.environ.get("ENGAGE_CHROMIUM", "").strip()
    if configured:
        return shutil.which(configured) or (
            configured if os.access(configured, os.X_OK) else None
        )
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def pdf_available() -> bool:
    """Whether PDF reports can be made here (the other formats never need Chromium)."""
    return chromium_path() is not None


def render_pdf(html: str, *, timeout: float = TIMEOUT) -> bytes:
    """Print ``html`` (from :func:`engage.reports.html.render_html`) to PDF bytes.

    :raise PdfError: no Chromium, it failed, timed out or wrote no PDF.
    """
    binary = chromium_path()
    if binary is None:
        raise PdfError(f"PDF needs Chromium: {INSTALL_HINT}.")
    with tempfile.TemporaryDirectory(prefix="engage-pdf-") as tmp:
        folder = Path(tmp)
        page = folder / "report.html"
        page.write_text(html, encoding="utf-8")
        out = folder / "report.pdf"
        command = [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--no-default-browser-check",
            "--mute-audio",
            # Nothing to fetch, and nowhere to fetch it from.
            "--proxy-server=127.0.0.1:9",
            "--proxy-bypass-list=<-loopback>",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--user-data-dir={folder / 'profile'}",
            f"--crash-dumps-dir={folder / 'crashes'}",
            f"--print-to-pdf={out}",
            "--no-pdf-header-footer",
            f"--virtual-time-budget={VIRTUAL_TIME_BUDGET}",
            page.as_uri(),
        ]
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(folder),
            "LANG": "C.UTF-8",
        }
        try:
            # Its own process group: on a timeout every Chromium child goes too.
            process = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
                command,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                env=env,
                cwd=folder,
                start_new_session=True,
            )
        except OSError as exc:
            raise PdfError(f"Chromium could not start: {exc}.") from exc
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            _kill_group(process)
            raise PdfError(f"Chromium took longer than {timeout:g} s.") from exc
        if not out.exists() or out.stat().st_size == 0:
            tail = stderr.decode("utf-8", "replace")[-500:]
            raise PdfError(f"Chromium wrote no PDF (exit {process.returncode}): {tail}")
        return out.read_bytes()


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()
