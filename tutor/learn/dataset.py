"""Training data written for the project: reading, checking, deduplicating, splitting, hashing.

Both learned models read their examples the same way. Each writer's examples
live in one JSONL file (`<writer>.jsonl`) under the model's data directory, so
that who wrote what stays visible; the briefs the writers worked from are in
tests/eval/briefs/. Near-duplicates (across writers too) are dropped with
MinHash over character shingles, so repeated templates do not count twice; the dev
split is a stable hash of the topic, so no topic is in both.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from tutor.errors import TutorError

DEV_FRACTION = 0.15
NEAR_DUPLICATE = 0.8  # estimated Jaccard of character 5-grams at or above which two texts are one


class TrainingDataError(TutorError):
    """Training data that cannot be read: names the file and line."""

    exit_code = 2


def read_jsonl(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-empty line; a bad line is an error naming file:line."""
    rows = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise TrainingDataError(f"cannot read {path}: {exc}") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise TrainingDataError(f"{path}:{number}: not JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise TrainingDataError(f"{path}:{number}: a line must be a JSON object")
        rows.append((number, row))
    return rows


def require(condition: bool, where: str, message: str) -> None:
    if not condition:
        raise TrainingDataError(f"{where}: {message}")


def data_files(directory: Path) -> list[Path]:
    files = sorted(directory.glob("*.jsonl"))
    if not files:
        raise TrainingDataError(f"no training data (*.jsonl) in {directory}")
    return files


def data_sha256(files: Iterable[Path]) -> str:
    """One hash over the files' names and bytes: changes when any example changes."""
    digest = hashlib.sha256()
    for path in sorted(files, key=lambda p: p.name):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.findall(r"\w+", text))


def is_dev(key: str, fraction: float = DEV_FRACTION) -> bool:
    """Stable assignment of a topic (or any key) to the dev split."""
    bucket = int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return bucket < fraction


def _shingles(text: str, size: int = 5) -> set[str]:
    """Character 5-grams of the normalised text: one changed word moves only a few of them."""
    flat = normalise(text)
    if len(flat) <= size:
        return {flat} if flat else set()
    return {flat[i : i + size] for i in range(len(flat) - size + 1)}


def near_duplicate_groups(texts: Sequence[str], threshold: float = NEAR_DUPLICATE,
                          bands: int = 16, rows: int = 4) -> list[int]:
    """For each text, the index of the first text it duplicates (itself if none).

    MinHash LSH: texts sharing a band of their signature are candidates, and a
    candidate counts when the estimated Jaccard similarity reaches `threshold`.
    Cost is linear in the number of texts (plus the few candidates).
    """
    import numpy as np

    perms = bands * rows
    rng = np.random.default_rng(12345)
    a = rng.integers(1, (1 << 31) - 1, size=perms, dtype=np.int64)
    b = rng.integers(0, (1 << 31) - 1, size=perms, dtype=np.int64)
    prime = (1 << 31) - 1
    signatures = np.full((len(texts), perms), prime, dtype=np.int64)
    for i, text in enumerate(texts):
        hashes = np.array([int.from_bytes(hashlib.blake2b(s.encode(), digest_size=4).digest(), "little")
                           for s in _shingles(text)] or [0], dtype=np.int64)
        signatures[i] = ((a[:, None] * hashes[None, :] + b[:, None]) % prime).min(axis=1)
    owner = list(range(len(texts)))
    buckets: dict[tuple, list[int]] = {}
    for i in range(len(texts)):
        for band in range(bands):
            key = (band, signatures[i, band * rows : (band + 1) * rows].tobytes())
            for j in buckets.get(key, []):
                if owner[i] == i and float((signatures[i] == signatures[j]).mean()) >= threshold:
                    owner[i] = owner[j]
            buckets.setdefault(key, []).append(i)
    return owner


def deduplicate(items: Sequence[Any], text_of: Callable[[Any], str]) -> tuple[list[Any], int]:
    """Items without exact or near-duplicate texts (the first one stays); and how many went."""
    seen: set[str] = set()
    exact_unique = []
    for item in items:
        key = normalise(text_of(item))
        if key and key not in seen:
            seen.add(key)
            exact_unique.append(item)
    owners = near_duplicate_groups([text_of(item) for item in exact_unique])
    kept = [item for i, item in enumerate(exact_unique) if owners[i] == i]
    return kept, len(items) - len(kept)
