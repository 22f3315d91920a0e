"""The accuracy bench: format detection, parsing and metrics on tiny samples."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[3] / "bench" / "sentiment_accuracy.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sentiment_accuracy", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


VADER_GT = (
    "1\t2.5\tGreat support!\r\n2\t-0.1\tIt is a ticket.\r\n3\t-3.0\tAwful outage.\r\n"
)
UCI = "Loved the service.\t1\nNever again.\t0\n"
AIRLINE = (
    "airline_sentiment,airline_sentiment_confidence,negativereason,airline,text\n"
    'negative,1,Late,X,"slow, again"\npositive,1,,X,thanks\nneutral,0.6,,X,a question\n'
)


def test_formats_are_detected_by_content(bench: ModuleType) -> None:
    assert bench.detect_format(VADER_GT) == "vader_gt"
    assert bench.detect_format(UCI) == "uci"
    assert bench.detect_format(AIRLINE) == "airline"
    with pytest.raises(ValueError, match="unknown format"):
        bench.detect_format("just a readme\nwith lines\n")


def test_parse_gives_texts_and_gold(bench: ModuleType) -> None:
    assert bench.parse(VADER_GT, "vader_gt") == [
        ("Great support!", 2.5, "positive"),
        ("It is a ticket.", -0.1, "neutral"),  # -0.1 / 4 = -0.025: inside +-0.05
        ("Awful outage.", -3.0, "negative"),
    ]
    assert bench.parse(UCI, "uci") == [
        ("Loved the service.", None, "positive"),
        ("Never again.", None, "negative"),
    ]
    assert [g for _, _, g in bench.parse(AIRLINE, "airline")] == [
        "negative",
        "positive",
        "neutral",
    ]
    assert bench.parse(AIRLINE, "airline")[0][0] == "slow, again"


def test_gold_and_predicted_class_thresholds(bench: ModuleType) -> None:
    assert bench.gold_class(0.2) == "positive"  # 0.2 / 4 = 0.05
    assert bench.gold_class(0.19) == "neutral"
    assert bench.gold_class(-0.2) == "negative"
    assert bench.predicted_class(0.05) == "positive"
    assert bench.predicted_class(0.0499) == "neutral"
    assert bench.predicted_class(-0.05) == "negative"


def test_pearson(bench: ModuleType) -> None:
    assert bench.pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert bench.pearson([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    # x = 1,2,3,4; y = 1,3,2,4: sxy = 4, sxx = syy = 5 -> r = 0.8
    assert bench.pearson([1, 2, 3, 4], [1, 3, 2, 4]) == pytest.approx(0.8)
    assert math.isnan(bench.pearson([1, 1], [1, 2]))


def test_macro_f1_over_gold_classes_only(bench: ModuleType) -> None:
    gold = ["negative", "negative", "positive", "positive"]
    pred = ["negative", "neutral", "positive", "negative"]
    # negative: P 1/2, R 1/2, F1 1/2; positive: P 1, R 1/2, F1 2/3; neutral not in gold.
    assert bench.macro_f1(gold, pred) == pytest.approx((0.5 + 2 / 3) / 2)
    assert bench.recall(gold, pred) == pytest.approx(0.5)
    three = ["negative", "neutral", "positive"]
    assert bench.macro_f1(three, three) == pytest.approx(1.0)


def test_measure_uses_ordinal_coding_for_labels(bench: ModuleType) -> None:
    items = [("a", None, "negative"), ("b", None, "neutral"), ("c", None, "positive")]
    scores = {"a": -0.5, "b": 0.0, "c": 0.5}
    m = bench.measure(items, scores.__getitem__)
    assert m["r"] == pytest.approx(1.0)
    assert m["macro_f1"] == pytest.approx(1.0)
    assert m["neg_recall"] == pytest.approx(1.0)
    assert m["texts_per_s"] > 0


def test_json_output_one_object_per_file(
    bench: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "sample.txt"
    path.write_text(UCI, encoding="utf-8")
    (tmp_path / "README.txt").write_text("not data\n", encoding="utf-8")
    assert bench.main([str(path), str(tmp_path / "README.txt"), "--json"]) == 0
    out = capsys.readouterr()
    (line,) = out.out.splitlines()
    record = json.loads(line)
    assert (record["file"], record["n"]) == (str(path), 2)
    assert (
        set(record["engage"])
        == set(record["stock"])
        == {
            "r",
            "macro_f1",
            "neg_recall",
            "texts_per_s",
        }
    )
    assert "skipped" in out.err
