"""P3's data set: 200 SLAs over three levels and N feedback rows over 3 years.

A fresh database (a SQLite file in a directory, or a new PostgreSQL database) with
Engage's migrations applied, filled with a fixed seed: 1 corporate SLA, 20 customer
SLAs (customers with departments), 179 service SLAs over a catalogue of services, a few
objectives per SLA with 36 monthly measurements each, and feedback with a Zipf-like
volume per SLA: 30 % free text with a compound score (drawn directly from a plausible
distribution over a small pool of texts; the sentiment engine is not run), the rest
CSAT, happiness and CES scores. Feedback goes in with SQL Core ``executemany`` in big
batches; the rollups are then built by one :func:`engage.rollups.rebuild`.

    .venv/bin/python bench/dashboard_data.py --rows 20000 --dir /tmp/p3
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SEED = 20261125
AGREEMENTS = 200
CUSTOMERS = 20
SERVICES = (
    "Cloud hosting", "Service desk", "Managed network", "Backup", "Workplace",
    "Security operations", "Database hosting", "Identity", "Telephony", "Printing",
    "Application support", "Monitoring",
)  # fmt: skip
MONTHS = 36
BATCH = 50_000
ADMIN_EMAIL = "admin@bench.example"
ADMIN_PASSWORD = "correct horse battery staple"
TEXTS = (
    "The engineer was quick and friendly.",
    "Outage updates came far too late.",
    "Invoices are confusing again.",
    "Great support, solved on the first call.",
    "Response time is fine.",
    "Nobody called back after two days.",
    "The new portal is easier to use.",
    "Change window was not announced properly.",
    "Very helpful and knowledgeable staff.",
    "Too many incidents this month.",
    "Nothing special to report.",
    "The monthly report was accurate and useful.",
)


@dataclass
class Dataset:
    url: str
    rows: int
    agreements: int
    rollups: int
    busiest_service_sla: int
    seconds: float


def _months_back(today: date, count: int) -> list[date]:
    first = date(today.year, today.month, 1)
    out = []
    for i in range(count, 0, -1):
        y, m = divmod(first.year * 12 + first.month - 1 - i, 12)
        out.append(date(y, m + 1, 1))
    return out


def _structure(db: Any, rng: random.Random, today: date) -> list[Any]:
    """Customers, services, agreements, objectives, versions, measurements, admin."""
    from engage.auth.passwords import hash_password
    from engage.models import (
        Agreement,
        AgreementStatus,
        AgreementVersion,
        Aspect,
        Customer,
        Direction,
        Level,
        Measurement,
        MeasurementSource,
        Objective,
        Role,
        Service,
        User,
    )

    s = db.session
    aspects = list(s.scalars(db.select(Aspect).order_by(Aspect.position)))
    services = [Service(name=n) for n in SERVICES]
    start = _months_back(today, MONTHS)[0]

    def sla(name: str, level: Level, **kw: Any) -> Any:
        return Agreement(
            name=name,
            level=level,
            status=AgreementStatus.ACTIVE,
            version=1,
            effective_from=start,
            **kw,
        )

    corporate = sla("Corporate SLA", Level.CORPORATE)
    agreements = [corporate]
    per_customer = (AGREEMENTS - 1 - CUSTOMERS) // CUSTOMERS
    extra = (AGREEMENTS - 1 - CUSTOMERS) % CUSTOMERS
    for c in range(CUSTOMERS):
        customer = Customer(name=f"Customer {c + 1:02d}")
        departments = [
            Customer(name=f"Customer {c + 1:02d} dept {d + 1}", parent=customer)
            for d in range(2)
        ]
        parent = sla(f"{customer.name} SLA", Level.CUSTOMER, customer=customer)
        parent.parent = corporate
        agreements.append(parent)
        count = per_customer + (1 if c < extra else 0)
        for service in rng.sample(services, count):
            owner = rng.choice([customer, *departments])
            agreements.append(
                sla(
                    f"{owner.name} {service.name}",
                    Level.SERVICE,
                    customer=owner,
                    service=service,
                    parent=parent,
                )
            )
    for a in agreements:
        for pos, aspect in enumerate(rng.sample(aspects[:6], 3 if a.service else 2)):
            a.objectives.append(
                Objective(
                    aspect=aspect,
                    metric=f"{aspect.name} score",
                    target=95.0,
                    unit="%",
                    direction=Direction.AT_LEAST,
                    position=pos,
                )
            )
    s.add_all(agreements)
    s.add(
        User(
            email=ADMIN_EMAIL,
            name="Bench Admin",
            role=Role.ADMIN,
            password_hash=hash_password(ADMIN_PASSWORD),
        )
    )
    s.flush()
    for a in agreements:
        s.add(
            AgreementVersion(
                agreement=a,
                number=1,
                effective_from=start,
                objectives=[
                    {"id": o.id, "aspect": o.aspect.name, "metric": o.metric,
                     "target": o.target, "unit": o.unit, "direction": ">=",
                     "overrides_id": None}
                    for o in a.objectives
                ],
            )
        )  # fmt: skip
    now = datetime.now(UTC)
    rows = [
        {
            "agreement_id": a.id,
            "objective_id": o.id,
            "period": period,
            "value": round(min(100.0, rng.gauss(97.0, 2.0)), 2),
            "source": MeasurementSource.DEMO,
            "note": "",
            "recorded_at": now,
        }
        for a in agreements
        for o in a.objectives
        for period in _months_back(today, MONTHS)
    ]
    s.execute(db.insert(Measurement), rows)
    s.flush()
    return agreements


def _score(rng: random.Random, kind: str) -> int:
    """CSAT 1-5 and CES 1-7 skewed to the good end; happiness 0-10 around 7.5."""
    if kind == "csat":
        return rng.choices((1, 2, 3, 4, 5), (3, 5, 15, 45, 32))[0]
    if kind == "ces":
        return rng.choices(range(1, 8), (2, 4, 8, 16, 30, 25, 15))[0]
    return min(10, max(0, round(rng.gauss(7.5, 2.0))))


def _feedback(
    db: Any, rng: random.Random, agreements: list[Any], rows: int, now: datetime
) -> dict[int, int]:
    """Insert ``rows`` feedback rows in batches; return the count per agreement."""
    from sqlalchemy import Table

    from engage.models import Feedback

    weights = [1.0 / (rank + 1) for rank in range(len(agreements))]
    ranks = list(range(len(agreements) - 1))
    rng.shuffle(ranks)
    # Zipf-like volumes in a random order; the corporate SLA stays the quietest.
    weights_by = [weights[-1]] + [weights[r] for r in ranks]
    span = MONTHS * 30.4 * 86400
    table: Table = Feedback.__table__  # type: ignore[assignment]
    kinds = ("csat", "happiness", "ces")
    counts: dict[int, int] = {}
    conn = db.session.connection()
    done = 0
    while done < rows:
        n = min(BATCH, rows - done)
        picks = rng.choices(agreements, weights=weights_by, k=n)
        batch = []
        for a in picks:
            counts[a.id] = counts.get(a.id, 0) + 1
            # Volume grows over the three years: age follows a skewed draw.
            received = now - timedelta(seconds=span * (rng.random() ** 1.3))
            row: dict[str, Any] = {
                "source": "survey",
                "received_at": received,
                "customer_id": a.customer_id or 1,
                "agreement_id": a.id,
                "aspect_id": None,
                "objective_id": None,
                "score": None,
                "text": None,
                "compound": None,
            }
            roll = rng.random()
            if roll < 0.3:
                c = 0.0 if rng.random() < 0.15 else rng.gauss(0.2, 0.45)
                row.update(
                    kind="text",
                    text=rng.choice(TEXTS),
                    compound=round(max(-0.99, min(0.99, c)), 4),
                )
            else:
                kind = kinds[int((roll - 0.3) / 0.7 * 3)]
                score = _score(rng, kind)
                row.update(kind=kind, score=float(score))
            if a.objectives and rng.random() < 0.4:
                objective = rng.choice(a.objectives)
                row["aspect_id"] = objective.aspect_id
                if rng.random() < 0.6:
                    row["objective_id"] = objective.id
            batch.append(row)
        conn.execute(table.insert(), batch)
        done += n
    return counts


def _pg_admin(url: str, statement: str) -> None:
    """Run ``statement`` (``{name}`` is the database of ``url``) on the server."""
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    admin = u.set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False)) as conn:
        conn.autocommit = True
        conn.execute(statement.format(name=u.database))


def drop_pg_database(url: str) -> None:
    _pg_admin(url, 'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def generate(instance: str, rows: int, url: str | None = None) -> Dataset:
    """Build the data set; ``url`` None means a SQLite file in ``instance``."""
    from flask_migrate import upgrade

    from app import create_app
    from engage import rollups
    from engage.extensions import db
    from engage.models import Level

    started = time.perf_counter()
    config: dict[str, Any] = {"INSTANCE_PATH": instance}
    if url:
        _pg_admin(url, 'CREATE DATABASE "{name}"')
        config["SQLALCHEMY_DATABASE_URI"] = url
    app = create_app(config)
    rng = random.Random(SEED)
    with app.app_context():
        upgrade()
        now = datetime.now(UTC).replace(microsecond=0)
        agreements = _structure(db, rng, now.date())
        counts = _feedback(db, rng, agreements, rows, now)
        busiest = max(
            (a.id for a in agreements if a.level is Level.SERVICE),
            key=lambda i: counts.get(i, 0),
        )
        db.session.commit()
        total = rollups.rebuild(db.session)
        db.session.commit()
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()
        uri = str(app.config["SQLALCHEMY_DATABASE_URI"])
        db.engine.dispose()
    return Dataset(
        uri, rows, len(agreements), total, busiest, time.perf_counter() - started
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--dir", required=True, help="instance directory (created)")
    parser.add_argument("--url", help="a PostgreSQL URL of a database to create")
    args = parser.parse_args()
    data = generate(args.dir, args.rows, args.url)
    print(
        f"generated {data.rows} feedback rows, {data.agreements} SLAs, "
        f"{data.rollups} rollup rows in {data.seconds:.1f} s ({data.url})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
