"""Batching concurrent encode calls into one forward pass.

Thirty students submitting at once mean thirty `encode` calls of a few short
texts each. One at a time, each pays the model's fixed cost; together, one
forward pass over all their texts costs far less than thirty. The engine runs
each request in its own thread with the real `Tutor` code unchanged; those
threads share a `BatchingEmbedder`, whose `encode` queues the texts and waits
while one batcher thread runs the model over everything queued at that
moment, then hands each caller its own rows.
"""

from __future__ import annotations

import threading
from collections import deque
from concurrent.futures import Future
from typing import Any, Sequence

import numpy as np

MAX_TEXTS = 512  # one forward call at most this many texts; the rest wait for the next


class BatchingEmbedder:
    """An embedder with the wrapped one's name, hash and dimension, whose
    concurrent `encode` calls share forward passes."""

    def __init__(self, embedder: Any, max_texts: int = MAX_TEXTS) -> None:
        self.inner = embedder
        self.name = embedder.name
        self.weights_sha256 = embedder.weights_sha256
        self.dimension = embedder.dimension
        self.max_texts = max_texts
        self._queue: deque[tuple[list[str], int, Future[np.ndarray]]] = deque()
        self._wake = threading.Condition()
        self._closed = False
        self.batches = 0  # forward calls made, and the texts in them: what the benchmark reports
        self.texts = 0
        self._thread = threading.Thread(target=self._run, name="tutor-batcher", daemon=True)
        self._thread.start()

    def __getattr__(self, name: str) -> Any:  # anything else (path, encode_with_spans) is the model's own
        return getattr(self.inner, name)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        future: Future[np.ndarray] = Future()
        with self._wake:
            if self._closed:
                raise RuntimeError("the batching embedder is closed")
            self._queue.append((list(texts), batch_size, future))
            self._wake.notify()
        return future.result()

    def close(self) -> None:
        with self._wake:
            self._closed = True
            self._wake.notify()
        self._thread.join(timeout=5)

    def _take(self) -> list[tuple[list[str], int, Future[np.ndarray]]]:
        """Everything queued now (up to max_texts, at least one call); empty when closed."""
        with self._wake:
            while not self._queue and not self._closed:
                self._wake.wait()
            jobs, count = [], 0
            while self._queue and (not jobs or count + len(self._queue[0][0]) <= self.max_texts):
                job = self._queue.popleft()
                jobs.append(job)
                count += len(job[0])
            return jobs

    def _run(self) -> None:
        while True:
            jobs = self._take()
            if not jobs:
                return
            texts = [text for job in jobs for text in job[0]]
            try:
                vectors = self.inner.encode(texts, batch_size=max(job[1] for job in jobs))
            except BaseException as exc:  # each waiting caller gets the failure, the batcher goes on
                for _, _, future in jobs:
                    future.set_exception(exc)
                continue
            self.batches += 1
            self.texts += len(texts)
            start = 0
            for job_texts, _, future in jobs:
                future.set_result(vectors[start : start + len(job_texts)])
                start += len(job_texts)
