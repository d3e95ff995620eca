"""Benchmark: warm latency of one `counter` call next to one bare `model.encode`.

    python tests/bench/bench_counter.py [--repeat 20]

`counter` is the first stage plus the relation model's rerank of N candidates,
for N = 10, 20 and 40 (the default N is tutor.counter.RERANK_N; target: at most
6x a bare encode there), beside the engine without the reranker. All calls
encode the same argument with motion and side given and are timed in paired
rounds (paired.py); each ratio is the median of the per-round ratios, and the
rerank's share is the median share of the call spent in the relation model.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from paired import median_ratio, paired_rounds  # noqa: E402  (beside this script)

ARGUMENTS = [
    ("K-pop makes millions of people love Korea, so it is real soft power.", "soft_power_real", "pro"),
    ("Only money and the military matter; being liked changes nothing.", "soft_power_real", "con"),
    ("Anime is just entertainment, nobody supports Japan because of cartoons.", "entertainment_soft_power", "con"),
]
SIZES = (10, 20, 40)


class Timed:
    """The relation model, with the time of its last `score` call kept."""

    def __init__(self, model) -> None:
        self.model, self.manifest, self.last = model, model.manifest, 0.0

    def warm(self, texts) -> None:
        self.model.warm(texts)

    def score(self, claim, passages):
        started = time.perf_counter()
        try:
            return self.model.score(claim, passages)
        finally:
            self.last = (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    from tutor.api import Tutor
    from tutor.counter import RERANK_N
    from tutor.relation.model import load

    plain = Tutor.open(rerank=False)
    model = plain.embedder._model
    timed = Timed(load())
    tutors = {n: Tutor(plain.index, plain.embedder, relation=timed) for n in SIZES}
    for n, tutor in tutors.items():
        tutor.engine.rerank_n = n
    shares: dict[int, list[float]] = {n: [] for n in SIZES}

    def reranked(n: int, text: str, motion: str, side: str):
        def call() -> None:
            started = time.perf_counter()
            tutors[n].counter(text, motion, side)
            shares[n].append(timed.last / ((time.perf_counter() - started) * 1000))
        return call

    for text, motion, side in ARGUMENTS:  # warm every path once
        plain.counter(text, motion, side)
        for n in SIZES:
            tutors[n].counter(text, motion, side)
    print(f"default N = {RERANK_N}; medians of warm calls, ratios to one bare encode of the argument")
    print(f"{'argument':<34}{'encode ms':>10}{'no rerank':>11}" + "".join(f"{f'N={n} ms':>10}{'ratio':>7}{'share':>7}" for n in SIZES))
    for text, motion, side in ARGUMENTS:
        for n in SIZES:
            shares[n].clear()
        samples = paired_rounds([
            lambda: model.encode([text], normalize_embeddings=True),
            lambda: plain.counter(text, motion, side),
            *(reranked(n, text, motion, side) for n in SIZES),
        ], args.repeat)
        encode, bare, *ranked = samples
        line = f"{text[:32]:<34}{statistics.median(encode):>10.1f}{median_ratio(bare, encode):>10.2f}x"
        for n, times in zip(SIZES, ranked):
            line += f"{statistics.median(times):>10.1f}{median_ratio(times, encode):>6.1f}x{statistics.median(shares[n]):>7.0%}"
        print(line)
    print("no rerank: the engine without the reranker (ratio); share: the rerank's part of the counter call")


if __name__ == "__main__":
    main()
