"""Train the fallacy classifier: `python -m tutor.fallacy.baseline_train`.

Deterministic: the same examples.jsonl and embedding model give the same
weights. Only the "train" split is used; per-type thresholds are chosen by
5-fold cross-validation inside it (the held-out "test" split is never read
here). Writes tutor/fallacy/data/model.npz and model.json.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from tutor.errors import TutorError
from tutor.fallacy import equivocation as eq
from tutor.fallacy import model as fmodel
from tutor.fallacy.rules import SENTENCE_TYPES

TARGET_PRECISION = 0.9
GRID = [round(x, 2) for x in np.arange(0.30, 0.96, 0.05)]
FOLDS = 5
L2 = 1e-3


def choose_thresholds(probs: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """Per type: the lowest threshold whose cross-validated precision reaches the target."""
    thresholds: dict[str, float] = {}
    for col, type_id in enumerate(fmodel.CLASSES):
        if type_id == "none":
            continue
        chosen = 0.95
        for thr in GRID:
            predicted = probs[:, col] >= thr
            if predicted.sum() < 3:
                break
            precision = float((labels[predicted] == col).mean())
            if precision >= TARGET_PRECISION:
                chosen = thr
                break
        thresholds[type_id] = chosen
    return thresholds


def equivocation_threshold(rows: list[dict]) -> float:
    from tutor.corpus.segment import sentence_spans

    scored = []
    for row in rows:
        if row["label"] not in ("equivocation", "none"):
            continue
        text = row["text"]
        shifts = eq.find_shifts(eq.find_uses(text, sentence_spans(text)))
        confidence = max((s.confidence for s in shifts), default=0.0)
        scored.append((confidence, row["label"] == "equivocation"))
    for thr in GRID:
        predicted = [positive for confidence, positive in scored if confidence >= thr]
        if predicted and sum(predicted) / len(predicted) >= TARGET_PRECISION:
            return thr
    return 0.95


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tutor.fallacy.baseline_train", description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="embedding model (default: the bundled all-MiniLM-L6-v2)")
    args = parser.parse_args(argv)
    try:
        from tutor.embedding import load_embedder

        rows = fmodel.read_examples()
        digest = fmodel.data_sha256()
        train = [r for r in rows if r["split"] == "train"]
        sentence_rows = [r for r in train if r["label"] in fmodel.CLASSES]
        texts = [r["text"] for r in sentence_rows]
        labels = np.array([fmodel.CLASSES.index(r["label"]) for r in sentence_rows])
        embedder = load_embedder(args.model)
        vectors = embedder.encode(texts)
        x = fmodel.features(vectors, fmodel.rule_matrix(texts))

        # cross-validated probabilities on the train split, for the thresholds
        order = np.arange(len(texts))
        folds = order % FOLDS
        cv = np.zeros((len(texts), len(fmodel.CLASSES)), dtype=np.float32)
        for k in range(FOLDS):
            fit, held = folds != k, folds == k
            w, b = fmodel.fit_softmax(x[fit], labels[fit], len(fmodel.CLASSES), l2=L2)
            cv[held] = fmodel.Classifier(w, b, fmodel.CLASSES, {}, {}).predict_proba(x[held])
        thresholds = choose_thresholds(cv, labels)
        thresholds["equivocation"] = equivocation_threshold(train)

        weights, bias = fmodel.fit_softmax(x, labels, len(fmodel.CLASSES), l2=L2)
        manifest = {
            "format_version": fmodel.FORMAT_VERSION,
            "data_sha256": digest,
            "model": embedder.name,
            "model_weights_sha256": embedder.weights_sha256,
            "classes": list(fmodel.CLASSES),
            "features": f"{embedder.dimension} embedding dims + {len(SENTENCE_TYPES)} rule flags",
            "train_examples": len(sentence_rows),
            "l2": L2,
            "threshold_target_precision": TARGET_PRECISION,
            "thresholds": thresholds,
        }
        fmodel.save(fmodel.WEIGHTS_PATH, fmodel.MANIFEST_PATH, weights, bias, manifest)
    except TutorError as exc:
        print(f"error: {exc.one_line()}", file=sys.stderr)
        return exc.exit_code
    print(f"trained on {len(sentence_rows)} examples (data sha256 {digest[:12]}), wrote {fmodel.WEIGHTS_PATH}")
    for type_id, thr in sorted(thresholds.items()):
        print(f"  threshold {type_id:22s} {thr:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
