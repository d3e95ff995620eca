"""The learned argument relation: does a passage attack a claim, support it, or neither?

A cross-encoder fine-tuned from the bundled MiniLM, built so that reranking
stays cheap: the frozen bottom layers read the claim and the passage each on
its own (a passage's bottom states are computed once per index and kept), and
only the fine-tuned top layers read the two together, as one sequence
([CLS] claim [SEP] passage [SEP]). The head gives P(attacks), P(supports),
P(unrelated) and, for an attack, how: rebuts, undercuts or counter-example.

The same model reads (motion statement, passage) for stance toward a motion:
supports = pro, attacks = con, unrelated = neither.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from tutor.learn import artefact as artefacts
from tutor.learn.calibration import softmax
from tutor.learn.encoder import BaseEncoder, load_base, pad
from tutor.learn.top import make_top_model

NAME = "relation"
ARTEFACT_DIR = Path(__file__).parent / "data"
RELATIONS: tuple[str, ...] = ("attacks", "supports", "unrelated")
KINDS: tuple[str, ...] = ("rebuts", "undercuts", "counter-example")
CLAIM_TOKENS = 64
PASSAGE_TOKENS = 96
SENTENCE_TOKENS = 256  # the bundled model's max_seq_length, as the index's vectors were made


@dataclass(frozen=True)
class Relation:
    """What the model says of one (claim, passage) pair."""

    attacks: float
    supports: float
    unrelated: float
    kind: str  # the likeliest kind of attack
    kind_confidence: float

    @property
    def label(self) -> str:
        probs = {"attacks": self.attacks, "supports": self.supports, "unrelated": self.unrelated}
        return max(probs, key=probs.get)

    def to_dict(self) -> dict:
        return {"label": self.label, "attacks": round(self.attacks, 3), "supports": round(self.supports, 3),
                "unrelated": round(self.unrelated, 3), "kind": self.kind if self.label == "attacks" else None}


def claim_ids(base: BaseEncoder, text: str) -> list[int]:
    (ids, _), = base.encode_tokens([text])
    return [base.cls_id] + ids[:CLAIM_TOKENS] + [base.sep_id]


def passage_ids(base: BaseEncoder, text: str) -> list[int]:
    """Passage tokens as read on their own: [CLS] passage [SEP] (the [CLS] is dropped when joined)."""
    (ids, _), = base.encode_tokens([text])
    return [base.cls_id] + ids[:PASSAGE_TOKENS] + [base.sep_id]


def joined_logits(model, claim_states: Sequence, passage_states: Sequence, claim_vectors, passage_vectors):
    """Logits (pairs, 3 + 3) for pairs of bottom states (claim [CLS..SEP] + passage [..SEP]),
    with the pair's sentence vectors (u, v, u*v, |u-v|) beside the joint layers' pooled states."""
    import torch

    from tutor.learn.training import stack

    pairs = [_join(c_state, p_state) for c_state, p_state in zip(claim_states, passage_states)]
    x, mask = stack(pairs)
    states = model.states(x, mask)
    u = torch.as_tensor(np.asarray(claim_vectors, dtype=np.float32))
    v = torch.as_tensor(np.asarray(passage_vectors, dtype=np.float32))
    return model.logits(torch.cat([model.pooled(states, mask), u, v, u * v, (u - v).abs()], dim=-1))


def sentence_vectors(base: BaseEncoder, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
    """The base model's sentence embeddings (mean-pooled, normalised: what the index stores)."""
    out = np.zeros((len(texts), base.config.hidden), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for first in range(0, len(order), batch_size):
        chosen = order[first : first + batch_size]
        rows = [[base.cls_id] + ids[: SENTENCE_TOKENS - 2] + [base.sep_id] for ids, _ in base.encode_tokens([texts[i] for i in chosen])]
        ids, mask = pad(rows)
        states = base.bottom(ids, mask, base.config.layers)
        weights = mask.unsqueeze(-1).to(states.dtype)
        pooled = ((states * weights).sum(1) / weights.sum(1)).numpy()
        out[chosen] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
    return out


def _join(claim_state, passage_state):
    import torch

    return torch.cat([claim_state, passage_state[1:]], dim=0)


class RelationModel:
    """Loaded once per process; keeps the bottom states of the passages it has read."""

    def __init__(self, directory: Path = ARTEFACT_DIR) -> None:
        self.base = load_base(None)
        self.artefact = artefacts.load(directory, NAME, self.base.weights_sha256)
        manifest = self.artefact.manifest
        self.model = make_top_model(self.base, int(manifest["layers"]), len(RELATIONS) + len(KINDS),
                                    extra=4 * self.base.config.hidden)
        self.model.load_state_dict({k: v.float() for k, v in self.artefact.weights().items()})
        self.model.eval()
        self.temperature = float(manifest.get("temperature", 1.0))
        self._passages: dict[str, object] = {}
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    @property
    def manifest(self) -> dict:
        return self.artefact.manifest

    def _bottom(self, sequences: list[list[int]]) -> list:
        if not sequences:
            return []
        ids, mask = pad(sequences)
        out = self.base.bottom(ids, mask, self.model.first_layer)
        return [out[i, : len(s)] for i, s in enumerate(sequences)]

    def passage_states(self, texts: Sequence[str]) -> list:
        """Bottom states of each passage, computed once per text and kept."""
        keys = [_key(t) for t in texts]
        missing = sorted({k: t for k, t in zip(keys, texts) if k not in self._passages}.items())
        for first in range(0, len(missing), 64):
            chunk = missing[first : first + 64]
            for (key, _), state in zip(chunk, self._bottom([passage_ids(self.base, t) for _, t in chunk])):
                self._passages[key] = state
        return [self._passages[k] for k in keys]

    def vectors(self, texts: Sequence[str], given: np.ndarray | None = None) -> np.ndarray:
        """Sentence vectors of `texts`: `given` (e.g. the index's), else computed once and kept."""
        if given is not None:
            return np.asarray(given, dtype=np.float32)
        keys = [_key(t) for t in texts]
        missing = sorted({k: t for k, t in zip(keys, texts) if k not in self._vectors}.items())
        if missing:
            for (key, _), vector in zip(missing, sentence_vectors(self.base, [t for _, t in missing])):
                self._vectors[key] = vector
        return np.stack([self._vectors[k] for k in keys])

    def warm(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> None:
        """Read passages ahead of time (an index's, when it loads; its vectors when given)."""
        with self._lock:
            self.passage_states(texts)
            if vectors is not None:
                for text, vector in zip(texts, vectors):
                    self._vectors[_key(text)] = np.asarray(vector, dtype=np.float32)

    def score(self, claim: str, passages: Sequence[str], claim_vector: np.ndarray | None = None,
              passage_vectors: np.ndarray | None = None) -> list[Relation]:
        """The relation of each passage to `claim` (an argument, or a motion statement).

        `claim_vector` and `passage_vectors` are the texts' sentence embeddings
        when the caller has them (the argument's encode, the index's vectors).
        """
        import torch

        if not passages:
            return []
        with self._lock, torch.inference_mode():
            claim_state = self._bottom([claim_ids(self.base, claim)])[0]
            states = self.passage_states(passages)
            u = self.vectors([claim], None if claim_vector is None else np.asarray(claim_vector)[None, :])
            v = self.vectors(passages, passage_vectors)
            logits = joined_logits(self.model, [claim_state] * len(states), states,
                                   np.repeat(u, len(states), axis=0), v).numpy()
        return relations(logits, self.temperature)


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def relations(logits: np.ndarray, temperature: float) -> list[Relation]:
    probs = softmax(logits[:, : len(RELATIONS)], temperature)
    kinds = softmax(logits[:, len(RELATIONS) :])
    out = []
    for p, k in zip(probs, kinds):
        best = int(k.argmax())
        out.append(Relation(float(p[0]), float(p[1]), float(p[2]), KINDS[best], float(k[best])))
    return out


MODEL_ENV = "TUTOR_RELATION_MODEL"  # a directory with relation.json, e.g. from `tutor train relation --out DIR`
load = artefacts.OncePerDirectory(RelationModel, MODEL_ENV, ARTEFACT_DIR)
