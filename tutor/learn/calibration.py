"""Confidence that means what it says: temperature scaling, calibration error, thresholds.

All fitted on dev, reported on test; plain numpy, deterministic.
"""

from __future__ import annotations

import numpy as np

TEMPERATURES = np.exp(np.linspace(np.log(0.25), np.log(8.0), 81))


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    z = logits / temperature
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def sigmoid(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-logits / temperature))


def fit_temperature(logits: np.ndarray, labels: np.ndarray, multilabel: bool) -> float:
    """The temperature that minimises dev negative log-likelihood (grid search, deterministic).

    softmax: labels are class indices (N,); multilabel: a 0/1 matrix like logits.
    """
    best, best_nll = 1.0, float("inf")
    for t in TEMPERATURES:
        if multilabel:
            p = np.clip(sigmoid(logits, t), 1e-7, 1 - 1e-7)
            nll = -float(np.mean(labels * np.log(p) + (1 - labels) * np.log(1 - p)))
        else:
            p = softmax(logits, t)[np.arange(len(labels)), labels]
            nll = -float(np.mean(np.log(np.clip(p, 1e-7, 1.0))))
        if nll < best_nll:
            best, best_nll = float(t), nll
    return best


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    """Mean |accuracy - confidence| over equal-width confidence bins, weighted by bin size."""
    confidence = np.asarray(confidence, dtype=float)
    correct = np.asarray(correct, dtype=float)
    if not len(confidence):
        return 0.0
    edges = np.linspace(0.0, 1.0, bins + 1)
    total = 0.0
    for low, high in zip(edges[:-1], edges[1:]):
        inside = (confidence > low) & (confidence <= high) if low > 0 else (confidence >= low) & (confidence <= high)
        if inside.any():
            total += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(total)


def threshold_for_precision(scores: np.ndarray, positive: np.ndarray, target: float,
                            min_flags: int = 3, floor: float = 0.3, ceiling: float = 0.95) -> float:
    """The lowest threshold in [floor, ceiling] whose precision reaches `target` on these scores.

    Below `min_flags` predictions precision is noise: stop there and return the ceiling.
    """
    for threshold in np.round(np.arange(floor, ceiling + 1e-9, 0.025), 3):
        flagged = scores >= threshold
        if flagged.sum() < min_flags:
            break
        if positive[flagged].mean() >= target:
            return float(threshold)
    return ceiling
