"""Stance toward a motion for text without labels.

The estimate compares the text's embedding with typical claims of each side
(written in motions.toml) and, where hand-labelled passages exist, with the
labelled passages nearest to it. It returns pro, con or neutral with a
confidence; far from the motion altogether, it says neutral.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from tutor.motions import Motion

RELEVANCE_FLOOR = 0.25  # below this similarity to every prototype, the text is off the motion
MARGIN = 0.015  # smaller pro/con differences than this are neutral
KNN = 5


@dataclass(frozen=True)
class StanceEstimate:
    stance: str
    confidence: float
    pro: float
    con: float
    relevance: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "stance": self.stance,
            "confidence": round(self.confidence, 3),
            "scores": {"pro": round(self.pro, 4), "con": round(self.con, 4), "relevance": round(self.relevance, 4)},
        }


class StanceModel:
    """Prototype vectors for one motion, plus optional labelled neighbours."""

    def __init__(
        self,
        motion: Motion,
        embedder: Any,
        labelled_vectors: np.ndarray | None = None,
        labels: list[str] | None = None,
    ) -> None:
        self.motion = motion
        pro, con = motion.prototypes("pro"), motion.prototypes("con")
        vectors = embedder.encode(pro + con)
        self.pro = vectors[: len(pro)]
        self.con = vectors[len(pro) :]
        self.labelled = labelled_vectors if labels else None
        self.labels = np.array(labels or [])

    def estimate(self, vector: np.ndarray) -> StanceEstimate:
        return self.estimate_many(vector.reshape(1, -1))[0]

    def estimate_many(self, vectors: np.ndarray) -> list[StanceEstimate]:
        pro_sim = _top_mean(vectors @ self.pro.T)
        con_sim = _top_mean(vectors @ self.con.T) if len(self.con) else np.zeros(len(vectors))
        relevance = np.maximum(pro_sim, con_sim)
        vote = self._neighbour_vote(vectors)
        out = []
        for i in range(len(vectors)):
            diff = float(pro_sim[i] - con_sim[i]) + 0.1 * float(vote[i])
            if relevance[i] < RELEVANCE_FLOOR or abs(diff) < MARGIN or not len(self.con):
                stance = "neutral"
            else:
                stance = "pro" if diff > 0 else "con"
            confidence = float(1 / (1 + np.exp(-abs(diff) * 25)))
            if stance == "neutral":
                confidence = 1 - confidence if relevance[i] >= RELEVANCE_FLOOR else 0.9
            out.append(StanceEstimate(stance, max(0.5, confidence), float(pro_sim[i]), float(con_sim[i]), float(relevance[i])))
        return out

    def _neighbour_vote(self, vectors: np.ndarray) -> np.ndarray:
        """Similarity-weighted pro(+1)/con(-1) vote of the nearest labelled passages."""
        if self.labelled is None or not len(self.labels):
            return np.zeros(len(vectors))
        sims = vectors @ self.labelled.T
        sign = np.where(self.labels == "pro", 1.0, np.where(self.labels == "con", -1.0, 0.0))
        k = min(KNN, sims.shape[1])
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        weights = np.take_along_axis(sims, top, axis=1).clip(min=0)
        return (weights * sign[top]).sum(1) / np.maximum(weights.sum(1), 1e-6)


def _top_mean(sims: np.ndarray, top: int = 2) -> np.ndarray:
    if sims.shape[1] == 0:
        return np.zeros(sims.shape[0])
    top = min(top, sims.shape[1])
    return np.sort(sims, axis=1)[:, -top:].mean(1)
