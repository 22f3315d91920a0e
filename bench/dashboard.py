"""P3 of PERFORMANCE.md: the SLA detail page and the portfolio page at scale.

Generates the data set of ``bench/dashboard_data.py`` (fixed seed) in a fresh database,
serves Engage under gunicorn, signs in as an admin and loads with ``wrk``:

- the SLA detail page of the busiest service SLA (``/staff/agreements/<id>``), against
  the bare per-month ``GROUP BY`` of that agreement over the raw feedback table;
- the portfolio page ``/staff/portfolio`` (or the staff overview ``/staff/`` while
  that page does not exist), against the bare per-agreement ``GROUP BY`` over the last
  12 months (``bench/bare_app.py``, one connection per worker, same gunicorn settings).

Prints ``name  engage=...  baseline=...  ratio=...`` lines and whether P3 is met
(p50 <= 150 ms for the SLA page, <= 300 ms for the portfolio, <= 3 x the baseline).

    .venv/bin/python bench/dashboard.py [--rows 1000000] [--backend sqlite|postgresql|both]
        [--seconds 10] [--workers 4] [--connections 4] [--smoke] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from dashboard_data import (  # noqa: E402
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    Dataset,
    drop_pg_database,
    generate,
)
from pages import ROOT, gunicorn  # noqa: E402

PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
TARGETS = {"sla": 150.0, "portfolio": 300.0}
MAX_RATIO = 3.0
COOKIE_LUA = 'wrk.headers["Cookie"] = "%s"\n'


def wrk(url: str, seconds: int, connections: int, script: str = "") -> dict[str, float]:
    """Like ``pages.wrk`` but with a 60 s request timeout: wrk's default of 2 s would
    drop every slow page from the latency figures instead of measuring it."""
    extra = ["-s", script] if script else []
    common = ["wrk", "-t2", "--timeout", "60s", *extra]
    subprocess.run([*common, "-c2", "-d2s", url], capture_output=True, check=True)
    out = subprocess.run(
        [*common, f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def ms(label: str) -> float:
        match = re.search(rf"{label}\s+([\d.]+)(us|ms|s)\b", out)
        if not match:  # no request finished in time
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    def count(pattern: str) -> int:
        return sum(int(n) for n in re.findall(pattern, out))

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    return {
        "requests": count(r"(\d+) requests in"),
        "rps": float(rps.group(1)) if rps else 0.0,
        "p50": ms("50%"),
        "p99": ms("99%"),
        "errors": count(r"Non-2xx or 3xx responses: (\d+)")
        + count(r"(?:connect|read|write|timeout) (\d+)"),
    }


def sign_in(base: str) -> str:
    """Sign in through the login form (with its CSRF token); return the Cookie header."""
    http = requests.Session()
    page = http.get(base + "/staff/login", timeout=30).text
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    assert match, "no CSRF token on the login page"
    answer = http.post(
        base + "/staff/login",
        data={
            "csrf_token": match.group(1),
            "email": ADMIN_EMAIL,
            "password": ADMIN_PASSWORD,
        },
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 303, f"sign-in failed: {answer.status_code}"
    return "; ".join(f"{k}={v}" for k, v in http.cookies.items())


def check(url: str, cookie: str = "") -> int:
    answer = requests.get(
        url, headers={"Cookie": cookie}, allow_redirects=False, timeout=120
    )
    return answer.status_code


def measure(
    data: Dataset, instance: str, args: argparse.Namespace
) -> dict[str, dict[str, dict[str, float]]]:
    """wrk figures for each page, Engage then baseline: ``{page: {side: figures}}``."""
    sqlite = data.url.startswith("sqlite")
    # The database URL always: with --keep the SQLite file is not in ``instance``.
    env = {"ENGAGE_INSTANCE_PATH": instance, "DATABASE_URL": data.url}
    results: dict[str, dict[str, dict[str, float]]] = {}
    lua = Path(instance) / "cookie.lua"
    with gunicorn("app:create_app()", args.workers, env, ROOT) as base:
        cookie = sign_in(base)
        lua.write_text(COOKIE_LUA % cookie)
        sla_url = f"{base}/staff/agreements/{data.busiest_service_sla}"
        portfolio = "/staff/portfolio"
        if check(base + portfolio, cookie) == 404:
            print("# /staff/portfolio is 404: measuring the staff overview /staff/")
            portfolio = "/staff/"
        for page, url in (("sla", sla_url), ("portfolio", base + portfolio)):
            status = check(url, cookie)
            assert status == 200, f"{url}: {status}"
            results[page] = {
                "engage": wrk(url, args.seconds, args.connections, str(lua))
            }
    bare_env = (
        {"BARE_DB": data.url.removeprefix("sqlite:///")}
        if sqlite
        else {"BARE_DSN": data.url.replace("postgresql+psycopg://", "postgresql://")}
    )
    with gunicorn(
        "bare_app:create_aggregate_app()", args.workers, bare_env, ROOT / "bench"
    ) as base:
        for page, url in (
            ("sla", f"{base}/agg/sla/{data.busiest_service_sla}"),
            ("portfolio", f"{base}/agg/portfolio"),
        ):
            assert check(url) == 200, url
            results[page]["baseline"] = wrk(url, args.seconds, args.connections)
    return results


def report(backend: str, results: dict[str, dict[str, dict[str, float]]]) -> bool:
    """Print the summary lines; return whether P3 is met."""
    met = True
    for page, sides in results.items():
        e, b = sides["engage"], sides["baseline"]
        name = f"{backend}_{page}"
        print(
            f"{name}_rps  engage={e['rps']:.1f}  baseline={b['rps']:.1f}  "
            f"ratio={e['rps'] / b['rps']:.2f}"
        )
        for q in ("p50", "p99"):
            print(
                f"{name}_{q}_ms  engage={e[q]:.1f}  baseline={b[q]:.1f}  "
                f"ratio={e[q] / b[q]:.2f}"
            )
        print(
            f"{name}_errors  engage={e['errors']:.0f}  baseline={b['errors']:.0f}  "
            f"requests={e['requests']:.0f}/{b['requests']:.0f}"
        )
        # NaN (no request finished) compares False: missed.
        ok_abs = e["p50"] <= TARGETS[page]
        ok_ratio = e["p50"] <= MAX_RATIO * b["p50"]
        ok = ok_abs and ok_ratio and e["errors"] == 0 and e["requests"] > 0
        met = met and ok
        print(
            f"{name}_P3  p50={e['p50']:.1f} ms (target <= {TARGETS[page]:.0f}: "
            f"{'yes' if ok_abs else 'NO'})  ratio={e['p50'] / b['p50']:.2f} "
            f"(target <= {MAX_RATIO:.0f}: {'yes' if ok_ratio else 'NO'})  "
            f"{'MET' if ok else 'MISSED'}"
        )
    return met


def kept(backend: str, args: argparse.Namespace) -> Dataset:
    """The data set kept under ``--keep``: generated on the first run, then reused.

    Generating a million rows takes minutes; profiling a change needs the same data
    again. The PostgreSQL database is named after the directory and never dropped.
    """
    folder = Path(args.keep).resolve() / f"{backend}-{args.rows}"
    saved = folder / "dataset.json"
    if saved.exists():
        return Dataset(**json.loads(saved.read_text()))
    folder.mkdir(parents=True, exist_ok=True)
    url = None
    if backend == "postgresql":
        name = re.sub(r"\W", "_", folder.name)
        url = f"{PG_SERVER}/engage_bench_kept_{name}"
        drop_pg_database(url)
    data = generate(str(folder), args.rows, url)
    saved.write_text(json.dumps(asdict(data)))
    return data


def run(backend: str, args: argparse.Namespace) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        url = None
        if backend == "postgresql" and not args.keep:
            url = f"{PG_SERVER}/engage_bench_{secrets.token_hex(4)}"
        try:
            data = kept(backend, args) if args.keep else generate(tmp, args.rows, url)
            print(
                f"# {backend}: {data.rows} feedback rows, {data.agreements} "
                f"SLAs, {data.rollups} rollup rows (generated in {data.seconds:.1f} s);"
                f" busiest service SLA id {data.busiest_service_sla}",
                flush=True,
            )
            results = measure(data, tmp, args)
        finally:
            if url:
                drop_pg_database(url)
    print(
        f"# {backend}: gunicorn {args.workers} sync workers, "
        f"wrk -t2 -c{args.connections} -d{args.seconds}s after a 2 s warm-up"
    )
    return report(backend, results)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--backend", choices=("sqlite", "postgresql", "both"), default="sqlite"
    )
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument(
        "--smoke", action="store_true", help="20,000 rows and 2 s per measurement"
    )
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="keep the generated data under DIR and reuse it on the next run",
    )
    args = parser.parse_args()
    if args.smoke:
        args.rows, args.seconds = 20_000, 2
    if not shutil.which("wrk"):
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 2
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    met = [run(b, args) for b in backends]
    print(f"P3 {'met' if all(met) else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
