"""Paired timing for the benchmarks: every round runs every call, in rotating order.

Load on a shared machine then falls on both sides of a ratio alike, and the
median of per-round ratios ignores the rounds a burst of load spoiled.
"""

from __future__ import annotations

import statistics
import time
from typing import Callable


def elapsed_ms(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def paired_rounds(calls: list[Callable[[], object]], repeat: int) -> list[list[float]]:
    """Per call, its time in ms in each round."""
    samples: list[list[float]] = [[] for _ in calls]
    for round_ in range(repeat):
        for offset in range(len(calls)):
            which = (round_ + offset) % len(calls)
            samples[which].append(elapsed_ms(calls[which]))
    return samples


def median_ratio(numerators: list[float], denominators: list[float]) -> float:
    return statistics.median(n / d for n, d in zip(numerators, denominators))
