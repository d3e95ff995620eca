"""One counter-argument: the passage, its source and stance, strength, why, and the source's own fallacies."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static

from tutor.tui.widgets.literal import bar, literal

HOW = {"rebuts": "rebuts", "undercuts": "undercuts", "counter-example": "counter-example"}


def source_line(card: dict[str, Any]) -> str:
    src = card.get("source") or {}
    kind = "thread" if src.get("kind") == "forum_thread" else src.get("kind") or "source"
    parts = [f"{kind}: {src.get('title', src.get('doc', '?'))}", f"line {src.get('line', '?')}"]
    if src.get("speaker"):
        parts.append(str(src["speaker"]))
    return " · ".join(parts)


class CounterCard(Vertical, can_focus=True):
    """A focusable card; `r`/enter rebuts it, `o` opens its context in the source browser."""

    BINDINGS = [
        Binding("r,enter", "rebut", "Rebut this"),
        Binding("o", "source", "Open source"),
    ]

    class Rebut(Message):
        def __init__(self, card: dict[str, Any]) -> None:
            super().__init__()
            self.card = card

    class OpenSource(Message):
        def __init__(self, card: dict[str, Any]) -> None:
            super().__init__()
            self.card = card

    def __init__(self, card: dict[str, Any], rank: int, status: str = "open", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.card = card
        self.rank = rank
        self.status = status
        stance = str(card.get("stance") or "unknown")
        self.add_class(f"stance-{stance}" if stance in ("pro", "con", "neutral") else "stance-unknown")

    def compose(self) -> ComposeResult:
        card = self.card
        how = (card.get("why") or {}).get("how", "rebuts")
        stance = str(card.get("stance") or "unknown")
        head = Content.assemble(
            (f"#{self.rank} ", "bold"),
            (f" {HOW.get(how, how)} ", "reverse"),
            " ",
            (stance, "bold"),
            "  ",
            literal(source_line(card), "dim"),
        )
        if self.status != "open":
            head = head + Content.styled(f"  [{self.status}]", "italic")
        yield Static(head, classes="card-head")
        strength = card.get("strength") or {}
        score = strength.get("score", 0.0)
        yield Static(
            Content.assemble(("strength ", "dim"), (bar(score), "bold"), f" {float(score):.2f}",
                             ("   relevance ", "dim"), f"{float(card.get('scores', {}).get('relevance', 0)):.2f}"),
            classes="card-strength",
        )
        yield Static(literal(card.get("text", "")), classes="card-text")
        why = (card.get("why") or {}).get("text")
        if why:
            yield Static(Content.assemble(("why: ", "italic dim"), literal(why, "italic")), classes="card-why")
        fallacies = card.get("fallacies") or []
        if fallacies:
            badges = [Content.styled(" source's own fallacies: ", "dim")]
            for f in fallacies:
                badges.append(literal(f" {f.get('label') or f.get('type')} ", "reverse"))
                badges.append(Content(" "))
            yield Static(Content("").join(badges), classes="card-badges")
        with Horizontal(classes="card-actions"):
            yield Button("Rebut", compact=True, classes="rebut")
            yield Button("Source", compact=True, classes="source")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.has_class("rebut"):
            self.action_rebut()
        else:
            self.action_source()

    def on_click(self) -> None:
        self.focus()

    def action_rebut(self) -> None:
        self.post_message(self.Rebut(self.card))

    def action_source(self) -> None:
        self.post_message(self.OpenSource(self.card))
