"""The sentence classifier: multinomial logistic regression on [embedding, rule flags].

Weights are plain numeric arrays in an .npz (loaded with allow_pickle=False)
next to a JSON manifest that records the training data's sha256, the
embedding model, the weights' sha256, the format version and the per-type
thresholds. Training is plain numpy gradient descent, fully deterministic.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from tutor.errors import ModelError
from tutor.fallacy.rules import SENTENCE_TYPES, rule_flags

FORMAT_VERSION = 1
DATA_DIR = Path(__file__).parent / "data"
EXAMPLES_PATH = DATA_DIR / "examples.jsonl"
WEIGHTS_PATH = DATA_DIR / "model.npz"
MANIFEST_PATH = DATA_DIR / "model.json"
CLASSES: tuple[str, ...] = ("none",) + SENTENCE_TYPES
RULE_SCALE = 1.0


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def data_sha256(path: Path = EXAMPLES_PATH) -> str:
    return sha256_bytes(path.read_bytes())


def rule_matrix(texts: Sequence[str]) -> np.ndarray:
    """One row per unit text: 1.0 where a rule of that type fired."""
    out = np.zeros((len(texts), len(SENTENCE_TYPES)), dtype=np.float32)
    index = {t: i for i, t in enumerate(SENTENCE_TYPES)}
    for row, text in enumerate(texts):
        for type_id in rule_flags(text):
            if type_id in index:
                out[row, index[type_id]] = 1.0
    return out


def features(vectors: np.ndarray, rules: np.ndarray) -> np.ndarray:
    return np.hstack([np.asarray(vectors, dtype=np.float32), RULE_SCALE * rules]).astype(np.float32)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_softmax(x: np.ndarray, y: np.ndarray, n_classes: int, l2: float = 1e-3,
                steps: int = 1500, lr: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    """Full-batch gradient descent with a fixed schedule: same input, same weights."""
    x = x.astype(np.float64)
    n, d = x.shape
    w = np.zeros((d, n_classes))
    b = np.zeros(n_classes)
    onehot = np.eye(n_classes)[y]
    for step in range(steps):
        p = _softmax(x @ w + b)
        g = (p - onehot) / n
        gw = x.T @ g + l2 * w
        gb = g.sum(axis=0)
        rate = lr / (1.0 + step / 500.0)
        w -= rate * gw
        b -= rate * gb
    return w.astype(np.float32), b.astype(np.float32)


@dataclass
class Classifier:
    weights: np.ndarray  # (features, classes)
    bias: np.ndarray  # (classes,)
    classes: tuple[str, ...]
    thresholds: dict[str, float]
    manifest: dict

    def predict_proba(self, feats: np.ndarray) -> np.ndarray:
        if feats.shape[1] != self.weights.shape[0]:
            raise ModelError(
                f"the fallacy classifier expects {self.weights.shape[0] - len(SENTENCE_TYPES)}-dimensional embeddings, "
                f"got {feats.shape[1] - len(SENTENCE_TYPES)}",
                "use the embedding model named in tutor/fallacy/data/model.json or retrain",
            )
        return _softmax(feats.astype(np.float64) @ self.weights + self.bias).astype(np.float32)


def save(path_npz: Path, path_json: Path, weights: np.ndarray, bias: np.ndarray, manifest: dict) -> None:
    np.savez(path_npz, weights=weights, bias=bias, classes=np.array(CLASSES, dtype="U32"))
    manifest = dict(manifest)
    manifest["weights_sha256"] = sha256_bytes(path_npz.read_bytes())
    path_json.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def load(path_npz: Path = WEIGHTS_PATH, path_json: Path = MANIFEST_PATH) -> Classifier:
    try:
        manifest = json.loads(path_json.read_text(encoding="utf-8"))
        raw = path_npz.read_bytes()
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read the fallacy model: {exc}", "run `python -m tutor.fallacy.baseline_train`") from None
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ModelError("the fallacy model has an unknown format version", "run `python -m tutor.fallacy.baseline_train`")
    if sha256_bytes(raw) != manifest.get("weights_sha256"):
        raise ModelError("the fallacy model weights fail their sha256 check", "run `python -m tutor.fallacy.baseline_train`")
    with np.load(path_npz, allow_pickle=False) as data:
        weights = np.asarray(data["weights"], dtype=np.float32)
        bias = np.asarray(data["bias"], dtype=np.float32)
        classes = tuple(str(c) for c in data["classes"])
    if classes != CLASSES:
        raise ModelError("the fallacy model was trained for other types", "run `python -m tutor.fallacy.baseline_train`")
    thresholds = {k: float(v) for k, v in manifest.get("thresholds", {}).items()}
    return Classifier(weights, bias, classes, thresholds, manifest)


def read_examples(path: Path = EXAMPLES_PATH) -> list[dict]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            row = json.loads(line)
            if not {"text", "label", "split"} <= set(row):
                raise ValueError(f"{path}:{number}: needs text, label and split")
            rows.append(row)
    return rows
