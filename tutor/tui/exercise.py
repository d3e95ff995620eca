"""ExerciseApp: the tutor in exercise mode, for one student and one exercise.

The same app as `tutor play` (model loaded in a worker after the first paint,
the same debate screen, help and sources), opened on the exercise's
instructions; the submission (tutor.exercise) is saved after every turn.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from textual import events
from textual.app import SystemCommand
from textual.screen import Screen

from tutor.errors import TutorError
from tutor.exercise import Claim, Exercise
from tutor.tui.app import TutorApp


class ExerciseApp(TutorApp):
    TITLE = "tutor exercise"

    def __init__(self, exercise: Exercise, claimed: Claim, tutor: Any = None, clock: Callable[[], str] | None = None,
                 launched: float | None = None, opener: Callable[..., Any] | None = None) -> None:
        super().__init__(index_dir=exercise.index_dir, tutor=tutor, clock=clock, launched=launched, opener=opener)
        self.exercise = exercise
        self.claimed = claimed

    def on_mount(self, event: events.Mount) -> None:
        event.prevent_default()  # TutorApp's on_mount opens the start screen: not here
        try:
            self._read_manifest()
        except TutorError as exc:
            self.show_error(exc)
            return
        if self.tutor is not None:
            self._set_ready(self.tutor, 0.0)
        else:
            self.load_tutor()
        from tutor.tui.screens.exercise import InstructionsScreen

        self.push_screen(InstructionsScreen(self.claimed, self.exercise.instructions))

    def begin_debate(self) -> None:
        from tutor.tui.screens.exercise import ExerciseDebateScreen

        try:
            self.claimed.save(self.now())
        except TutorError as exc:
            self.notify(exc.one_line(), severity="error", markup=False)
            return
        self.switch_screen(ExerciseDebateScreen(self.claimed))

    def finish_session(self, session: Any) -> None:
        from tutor.tui.screens.exercise import ExerciseFinishScreen

        session.finished = True
        self.claimed.submission.finished = self.now()
        try:
            self.claimed.save(self.now())
        except TutorError as exc:
            session.finished = False
            self.claimed.submission.finished = None
            self.notify(exc.one_line(), severity="error", markup=False)
            return
        self.switch_screen(ExerciseFinishScreen(self.claimed))

    def reopen_session(self, session: Any) -> None:  # no way back into a finished exercise
        pass

    def action_new_session(self) -> None:
        self.notify("This is an exercise: quit (ctrl+q) and run `tutor` for a free session.", markup=False)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title != "New session":
                yield command
