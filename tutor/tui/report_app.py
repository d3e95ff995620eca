"""ReportApp: the live class view alone (`tutor exercise report --watch DIR`); no model, no index."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import App
from textual.binding import Binding

from tutor.tui.screens.class_report import ClassReportScreen


class ReportApp(App[None]):
    CSS_PATH = "report.tcss"
    TITLE = "tutor: class report"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(self, folder: Path | str, exercise: Any = None, interval: float = 1.0) -> None:
        super().__init__()
        self.folder = Path(folder)
        self.exercise = exercise
        self.interval = interval

    def on_mount(self) -> None:
        self.push_screen(ClassReportScreen(self.folder, self.exercise, self.interval))
