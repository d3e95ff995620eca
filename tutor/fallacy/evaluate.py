"""Held-out evaluation: `python -m tutor.fallacy.evaluate [--json] [--split test]`.

Runs the full checker (rules, classifier, thresholds, equivocation detector)
on every example of the split and prints per-type precision, recall and F1,
overall (micro) precision, and the false-positive rate on sound sentences
(the share of "none" examples that draw any finding).
"""

from __future__ import annotations

import argparse
import json
import sys

from tutor.errors import TutorError
from tutor.fallacy import model as fmodel
from tutor.fallacy.catalog import TYPE_IDS

TARGETS = {"overall_precision": 0.85, "ad_hominem_recall": 0.8, "none_fp_rate": 0.05}


def evaluate(split: str = "test", checker=None) -> dict:
    from tutor.fallacy.checker import FallacyChecker

    checker = checker or FallacyChecker()
    rows = [r for r in fmodel.read_examples() if r["split"] == split]
    results = checker.check_many([r["text"] for r in rows])
    per_type = {}
    total_tp = total_fp = 0
    for type_id in TYPE_IDS:
        tp = fp = fn = 0
        for row, findings in zip(rows, results):
            predicted = any(f.type == type_id for f in findings)
            if row["label"] == type_id:
                tp += predicted
                fn += not predicted
            else:
                fp += predicted
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_type[type_id] = {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn,
                             "predicted": tp + fp, "tp": tp, "fp": fp, "fn": fn}
        total_tp += tp
        total_fp += fp
    sound = [findings for row, findings in zip(rows, results) if row["label"] == "none"]
    fp_sound = sum(1 for findings in sound if findings)
    positives = [row for row in rows if row["label"] != "none"]
    found_any = sum(1 for row, findings in zip(rows, results) if row["label"] != "none" and findings)
    report = {
        "split": split,
        "examples": len(rows),
        "data_sha256": fmodel.data_sha256(),
        "model_data_sha256": checker.classifier.manifest.get("data_sha256"),
        "per_type": per_type,
        "overall_precision": total_tp / (total_tp + total_fp) if total_tp + total_fp else 0.0,
        "overall_recall": total_tp / len(positives) if positives else 0.0,
        "macro_f1": sum(v["f1"] for v in per_type.values()) / len(per_type),
        "fallacious_examples_with_any_finding": found_any / len(positives) if positives else 0.0,
        "sound_examples": len(sound),
        "sound_with_findings": fp_sound,
        "none_fp_rate": fp_sound / len(sound) if sound else 0.0,
    }
    report["targets"] = {
        "overall_precision >= 0.85": report["overall_precision"] >= TARGETS["overall_precision"],
        "ad_hominem recall >= 0.8": per_type["ad_hominem"]["recall"] >= TARGETS["ad_hominem_recall"],
        "sound FP rate <= 0.05": report["none_fp_rate"] <= TARGETS["none_fp_rate"],
    }
    return report


def render(report: dict) -> str:
    lines = [f"split {report['split']}: {report['examples']} examples",
             f"{'type':22s} {'P':>6s} {'R':>6s} {'F1':>6s} {'n':>4s} {'pred':>5s}"]
    for type_id, m in report["per_type"].items():
        lines.append(f"{type_id:22s} {m['precision']:6.2f} {m['recall']:6.2f} {m['f1']:6.2f} {m['support']:4d} {m['predicted']:5d}")
    lines += [
        f"overall precision (micro) {report['overall_precision']:.3f}",
        f"overall recall (micro)    {report['overall_recall']:.3f}",
        f"macro F1                  {report['macro_f1']:.3f}",
        f"false positives on sound sentences: {report['sound_with_findings']}/{report['sound_examples']} "
        f"= {report['none_fp_rate']:.3f}",
    ]
    for name, ok in report["targets"].items():
        lines.append(f"target {name}: {'met' if ok else 'MISSED'}")
    if report["data_sha256"] != report["model_data_sha256"]:
        lines.append("warning: examples.jsonl changed since the model was trained; run python -m tutor.fallacy.train")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tutor.fallacy.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--split", default="test", choices=["test", "train"])
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
