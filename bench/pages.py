"""Page throughput: Engage's sign-in page against a bare Flask template render.

Starts both under gunicorn with the same worker count on loopback, warms up, then loads
each with ``wrk`` (Debian package) for a fixed time, and prints one line per figure:
``name  engage=...  baseline=...  ratio=...`` (PERFORMANCE.md). Bounded in time; it
stops its servers itself.

    .venv/bin/python bench/pages.py [--seconds 10] [--workers 4] [--connections 32]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def gunicorn(app: str, workers: int, env: dict[str, str], cwd: Path) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            # Not the project's gunicorn.conf.py: both servers get the same bare settings.
            "--config",
            "/dev/null",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            app,
        ],
        cwd=cwd,
        env={**os.environ, **env},
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=1)
                break
            except OSError as error:
                if getattr(error, "code", None):  # an HTTP answer: the server is up
                    break
                time.sleep(0.1)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


def wrk(
    url: str,
    seconds: int,
    connections: int,
    script: str | None = None,
    warm: bool = True,
) -> dict[str, float]:
    """Run wrk (after a short warm-up); return requests, requests/s, p50 and p99 in ms,
    and the count of errors (socket errors and answers other than 2xx/3xx)."""
    extra = ["-s", script] if script else []
    if warm:
        subprocess.run(
            ["wrk", "-t2", "-c8", "-d2s", *extra, url], capture_output=True, check=True
        )
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", *extra, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def ms(label: str) -> float:
        match = re.search(rf"{label}\s+([\d.]+)(us|ms|s)\b", out)
        assert match, out
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors += sum(
        int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out)
    )
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    return {
        "requests": total,
        "rps": rps,
        "p50": ms("50%"),
        "p99": ms("99%"),
        "errors": errors,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory() as instance:
        env = {"ENGAGE_INSTANCE_PATH": instance, "FLASK_APP": "app:create_app"}
        subprocess.run(
            [str(BIN / "flask"), "db", "upgrade"],
            cwd=ROOT,
            env={**os.environ, **env},
            check=True,
            capture_output=True,
        )
        with gunicorn("app:create_app()", args.workers, env, ROOT) as base:
            engage = wrk(base + "/staff/login", args.seconds, args.connections)
        with gunicorn(
            "bare_app:create_app()", args.workers, {}, ROOT / "bench"
        ) as base:
            bare = wrk(base + "/page", args.seconds, args.connections)

    print(
        f"# gunicorn {args.workers} workers, wrk -c{args.connections} -d{args.seconds}s"
    )
    print(
        f"login_page_rps  engage={engage['rps']:.0f}  baseline={bare['rps']:.0f}  "
        f"ratio={engage['rps'] / bare['rps']:.2f}"
    )
    print(
        f"login_page_p50_ms  engage={engage['p50']:.1f}  baseline={bare['p50']:.1f}  "
        f"ratio={engage['p50'] / bare['p50']:.2f}"
    )
    print(
        f"login_page_p99_ms  engage={engage['p99']:.1f}  baseline={bare['p99']:.1f}  "
        f"ratio={engage['p99'] / bare['p99']:.2f}"
    )
    print(
        f"login_page_errors  engage={engage['errors']:.0f}  baseline={bare['errors']:.0f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
