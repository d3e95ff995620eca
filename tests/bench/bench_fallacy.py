"""Benchmark: the cost the fallacy checker adds on top of the embedding.

Run: .venv/bin/python tests/bench/bench_fallacy.py
Prints (no asserts) the warm time to encode a ~200-word argument's units and
the warm time of checker.check(text, unit_vectors=...), the added cost
(target <= 20 ms), plus check_many throughput.
"""

from __future__ import annotations

import statistics
import time

ARGUMENT = (
    "The city should build the tram line along the river, because the bus routes there are already full at rush hour. "
    "Either we build the tram now or the centre will choke on traffic for a generation. "
    "Critics say the cost is too high, but they ignore that the counts show eight thousand riders a day on the current buses. "
    "Of course the car dealers oppose it; they would say that, so their objections can be ignored. "
    "Everyone I know wants the tram, so it must be the right choice. "
    "A city is like a body, and a tram is its new artery, so without it the city will die. "
    "If we delay one more year, costs will rise, then the funding will vanish, and soon nobody will trust the council again. "
    "What about the money wasted on the stadium? "
    "Studies from Bordeaux and Nantes show that trams raised public transport use by a quarter within five years. "
    "The tram is necessary because we need it, and nobody has proven that it would fail. "
    "Real citizens of this city support public transport. "
    "The line would also connect the hospital, the university and the two largest housing estates in the east."
)


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> None:
    from tutor.corpus.segment import word_count
    from tutor.fallacy.checker import FallacyChecker

    t0 = time.perf_counter()
    checker = FallacyChecker()
    embedder = checker.embedder
    load_s = time.perf_counter() - t0
    units = checker.units(ARGUMENT)
    texts = [ARGUMENT[u.start : u.end] for u in units]
    for _ in range(3):  # warm up
        vectors = embedder.encode(texts)
        checker.check(ARGUMENT, unit_vectors=vectors)
    encode = timed(lambda: embedder.encode(texts), 20)
    added = timed(lambda: checker.check(ARGUMENT, unit_vectors=vectors), 50)
    full = timed(lambda: checker.check(ARGUMENT), 10)
    batch = [ARGUMENT] * 50
    t0 = time.perf_counter()
    checker.check_many(batch)
    many_s = time.perf_counter() - t0
    findings = checker.check(ARGUMENT, unit_vectors=vectors)
    print(f"argument: {word_count(ARGUMENT)} words, {len(units)} units, {len(findings)} findings")
    print(f"model + weights load (cold): {load_s:.2f} s")
    print(f"encode units (warm):         median {statistics.median(encode):7.2f} ms   p90 {sorted(encode)[int(0.9 * len(encode))]:7.2f} ms")
    print(f"check with unit_vectors:     median {statistics.median(added):7.2f} ms   p90 {sorted(added)[int(0.9 * len(added))]:7.2f} ms   (added cost; target <= 20 ms)")
    print(f"check end to end (warm):     median {statistics.median(full):7.2f} ms")
    print(f"check_many 50 arguments:     {many_s:.2f} s  ({50 / many_s:.1f} arguments/s)")


if __name__ == "__main__":
    main()
