"""Evaluate the counter-argument engine against two baselines, in one run.

    python tests/eval/counter_eval.py [--split test|dev|all] [--k 5] [--grades both|original|completed]

Prints nDCG@5, hit@1, hit@3 and same-side-in-top-3 for:
  engine (side given)   motion and side as a student picks them in the TUI
  engine (free)         motion and side estimated from the text
  nearest neighbours    plain cosine on the same embeddings
  BM25                  lexical retrieval (rank-bm25)
The set (counter_eval.jsonl) was written by hand; its test split is not tuned on.
Two gradings (see README.md): `original`, the set's own counters, and
`completed`, the same with the passages it did not list graded by a second,
blind judge (the `second_judge` field).
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))


def load_set(split: str) -> list[dict]:
    rows = [json.loads(line) for line in (HERE / "counter_eval.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows if split == "all" else [r for r in rows if r["split"] == split]


def completed(item: dict) -> dict:
    """The item with the second judge's grades for the passages its own list leaves out."""
    same_side = set(item.get("same_side", []))
    grades = {pid: g for pid, g in item.get("second_judge", {}).items() if g > 0 and pid not in same_side}
    grades.update(item["counters"])  # the original judgement stands wherever there is one
    return {**item, "counters": grades}


def metrics(ranked: list[str], item: dict, k: int = 5) -> dict[str, float]:
    grades = item["counters"]
    gains = [2 ** grades.get(pid, 0) - 1 for pid in ranked[:k]]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sorted((2 ** g - 1 for g in grades.values()), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    same = set(item.get("same_side", []))
    return {
        "ndcg@5": dcg / idcg if idcg else 0.0,
        "hit@1": float(bool(ranked[:1]) and grades.get(ranked[0], 0) > 0),
        "hit@3": float(any(grades.get(pid, 0) > 0 for pid in ranked[:3])),
        "same_side@3": float(any(pid in same for pid in ranked[:3])),
    }


def tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def run(split: str, k: int, gradings: tuple[str, ...] = ("original",)) -> dict[str, dict[str, dict[str, float]]]:
    """Per grading, per system: mean metrics over the split (each system ranks each argument once)."""
    from rank_bm25 import BM25Okapi

    from tutor.api import Tutor

    tutor = Tutor.open()
    passages = tutor.index.passages
    vectors = tutor.index.vectors()
    bm25 = BM25Okapi([tokens(p.text) for p in passages])
    items = load_set(split)
    systems = {
        "engine (side given)": lambda it: [c.id for c in tutor.counter(it["text"], it["motion"], it["side"], k).counters],
        "engine (free)": lambda it: [c.id for c in tutor.counter(it["text"], None, None, k).counters],
        "nearest neighbours": lambda it: [
            passages[i].id for i in np.argsort(-(vectors @ tutor.embedder.encode([it["text"]])[0]))[:k]
        ],
        "BM25": lambda it: [passages[i].id for i in np.argsort(-bm25.get_scores(tokens(it["text"])))[:k]],
    }
    rankings = {name: [system(item) for item in items] for name, system in systems.items()}
    tables: dict[str, dict[str, dict[str, float]]] = {}
    for grading in gradings:
        graded = [completed(item) for item in items] if grading == "completed" else items
        table: dict[str, dict[str, float]] = {}
        for name, ranked in rankings.items():
            rows = [metrics(r, item, k) for r, item in zip(ranked, graded)]
            table[name] = {m: float(np.mean([row[m] for row in rows])) for m in rows[0]}
            table[name]["same_side@3 count"] = sum(row["same_side@3"] for row in rows)
        table["_n"] = {"arguments": len(items)}
        tables[grading] = table
    return tables


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--split", choices=["test", "dev", "all"], default="test")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--grades", choices=["both", "original", "completed"], default="both")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    gradings = ["original", "completed"] if args.grades == "both" else [args.grades]
    tables = run(args.split, args.k, tuple(gradings))
    if args.json:
        print(json.dumps(tables, indent=2))
        return
    for grading, table in tables.items():
        print_table(table, args.split, grading)


def print_table(table: dict[str, dict[str, float]], split: str, grading: str) -> None:
    n = table.pop("_n")["arguments"]
    print(f"counter-argument evaluation, split={split}, {n} arguments, {grading} grades")
    print(f"{'system':<22}{'nDCG@5':>8}{'hit@1':>8}{'hit@3':>8}{'same-side@3':>14}")
    for name, row in table.items():
        print(f"{name:<22}{row['ndcg@5']:>8.3f}{row['hit@1']:>8.3f}{row['hit@3']:>8.3f}"
              f"{int(row['same_side@3 count']):>8d}/{n:<5d}")
    print()


if __name__ == "__main__":
    main()
