"""Benchmark: warm latency of one `counter` call next to one bare `model.encode`.

    python tests/bench/bench_counter.py [--repeat 50]

Both encode the same argument; the ratio counter/encode shows what ranking
adds on top of the embedding forward pass (target: at most 1.3).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

ARGUMENTS = [
    ("K-pop makes millions of people love Korea, so it is real soft power.", "soft_power_real", "pro"),
    ("Only money and the military matter; being liked changes nothing.", "soft_power_real", "con"),
    ("Anime is just entertainment, nobody supports Japan because of cartoons.", "entertainment_soft_power", "con"),
]


def median_ms(fn, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    from tutor.api import Tutor

    tutor = Tutor.open()
    model = tutor.embedder._model
    for text, motion, side in ARGUMENTS:  # warm every path once
        tutor.counter(text, motion, side)
        tutor.counter(text)
    print(f"{'argument':<40}{'encode ms':>10}{'counter ms':>12}{'ratio':>7}{'free ms':>9}{'ratio':>7}")
    for text, motion, side in ARGUMENTS:
        encode = median_ms(lambda: model.encode([text], normalize_embeddings=True), args.repeat)
        given = median_ms(lambda: tutor.counter(text, motion, side), args.repeat)
        free = median_ms(lambda: tutor.counter(text), args.repeat)
        print(f"{text[:38]:<40}{encode:>10.2f}{given:>12.2f}{given / encode:>7.2f}{free:>9.2f}{free / encode:>7.2f}")
    print("counter: motion and side given; free: motion and side estimated (medians, warm)")


if __name__ == "__main__":
    main()
