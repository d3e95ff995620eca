"""Word in context: is a term used in the same sense in two places?

Equivocation is one term in two senses. This compares the term's contextual
token vectors in the two places: for each layer 1..6 of the bundled MiniLM,
the cosine of the mean of the term's word pieces, and the cosine of the two
sentences' mean vectors (how far the contexts differ, which the term's cosine
must be read against). Both are centred first (the corpus mean of each layer
is subtracted: raw BERT-style vectors all point one way, which squeezes every
cosine towards 1). A logistic regression on these twelve cosines, trained on
project-written pairs (data/wic/*.jsonl), gives P(same sense).

The weights are a small JSON file (data/wic/model.json, no pickle) with a
manifest: data sha256, base weights sha256, the cross-validated accuracy and the
threshold chosen for flagging. Retrain with `python -m tutor.fallacy.wic`.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from tutor.errors import ModelError

DATA_DIR = Path(__file__).parent / "data" / "wic"
MODEL_PATH = DATA_DIR / "model.json"
FORMAT = "tutor-wic"
LAYERS = (1, 2, 3, 4, 5, 6)
FOLDS = 5
L2 = 1.0
STEPS = 3000
TARGET_PRECISION = 0.85  # of "shifted" calls on CV, for the flagging threshold
SAME_SENSE_THRESHOLD = 0.5  # P(same) at or above: same sense (for accuracy on pairs)
WINDOW = 200  # word pieces read around a use in a long text
BATCH = 32


@dataclass(frozen=True)
class Context:
    """One use of a term: the text and the term's character span in it."""

    text: str
    start: int
    end: int


def term_span(term: str, text: str) -> tuple[int, int] | None:
    """The first whole-word use of `term` (or a plural, -ed, -ing form) in `text`."""
    stem = re.escape(term.strip())
    if not stem:
        return None
    match = re.search(rf"\b{stem}(?:s|es|ed|d|ing|ly)?\b", text, re.IGNORECASE)
    if match is None and len(term) > 4 and term.endswith(("y", "e")):  # theory/theories, evolve/evolving
        match = re.search(rf"\b{re.escape(term.strip()[:-1])}\w{{1,4}}\b", text, re.IGNORECASE)
    return (match.start(), match.end()) if match else None


def data_files(directory: Path = DATA_DIR) -> list[Path]:
    return sorted(directory.glob("*.jsonl"))


def data_sha256(paths: Sequence[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def read_pairs(paths: Sequence[Path]) -> list[dict[str, Any]]:
    rows = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                if not all(isinstance(row.get(k), str) for k in ("term", "text_a", "text_b")) or not isinstance(
                        row.get("same_sense"), bool):
                    raise ValueError("needs term, text_a, text_b (strings) and same_sense (true/false)")
            except ValueError as exc:
                raise ModelError(f"{path}:{number}: bad word-in-context pair: {exc}", "fix that line") from None
            rows.append(row)
    return rows


# -- vectors ------------------------------------------------------------------------------

def use_states(base: Any, contexts: Sequence[Context]) -> tuple[np.ndarray, np.ndarray]:
    """Per use: the term's vector and its sentence's mean vector at every layer, (N, 7, D) each.

    Uses are read in batches; a long text is read as a window of word pieces around the use.
    """
    from tutor.learn.encoder import _torch, attention_bias, pad

    torch = _torch()
    layers = base.config.layers + 1
    terms = np.zeros((len(contexts), layers, base.config.hidden), dtype=np.float32)
    means = np.zeros_like(terms)
    texts = list(dict.fromkeys(c.text for c in contexts))  # each text read once, however many uses it has
    encoded = dict(zip(texts, base.encode_tokens(texts))) if texts else {}
    rows: list[list[int]] = []
    row_of: dict[tuple[str, int], int] = {}
    pieces: list[tuple[int, list[int]]] = []  # per use: its row and the term's piece positions in it
    for context in contexts:
        ids, offsets = encoded[context.text]
        inside = [i for i, (s, e) in enumerate(offsets) if e > s and s < context.end and e > context.start]
        if not inside and offsets:  # no word piece under the span: the nearest one
            inside = [min(range(len(offsets)), key=lambda i: abs(offsets[i][0] - context.start))]
        begin = max(0, min(inside[0] - WINDOW // 2, len(ids) - WINDOW)) if inside and len(ids) > WINDOW else 0
        if (context.text, begin) not in row_of:
            row_of[(context.text, begin)] = len(rows)
            rows.append([base.cls_id] + ids[begin : begin + WINDOW] + [base.sep_id])
        pieces.append((row_of[(context.text, begin)], [i - begin + 1 for i in inside if begin <= i < begin + WINDOW] or [0]))
    wanted: dict[int, list[int]] = {}
    for use, (row, _) in enumerate(pieces):
        wanted.setdefault(row, []).append(use)
    with base.lock:
        for first in range(0, len(rows), BATCH):
            ids, mask = pad(rows[first : first + BATCH])
            with torch.inference_mode():
                x = base.embedding_norm(base.word(ids) + base.position(torch.arange(ids.shape[1]).unsqueeze(0))
                                        + base.token_type)
                bias = attention_bias(mask)
                states = [x]
                for layer in base.layers:
                    x = layer(x, bias)
                    states.append(x)
            stacked = torch.stack(states, 1).numpy()  # (B, layers, T, D)
            for j in range(stacked.shape[0]):
                row = first + j
                n = len(rows[row])
                for use in wanted.get(row, []):
                    terms[use] = stacked[j][:, pieces[use][1]].mean(1)
                    means[use] = stacked[j][:, 1 : n - 1].mean(1) if n > 2 else stacked[j][:, 0]
    return terms, means


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    na = np.linalg.norm(a, axis=-1)
    nb = np.linalg.norm(b, axis=-1)
    return (a * b).sum(-1) / np.maximum(na * nb, 1e-12)


def features(terms: np.ndarray, means: np.ndarray, centres: tuple[np.ndarray, np.ndarray],
             pairs: Sequence[tuple[int, int]]) -> np.ndarray:
    """The twelve cosines of each pair of uses (indexes into terms/means)."""
    if not pairs:
        return np.zeros((0, 2 * len(LAYERS)), dtype=np.float64)
    a, b = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
    layers = list(LAYERS)
    t = terms[:, layers] - centres[0]
    m = means[:, layers] - centres[1]
    return np.concatenate([_cosines(t[a], t[b]), _cosines(m[a], m[b])], axis=1).astype(np.float64)


# -- the classifier -------------------------------------------------------------------------

def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = L2, steps: int = STEPS) -> dict[str, list[float] | float]:
    """Full-batch gradient descent on standardised features: deterministic, numpy only."""
    mu, sd = x.mean(0), x.std(0) + 1e-9
    z = (x - mu) / sd
    w, b = np.zeros(z.shape[1]), 0.0
    for _ in range(steps):
        p = _sigmoid(z @ w + b)
        w -= 0.5 * (z.T @ (p - y) + l2 * w) / len(y)
        b -= 0.5 * float((p - y).mean())
    return {"mean": mu.tolist(), "scale": sd.tolist(), "weights": w.tolist(), "bias": b}


def predict_logistic(params: dict[str, Any], x: np.ndarray) -> np.ndarray:
    z = (x - np.asarray(params["mean"])) / np.asarray(params["scale"])
    return _sigmoid(z @ np.asarray(params["weights"]) + float(params["bias"]))


def fold_of(term: str) -> int:
    """A term's cross-validation fold: every pair of one term in the same fold."""
    return int(hashlib.sha256(term.lower().encode("utf-8")).hexdigest(), 16) % FOLDS


@dataclass
class WicModel:
    centres: tuple[np.ndarray, np.ndarray]
    params: dict[str, Any]
    shift_threshold: float
    manifest: dict[str, Any]
    vocabulary: frozenset[str] = frozenset()  # the terms of the training pairs

    def probabilities(self, terms: np.ndarray, means: np.ndarray, pairs: Sequence[tuple[int, int]]) -> np.ndarray:
        """P(same sense) for each pair of uses (indexes into the arrays of `use_states`)."""
        if not pairs:
            return np.zeros(0)
        return predict_logistic(self.params, features(terms, means, self.centres, pairs))

    def same_sense(self, base: Any, pairs: Sequence[tuple[Context, Context]]) -> np.ndarray:
        contexts = [c for pair in pairs for c in pair]
        terms, means = use_states(base, contexts)
        return self.probabilities(terms, means, [(2 * i, 2 * i + 1) for i in range(len(pairs))])


def train(paths: Sequence[Path] | None = None, base: Any = None, log=print) -> dict[str, Any]:
    """Cross-validate by term, then fit on all pairs; the model file's content."""
    from tutor.learn.encoder import load_base

    paths = list(paths) if paths is not None else data_files()
    rows = read_pairs(paths)
    base = base or load_base(None)
    contexts, kept = [], []
    for row in rows:
        spans = [term_span(row["term"], row[k]) for k in ("text_a", "text_b")]
        if None in spans:
            log(f"skipped: {row['term']!r} not found in both texts of {row.get('id', '?')}")
            continue
        kept.append(row)
        contexts += [Context(row[k], *s) for k, s in zip(("text_a", "text_b"), spans)]
    terms, means = use_states(base, contexts)
    y = np.array([1.0 if r["same_sense"] else 0.0 for r in kept])
    folds = np.array([fold_of(r["term"]) for r in kept])
    pairs = [(2 * i, 2 * i + 1) for i in range(len(kept))]
    layers = list(LAYERS)

    def centres_of(index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        uses = np.concatenate([2 * index, 2 * index + 1])
        return terms[uses][:, layers].mean(0), means[uses][:, layers].mean(0)

    out_of_fold = np.zeros(len(kept))
    for fold in range(FOLDS):
        train_rows, dev_rows = np.flatnonzero(folds != fold), np.flatnonzero(folds == fold)
        centres = centres_of(train_rows)
        x = features(terms, means, centres, pairs)
        params = fit_logistic(x[train_rows], y[train_rows])
        out_of_fold[dev_rows] = predict_logistic(params, x[dev_rows])
    cv_accuracy = float(((out_of_fold >= SAME_SENSE_THRESHOLD) == (y == 1)).mean())
    shift_threshold, cv_precision, cv_recall = choose_shift_threshold(out_of_fold, y)
    log(f"{len(kept)} pairs, {len(set(r['term'] for r in kept))} terms; {FOLDS}-fold CV by term: "
        f"accuracy {cv_accuracy:.3f}; flag a shift below P(same) {shift_threshold:.3f}: "
        f"precision {cv_precision:.3f}, recall {cv_recall:.3f} (of shifted pairs)")
    centres = centres_of(np.arange(len(kept)))
    params = fit_logistic(features(terms, means, centres, pairs), y)
    from tutor.learn.artefact import library_versions

    manifest = {
        "format": FORMAT, "base_weights_sha256": base.weights_sha256,
        "data_files": [p.name for p in paths], "data_sha256": data_sha256(paths),
        "pairs": len(kept), "terms": len(set(r["term"] for r in kept)), "layers": layers, "l2": L2,
        "steps": STEPS, "folds": f"{FOLDS}-fold by term (sha256 of the term)",
        "cv_accuracy": round(cv_accuracy, 4), "same_sense_threshold": SAME_SENSE_THRESHOLD,
        "shift_threshold": round(shift_threshold, 4), "shift_target_precision": TARGET_PRECISION,
        "cv_shift_precision": round(cv_precision, 4), "cv_shift_recall": round(cv_recall, 4),
        "libraries": library_versions(),
    }
    return {"manifest": manifest, "vocabulary": sorted({r["term"].lower() for r in kept}), "centres": {"term": centres[0].round(6).tolist(), "mean": centres[1].round(6).tolist()},
            "classifier": {k: (np.round(v, 8).tolist() if isinstance(v, list) else round(v, 8)) for k, v in params.items()}}


def choose_shift_threshold(p_same: np.ndarray, y: np.ndarray, target: float = TARGET_PRECISION,
                           min_flags: int = 10) -> tuple[float, float, float]:
    """The highest P(same) below which "shifted" calls reach `target` precision on CV (at least
    `min_flags` calls); else the threshold of best precision. Returns (threshold, precision, recall)."""
    shifted = y == 0
    best: tuple[float, float, float] | None = None
    fallback: tuple[float, float, float] = (0.0, 0.0, 0.0)
    for t in sorted(set(np.round(p_same, 4).tolist())):
        flagged = p_same < t
        if flagged.sum() < min_flags:
            continue
        precision = float((flagged & shifted).sum() / flagged.sum())
        recall = float((flagged & shifted).sum() / max(1, shifted.sum()))
        if precision >= target:
            best = (t, precision, recall)
        if precision > fallback[1]:
            fallback = (t, precision, recall)
    return best or fallback


# -- loading ------------------------------------------------------------------------------------

_model: dict[str, WicModel] = {}
_lock = threading.Lock()


def load(path: Path = MODEL_PATH, base_weights_sha256: str | None = None) -> WicModel:
    """The trained model, read once and checked against the base model in use."""
    with _lock:
        key = str(path)
        if key not in _model:
            try:
                raw = json.loads(path.read_text(encoding="utf-8"))
                manifest = raw["manifest"]
                if manifest.get("format") != FORMAT:
                    raise ValueError(f"format is {manifest.get('format')!r}, not {FORMAT!r}")
                centres = (np.asarray(raw["centres"]["term"], dtype=np.float32),
                           np.asarray(raw["centres"]["mean"], dtype=np.float32))
                params = raw["classifier"]
                if len(params["weights"]) != 2 * len(LAYERS) or centres[0].shape != (len(LAYERS), centres[0].shape[1]):
                    raise ValueError("the weights do not match the features")
                model = WicModel(centres, params, float(manifest["shift_threshold"]), manifest,
                                 frozenset(str(t) for t in raw.get("vocabulary", [])))
            except FileNotFoundError:
                raise ModelError(f"the word-in-context model {path} is missing",
                                 "train it: python -m tutor.fallacy.wic") from None
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise ModelError(f"the word-in-context model {path} is damaged: {exc}",
                                 "retrain it: python -m tutor.fallacy.wic") from None
            _model[key] = model
        model = _model[key]
    if base_weights_sha256 is not None and model.manifest.get("base_weights_sha256") != base_weights_sha256:
        raise ModelError("the word-in-context model was trained on another base model",
                         "retrain it: python -m tutor.fallacy.wic")
    return model


def same_sense_probability(term: str, text_a: str, text_b: str) -> float:
    """P(`term` has the same sense in `text_a` and `text_b`); a text without the term reads its first word."""
    from tutor.learn.encoder import load_base

    base = load_base(None)
    model = load(base_weights_sha256=base.weights_sha256)
    contexts = []
    for text in (text_a, text_b):
        span = term_span(term, text) or (0, 0)
        contexts.append(Context(text, *span))
    return float(model.same_sense(base, [(contexts[0], contexts[1])])[0])


def main(argv: Sequence[str] | None = None) -> int:
    import argparse
    import sys

    from tutor.files import write_json_atomic

    parser = argparse.ArgumentParser(prog="python -m tutor.fallacy.wic", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODEL_PATH, help="where to write the model (JSON)")
    args = parser.parse_args(argv)
    try:
        model = train()
        write_json_atomic(args.out, model)
    except (ModelError, OSError) as exc:
        print(f"error: {exc.one_line() if isinstance(exc, ModelError) else exc}", file=sys.stderr)
        return 1
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
