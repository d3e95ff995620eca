"""Plain semantic search: the nearest passages to a text, for teachers and debugging."""

from __future__ import annotations

from typing import Any

from tutor.errors import UsageError
from tutor.index import LoadedIndex
from tutor.text import embeddable, require_argument


def source_of(index: LoadedIndex, row: int) -> dict[str, Any]:
    passage = index.passages[row]
    return {
        "doc": passage.doc,
        "title": index.document(passage.doc).get("title", passage.doc),
        "line": passage.line,
        "start": passage.start,
        "end": passage.end,
    }


def semantic_search(index: LoadedIndex, embedder: Any, text: str, k: int = 5) -> dict[str, Any]:
    require_argument(text, "query")
    if k < 1:
        raise UsageError(f"-k must be at least 1 (got {k})")
    clean, notes = embeddable(text)
    query = embedder.encode([clean])[0]
    scores, rows = index.search(query, k)
    results = [
        {
            "id": index.passages[int(row)].id,
            "text": index.passages[int(row)].text,
            "source": source_of(index, int(row)),
            "score": round(float(score), 4),
        }
        for score, row in zip(scores, rows)
    ]
    return {"query": text, "k": k, "notes": notes, "results": results}
