"""Fallacy checker: explainable rules plus a small classifier on sentence embeddings.

Public entry points: `FALLACY_TYPES`, `get_type` (catalog), `FallacyChecker`,
`Finding` (checker). Nothing here imports a UI library; torch and
sentence-transformers are only imported when the real embedder is loaded.
"""

from tutor.fallacy.catalog import FALLACY_TYPES, FallacyType, get_type

__all__ = ["FALLACY_TYPES", "FallacyType", "get_type", "FallacyChecker", "Finding"]


def __getattr__(name: str):
    if name in ("FallacyChecker", "Finding"):
        from tutor.fallacy import checker

        return getattr(checker, name)
    raise AttributeError(name)
