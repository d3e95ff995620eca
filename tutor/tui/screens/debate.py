"""Argue, get feedback, rebut: the editor, the counter cards, your findings, the rubric and the clash tracker.

The screen only draws: every turn runs in a thread worker through
`Tutor.run_turn` (the core API), and the session is saved as pending
the moment a turn is submitted, then again when its feedback arrives.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static, TabbedContent, TabPane, TextArea

from tutor import session as sessions
from tutor.corpus.segment import word_count
from tutor.errors import TutorError
from tutor.results import Counter
from tutor.text import has_words, printable, shorten
from tutor.tui.messages import TurnDone, TurnFailed, as_tutor_error
from tutor.tui.widgets.clash import ClashTracker
from tutor.tui.widgets.counter_card import CounterCard, source_line
from tutor.tui.widgets.findings import FindingsView
from tutor.tui.widgets.literal import literal
from tutor.tui.widgets.too_small import TooSmall
from tutor.tui.widgets.loading import LoadingProgress
from tutor.tui.widgets.rubric import RubricView


class DebateScreen(Screen):
    BINDINGS = [
        Binding("ctrl+s", "submit", "Submit", priority=True),
        Binding("ctrl+r", "rebut", "Rebut"),
        Binding("ctrl+o", "sources", "Sources"),
        Binding("ctrl+f", "finish", "Finish"),
        Binding("escape", "cancel_rebut", "Stop rebutting", show=False),
        Binding("f1", "app.help", "Help"),
    ]

    COMMANDS_FOR_PALETTE = (
        ("Submit turn", "Counter and check the text in the editor (ctrl+s)", "submit"),
        ("Rebut the focused counter", "Answer the focused counter card in your next turn (ctrl+r)", "rebut"),
        ("Stop rebutting", "The next turn answers no counter", "cancel_rebut"),
        ("Open the focused counter's source", "Read the counter in context (ctrl+o)", "sources"),
        ("Finish and summarise", "Turns, rubric over time, fallacies, counters answered and dropped (ctrl+f)", "finish"),
    )

    def __init__(self, session: sessions.Session) -> None:
        super().__init__()
        self.session = session
        self.target: Counter | None = None  # the counter being rebutted
        self.busy = False
        self.last_feedback_s: float | None = None
        self.submitted_at: float | None = None
        self.feedback_event = threading.Event()  # set each time feedback is drawn (tests, bench)

    # --- layout

    def compose(self) -> ComposeResult:
        s = self.session
        side = f"{s.side} side" if s.side else "side estimated each turn"
        yield TooSmall()
        yield Static(Content.assemble(("Motion: ", "bold"), literal(s.motion_statement or "free argument"),
                                      (f"  ({side})", "dim")), id="debate-title")
        with Container(id="debate-body"):
            with Vertical(id="compose-pane"):
                yield Static("", id="replying")
                yield TextArea(id="editor", soft_wrap=True, tab_behavior="focus", show_line_numbers=False,
                               placeholder="Type your argument here, then press ctrl+s to submit.")
                with Horizontal(id="editor-status"):
                    yield Static("0 words", id="wordcount")
                    yield Static("", id="turn-status")
            with TabbedContent(id="feedback", initial="tab-counters"):
                with TabPane("Counters", id="tab-counters"):
                    yield VerticalScroll(Static("Counter-arguments appear here, strongest first.", classes="muted"),
                                         id="cards")
                with TabPane("Your turn", id="tab-turn"):
                    with VerticalScroll(id="turn-scroll"):
                        yield RubricView(id="rubric")
                        yield FindingsView(id="findings")
                with TabPane("Clash", id="tab-clash"):
                    yield ClashTracker(id="clash")
        yield LoadingProgress()
        yield Footer()

    async def on_mount(self) -> None:
        self.query_one("#replying").display = False
        self.query_one("#editor", TextArea).focus()
        app: Any = self.app
        app.mark_first_paint()
        if self.session.done_turns:
            await self.show_turn(self.session.done_turns[-1])
        if self.session.pending:
            self.set_busy(True, f"re-running {len(self.session.pending)} saved turn(s)…")
            self.run_pending()

    # --- typing and submitting

    @on(TextArea.Changed, "#editor")
    def _count(self, event: TextArea.Changed) -> None:
        self.query_one("#wordcount", Static).update(self.word_status(word_count(event.text_area.text)))

    # --- what a mode (an exercise) may change: the word count shown, saving, the findings shown

    def word_status(self, n: int) -> Content | str:
        return f"{n} word{'s' if n != 1 else ''}"

    def save_session(self) -> None:
        """Save the session (raises TutorError); called when a turn is submitted and when it is done."""
        app: Any = self.app
        sessions.save(self.session, app.data_dir)

    def check_to_show(self, turn: sessions.Turn) -> Any:
        return turn.check

    def action_submit(self) -> None:
        editor = self.query_one("#editor", TextArea)
        text = editor.text
        if self.busy:
            self.notify("Still working on the last turn; your text stays in the editor.", severity="warning")
            return
        if not text.strip():
            self.notify("Type an argument first.", severity="warning")
            return
        if not has_words(text):  # emoji or symbols only: there is no claim to counter
            self.notify("No argument found: write your claim in words, then submit.", severity="warning")
            return
        app: Any = self.app
        try:
            turn = self.session.submit(text, self.target.id if self.target else None, submitted_at=app.now())
            self.save_session()  # pending: a crash from here on loses nothing
        except TutorError as exc:
            if self.session.turns and self.session.turns[-1].status == "pending" and self.session.turns[-1].text == text:
                self.session.turns.pop()
            self.notify(exc.one_line(), severity="error", markup=False)
            return
        editor.text = ""
        self.set_target(None)
        self.submitted_at = time.perf_counter()
        self.feedback_event.clear()
        waiting = "" if app.ready else " (waiting for the model to load)"
        self.set_busy(True, f"turn {turn.number} saved; computing feedback{waiting}…")
        self.run_pending()

    def set_busy(self, busy: bool, status: str = "") -> None:
        self.busy = busy
        self.query_one("#turn-status", Static).update(Content.styled(status, "italic"))

    # --- the worker

    @work(thread=True, exclusive=True, exit_on_error=False, group="turn", description="counter and check a turn")
    def run_pending(self) -> None:
        app: Any = self.app
        for turn in list(self.session.pending):
            started = time.perf_counter()
            tutor = app.wait_for_tutor()
            if tutor is None:
                self.post_message(TurnFailed(turn.number, app.load_error or TutorError("the model did not load")))
                return
            try:
                result = tutor.run_turn(self.session, turn)
            except Exception as exc:  # shown on screen, never a traceback
                self.post_message(TurnFailed(turn.number, as_tutor_error(exc, "computing the feedback")))
                continue
            self.post_message(TurnDone(turn.number, result, time.perf_counter() - started))

    async def on_turn_done(self, message: TurnDone) -> None:
        app: Any = self.app
        turn = self.session.turns[message.number - 1]
        result = message.result
        self.session.complete(turn, result.counter, result.check, result.rubric)
        try:
            self.save_session()
        except TutorError as exc:
            self.notify(exc.one_line(), severity="error", markup=False)
        await self.show_turn(turn)
        if not self.session.pending:
            notes = turn.check.notes if turn.check else []
            checked = f"{len(turn.findings)} fallacy finding{'s' if len(turn.findings) != 1 else ''}"
            if notes and not turn.findings:
                checked += f" ({notes[0]})"
            self.set_busy(False, printable(f"turn {turn.number}: {len(turn.counters)} counters, {checked}"))
        if self.submitted_at is not None:
            self.last_feedback_s = time.perf_counter() - self.submitted_at
        self.call_after_refresh(self.feedback_event.set)

    def on_turn_failed(self, message: TurnFailed) -> None:
        app: Any = self.app
        turn = self.session.turns[message.number - 1]
        self.session.fail(turn, message.error.one_line())
        try:
            self.save_session()
        except TutorError:
            pass
        editor = self.query_one("#editor", TextArea)
        if not editor.text.strip():
            editor.text = turn.text  # give the text back so it can be fixed and resubmitted
        self.set_busy(False, "")
        self.notify(message.error.one_line(), title=f"Turn {turn.number} failed", severity="error", markup=False,
                    timeout=8)
        self.feedback_event.set()

    # --- drawing the feedback

    async def show_turn(self, turn: sessions.Turn) -> None:
        rows = sessions.clash(self.session)
        status = {r["id"]: r["status"] for r in rows}
        cards = self.query_one("#cards", VerticalScroll)
        title = Content.assemble((f"Turn {turn.number}: ", "bold"),
                                 (f"{len(turn.counters)} counter-arguments, strongest first", "dim"))
        notes = turn.counter.notes if turn.counter else []
        note = literal("note: " + "; ".join(notes), "dim italic") if notes else Content("")
        existing = list(cards.query(CounterCard))
        if existing and len(existing) == len(turn.counters):
            # Same layout as last turn: update the widgets in place (much cheaper than remounting).
            cards.query_one(".cards-title", Static).update(title)
            notes_widget = cards.query_one(".notes", Static)
            notes_widget.update(note)
            notes_widget.display = bool(notes)
            for rank, (widget, card) in enumerate(zip(existing, turn.counters), start=1):
                widget.show(card, rank, status.get(card.id, "open"))
        else:
            await cards.remove_children()
            notes_widget = Static(note, classes="notes")
            notes_widget.display = bool(notes)
            widgets: list[Any] = [Static(title, classes="cards-title"), notes_widget]
            for rank, card in enumerate(turn.counters, start=1):
                widgets.append(CounterCard(card, rank, status.get(card.id, "open"), id=f"card-{rank}"))
            await cards.mount_all(widgets)
        cards.scroll_home(animate=False)
        self.query_one("#rubric", RubricView).show(turn.rubric, turn.number)
        await self.query_one("#findings", FindingsView).show(turn.text, self.check_to_show(turn))
        self.query_one("#clash", ClashTracker).show(rows)
        self.query_one("#feedback", TabbedContent).active = "tab-counters"

    # --- rebutting

    def set_target(self, card: Counter | None) -> None:
        self.target = card
        replying = self.query_one("#replying", Static)
        if card is None:
            replying.display = False
            return
        replying.update(Content.assemble(("Rebutting: ", "bold"), literal(shorten(card.text, 100), "italic"),
                                         ("  (escape to stop)", "dim")))
        replying.display = True

    def rebut(self, card: Counter) -> None:
        self.set_target(card)
        self.query_one("#editor", TextArea).focus()

    @on(CounterCard.Rebut)
    def _card_rebut(self, event: CounterCard.Rebut) -> None:
        self.rebut(event.card)

    @on(CounterCard.OpenSource)
    def _card_source(self, event: CounterCard.OpenSource) -> None:
        app: Any = self.app
        app.open_sources(event.card.id)

    @on(ClashTracker.Selected)
    def _clash_selected(self, event: ClashTracker.Selected) -> None:
        card = self.session.find_counter(event.counter_id)
        if card is None:
            return
        if event.status == "answered":
            self.notify("Already answered; rebutting it again adds another answer.", markup=False)
        self.rebut(card)

    def focused_card(self) -> CounterCard | None:
        node = self.focused
        while node is not None and not isinstance(node, CounterCard):
            node = node.parent
        return node

    def action_rebut(self) -> None:
        card = self.focused_card()
        if card is None:
            cards = list(self.query(CounterCard))
            if not cards:
                self.notify("No counter to rebut yet: submit an argument first.", severity="warning")
                return
            card = cards[0]
        self.rebut(card.card)

    def action_cancel_rebut(self) -> None:
        if self.target is not None:
            self.set_target(None)
        else:
            self.query_one("#editor", TextArea).focus()

    def action_sources(self) -> None:
        card = self.focused_card()
        app: Any = self.app
        app.open_sources(card.card.id if card else None)

    def action_finish(self) -> None:
        app: Any = self.app
        if self.busy:
            self.notify("Wait for the feedback on your last turn first.", severity="warning")
            return
        if not self.session.done_turns:
            self.notify("Submit at least one turn before finishing.", severity="warning")
            return
        app.finish_session(self.session)

    def describe_card(self, card: Counter) -> str:
        return source_line(card)
