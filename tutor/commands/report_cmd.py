"""`tutor exercise report`: the class report of a submissions folder (a thin shell over tutor.exercise.report)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from tutor.commands.common import emit_json, fail, handles_errors

FORMATS = ("md", "csv", "json", "html")


@click.command("report")
@click.argument("folder", metavar="DIR")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="md", show_default=True,
              help="Markdown (charts as PNG files beside --out), CSV (one row per student), the report's JSON, "
                   "or one HTML page with the charts embedded.")
@click.option("--out", "out", metavar="FILE", help="Write the report to FILE (default: standard output).")
@click.option("--exercise", "exercise_file", metavar="FILE",
              help="Report on this exercise file; submissions of any other exercise or version are skipped "
                   "(default: the exercise most submissions in DIR were written for).")
@click.option("--charts/--no-charts", "charts", default=None,
              help="Draw the charts in the terminal too (default: when --out is given and this is a terminal).")
@click.option("--watch", is_flag=True, help="Open the live class view: it updates as submissions arrive.")
@click.option("--interval", type=click.FloatRange(0.1, 60), default=1.0, show_default=True, metavar="SECONDS",
              help="With --watch: how often to look for new submissions.")
@handles_errors
def report(folder: str, fmt: str, out: str | None, exercise_file: str | None, charts: bool | None, watch: bool,
           interval: float) -> None:
    """The class report of DIR, the folder `tutor exercise run --out` wrote an exercise's submissions to.

    Per student: turns, words, the rubric of each turn, fallacies by type,
    counters answered and dropped, time used. For the class: the most common
    fallacies, the counters most often dropped, who needs help with what, and
    charts. Unreadable files, newer formats and other exercises' submissions
    are listed as skipped, with the reason.
    """
    from tutor.exercise.report import build_report

    exercise = None
    if exercise_file:
        from tutor.exercise import load_exercise

        exercise = load_exercise(Path(exercise_file), check_index=False)
    if watch:
        if out or fmt != "md":
            fail("--watch shows the live class view; it takes no --out or --format", 2)
        from tutor.commands.play_cmd import check_terminal
        from tutor.tui.report_app import ReportApp

        check_terminal()
        build_report(folder, exercise)  # a folder that cannot be read is a one-line error before the screen opens
        ReportApp(folder, exercise, interval=interval).run()
        return
    result = build_report(folder, exercise)
    for item in result.skipped:
        click.echo(f"warning: skipped {item.file}: {' '.join(item.reason.split())}", err=True)
    if not result.students:
        click.echo(f"warning: no submission of the exercise in {folder}", err=True)
    target = Path(out) if out and out != "-" else None
    written: list[Path] = []
    if fmt == "json":
        if target is None:
            emit_json(result)
            text = None
        else:
            import json

            text = json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
    elif fmt == "csv":
        from tutor.exercise.render import to_csv

        text = to_csv(result)
    elif fmt == "html":
        from tutor.exercise.charts import png_bytes
        from tutor.exercise.render import to_html

        text = to_html(result, png_bytes(result))
    else:
        from tutor.exercise.render import to_markdown

        links: dict[str, str] = {}
        if target is not None:
            from tutor.exercise.charts import png_charts

            for name, path in _write(lambda: png_charts(result, target.parent, target.stem), target).items():
                links[name] = path.name
                written.append(path)
        text = to_markdown(result, links)
    if text is not None:
        if target is None:
            click.echo(text, nl=False)
        else:
            _write(lambda: _write_text(target, text), target)
            written.insert(0, target)
            click.echo(f"wrote {', '.join(map(str, written))}: {len(result.students)} student"
                       f"{'s' if len(result.students) != 1 else ''}, {len(result.skipped)} file"
                       f"{'s' if len(result.skipped) != 1 else ''} skipped", err=True)
    if charts or (charts is None and target is not None and sys.stdout.isatty()):
        from tutor.exercise.charts import terminal_charts

        width = max(40, min(100, _columns() - 2))
        click.echo(terminal_charts(result, width=width, color=sys.stdout.isatty() and "NO_COLOR" not in os.environ),
                   nl=False, err=target is None)


def _columns() -> int:
    try:
        return os.get_terminal_size().columns
    except OSError:
        return 80


def _write_text(target: Path, text: str) -> None:
    from tutor.files import atomic_writer

    with atomic_writer(target) as handle:
        handle.write(text)


def _write(action, target: Path):  # type: ignore[no-untyped-def]
    if target.is_dir():
        fail(f"{target} is a folder; give a file name such as {target / 'report.md'}", 2)
    try:
        return action()
    except OSError as exc:
        fail(f"cannot write {exc.filename or target}: {exc.strerror}", 1)
