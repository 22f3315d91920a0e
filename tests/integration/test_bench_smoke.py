"""P3's data generator (bench/dashboard_data.py) on a small N: shapes, counts, rollups.

The HTTP part of bench/dashboard.py needs wrk and gunicorn; ``--smoke`` runs it by hand.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

from dashboard_data import AGREEMENTS, MONTHS, generate  # noqa: E402

ROWS = 3_000


def test_generator_counts_and_rollups(tmp_path: Path) -> None:
    data = generate(str(tmp_path), ROWS)
    assert data.rows == ROWS
    assert data.agreements == AGREEMENTS
    db = sqlite3.connect(tmp_path / "engage.sqlite3")
    one = lambda sql: db.execute(sql).fetchone()  # noqa: E731

    assert one("SELECT count(*) FROM feedback") == (ROWS,)
    levels = dict(db.execute("SELECT level, count(*) FROM agreements GROUP BY level"))
    assert levels == {"corporate": 1, "customer": 20, "service": AGREEMENTS - 21}
    assert one("SELECT count(*) FROM users WHERE role = 'admin'") == (1,)
    objectives = one("SELECT count(*) FROM objectives")[0]
    assert one("SELECT count(*) FROM measurements") == (objectives * MONTHS,)
    texts = one("SELECT count(*) FROM feedback WHERE kind = 'text'")[0]
    assert 0.25 * ROWS < texts < 0.35 * ROWS
    assert one(
        "SELECT count(*) FROM feedback WHERE kind = 'text'"
        " AND (compound < -1 OR compound > 1 OR compound IS NULL)"
    ) == (0,)
    assert one("SELECT count(*) FROM feedback WHERE objective_id IS NOT NULL")[0] > 0
    busiest = one(
        "SELECT agreement_id FROM feedback f JOIN agreements a ON a.id = f.agreement_id"
        " WHERE a.level = 'service' GROUP BY agreement_id ORDER BY count(*) DESC"
    )
    assert busiest == (data.busiest_service_sla,)

    # The rollups equal the raw rows: per agreement and in total, per slice.
    per_agreement = (
        "SELECT agreement_id, sum(text_n + csat_n + nps_n + ces_n + lost_n)"
        " FROM feedback_rollups WHERE slice = 0 GROUP BY agreement_id"
    )
    raw = "SELECT agreement_id, count(*) FROM feedback GROUP BY agreement_id"
    assert sorted(db.execute(per_agreement)) == sorted(db.execute(raw))
    assert one(
        "SELECT sum(text_n + csat_n + nps_n + ces_n) FROM feedback_rollups"
        " WHERE slice = 2"
    ) == one("SELECT count(*) FROM feedback WHERE objective_id IS NOT NULL")
    total = one("SELECT sum(text_sum) FROM feedback_rollups WHERE slice = 0")[0]
    assert abs(total - one("SELECT sum(compound) FROM feedback")[0]) < 1e-6
