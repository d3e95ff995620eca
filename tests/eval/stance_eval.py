"""Leave-one-document-out accuracy of the stance estimator on the hand labels.

    python tests/eval/stance_eval.py

For each document, the estimator sees only the other document's labelled
passages (plus the motions' typical claims) and predicts the held-out
document's labels. Prints accuracy per held-out document and motion, overall,
and a majority-label baseline for comparison.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    from tutor.index import load_index
    from tutor.embedding import load_embedder
    from tutor.motions import Motion
    from tutor.stance import StanceModel

    index = load_index()
    embedder = load_embedder()
    vectors = index.vectors()
    passages = index.passages
    motions = [Motion.from_dict(m) for m in index.manifest.motions]
    docs = sorted({p.doc for p in passages})
    total = correct = majority_correct = 0
    print(f"{'held out':<10}{'motion':<26}{'n':>4}{'accuracy':>10}{'majority':>10}")
    for held in docs:
        for motion in motions:
            train = [(i, p.stance[motion.id]) for i, p in enumerate(passages) if p.doc != held and motion.id in p.stance]
            test = [(i, p.stance[motion.id]) for i, p in enumerate(passages) if p.doc == held and motion.id in p.stance]
            if not test:
                continue
            model = StanceModel(motion, embedder, vectors[[i for i, _ in train]] if train else None, [s for _, s in train])
            guesses = model.estimate_many(vectors[[i for i, _ in test]])
            hits = sum(g.stance == gold for g, (_, gold) in zip(guesses, test))
            train_majority = Counter(s for _, s in train).most_common(1)[0][0] if train else "pro"
            majority = sum(gold == train_majority for _, gold in test)
            total += len(test)
            correct += hits
            majority_correct += majority
            print(f"{held:<10}{motion.id:<26}{len(test):>4}{hits / len(test):>10.3f}{majority / len(test):>10.3f}")
    print(f"{'overall':<36}{total:>4}{correct / total:>10.3f}{majority_correct / total:>10.3f}")


if __name__ == "__main__":
    main()
