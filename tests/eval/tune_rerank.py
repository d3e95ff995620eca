"""Choose the reranker's weights and N, and the relation stance bias, on dev only.

    python tests/eval/tune_rerank.py [--stance] [--top 15]

Rerun after the relation model is retrained, then copy the chosen constants
into tutor/counter.py (RERANK_N, W_*, SAME_SIDE_ATTACK, FIRST_SAME_SIDE) and
tutor/stance.py (STANCE_BIAS), and record the figures in README.md.

Reranker: a grid over the weights on the counter evaluation's dev split, side
given (the relation model's answers are cached, so each cell costs only the
ranking); the objective is completed nDCG@5 with same-side-in-top-3 no more
than the engine without the reranker allows. The best cells are then run in
free mode too. Stance: per-class biases on the relation model's
log-probabilities, fitted to the shipped corpus's hand stance labels
(corpus/stances.toml; the blind set is never read here).
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent))

from counter_eval import completed, load_set, metrics  # noqa: E402


class Cached:
    """The relation model with its answers kept per (claim, passage)."""

    def __init__(self, model) -> None:
        self.model = model
        self.manifest = model.manifest
        self.cache: dict[tuple[str, str], object] = {}

    def warm(self, texts) -> None:
        self.model.warm(texts)

    def score(self, claim, passages):
        missing = [p for p in dict.fromkeys(passages) if (claim, p) not in self.cache]
        for p, r in zip(missing, self.model.score(claim, missing)):
            self.cache[(claim, p)] = r
        return [self.cache[(claim, p)] for p in passages]


def evaluate(tutor, items, free: bool = False) -> dict[str, float]:
    rows_o, rows_c = [], []
    for item in items:
        result = tutor.counter(item["text"], None if free else item["motion"], None if free else item["side"], 5)
        ranked = [c.id for c in result.counters]
        rows_o.append(metrics(ranked, item))
        rows_c.append(metrics(ranked, completed(item)))
    return {"orig": np.mean([r["ndcg@5"] for r in rows_o]), "comp": np.mean([r["ndcg@5"] for r in rows_c]),
            "hit3": np.mean([r["hit@3"] for r in rows_c]), "same": sum(r["same_side@3"] for r in rows_o)}


def tune_rerank(top: int) -> None:
    from tutor import counter
    from tutor.api import Tutor
    from tutor.relation.model import load

    base = Tutor.open(rerank=False)
    model = Cached(load())
    tutor = Tutor(base.index, base.embedder, relation=model)
    items = load_set("dev")
    old = evaluate(base, items)
    print(f"engine w/o reranker: nDCG@5 {old['orig']:.3f} / {old['comp']:.3f} hit@3 {old['hit3']:.3f} same {old['same']:.0f}")
    grid = {
        "RERANK_N": [10, 20, 40],
        "FIRST_SAME_SIDE": [0.0],
        "W_ATTACKS": [0.0, 0.5, 1.0, 2.0],
        "W_SUPPORTS": [0.0, 1.0],
        "W_SIDE": [0.3],
        "SAME_SIDE_ATTACK": [0.6, 1.01],
    }
    results = []
    for values in itertools.product(*grid.values()):
        cell = dict(zip(grid, values))
        for name, value in cell.items():
            if name == "RERANK_N":
                tutor.engine.rerank_n = value
            else:
                setattr(counter, name, value)
        results.append((cell, evaluate(tutor, items)))
        print(cell, {k: round(float(v), 3) for k, v in results[-1][1].items()}, flush=True)
    results.sort(key=lambda r: (r[1]["same"] <= max(old["same"], 1), r[1]["comp"], r[1]["orig"]), reverse=True)
    print("best cells, side given (orig / completed nDCG@5, hit@3, same-side@3), then free mode:")
    for cell, res in results[:top]:
        for name, value in cell.items():
            if name == "RERANK_N":
                tutor.engine.rerank_n = value
            else:
                setattr(counter, name, value)
        free = evaluate(tutor, items, free=True)
        print(f"{cell}  {res['orig']:.3f} / {res['comp']:.3f} {res['hit3']:.3f} {res['same']:.0f}"
              f"  | free {free['orig']:.3f} / {free['comp']:.3f} {free['hit3']:.3f} {free['same']:.0f}")
    best = results[0][0]
    print("\nby N at the best cell's weights (side given):")
    for n in grid["RERANK_N"]:
        match = [r for c, r in results if c | {"RERANK_N": n} == c and all(c[k] == best[k] for k in best if k != "RERANK_N")]
        res = match[0]
        print(f"N={n}: {res['orig']:.3f} / {res['comp']:.3f} hit@3 {res['hit3']:.3f} same {res['same']:.0f}")


def tune_stance() -> None:
    from tutor.index import load_index
    from tutor.motions import Motion
    from tutor.relation.model import load
    from tutor.stance import relation_stance

    index = load_index()
    model = load()
    pairs = []
    for motion in (Motion.from_dict(m) for m in index.manifest.motions):
        labelled = [p for p in index.passages if p.stance.get(motion.id) in ("pro", "con", "neutral")]
        for p, r in zip(labelled, model.score(motion.statement, [p.text for p in labelled])):
            pairs.append((p.stance[motion.id], r))
    gold = [g for g, _ in pairs]
    print(f"{len(pairs)} hand-labelled (motion, passage) pairs; labels: "
          + ", ".join(f"{s} {gold.count(s)}" for s in ("pro", "con", "neutral")))

    def accuracy(bias):
        predicted = [relation_stance(r, bias).stance for _, r in pairs]
        hits = [p == g for p, g in zip(predicted, gold)]
        per = {s: np.mean([h for h, g in zip(hits, gold) if g == s]) for s in ("pro", "con", "neutral")}
        return float(np.mean(hits)), float(np.mean(list(per.values())))

    print(f"no bias: accuracy {accuracy({})[0]:.3f}, balanced {accuracy({})[1]:.3f}")
    steps = np.arange(-4.0, 2.01, 0.25)
    best = max(({"supports": float(s), "attacks": float(a), "unrelated": 0.0} for s in steps for a in steps),
               key=lambda b: accuracy(b)[1])
    print(f"best bias (balanced accuracy): {best}: accuracy {accuracy(best)[0]:.3f}, balanced {accuracy(best)[1]:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stance", action="store_true", help="tune the stance bias instead")
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()
    if args.stance:
        tune_stance()
    else:
        tune_rerank(args.top)


if __name__ == "__main__":
    main()
