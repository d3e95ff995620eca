"""The fine-tuned fallacy model: MiniLM's top layers and a multi-label head over units in context.

It reads a whole text (with the text it replies to in front), pools each
sentence unit from its tokens, adds the rule flags of that unit, and gives a
calibrated distribution over "none" and the 20 types (a sentence that is two
things was trained with its weight split between them). A type is reported
when its probability reaches its threshold. Weights: tutor/fallacy/data/fallacy.safetensors beside
fallacy.json (see tutor.learn.artefact); trained by `tutor train fallacy`.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Sequence

import numpy as np

from tutor.fallacy.catalog import FALLACY_TYPES
from tutor.fallacy.rules import rule_hits
from tutor.learn import artefact as artefacts
from tutor.learn.calibration import softmax
from tutor.learn.encoder import BaseEncoder, load_base
from tutor.learn.pieces import windows
from tutor.learn.top import make_top_model

NAME = "fallacy"
ARTEFACT_DIR = Path(__file__).parent / "data"
TYPES: tuple[str, ...] = tuple(t.id for t in FALLACY_TYPES)  # all 20, equivocation too


def rule_features(text: str, units: Sequence[tuple[int, int]]) -> np.ndarray:
    """(units, types): 1.0 where a rule of that type fired inside the unit."""
    index = {t: i for i, t in enumerate(TYPES)}
    flags = np.zeros((len(units), len(TYPES)), dtype=np.float32)
    for row, (start, end) in enumerate(units):
        for hit in rule_hits(text, start, end):
            if hit.type in index:
                flags[row, index[hit.type]] = 1.0
    return flags


def unit_logits(model, base: BaseEncoder, items: Sequence[tuple[str, Sequence[tuple[int, int]], str]],
                states_for=None):
    """Logits (total units, types) for (text, units, reply_to) items, in order, as a torch tensor.

    `states_for(window_ids)` gives cached bottom states (training); else the base computes them.
    """
    from tutor.learn.encoder import _torch, pad
    from tutor.learn.training import stack

    torch = _torch()
    plan = []  # (window, item index, unit offset of the item)
    all_windows = []
    offset = 0
    rules = []
    for index, (text, units, reply_to) in enumerate(items):
        for window in windows(base, text, units, reply_to):
            plan.append((window, offset))
            all_windows.append(window)
        rules.append(rule_features(text, units))
        offset += len(units)
    if states_for is not None:
        x, mask = stack([states_for(w) for w in all_windows])
    else:
        ids, mask = pad([w.ids for w in all_windows])
        x = base.bottom(ids, mask, model.first_layer)
    states = model.states(x, mask)
    pool = torch.zeros((offset, x.shape[1]), dtype=torch.float32)
    rows = torch.zeros(offset, dtype=torch.long)
    for w_index, (window, unit_offset) in enumerate(plan):
        for unit, (start, end) in zip(window.units, window.positions):
            pool[unit_offset + unit, start:end] = 1.0
            rows[unit_offset + unit] = w_index
    features = model.pooled(states[rows], pool)
    flags = torch.from_numpy(np.concatenate(rules) if rules else np.zeros((0, len(TYPES)), np.float32))
    return model.logits(torch.cat([features, flags], dim=-1))


class LearnedFallacyModel:
    """Loaded once (lazily, on first check), then shared by every check in the process."""

    def __init__(self, directory: Path = ARTEFACT_DIR) -> None:
        self.base = load_base(None)
        self.artefact = artefacts.load(directory, NAME, self.base.weights_sha256)
        manifest = self.artefact.manifest
        self.types: tuple[str, ...] = tuple(manifest["classes"])[1:]  # classes[0] is "none"
        self.model = make_top_model(self.base, int(manifest["layers"]), len(self.types) + 1, extra=len(TYPES))
        self.model.load_state_dict({k: v.float() for k, v in self.artefact.weights().items()})
        self.model.eval()
        self.temperature = float(manifest.get("temperature", 1.0))
        self.thresholds: dict[str, float] = {k: float(v) for k, v in manifest.get("thresholds", {}).items()}
        self._lock = threading.Lock()

    @property
    def manifest(self) -> dict:
        return self.artefact.manifest

    def predict(self, items: Sequence[tuple[str, Sequence[tuple[int, int]], str]]) -> list[np.ndarray]:
        """Calibrated probabilities (units, types) for each (text, units, reply_to) item."""
        from tutor.learn.encoder import _torch

        torch = _torch()
        items = [item for item in items]
        nonempty = [item for item in items if item[1]]
        if not nonempty:
            return [np.zeros((0, len(self.types)), np.float32) for _ in items]
        with self._lock, torch.inference_mode():
            logits = unit_logits(self.model, self.base, nonempty).numpy()
        probs = softmax(logits, self.temperature)[:, 1:].astype(np.float32)
        out, row = [], 0
        for item in items:
            out.append(probs[row : row + len(item[1])])
            row += len(item[1])
        return out


MODEL_ENV = "TUTOR_FALLACY_MODEL"  # a directory with fallacy.json, e.g. from `tutor train fallacy --out DIR`
load = artefacts.OncePerDirectory(LearnedFallacyModel, MODEL_ENV, ARTEFACT_DIR)
