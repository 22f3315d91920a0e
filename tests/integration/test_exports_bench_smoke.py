"""P7's bench (bench/exports.py) on a small N: the data set's shape, and every export
measured in a child process returns a file that parses back with the right counts."""

from __future__ import annotations

import csv
import io
import sqlite3
import sys
from pathlib import Path

from openpyxl import load_workbook

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

from exports import generate, report, run_all  # noqa: E402

N = 300


def test_bench_generates_and_measures_every_tabular_format(tmp_path: Path) -> None:
    data = generate(str(tmp_path), N)
    assert (data.responses, data.feedback) == (N, 3 * N)
    db = sqlite3.connect(tmp_path / "engage.sqlite3")
    one = lambda sql: db.execute(sql).fetchone()  # noqa: E731
    assert one("SELECT count(*) FROM responses") == (N,)
    assert one("SELECT count(*) FROM answers") == (3 * N,)
    assert one("SELECT count(*) FROM feedback WHERE answer_id IS NOT NULL") == (3 * N,)
    assert one("SELECT count(*) FROM feedback_rollups")[0] > 0
    db.close()

    formats = ["csv-responses", "csv-feedback", "xlsx"]
    results = run_all(data, str(tmp_path), formats)
    by = {r["format"]: r for r in results}
    assert set(by) == {"baseline", *formats}
    for r in results:
        assert r["status"] == 200, r
        assert r["seconds"] >= 0
        assert 10 < r["rss_mb"] < 2000
    assert report(data, results)

    def lines(name: str) -> list[list[str]]:
        text = (tmp_path / f"export-{name}.out").read_text(encoding="utf-8-sig")
        return list(csv.reader(io.StringIO(text, newline="")))

    assert len(lines("csv-responses")) == N + 1
    assert len(lines("csv-feedback")) == 3 * N + 1
    assert len(lines("baseline")) == 3 * N
    content = (tmp_path / "export-xlsx.out").read_bytes()
    book = load_workbook(io.BytesIO(content), read_only=True)
    assert book.sheetnames[:3] == ["Summary", "Trend", "Feedback"]
    assert sum(1 for _ in book["Feedback"].iter_rows()) == 3 * N + 1
    book.close()
