"""The live class view (`tutor exercise report --watch DIR`): the class report, redrawn as submissions arrive.

A thread worker looks at the folder every `interval` seconds (tutor.exercise.report.folder_signature:
names, sizes and times of the `*.json` files) and, when anything changed, builds the report and draws the
charts off the event loop, then posts them back as a message; the event loop only draws.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from tutor.errors import TutorError
from tutor.exercise.report import ClassReport
from tutor.tui.widgets.class_chart import ClassChart
from tutor.tui.widgets.class_notes import ClassNotes
from tutor.tui.widgets.class_table import ClassTable
from tutor.tui.widgets.literal import literal


class ClassReportUpdated(Message):
    def __init__(self, report: ClassReport, charts: str, seconds: float) -> None:
        super().__init__()
        self.report = report
        self.charts = charts
        self.seconds = seconds


class ClassReportFailed(Message):
    def __init__(self, error: TutorError) -> None:
        super().__init__()
        self.error = error


class ClassReportScreen(Screen):
    BINDINGS = [
        Binding("r", "refresh_now", "Refresh now"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, folder: Path | str, exercise: Any = None, interval: float = 1.0) -> None:
        super().__init__()
        self.folder = Path(folder)
        self.exercise = exercise
        self.interval = interval
        self.report: ClassReport | None = None
        self.updates = 0  # how many times the report was rebuilt (tests wait on it)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._force = False
        self.chart_width = 80  # set on the event loop (on_resize), read by the worker

    def compose(self) -> ComposeResult:
        yield Static(Content.assemble(("Class report  ", "bold"), literal(str(self.folder)), ("  reading…", "dim")),
                     id="class-title")
        yield ClassTable(id="class-table")
        with Horizontal(id="class-bottom"):
            yield ClassChart(id="class-chart")
            with VerticalScroll(id="class-notes-scroll"):
                yield ClassNotes(id="class-notes")
        yield Footer()

    def on_mount(self) -> None:
        self.watch_folder()

    def on_resize(self) -> None:
        """The worker draws the charts as wide as their pane: read here, on the event loop, and redraw."""
        width = self.query_one(ClassChart).chart_width
        if width != self.chart_width:
            self.chart_width = width
            self.action_refresh_now()

    def on_unmount(self) -> None:
        self._stop.set()
        self._wake.set()

    def action_refresh_now(self) -> None:
        self._force = True
        self._wake.set()

    @work(thread=True, exclusive=True, exit_on_error=False, group="class-report",
          description="watching the submissions folder")
    def watch_folder(self) -> None:
        from tutor.exercise.charts import terminal_charts
        from tutor.exercise.report import build_report, folder_signature

        worker = get_current_worker()
        last: Any = None
        while not worker.is_cancelled and not self._stop.is_set():
            signature = folder_signature(self.folder)
            if signature != last or self._force:
                self._force, last = False, signature
                started = time.perf_counter()
                try:
                    report = build_report(self.folder, self.exercise)
                    charts = terminal_charts(report, width=self.chart_width, height=12)
                except TutorError as exc:
                    self.post_message(ClassReportFailed(exc))
                else:
                    self.post_message(ClassReportUpdated(report, charts, time.perf_counter() - started))
            self._wake.wait(self.interval)
            self._wake.clear()

    def on_class_report_updated(self, message: ClassReportUpdated) -> None:
        report = self.report = message.report
        self.updates += 1
        title = report.exercise.title if report.exercise else "no submissions yet"
        finished = sum(1 for s in report.students if s.status == "finished")
        stamp = time.strftime("%H:%M:%S")
        self.query_one("#class-title", Static).update(Content.assemble(
            ("Class report  ", "bold"), literal(title),
            (f"  {len(report.students)} student{'s' if len(report.students) != 1 else ''} ({finished} finished), "
             f"{len(report.skipped)} skipped  ·  updated {stamp}", "dim")))
        self.query_one(ClassTable).show(report)
        self.query_one(ClassChart).show(message.charts)
        self.query_one(ClassNotes).show(report)

    def on_class_report_failed(self, message: ClassReportFailed) -> None:
        self.query_one("#class-title", Static).update(Content.assemble(
            ("Class report  ", "bold"), ("cannot read the folder: ", "bold red"), literal(message.error.one_line())))
