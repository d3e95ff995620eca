"""Where the shipped corpus and index live, and how users point elsewhere."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CORPUS_ENV = "TUTOR_CORPUS"
INDEX_ENV = "TUTOR_INDEX"


def default_corpus_dir() -> Path:
    return Path(os.environ.get(CORPUS_ENV) or PROJECT_ROOT / "corpus")


def default_index_dir() -> Path:
    return Path(os.environ.get(INDEX_ENV) or PROJECT_ROOT / "index")
