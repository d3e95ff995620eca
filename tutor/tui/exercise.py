"""ExerciseApp: the tutor in exercise mode, for one student and one exercise.

The same app as `tutor play` (model loaded in a worker after the first paint,
the same debate screen, help and sources), opened on the exercise's
instructions; the submission (tutor.exercise) is saved after every turn.

Served to a class (`tutor serve --exercise`), the app is given no claim: it
asks the student's name first (the name screen of `tutor serve`) and claims
that student's submission itself, exactly as `tutor exercise run --student`
does before the app starts (an unfinished one of that name is resumed).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterable

from textual import events
from textual.app import SystemCommand
from textual.screen import Screen

from tutor.errors import TutorError
from tutor.exercise import Claim, Exercise, claim
from tutor.tui.app import TutorApp


class ExerciseApp(TutorApp):
    TITLE = "tutor exercise"

    def __init__(self, exercise: Exercise, claimed: Claim | None, tutor: Any = None,
                 clock: Callable[[], str] | None = None, launched: float | None = None,
                 opener: Callable[..., Any] | None = None, out: Path | str | None = None,
                 new_attempt: bool = False) -> None:
        """`claimed` None: ask the student's name in the app, then claim their submission under `out`."""
        super().__init__(index_dir=exercise.index_dir, tutor=tutor, clock=clock, launched=launched, opener=opener,
                         ask_name=claimed is None)
        if claimed is None and out is None:
            raise ValueError("an ExerciseApp without a claim needs the submissions folder (out)")
        self.exercise = exercise
        self.claimed: Claim | None = claimed
        self.out = Path(out) if out is not None else None
        self.new_attempt = new_attempt

    def on_mount(self, event: events.Mount) -> None:
        event.prevent_default()  # TutorApp's on_mount opens the start screen: not here
        if not self._start_loading():
            return
        if self.claimed is None:
            from tutor.tui.screens.name import NameScreen

            self.push_screen(NameScreen("Your submission for this exercise is saved under it."))
            return
        from tutor.tui.screens.exercise import InstructionsScreen

        self.push_screen(InstructionsScreen(self.claimed, self.exercise.instructions))

    def set_student(self, name: str, folder: str) -> None:
        """From the name screen: claim (or resume) this student's submission, then the instructions.

        A TutorError (a name `claim` refuses, a folder that cannot be written)
        propagates: the name screen shows it and stays.
        """
        from tutor.tui.screens.exercise import InstructionsScreen

        assert self.out is not None
        claimed = claim(self.out, self.exercise, name, new=self.new_attempt, at=self.now())
        self.claimed = claimed
        self.student = claimed.submission.student.name
        self.sub_title = self.student
        for note in claimed.notes:
            self.notify(note, severity="warning", markup=False, timeout=8)
        self.switch_screen(InstructionsScreen(claimed, self.exercise.instructions))

    @property
    def held(self) -> Claim:
        """The student's claim, once there is one (every screen after the name screen)."""
        if self.claimed is None:
            raise RuntimeError("no submission is claimed yet")
        return self.claimed

    def begin_debate(self) -> None:
        from tutor.tui.screens.exercise import ExerciseDebateScreen

        try:
            self.held.save(self.now())
        except TutorError as exc:
            self.notify(exc.one_line(), severity="error", markup=False)
            return
        self.switch_screen(ExerciseDebateScreen(self.held))

    def finish_session(self, session: Any) -> None:
        from tutor.tui.screens.exercise import ExerciseFinishScreen

        claimed = self.held
        session.finished = True
        claimed.submission.finished = self.now()
        try:
            claimed.save(self.now())
        except TutorError as exc:
            session.finished = False
            claimed.submission.finished = None
            self.notify(exc.one_line(), severity="error", markup=False)
            return
        self.switch_screen(ExerciseFinishScreen(claimed))

    def reopen_session(self, session: Any) -> None:  # no way back into a finished exercise
        pass

    def action_new_session(self) -> None:
        self.notify("This is an exercise: quit (ctrl+q) and run `tutor` for a free session.", markup=False)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title != "New session":
                yield command
