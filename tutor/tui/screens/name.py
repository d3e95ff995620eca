"""Who is arguing: the first screen of a tutor served to a class (`tutor serve`).

The name is cleaned and checked by `tutor.exercise.names` (the rules `tutor
exercise run --student` uses) before anything is saved under it: a name that
cannot be used stays in the field with the reason underneath. The student's
sessions are then kept in a folder of their own, named by the name's slug.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from tutor.errors import UsageError
from tutor.exercise.names import MAX_NAME, clean_name, name_slug
from tutor.tui.widgets.literal import literal


class NameScreen(Screen):
    BINDINGS = [Binding("ctrl+q", "app.quit", "Quit")]

    def compose(self) -> ComposeResult:
        with Vertical(id="name-box"):
            yield Static(Content.styled("Welcome to the debate tutor", "bold"))
            yield Static("Type your name and press Enter. Your sessions are saved under it.")
            yield Input(placeholder="your name", max_length=MAX_NAME * 2, id="name")
            yield Static("", id="name-problem")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()
        app: Any = self.app
        app.mark_first_paint()

    @on(Input.Submitted, "#name")
    def _submitted(self, event: Input.Submitted) -> None:
        app: Any = self.app
        try:
            name = clean_name(event.value)
            folder = name_slug(name)  # no random suffix: a student who comes back finds their sessions
        except UsageError as exc:  # the message only: the hint speaks of the CLI's --student
            self.query_one("#name-problem", Static).update(literal(exc.message, "bold red"))
            return
        app.set_student(name, folder)
