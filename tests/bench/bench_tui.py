"""Measured, not asserted: launch to first paint, and submit to feedback with a warm model.

    .venv/bin/python tests/bench/bench_tui.py

First paint: a fresh interpreter (imports included) builds the app through the
CLI's factory and runs it headless until the start screen has painted; the model
is still loading at that moment. Feedback: with a loaded Tutor, the time from
pressing ctrl+s to the feedback being drawn, next to `counter` + `check` for the
same texts measured in the same run (target: within 1.5x).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

FIRST_PAINT = r"""
import time
t0 = time.perf_counter()
import asyncio, json, sys, tempfile
from tutor.commands.play_cmd import build_app
app = build_app(data_dir=tempfile.mkdtemp(), launched=t0)
async def main():
    async with app.run_test(size=(80, 24)) as pilot:
        while app.first_paint_s is None:
            await pilot.pause(0.005)
        loaded = {m for m in sys.modules if m.split(".")[0] in ("torch", "faiss", "sentence_transformers")}
        print(json.dumps({"first_paint_s": app.first_paint_s, "screen": type(app.screen).__name__,
                          "model_ready": app.ready, "heavy_modules_at_paint": sorted(loaded)[:3]}))
        app.exit()
asyncio.run(main())
"""

TEXTS = [
    "Soft power is a real source of national power because people who admire a country's culture buy its goods.",
    "Being liked does not make any country do what you want; only money and armies do.",
    "K-pop and anime made millions curious about Korea and Japan, and tourism rose after 2010.",
    "Soft power is a scam: you idiots think a pop band can change a government's mind.",
    "Either a country has a strong army or it has no influence at all.",
]


def first_paint(runs: int = 3) -> list[dict]:
    results = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", FIRST_PAINT], capture_output=True, text=True, cwd=ROOT, timeout=120)
        line = [row for row in out.stdout.splitlines() if row.startswith("{")]
        results.append(json.loads(line[-1]) if line else {"error": out.stderr[-500:]})
    return results


async def feedback(tutor) -> list[tuple[float, float]]:
    from tutor.tui.app import TutorApp

    app = TutorApp(data_dir=tempfile.mkdtemp(), tutor=tutor, motion="soft_power_real", side="pro")
    pairs = []
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        for i, text in enumerate([TEXTS[0]] + TEXTS):  # the first is a warm-up
            screen.feedback_event.clear()
            screen.query_one("#editor").text = text
            await pilot.press("ctrl+s")
            while not screen.feedback_event.is_set():
                await asyncio.sleep(0.001)
            ui = screen.last_feedback_s
            started = time.perf_counter()
            tutor.counter(text, "soft_power_real", "pro")
            tutor.check(text)
            core = time.perf_counter() - started
            if i:
                pairs.append((ui, core))
    return pairs


def main() -> None:
    paints = first_paint()
    for p in paints:
        print("first paint:", json.dumps(p))
    good = [p["first_paint_s"] for p in paints if "first_paint_s" in p]
    if good:
        print(f"first paint median {statistics.median(good):.3f} s (target < 1 s)")
    from tutor.api import Tutor

    tutor = Tutor.open()
    pairs = asyncio.run(feedback(tutor))
    for ui, core in pairs:
        print(f"submit->feedback {ui * 1000:7.1f} ms   counter+check {core * 1000:7.1f} ms   ratio {ui / core:5.2f}")
    ui = statistics.median(u for u, _ in pairs)
    core = statistics.median(c for _, c in pairs)
    print(f"median submit->feedback {ui * 1000:.1f} ms, counter+check {core * 1000:.1f} ms, ratio {ui / core:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
