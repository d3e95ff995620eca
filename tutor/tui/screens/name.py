"""Who is arguing: the first screen of a tutor served to a class (`tutor serve`).

The name is cleaned and checked before anything is saved under it: a name
that cannot be used stays in the field with the reason underneath. The
student's sessions are then kept in a folder of their own.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from tutor.errors import UsageError
from tutor.text import printable
from tutor.tui.widgets.literal import literal

MAX_NAME = 80


def clean_name(name: str) -> str:
    """The name to show, or UsageError saying why it cannot be used."""
    text = " ".join(unicodedata.normalize("NFKC", printable(name or "")).split())
    if not any(ch.isalnum() for ch in text):
        raise UsageError("the name is empty or has no letters or digits", "type your name, e.g. Ada Lovelace")
    if len(text) > MAX_NAME:
        raise UsageError(f"the name is too long ({len(text)} characters; at most {MAX_NAME})", "use a shorter name")
    return text


def name_folder(name: str) -> str:
    """A file-safe folder name for a cleaned name: its letters and digits joined by '-', at most 32 characters."""
    slug = "-".join(part for part in re.split(r"[^\w]|_", clean_name(name).lower()) if part)[:32].strip("-")
    if not slug:
        raise UsageError("the name has no letters or digits")
    return slug


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
            folder = name_folder(name)
        except UsageError as exc:
            self.query_one("#name-problem", Static).update(literal(exc.one_line(), "bold red"))
            return
        app.set_student(name, folder)
