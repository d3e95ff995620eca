"""Exercise mode: the instructions first, the debate screen with the exercise's limits, a finish screen.

The debate itself is `DebateScreen`: this mode only changes what it shows
(the round, the word limits, the countdown, focus findings first), refuses a
turn outside the word limits (the text stays in the editor), and saves the
submission (tutor.exercise) where a free session saves the session file.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, RadioButton, RadioSet, Static

from tutor import session as sessions
from tutor.corpus.segment import word_count
from tutor.errors import TutorError
from tutor.exercise import Claim, focus_first
from tutor.exercise.submission import seconds_between
from tutor.tui.messages import TurnDone
from tutor.tui.screens.debate import DebateScreen
from tutor.tui.screens.summary import summary_content
from tutor.tui.widgets.literal import literal
from tutor.tui.widgets.loading import LoadingProgress
from tutor.tui.widgets.too_small import TooSmall


def fallacy_label(type_id: str) -> str:
    from tutor.fallacy.catalog import get_type

    try:
        return get_type(type_id).label
    except TutorError:
        return type_id


def clock_text(seconds: float) -> str:
    seconds = int(abs(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def settings_lines(claimed: Claim) -> list[Content]:
    ex = claimed.submission.exercise
    lines = [Content.assemble(("Motion: ", "bold"), literal(ex.motion_statement))]
    if ex.side == "choice":
        side = "your choice (below)"
    else:
        side = f"{ex.side} (assigned)"
    lines.append(Content.assemble(("Your side: ", "bold"), side))
    lines.append(Content.assemble(("Rounds: ", "bold"), f"{ex.rounds}, each turn {ex.min_words} to {ex.max_words} words"))
    if ex.time_limit_seconds:
        lines.append(Content.assemble(("Time: ", "bold"),
                                      f"{clock_text(ex.time_limit_seconds)} per turn (a countdown; a late turn is kept and "
                                      "marked late)"))
    if ex.focus:
        lines.append(Content.assemble(("Focus: ", "bold"), literal(", ".join(fallacy_label(f) for f in ex.focus)),
                                      (" (shown first, count double in the grade)", "dim")))
    return lines


class InstructionsScreen(Screen):
    """What the student reads first: the instructions, the settings, and (for a choice) the side."""

    BINDINGS = [
        Binding("ctrl+s", "begin", "Start", priority=True),
        Binding("f1", "app.help", "Help"),
        Binding("ctrl+q", "app.quit", "Quit"),
    ]

    def __init__(self, claimed: Claim, instructions: str) -> None:
        super().__init__()
        self.claimed = claimed
        self.instructions = instructions

    def compose(self) -> ComposeResult:
        sub = self.claimed.submission
        ex = sub.exercise
        yield TooSmall()
        yield Static(Content.assemble(("Exercise  ", "bold"), literal(ex.title)), id="exercise-title")
        with VerticalScroll(id="instructions-body"):
            yield Static(Content.assemble(("Student: ", "bold"), literal(sub.student.name)), id="student")
            if self.claimed.resumed:
                done = sub.rounds_done
                yield Static(Content.styled(f"Resuming your submission: {done} of {ex.rounds} round"
                                            f"{'s' if ex.rounds != 1 else ''} done.", "bold"), id="resumed")
            yield Static(literal(self.instructions), id="instructions")
            yield Static(Content("\n").join(settings_lines(self.claimed)), id="settings")
            if ex.side == "choice":
                locked = bool(sub.session.turns)
                with RadioSet(id="choose-side", disabled=locked):
                    yield RadioButton("Pro", value=sub.side != "con", id="choose-pro")
                    yield RadioButton("Con", value=sub.side == "con", id="choose-con")
            with Horizontal(id="begin-row"):
                label = "Continue" if self.claimed.resumed and sub.session.turns else "Start the exercise"
                yield Button(label, variant="primary", id="begin")
        yield LoadingProgress()
        yield Footer()

    def on_mount(self) -> None:
        app: Any = self.app
        app.mark_first_paint()
        self.query_one("#begin", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "begin":
            self.action_begin()

    def action_begin(self) -> None:
        app: Any = self.app
        sub = self.claimed.submission
        if sub.exercise.side == "choice" and not sub.session.turns:
            side = "con" if self.query_one("#choose-con", RadioButton).value else "pro"
            sub.side = side
            sub.session.side = side  # type: ignore[assignment]
        app.begin_debate()


class ExerciseDebateScreen(DebateScreen):
    """The debate screen with the exercise's rounds, limits, countdown and focus."""

    def __init__(self, claimed: Claim) -> None:
        super().__init__(claimed.submission.session)
        self.claimed = claimed

    @property
    def submission(self) -> Any:
        return self.claimed.submission

    def compose(self) -> ComposeResult:
        yield Static("", id="exercise-bar")
        yield from super().compose()

    async def on_mount(self, event: events.Mount) -> None:
        event.prevent_default()  # Textual would run DebateScreen.on_mount again after this one
        await super().on_mount()
        self.query_one("#wordcount", Static).update(self.word_status(0))
        self.open_round()
        self.tick()
        self.set_interval(1.0, self.tick)

    # --- rounds and time

    @property
    def rounds_left(self) -> int:
        return self.submission.exercise.rounds - len(self.session.turns)

    def open_round(self) -> None:
        """Start the clock of the next round (persisted, so a resume does not reset it)."""
        if self.rounds_left <= 0 or self.session.pending:
            return
        app: Any = self.app
        number = len(self.session.turns) + 1
        if self.submission.timing(number) is None:
            self.submission.open_round(app.now())
            try:
                self.claimed.save(app.now())
            except TutorError as exc:
                self.notify(exc.one_line(), severity="error", markup=False)

    def remaining(self) -> float | None:
        limit = self.submission.exercise.time_limit_seconds
        row = self.submission.timing(len(self.session.turns) + 1)
        if not limit or row is None or self.rounds_left <= 0:
            return None
        app: Any = self.app
        return limit - seconds_between(row.opened_at, app.now())

    def tick(self) -> None:
        ex = self.submission.exercise
        done = self.submission.rounds_done
        bar = self.query_one("#exercise-bar", Static)
        bar.set_class(False, "-low", "-late")
        parts: list[Any] = [literal(ex.title, "bold"), "  "]
        if self.rounds_left <= 0 and not self.session.pending:
            parts.append((f"All {ex.rounds} rounds done: read your feedback, then press ctrl+f for your summary.",
                          "bold"))
        else:
            current = min(len(self.session.turns) + (0 if self.session.pending else 1), ex.rounds)
            parts.append(f"Round {current} of {ex.rounds}  ({done} done)  ")
            left = self.remaining()
            if left is not None:
                parts.append((f"{clock_text(left)} left" if left >= 0 else
                               f"time is up: {clock_text(left)} over (the turn will be marked late)", "bold"))
                bar.set_class(0 <= left <= 60, "-low")
                bar.set_class(left < 0, "-late")
        if ex.focus:
            counts = self.submission.grade().focus_by_type
            parts.append(("  focus: " + ", ".join(f"{fallacy_label(f)} {counts.get(f, 0)}" for f in ex.focus), "dim"))
        bar.update(Content.assemble(*parts))

    # --- the hooks of DebateScreen

    def word_status(self, n: int) -> Content | str:
        ex = self.submission.exercise
        outside = bool(n) and not ex.min_words <= n <= ex.max_words
        self.query_one("#wordcount", Static).set_class(outside, "-outside")
        return f"{n} word{'s' if n != 1 else ''} ({ex.min_words} to {ex.max_words})"

    def check_to_show(self, turn: sessions.Turn) -> Any:
        check = turn.check
        focus = self.submission.exercise.focus
        if check is None or not focus:
            return check
        debate = focus_first(check.debate_findings, focus) if check.debate_findings is not None else None
        return dataclasses.replace(check, findings=focus_first(check.findings, focus), debate_findings=debate)

    def save_session(self) -> None:
        """Bring the timings up to date with the session, then save the submission (JSON, then Markdown)."""
        app: Any = self.app
        now = app.now()
        sub = self.submission
        for turn in self.session.turns:
            row = sub.timing(turn.number)
            if row is None or row.submitted_at is None:
                sub.record_submit(turn.number, word_count(turn.text), turn.submitted_at)
            row = sub.timing(turn.number)
            if turn.status == "done" and row is not None and row.feedback_at is None:
                seconds = self.last_feedback_s if turn is self.session.turns[-1] else None
                sub.record_feedback(turn.number, now, seconds)
        self.claimed.save(now)

    def action_submit(self) -> None:
        from textual.widgets import TextArea

        ex = self.submission.exercise
        if self.rounds_left <= 0:
            self.notify(f"All {ex.rounds} rounds are submitted: press ctrl+f for your summary.", severity="warning")
            return
        n = word_count(self.query_one("#editor", TextArea).text)
        if n and n < ex.min_words:
            self.notify(f"Too short: {n} words; this exercise asks for at least {ex.min_words} words a turn. "
                        "Your text stays in the editor.", title="Not submitted", severity="warning", timeout=8)
            return
        if n > ex.max_words:
            self.notify(f"Too long: {n} words; this exercise allows at most {ex.max_words} words a turn. "
                        "Shorten it: your text stays in the editor.", title="Not submitted", severity="warning",
                        timeout=8)
            return
        super().action_submit()

    async def on_turn_done(self, message: TurnDone) -> None:
        message.prevent_default()  # run DebateScreen's handler once, here
        await super().on_turn_done(message)
        self.open_round()
        self.tick()

    def action_finish(self) -> None:
        ex = self.submission.exercise
        if self.busy:
            self.notify("Wait for the feedback on your last turn first.", severity="warning")
            return
        if self.submission.rounds_done < ex.rounds:
            self.notify(f"{self.submission.rounds_done} of {ex.rounds} rounds done: argue them all first. "
                        "ctrl+q quits and keeps your work; the same command resumes it.", severity="warning",
                        timeout=8)
            return
        super().action_finish()


class ExerciseFinishScreen(Screen):
    """The student's own summary: the grade, rounds, focus fallacies, time, then the debate's summary."""

    BINDINGS = [
        Binding("q", "app.quit", "Quit"),
        Binding("f1", "app.help", "Help"),
    ]

    def __init__(self, claimed: Claim) -> None:
        super().__init__()
        self.claimed = claimed

    def compose(self) -> ComposeResult:
        sub = self.claimed.submission
        ex = sub.exercise
        g = sub.grade()
        with VerticalScroll(id="summary"):
            yield Static(Content.assemble(("Exercise finished  ", "bold"), literal(ex.title)), id="finish-title")
            lines = [Content.assemble(("Student: ", "bold"), literal(sub.student.name)),
                     Content.assemble(("Grade: ", "bold"), (f"{g.score:.0f} / 100", "bold"),
                                      (f"  ({g.rounds_done} of {g.rounds} rounds)", "dim"))]
            if ex.focus:
                focus = ", ".join(f"{fallacy_label(f)} {g.focus_by_type.get(f, 0)}" for f in ex.focus)
                lines.append(Content.assemble(("Focus fallacies: ", "bold"), literal(focus),
                                              (f"  (other findings: {g.other_findings})", "dim")))
            late = [str(t.turn) for t in sub.timings if t.over_time]
            lines.append(Content.assemble(("Time writing: ", "bold"), clock_text(sub.time_used_seconds),
                                          (f"  late turns: {', '.join(late)}" if late else "", "dim")))
            per_turn = "  ".join(f"t{t.turn} {100 * t.score:.0f}" for t in g.turns)
            if per_turn:
                lines.append(Content.assemble(("Per turn: ", "bold"), per_turn))
            lines.append(Content.assemble(("Saved: ", "bold"), literal(str(self.claimed.path)), ", ",
                                          literal(str(self.claimed.markdown_path))))
            yield Static(Content("\n").join(lines), id="finish-grade")
            yield from summary_content(sessions.summary(sub.session))[1:-1]
        yield Footer()

    def on_mount(self) -> None:
        app: Any = self.app
        app.mark_first_paint()
