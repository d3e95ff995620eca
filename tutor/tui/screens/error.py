"""A readable error with the fix: never a traceback."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from tutor.errors import TutorError
from tutor.tui.widgets.literal import literal


class ErrorScreen(Screen):
    BINDINGS = [Binding("q,escape", "app.quit", "Quit")]

    def __init__(self, error: TutorError, title: str = "The tutor cannot start") -> None:
        super().__init__()
        self.error = error
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="error-box"):
            yield Static(Content.styled(self.title_text, "bold"), id="error-title")
            yield Static(literal(self.error.message), id="error-message")
            if self.error.hint:
                yield Static(Content.assemble(("How to fix: ", "bold"), literal(self.error.hint)), id="error-hint")
            yield Static(Content.styled("Press q to quit.", "dim"))
        yield Footer()
