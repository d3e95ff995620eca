"""One counter-argument: the passage, its source and stance, strength, why, and the source's own fallacies."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static

from tutor.results import Counter
from tutor.tui.widgets.literal import bar, literal

HOW = {"rebuts": "rebuts", "undercuts": "undercuts", "counter-example": "counter-example"}


def source_line(card: Counter) -> str:
    src = card.source
    kind = "thread" if src.kind == "forum_thread" else src.kind or "source"
    parts = [f"{kind}: {src.title or src.doc}", f"line {src.line}"]
    if src.speaker:
        parts.append(src.speaker)
    return " · ".join(parts)


class CounterCard(Vertical, can_focus=True):
    """A focusable card; `r`/enter rebuts it, `o` opens its context in the source browser."""

    BINDINGS = [
        Binding("r,enter", "rebut", "Rebut this"),
        Binding("o", "source", "Open source"),
    ]

    class Rebut(Message):
        def __init__(self, card: Counter) -> None:
            super().__init__()
            self.card = card

    class OpenSource(Message):
        def __init__(self, card: Counter) -> None:
            super().__init__()
            self.card = card

    def __init__(self, card: Counter, rank: int, status: str = "open", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.card = card
        self.rank = rank
        self.status = status
        self._head = Static(classes="card-head")
        self._text = Static(classes="card-text")
        self._why = Static(classes="card-why")
        self._refresh_parts()

    def compose(self) -> ComposeResult:
        yield self._head
        yield self._text
        yield self._why
        with Horizontal(classes="card-actions"):
            yield Button("Rebut", compact=True, classes="rebut")
            yield Button("Source", compact=True, classes="source")

    def show(self, card: Counter, rank: int, status: str = "open") -> None:
        """Show another counter in this card: updating beats remounting five cards each turn."""
        self.card, self.rank, self.status = card, rank, status
        self._refresh_parts()

    def _refresh_parts(self) -> None:
        card = self.card
        stance = card.stance or "unknown"
        wanted = f"stance-{stance}" if stance in ("pro", "con", "neutral") else "stance-unknown"
        if not self.has_class(wanted):  # class changes restyle the card: only when needed
            self.remove_class("stance-pro", "stance-con", "stance-neutral", "stance-unknown")
            self.add_class(wanted)
        how = card.why.how
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
        score = float(card.strength.score)
        relevance = float(card.scores.relevance)
        head = Content.assemble(head, "\n", ("strength ", "dim"), (bar(score), "bold"), f" {score:.2f}",
                                ("   relevance ", "dim"), f"{relevance:.2f}")
        self._head.update(head)
        self._text.update(literal(card.text))
        parts: list[Content] = []
        why = card.why.text
        if why:
            parts.append(Content.assemble(("why: ", "italic dim"), literal(why, "italic")))
        fallacies = card.fallacies
        if fallacies:
            badges = [Content.styled(" source's own fallacies: ", "dim")]
            for f in fallacies:
                badges.append(literal(f" {f.label or f.type} ", "reverse"))
                badges.append(Content(" "))
            parts.append(Content("").join(badges))
        self._why.update(Content("\n").join(parts))
        if self._why.display != bool(parts):
            self._why.display = bool(parts)

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
