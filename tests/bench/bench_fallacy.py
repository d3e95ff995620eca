"""Benchmark: what the fine-tuned fallacy checker costs, as ratios measured in one run.

Run: .venv/bin/python tests/bench/bench_fallacy.py [--repeat 20]
Prints (no asserts), each as the median of per-round ratios (tests/bench/paired.py):
  1. `check` of a ~200-word text next to one bare encode of its sentences (target <= 2.0);
  2. a debate turn's feedback (Tutor.run_turn: what the TUI's submit waits for) next to
     counter + check called on their own (target <= 1.5);
  3. for the index build with findings next to the bare encode, run bench_index.py (target <= 2.2).
Also the cold load of the fine-tuned model.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from paired import median_ratio, paired_rounds  # noqa: E402

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
TURN = "K-pop makes people love Korea, so it is real soft power. Anyone who denies this is just jealous."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    from tutor.api import Tutor
    from tutor.corpus.segment import word_count
    from tutor.fallacy import learned
    from tutor.fallacy.checker import FallacyChecker
    from tutor.session import Session

    started = time.perf_counter()
    learned.load()
    load_s = time.perf_counter() - started
    tutor = Tutor.open()
    checker = FallacyChecker(tutor.embedder)
    units = checker.units(ARGUMENT)
    sentences = [ARGUMENT[u.start : u.end] for u in units]
    checker.check(ARGUMENT)
    tutor.embedder.encode(sentences)
    check_ms, encode_ms = paired_rounds([lambda: checker.check(ARGUMENT), lambda: tutor.embedder.encode(sentences)],
                                        args.repeat)
    print(f"text: {word_count(ARGUMENT)} words, {len(units)} sentences; fine-tuned model cold load {load_s:.2f} s")
    print(f"1. check {statistics.median(check_ms):.1f} ms / bare encode of its sentences "
          f"{statistics.median(encode_ms):.1f} ms = {median_ratio(check_ms, encode_ms):.2f}x (target <= 2.0)")

    session = Session.new(motion="soft_power_real", side="pro")
    turn = session.submit(TURN)
    tutor.warm()
    tutor.run_turn(session, turn)

    def apart() -> None:
        tutor.counter(TURN, "soft_power_real", "pro")
        tutor.check(TURN)

    turn_ms, apart_ms = paired_rounds([lambda: tutor.run_turn(session, turn), apart], args.repeat)
    print(f"2. turn feedback {statistics.median(turn_ms):.1f} ms / counter + check {statistics.median(apart_ms):.1f} ms "
          f"= {median_ratio(turn_ms, apart_ms):.2f}x (target <= 1.5)")
    print("3. index build with findings / bare encode: run tests/bench/bench_index.py")


if __name__ == "__main__":
    main()
