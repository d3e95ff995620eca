"""Benchmark: warm latency of one `counter` call next to one bare `model.encode`.

    python tests/bench/bench_counter.py [--repeat 50]

Both encode the same argument; the ratio counter/encode shows what ranking
adds on top of the embedding forward pass (target: at most 1.3). The three
calls are timed in paired rounds (paired.py) and each ratio is the median of
the per-round ratios.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from paired import median_ratio, paired_rounds  # noqa: E402  (beside this script)

ARGUMENTS = [
    ("K-pop makes millions of people love Korea, so it is real soft power.", "soft_power_real", "pro"),
    ("Only money and the military matter; being liked changes nothing.", "soft_power_real", "con"),
    ("Anime is just entertainment, nobody supports Japan because of cartoons.", "entertainment_soft_power", "con"),
]


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
        encode, given, free = paired_rounds([
            lambda: model.encode([text], normalize_embeddings=True),
            lambda: tutor.counter(text, motion, side),
            lambda: tutor.counter(text),
        ], args.repeat)
        print(
            f"{text[:38]:<40}{statistics.median(encode):>10.2f}"
            f"{statistics.median(given):>12.2f}{median_ratio(given, encode):>7.2f}"
            f"{statistics.median(free):>9.2f}{median_ratio(free, encode):>7.2f}"
        )
    print("counter: motion and side given; free: motion and side estimated")
    print("times: medians, warm; ratios: medians of the per-round ratios")


if __name__ == "__main__":
    main()
