"""The live class view's table: one row per student, every cell shown as typed (never as markup)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from tutor.exercise.report import ClassReport, StudentReport
from tutor.text import shorten

COLUMNS = ("student", "side", "status", "rounds", "grade", "words", "time", "fallacies", "answered", "dropped",
           "needs help with")


def _plain(text: str, limit: int = 60, style: str = "") -> Text:
    """A cell: DataTable parses a str cell as markup, so every cell is a Text of the printable text."""
    return Text(shorten(text, limit), style=style, no_wrap=True)


def _minutes(seconds: float) -> str:
    seconds = int(round(seconds or 0))
    return f"{seconds // 60}:{seconds % 60:02d}"


def student_cells(student: StudentReport, labels: dict[str, str]) -> list[Text]:
    fallacies = ", ".join(f"{labels.get(k, k)} {n}" for k, n in student.fallacies_by_type.items()) or "none"
    return [
        _plain(student.name, 30, "bold"),
        _plain(student.side or "-"),
        _plain(student.status, style="green" if student.status == "finished" else ""),
        Text(f"{student.rounds_done}/{student.rounds}", justify="right"),
        Text(f"{student.grade:.1f}", justify="right"),
        Text(str(student.words), justify="right"),
        Text(_minutes(student.time_used_seconds), justify="right"),
        _plain(fallacies, 40),
        Text(str(student.answered), justify="right"),
        Text(str(student.dropped), justify="right"),
        _plain("; ".join(student.help) or "-", 80, "yellow" if student.help else "dim"),
    ]


class ClassTable(DataTable):
    """Students of the class report; `show(report)` replaces the rows and keeps the cursor on the same student."""

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        for name in COLUMNS:
            self.add_column(name, key=name)

    def show(self, report: ClassReport) -> None:
        current = None
        if self.row_count and 0 <= self.cursor_row < self.row_count:
            current = self.coordinate_to_cell_key((self.cursor_row, 0)).row_key.value
        self.clear()
        labels = report.labels
        for student in report.students:
            self.add_row(*student_cells(student, labels), key=student.key)
        if current is not None and current in {s.key for s in report.students}:
            self.move_cursor(row=self.get_row_index(current))

    def names(self) -> list[str]:
        """The student names shown, as plain text (for tests and screen readers)."""
        return [self.get_row_at(i)[0].plain for i in range(self.row_count)]
