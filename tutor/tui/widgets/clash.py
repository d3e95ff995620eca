"""The clash tracker: every counter shown, like a debater's flow sheet (answered, open, dropped)."""

from __future__ import annotations

from typing import Any

from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tutor.text import shorten
from tutor.tui.widgets.literal import literal

MARK = {"answered": ("✓ answered", "bold green"), "open": ("● open", "bold yellow"), "dropped": ("✗ dropped", "bold red")}


def clash_prompt(row: dict[str, Any]) -> Content:
    label, style = MARK.get(row["status"], (row["status"], "bold"))
    where = f"t{row['shown_in']}#{row['rank']}"
    extra = ""
    if row["status"] == "answered":
        extra = f" in t{row['answered_by']}" + ("" if row.get("engaged") is None else (" (engaged)" if row["engaged"] else " (missed)"))
    return Content.assemble(
        (f"{label:<10}", style), (extra, "dim"), f" {where:<6} ", literal(shorten(row["source"], 40), "dim"), "\n  ",
        literal(shorten(row["text"], 110)),
    )


class ClashTracker(OptionList):
    """Select an open counter to rebut it."""

    class Selected(Message):
        def __init__(self, counter_id: str, status: str) -> None:
            super().__init__()
            self.counter_id = counter_id
            self.status = status

    def show(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        self.clear_options()
        if not rows:
            self.add_option(Option(Content.styled("No counters yet: submit an argument.", "dim"), id="none", disabled=True))
            return
        counts = {s: sum(1 for r in rows if r["status"] == s) for s in ("answered", "open", "dropped")}
        self.border_title = f"answered {counts['answered']} · open {counts['open']} · dropped {counts['dropped']}"
        self.add_options([Option(clash_prompt(r), id=r["id"]) for r in rows])

    def on_mount(self) -> None:
        if not getattr(self, "rows", None):
            self.show([])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        row = next((r for r in getattr(self, "rows", []) if r["id"] == event.option.id), None)
        if row:
            self.post_message(self.Selected(row["id"], row["status"]))
