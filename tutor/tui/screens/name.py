"""Who is arguing: the first screen of a tutor served to a class (`tutor serve`).

The name is cleaned and checked by `tutor.exercise.names` (the rules `tutor
exercise run --student` uses) before anything is saved under it: a name that
cannot be used stays in the field with the reason underneath. The app's
`set_student` then uses it: a free session keeps the student's sessions in a
folder named by the name's slug; an exercise (`tutor serve --exercise`)
claims the student's submission, and a claim that fails is shown here too.
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

from tutor.errors import TutorError, UsageError
from tutor.exercise.names import MAX_NAME, clean_name, name_slug
from tutor.tui.widgets.literal import literal


class NameScreen(Screen):
    BINDINGS = [Binding("ctrl+q", "app.quit", "Quit")]

    def __init__(self, saved: str = "Your sessions are saved under it.") -> None:
        super().__init__()
        self.saved = saved

    def compose(self) -> ComposeResult:
        with Vertical(id="name-box"):
            yield Static(Content.styled("Welcome to the debate tutor", "bold"))
            yield Static(f"Type your name and press Enter. {self.saved}", markup=False)
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
            self.show_problem(exc.message)
            return
        try:
            app.set_student(name, folder)
        except TutorError as exc:  # e.g. the exercise's submissions folder cannot be written
            self.show_problem(exc.message)

    def show_problem(self, message: str) -> None:
        self.query_one("#name-problem", Static).update(literal(message, "bold red"))
