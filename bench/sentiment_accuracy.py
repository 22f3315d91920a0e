"""Engage's sentiment engine beside stock NLTK VADER on labelled text files.

Usage: python bench/sentiment_accuracy.py PATH [PATH ...] [--json]

Reads the formats of ``../shared/bench-data/`` (detected by content): VADER ground
truth (``ID<TAB>MEAN<TAB>TEXT``, mean rating -4..+4), UCI sentences
(``TEXT<TAB>0|1``) and the airline CSV (``airline_sentiment`` and ``text`` columns).
Per file and scorer it prints n, Pearson r, macro-F1, negative recall and texts per
second; the metrics follow ``bench-data/eval_vader.py``: gold classes from a mean
rating mapped onto [-1, 1] with threshold 0.05, predictions from compound +-0.05,
macro-F1 over the classes present in the gold, Pearson r against -1/0/+1 for labels.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engage.analysis import engine, sentiment  # noqa: E402

CLASSES = ("negative", "neutral", "positive")
ORDINAL = {"negative": -1.0, "neutral": 0.0, "positive": 1.0}
THRESHOLD = 0.05
WARM_UP = 200

#: gold: a numeric score (vader_gt, -4..+4) or a class label.
Item = tuple[str, float | None, str]


def decode(raw: bytes) -> str:
    """The file's text: UTF-8 (with or without BOM), else cp1252, else Latin-1."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _is_float(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def detect_format(text: str) -> str:
    """``airline``, ``vader_gt`` or ``uci`` from the first 20 non-blank lines.

    :raise ValueError: for anything else.
    """
    lines = [line for line in text.splitlines() if line.strip()][:20]
    if not lines:
        raise ValueError("empty file")
    header = lines[0].lower()
    if "airline_sentiment" in header and "text" in header:
        return "airline"
    if all(len(p) >= 3 and _is_float(p[1]) for p in (x.split("\t") for x in lines)):
        return "vader_gt"
    if all(
        len(x.rsplit("\t", 1)) == 2 and x.rsplit("\t", 1)[1].strip() in ("0", "1")
        for x in lines
    ):
        return "uci"
    raise ValueError(
        "unknown format (want VADER ground truth, UCI sentences or airline CSV)"
    )


def gold_class(mean_rating: float, lo: float = -4.0, hi: float = 4.0) -> str:
    """The class of a mean rating mapped linearly onto [-1, 1] (threshold 0.05)."""
    z = (mean_rating - (lo + hi) / 2) / ((hi - lo) / 2)
    if z >= THRESHOLD:
        return "positive"
    if z <= -THRESHOLD:
        return "negative"
    return "neutral"


def predicted_class(compound: float) -> str:
    """VADER's convention: compound >= 0.05 positive, <= -0.05 negative."""
    if compound >= THRESHOLD:
        return "positive"
    if compound <= -THRESHOLD:
        return "negative"
    return "neutral"


def parse(text: str, fmt: str) -> list[Item]:
    """(text, numeric gold or None, gold class) for each record."""
    items: list[Item] = []
    if fmt == "vader_gt":
        for line in text.splitlines():
            parts = line.split("\t")
            if line.strip() and len(parts) >= 3:
                mean = float(parts[1])
                items.append(("\t".join(parts[2:]).strip(), mean, gold_class(mean)))
    elif fmt == "uci":
        for line in text.splitlines():
            if line.strip():
                sentence, label = line.rsplit("\t", 1)
                gold = "positive" if label.strip() == "1" else "negative"
                items.append((sentence.strip(), None, gold))
    else:
        for row in csv.DictReader(io.StringIO(text)):
            items.append((row["text"], None, row["airline_sentiment"].strip().lower()))
    return items


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Pearson's r (nan when either side is constant or n < 2)."""
    n = len(xs)
    if n < 2:
        return math.nan
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return math.nan
    return sxy / math.sqrt(sxx * syy)


def macro_f1(gold: Sequence[str], pred: Sequence[str]) -> float:
    """F1 averaged over the classes present in the gold (other predictions are errors)."""
    present = [c for c in CLASSES if c in set(gold)]
    total = 0.0
    for c in present:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == c and p == c)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != c and p == c)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == c and p != c)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        total += (
            2 * precision * recall / (precision + recall) if precision + recall else 0.0
        )
    return total / len(present)


def recall(gold: Sequence[str], pred: Sequence[str], cls: str = "negative") -> float:
    """Share of the gold ``cls`` items predicted as ``cls`` (nan if there are none)."""
    hits = [p == cls for g, p in zip(gold, pred, strict=True) if g == cls]
    return sum(hits) / len(hits) if hits else math.nan


def texts_per_second(scorer: Callable[[str], float], texts: Sequence[str]) -> float:
    """Throughput over all texts once, after a warm-up on the first 200."""
    for text in texts[:WARM_UP]:
        scorer(text)
    start = time.perf_counter()
    for text in texts:
        scorer(text)
    return len(texts) / (time.perf_counter() - start)


def measure(items: Sequence[Item], scorer: Callable[[str], float]) -> dict[str, float]:
    """r, macro-F1, negative recall and texts/s of one scorer on the items."""
    texts = [t for t, _, _ in items]
    compounds = [scorer(t) for t in texts]
    gold = [g for _, _, g in items]
    numeric = [s for _, s, _ in items]
    reference = (
        [float(s) for s in numeric if s is not None]
        if all(s is not None for s in numeric)
        else [ORDINAL[g] for g in gold]
    )
    pred = [predicted_class(c) for c in compounds]
    return {
        "r": pearson(compounds, reference),
        "macro_f1": macro_f1(gold, pred),
        "neg_recall": recall(gold, pred),
        "texts_per_s": texts_per_second(scorer, texts),
    }


def _stock(text: str) -> float:
    # Uncached: the wrapper's LRU cache would flatter its speed on repeated texts.
    return float(sentiment.score(text).compound)


def _engage(text: str) -> float:
    return engine.score_text(text).compound


def main(argv: Sequence[str] | None = None) -> int:
    """Benchmark each file; print a table, or one JSON object per file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="+", metavar="PATH")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    args = parser.parse_args(argv)
    if not args.json:
        print(f"engine: {engine.ENGINE_VERSION}")
        print(
            f"{'file':<40} {'scorer':<7} {'n':>6} {'r':>7} {'macroF1':>8} "
            f"{'negRec':>7} {'texts/s':>9}"
        )
    for path in args.paths:
        text = decode(Path(path).read_bytes())
        try:
            items = parse(text, detect_format(text))
        except ValueError as error:
            # A glob such as vader_gt/*.txt also matches the authors' README.
            print(f"skipped {path}: {error}", file=sys.stderr)
            continue
        results = {"engage": measure(items, _engage), "stock": measure(items, _stock)}
        if args.json:
            print(json.dumps({"file": path, "n": len(items), **results}))
            continue
        for name, m in results.items():
            print(
                f"{Path(path).name[:40]:<40} {name:<7} {len(items):>6} {m['r']:>7.4f} "
                f"{m['macro_f1']:>8.4f} {m['neg_recall']:>7.4f} {m['texts_per_s']:>9.0f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
