"""Draw the README's class-report pictures from a made-up class (no model needed).

    PYTHONPATH=.:tests python docs/report_screenshot.py

Writes docs/class-report-rubric.png, docs/class-report-fallacies.png (the PNG charts
`tutor exercise report --out` writes) and docs/class-report-watch.svg (the live class view).
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path

from report_helpers import AD_HOMINEM, HASTY, STRAW_MAN, Plan, play, write_exercise
from tutor.exercise.charts import png_bytes
from tutor.exercise.report import build_report
from tutor.tui.report_app import ReportApp

DOCS = Path(__file__).resolve().parent
GOOD = "Soft power works because culture and education persuade people over decades of exchange."
REPLY = "The counter ignores student exchanges, which changed how many future leaders see their hosts."


def make_class(root: Path) -> Path:
    exercise = write_exercise(root / "ex")
    out = root / "submissions"
    play(out, exercise, "Ann Lee", [Plan(GOOD), Plan(REPLY, reply=True), Plan(REPLY, reply=True, relevance=0.7)],
         finish=True)
    play(out, exercise, "Ben Ortiz", [Plan("My opponent is clueless about power.", [AD_HOMINEM], relevance=0.35,
                                           strength=0.3, seconds=75),
                                      Plan("They think films win wars.", [STRAW_MAN, AD_HOMINEM], relevance=0.3,
                                           strength=0.3), Plan(GOOD, [HASTY], strength=0.4)], finish=True)
    play(out, exercise, "Chen Wei", [Plan(GOOD, [HASTY]), Plan(REPLY, reply=True, engagement=0.2)])
    play(out, exercise, "Dana Kim", [Plan(GOOD), Plan(REPLY, [STRAW_MAN], reply=True, relevance=0.5)])
    play(out, exercise, "Eli Novak", [Plan(GOOD, [AD_HOMINEM], relevance=0.4)])
    folder = out / exercise.id
    (folder / "broken.json").write_text('{"format": "tutor-exercise-submission", "format_ver')
    return folder


async def watch_svg(folder: Path, target: Path) -> None:
    app = ReportApp(folder, interval=0.05)
    async with app.run_test(size=(150, 46)) as pilot:
        for _ in range(200):  # the first draw, then the redraw at the charts' real width
            await pilot.pause(0.05)
            if getattr(app.screen, "updates", 0) >= 2:
                break
        await pilot.pause(0.2)
        saved = app.save_screenshot(filename=target.name, path=str(target.parent))
    print(f"wrote {saved}")


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="tutor-report-"))
    try:
        folder = make_class(root)
        for name, data in png_bytes(build_report(folder)).items():
            (DOCS / f"class-report-{name}.png").write_bytes(data)
        asyncio.run(watch_svg(folder, DOCS / "class-report-watch.svg"))
    finally:
        shutil.rmtree(root)


if __name__ == "__main__":
    main()
