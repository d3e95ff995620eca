"""Finish: turns, the rubric over time, fallacies by type, counters answered and dropped; export."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from tutor import session as sessions
from tutor.errors import TutorError
from tutor.text import shorten
from tutor.tui.widgets.literal import bar, literal


def _cell(value: Any) -> Content:
    if value is None:
        return Content.styled(f"{'-':<16}", "dim")
    return Content.assemble((bar(value, 8), "bold"), f" {float(value):.2f}    ")


def summary_content(data: dict[str, Any]) -> list[Static]:
    parts = [Static(Content.assemble(("Summary  ", "bold"), literal(data["motion_statement"] or "free argument"),
                                     (f"  ({data['side'] or 'side estimated each turn'})", "dim")), id="summary-title"),
             Static(Content.styled(f"{data['turns']} turn{'s' if data['turns'] != 1 else ''}", "bold"), id="summary-turns")]
    lines = [Content.styled("Rubric over time", "bold"),
             Content.styled(f"{'turn':<6}{'relevance':<17}{'reasons':<17}{'fallacies':<11}answered", "dim")]
    for row in data["rubric"]:
        answered = "-" if row["answered"] is None else ("yes" if row["answered"] else "no")
        lines.append(Content.assemble(f"{row['turn']:<6}", _cell(row["relevance"]), _cell(row["reasons"]),
                                      f"{row['fallacies'] if row['fallacies'] is not None else '-':<11}", answered))
    parts.append(Static(Content("\n").join(lines), id="summary-rubric"))
    by_type = data["fallacies_by_type"]
    fallacies = [Content.styled("Fallacies by type", "bold")]
    fallacies += [Content.assemble(f"{count:>3}  ", literal(name)) for name, count in by_type.items()] or \
        [Content.styled("  none found", "dim")]
    parts.append(Static(Content("\n").join(fallacies), id="summary-fallacies"))
    clash = [Content.styled(f"Counters: {len(data['answered'])} answered, {len(data['dropped'])} dropped", "bold")]
    for row in data["answered"]:
        engaged = "" if row.get("engaged") is None else (" engaged" if row["engaged"] else " missed")
        clash.append(Content.assemble(("  ✓ ", "bold green"), (f"t{row['shown_in']}→t{row['answered_by']}{engaged}  ", "dim"),
                                      literal(shorten(row["text"], 90))))
    for row in data["dropped"]:
        clash.append(Content.assemble(("  ✗ ", "bold red"), (f"t{row['shown_in']}  ", "dim"), literal(shorten(row["text"], 90))))
    parts.append(Static(Content("\n").join(clash), id="summary-clash"))
    parts.append(Static(Content.styled("Press e to export the transcript as Markdown.", "dim"), id="exported"))
    return parts


class SummaryScreen(Screen):
    BINDINGS = [
        Binding("e", "export", "Export Markdown"),
        Binding("b", "back", "Back to debate"),
        Binding("n", "app.new_session", "New session"),
        Binding("f1", "app.help", "Help"),
        Binding("q", "app.quit", "Quit"),
    ]

    COMMANDS_FOR_PALETTE = (
        ("Export transcript as Markdown", "Write the whole session as a Markdown file (e)", "export"),
        ("Back to the debate", "Continue arguing this session (b)", "back"),
    )

    def __init__(self, session: sessions.Session) -> None:
        super().__init__()
        self.session = session
        self.exported: Any = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="summary"):
            yield from summary_content(sessions.summary(self.session))
        yield Footer()

    def action_export(self) -> None:
        app: Any = self.app
        try:
            path = sessions.export_markdown(self.session, app.export_path(self.session))
        except (OSError, TutorError) as exc:
            message = exc.one_line() if isinstance(exc, TutorError) else f"cannot write the transcript: {exc}"
            self.notify(message, severity="error", markup=False)
            return
        self.exported = path
        self.query_one("#exported", Static).update(Content.assemble(("Exported to ", "bold"), literal(str(path))))
        self.notify(f"Transcript written to {path}", markup=False)

    def action_back(self) -> None:
        app: Any = self.app
        app.reopen_session(self.session)
