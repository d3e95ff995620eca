"""The fallacy checker's evaluation, in one command: `python -m tutor.fallacy.evaluate`.

Prints, for the fine-tuned checker and beside it the baseline (the old
classifier on frozen sentence vectors), per type and overall: precision,
recall, F1, false flags on sound sentences, and calibration, on
  (a) the project test split (tests/eval/fallacy/test-*.jsonl, written by a
      writer who saw neither the training data nor the checker), or the dev
      topics of the training data with --split dev;
  (b) the shipped corpus, labelled passage by passage by blind annotators and
      adjudicated (tests/eval/fallacy/shipped-labels.jsonl);
  (c) equivocation as word-in-context pairs (tests/eval/fallacy/wic-test.jsonl).
None of these labels is used for training or for choosing thresholds.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from tutor.errors import TutorError

ROOT = Path(__file__).resolve().parents[2]
EVAL_DIR = ROOT / "tests" / "eval" / "fallacy"
TARGETS = {"macro_f1": 0.75, "precision": 0.85, "sound_flag_rate": 0.05, "thread_ad_hominem_f1": 0.85,
           "essay_false_flags": 1, "wic_accuracy": 0.75}


def _types() -> tuple[str, ...]:
    from tutor.fallacy.learned import TYPES

    return TYPES


def unit_predictions(checker, items: Sequence[tuple[str, list[tuple[int, int]], str]]) -> list[list[set[str]]]:
    """For each item, per unit, the set of types found on it (a finding counts on the units it overlaps)."""
    from tutor.corpus.segment import Span

    texts = [t for t, _, _ in items]
    replies = [r for _, _, r in items]
    units = [[Span(s, e) for s, e in spans] for _, spans, _ in items]
    results = checker.check_many(texts, replies, units=units)
    out = []
    for (_, spans, _), findings in zip(items, results):
        found = [set() for _ in spans]
        for f in findings:
            for i, (s, e) in enumerate(spans):
                if f.start < e and f.end > s:
                    found[i].add(f.type)
        out.append(found)
    return out


def confidences(checker, items) -> np.ndarray | None:
    """The fine-tuned model's calibrated probabilities per unit (for calibration error), or None."""
    if not checker.uses_learned:
        return None
    return np.concatenate(checker.learned.predict(items)) if items else None


def score(gold: list[set[str]], predicted: list[set[str]]) -> dict[str, Any]:
    types = _types()
    per_type = {}
    for t in types:
        tp = sum(t in g and t in p for g, p in zip(gold, predicted))
        fp = sum(t not in g and t in p for g, p in zip(gold, predicted))
        fn = sum(t in g and t not in p for g, p in zip(gold, predicted))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        per_type[t] = {"precision": round(precision, 3), "recall": round(recall, 3),
                       "f1": round(2 * precision * recall / (precision + recall), 3) if precision + recall else 0.0,
                       "support": tp + fn, "flagged": tp + fp}
    tp = sum(len(g & p) for g, p in zip(gold, predicted))
    flagged = sum(len(p) for p in predicted)
    positives = sum(len(g) for g in gold)
    sound = [p for g, p in zip(gold, predicted) if not g]
    supported = [v["f1"] for v in per_type.values() if v["support"]]
    return {"units": len(gold), "per_type": per_type,
            "precision": round(tp / flagged, 3) if flagged else 0.0,
            "recall": round(tp / positives, 3) if positives else 0.0,
            "macro_f1": round(float(np.mean(supported)), 3) if supported else 0.0,
            "sound_units": len(sound), "sound_flagged": sum(bool(p) for p in sound),
            "sound_flag_rate": round(sum(bool(p) for p in sound) / len(sound), 3) if sound else 0.0}


def calibration(probs: np.ndarray | None, gold: list[set[str]]) -> float | None:
    """Expected calibration error of the top type's probability (is that type in the gold labels?)."""
    from tutor.learn.calibration import expected_calibration_error

    if probs is None or not len(probs):
        return None
    types = _types()
    top = probs.argmax(1)
    correct = np.array([types[i] in g for i, g in zip(top, gold)])
    return round(expected_calibration_error(probs.max(1), correct), 3)


def split_items(split: str) -> tuple[list[tuple[str, list[tuple[int, int]], str]], list[set[str]], str]:
    """(text, units, reply_to) items, gold label sets per unit, and where they came from."""
    from tutor.fallacy import train as ftrain

    if split == "dev":
        pieces, _ = ftrain.read_pieces()
        chosen = ftrain.split(pieces)[1]
        where = "dev topics of tutor/fallacy/data/train"
    else:
        pieces, _ = ftrain.read_pieces(EVAL_DIR / "test")
        chosen = pieces
        where = "tests/eval/fallacy/test"
    items = [(p.text, p.units, p.reply_to) for p in chosen]
    types = _types()
    gold = [{types[j] for j in np.flatnonzero(row)} for p in chosen for row in p.labels]
    return items, gold, where


def shipped_items() -> tuple[dict[str, list], dict[str, list[set[str]]]]:
    """Per document: (passage text, its units, the text it replies to) and the adjudicated labels."""
    from tutor.fallacy.checker import sentence_units

    labels_path = EVAL_DIR / "shipped-labels.jsonl"
    if not labels_path.is_file():
        return {}, {}
    gold_by_id = {}
    for line in labels_path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            gold_by_id[row["id"]] = set(row["labels"])
    from tutor.index import load_index
    from tutor.paths import default_index_dir

    index = load_index(default_index_dir())
    by_id = {p.id: p for p in index.passages}
    items: dict[str, list] = {}
    gold: dict[str, list[set[str]]] = {}
    for p in index.passages:
        if p.id not in gold_by_id:
            continue
        reply = by_id[p.reply_to[0]].text if p.reply_to and p.reply_to[0] in by_id else ""
        units = [(u.start, u.end) for u in sentence_units(p.text)]
        if not units:
            continue
        # A passage is one labelled unit: it counts as found when any of its sentences has the type.
        items.setdefault(p.doc, []).append((p.text, units, reply))
        gold.setdefault(p.doc, []).append(gold_by_id[p.id])
    return items, gold


def passage_predictions(checker, items) -> list[set[str]]:
    return [set().union(*units) if units else set() for units in unit_predictions(checker, items)]


def wic_accuracy(path: Path = EVAL_DIR / "wic-test.jsonl") -> dict[str, Any] | None:
    from tutor.fallacy import equivocation as eq

    if not path.is_file() or not hasattr(eq, "same_sense_probability"):
        return None
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    predicted = [eq.same_sense_probability(r["term"], r["text_a"], r["text_b"]) >= eq.SAME_SENSE_THRESHOLD for r in rows]
    correct = sum(p == r["same_sense"] for p, r in zip(predicted, rows))
    return {"pairs": len(rows), "accuracy": round(correct / len(rows), 3) if rows else 0.0}


def evaluate(split: str = "test") -> dict[str, Any]:
    from tutor.fallacy import model as fmodel
    from tutor.fallacy.checker import FallacyChecker

    checkers = {"fine-tuned": FallacyChecker(), "baseline": FallacyChecker(classifier=fmodel.load())}
    items, gold, where = split_items(split)
    report: dict[str, Any] = {"split": split, "source": where, "checkers": {}}
    shipped, shipped_gold = shipped_items()
    for name, checker in checkers.items():
        result = score(gold, [u for found in unit_predictions(checker, items) for u in found])
        result["ece"] = calibration(confidences(checker, items), gold)
        docs = {}
        for doc, doc_items in shipped.items():
            predicted = passage_predictions(checker, doc_items)
            docs[doc] = score(shipped_gold[doc], predicted)
            docs[doc]["false_flags"] = sum(len(p - g) for g, p in zip(shipped_gold[doc], predicted))
        result["shipped"] = docs
        report["checkers"][name] = result
    report["wic"] = wic_accuracy()
    return report


def render(report: dict[str, Any]) -> str:
    names = list(report["checkers"])
    lines = [f"split {report['split']} ({report['source']})",
             f"{'type':22s} " + " ".join(f"{n + ' P/R/F1':>22s}" for n in names) + "  support"]
    first = report["checkers"][names[0]]
    for t, m in first["per_type"].items():
        cells = []
        for n in names:
            v = report["checkers"][n]["per_type"][t]
            cells.append(f"{v['precision']:6.2f} {v['recall']:6.2f} {v['f1']:6.2f}  ")
        lines.append(f"{t:22s} " + " ".join(cells) + f"{m['support']:5d}")
    for key, label in (("precision", "precision (micro)"), ("recall", "recall (micro)"), ("macro_f1", "macro F1"),
                       ("sound_flag_rate", "false flags on sound sentences"), ("ece", "calibration error (top type)")):
        lines.append(f"{label:32s} " + "   ".join(f"{n}: {report['checkers'][n][key]}" for n in names))
    for doc in first.get("shipped", {}):
        lines.append(f"shipped {doc}:")
        for n in names:
            d = report["checkers"][n]["shipped"][doc]
            ah = d["per_type"]["ad_hominem"]
            lines.append(f"  {n:11s} passages {d['units']}, precision {d['precision']}, recall {d['recall']}, "
                         f"false flags {d['false_flags']}, ad hominem P/R/F1 {ah['precision']}/{ah['recall']}/{ah['f1']} "
                         f"(support {ah['support']})")
    if report.get("wic"):
        lines.append(f"equivocation word-in-context pairs: {report['wic']['pairs']}, accuracy {report['wic']['accuracy']}")
    new = report["checkers"][names[0]]
    checks = [("macro F1 >= 0.75", new["macro_f1"] >= TARGETS["macro_f1"]),
              ("precision >= 0.85", new["precision"] >= TARGETS["precision"]),
              ("false flags on sound <= 5%", new["sound_flag_rate"] <= TARGETS["sound_flag_rate"])]
    if "thread" in new.get("shipped", {}):
        checks.append(("thread ad hominem F1 >= 0.85",
                       new["shipped"]["thread"]["per_type"]["ad_hominem"]["f1"] >= TARGETS["thread_ad_hominem_f1"]))
    if "essay" in new.get("shipped", {}):
        checks.append(("essay false flags <= 1", new["shipped"]["essay"]["false_flags"] <= TARGETS["essay_false_flags"]))
    if report.get("wic"):
        checks.append(("word-in-context accuracy >= 0.75", report["wic"]["accuracy"] >= TARGETS["wic_accuracy"]))
    lines += [f"target {name}: {'met' if ok else 'MISSED'}" for name, ok in checks]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tutor.fallacy.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--split", default="test", choices=["test", "dev"],
                        help="test: the blind writer's split (run rarely); dev: the training data's dev topics")
    args = parser.parse_args(argv)
    try:
        report = evaluate(args.split)
    except TutorError as exc:
        print(f"error: {exc.one_line()}", file=sys.stderr)
        return exc.exit_code
    print(json.dumps(report, indent=2) if args.json else render(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
