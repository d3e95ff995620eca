"""Run an exercise headless in its own process, for the kill -9 tests (not a test module).

usage: exercise_driver.py EXERCISE OUT STUDENT SLOW_FROM [TURNS_JSON]

Submits the turns of exercise_helpers.TURNS through the Pilot, with the fake
embedder; with TURNS_JSON (a file holding a JSON list of turn texts), those
turns with the real model and the exercise's index. The feedback
for turn SLOW_FROM and later takes a minute (so the parent can kill the
process while that turn is pending). After each save it prints
"saved N STATUS" (N turns on disk, the last one's status), flushed.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from exercise_helpers import TURNS, fast_tutor  # noqa: E402
from tui_helpers import wait_until  # noqa: E402
from tutor import exercise as E  # noqa: E402
from tutor.tui.exercise import ExerciseApp  # noqa: E402


class SlowTutor:
    def __init__(self, tutor, slow_from: int) -> None:
        self.tutor, self.slow_from = tutor, slow_from

    def __getattr__(self, name):
        return getattr(self.tutor, name)

    def run_turn(self, session, turn, k: int = 5):
        if turn.number >= self.slow_from:
            time.sleep(60)
        return self.tutor.run_turn(session, turn, k)


async def main(exercise_file: str, out: str, student: str, slow_from: int, turns_file: str | None = None) -> None:
    exercise = E.load_exercise(exercise_file)
    if turns_file is None:
        texts, tutor = TURNS, fast_tutor(exercise.index_dir)
    else:
        from tutor.api import Tutor

        texts, tutor = json.loads(Path(turns_file).read_text(encoding="utf-8")), Tutor.open(exercise.index_dir)
    claimed = E.claim(Path(out), exercise, student)
    original = claimed.save

    def save(at=None):
        path = original(at)
        turns = claimed.submission.session.turns
        print(f"saved {len(turns)} {turns[-1].status if turns else 'none'}", flush=True)
        return path

    claimed.save = save  # type: ignore[method-assign]
    app = ExerciseApp(exercise, claimed, tutor=SlowTutor(tutor, slow_from))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+s")  # start (the side: pro)
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ExerciseDebateScreen")
        debate = app.screen
        for text in texts[len(claimed.submission.session.turns):]:
            debate.query_one("#editor").text = text
            debate.feedback_event.clear()
            await pilot.press("ctrl+s")
            await wait_until(pilot, debate.feedback_event.is_set, timeout=120)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), *sys.argv[5:6]))
