"""Fakes for the fallacy checker's fast tests: hashed 384-dimensional vectors and a rules-only classifier.

Shared by the test modules that check text without the model (not a test module itself).
"""

from __future__ import annotations

import hashlib

import numpy as np

from tutor.fallacy import model as fmodel
from tutor.fallacy.rules import SENTENCE_TYPES


class FakeEmbedder:
    """Deterministic hashed vectors: no model, no torch."""

    name = "fake"
    weights_sha256 = "0" * 64
    dimension = 384

    def __init__(self) -> None:
        self.calls = 0

    def encode(self, texts, batch_size=64):
        self.calls += 1
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            seed = int.from_bytes(hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()[:4], "little")
            v = np.random.default_rng(seed).standard_normal(self.dimension).astype(np.float32)
            out[i] = v / np.linalg.norm(v)
        return out


def rules_only_classifier(bonus: float = 4.0) -> fmodel.Classifier:
    """A classifier that follows the rule flags only: P(type) high iff its rule fired."""
    n_types = len(SENTENCE_TYPES)
    weights = np.zeros((384 + n_types, len(fmodel.CLASSES)), dtype=np.float32)
    for i in range(n_types):
        weights[384 + i, i + 1] = bonus
    bias = np.zeros(len(fmodel.CLASSES), dtype=np.float32)
    bias[0] = 1.0
    return fmodel.Classifier(weights, bias, fmodel.CLASSES, {}, {"model": "fake"})
