"""Shared fixtures: a fast fake embedder for unit tests, the real model for e2e."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_CORPUS = ROOT / "corpus"
SHIPPED_INDEX = ROOT / "index"


class FakeEmbedder:
    """Hashed bag of words: similar wording gives similar unit vectors. Fast, no torch."""

    name = "fake-bag-of-words"
    weights_sha256 = "f" * 64
    dimension = 64

    def __init__(self) -> None:
        self.calls = 0

    def encode(self, texts, batch_size: int = 64) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                bucket = int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension
                out[row, bucket] += 1.0
            norm = np.linalg.norm(out[row])
            out[row] = out[row] / norm if norm else out[row]
            if not norm:
                out[row, 0] = 1.0
        return out


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture(scope="session")
def real_embedder():
    from tutor.embedding import load_embedder

    return load_embedder()


@pytest.fixture(scope="session")
def shipped_index():
    from tutor.index import load_index

    return load_index(SHIPPED_INDEX)


@pytest.fixture(scope="session")
def shipped_tutor(shipped_index, real_embedder):
    from tutor.api import Tutor

    return Tutor(shipped_index, real_embedder)


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(SHIPPED_CORPUS, target)
    return target


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    """A user's corpus of two short documents."""
    root = tmp_path / "mine"
    root.mkdir()
    (root / "school.md").write_text(
        "---\ntitle: School uniforms\nauthor: A. Teacher\n---\n# School uniforms\n\n"
        "Uniforms reduce visible differences in family income, so fewer pupils are teased for their clothes. "
        "Schools that adopted them reported fewer fights in the first year.\n\n"
        "Critics say uniforms cost parents money and suppress self-expression at an age when it matters.\n",
        encoding="utf-8",
    )
    (root / "transport.txt").write_text(
        "Free public transport cuts car traffic because price is the main reason people drive. "
        "Tallinn saw ridership rise after fares were dropped.\n\n"
        "But fares fund maintenance, and without them service quality falls, which drives riders away again.\n",
        encoding="utf-8",
    )
    return root
