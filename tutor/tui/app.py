"""TutorApp: the start screen at once, the model and index in a worker, one screen per step.

Nothing heavy is imported here: `tutor.api` (torch, faiss) is imported inside
the load worker, so the first paint never waits for the model.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterable

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from tutor import session as sessions
from tutor.errors import TutorError
from tutor.tui.messages import TutorFailed, TutorLoading, TutorReady, as_tutor_error
from tutor.tui.widgets.too_small import MIN_HEIGHT, MIN_WIDTH

LAUNCHED = time.perf_counter()


class TutorApp(App[None]):
    CSS_PATH = "tutor.tcss"
    TITLE = "tutor"
    ENABLE_COMMAND_PALETTE = True
    # Below the minimum size a screen says so instead of drawing empty panes (widgets/too_small.py);
    # narrow: the editor above the feedback; short: compact panes so each keeps rows to show.
    HORIZONTAL_BREAKPOINTS = [(0, "-tiny-w"), (MIN_WIDTH, "-narrow"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-tiny-h"), (MIN_HEIGHT, "-short"), (24, "-tall")]
    BINDINGS = [
        Binding("f1", "help", "Help"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    loading_step: reactive[str] = reactive("starting")
    ready: reactive[bool] = reactive(False)

    def __init__(
        self,
        index_dir: Path | str | None = None,
        data_dir: Path | str | None = None,
        motion: str | None = None,
        side: str | None = None,
        resume: str | None = None,
        tutor: Any = None,
        session_id: str | None = None,
        clock: Callable[[], str] | None = None,
        launched: float | None = None,
        opener: Callable[..., Any] | None = None,
        ask_name: bool = False,
    ) -> None:
        super().__init__()
        self.index_dir = Path(index_dir) if index_dir else None
        self.data_dir = Path(data_dir) if data_dir else None
        self.initial_motion = motion
        self.initial_side = side
        self.resume = resume
        self.tutor = tutor
        self.session_id = session_id  # fixed ids make snapshots deterministic
        self.clock = clock or sessions.now_iso
        self.launched = launched if launched is not None else LAUNCHED
        self.opener = opener  # what loads the Tutor (default: tutor.api.Tutor.open); tests slow it down
        self.ask_name = ask_name  # served to a class: the student's name first, their sessions in a folder of their own
        self.student: str | None = None
        self.first_paint_s: float | None = None
        self.load_seconds: float | None = None
        self.load_error: TutorError | None = None
        self.motions: list[Any] = []
        self._manifest: Any = None
        self._ready_event = threading.Event()

    # --- start-up

    def now(self) -> str:
        return self.clock()

    def on_mount(self) -> None:
        if not self._start_loading():
            return
        if self.ask_name:
            from tutor.tui.screens.name import NameScreen

            self.push_screen(NameScreen())
            return
        self._first_screen()

    def _start_loading(self) -> bool:
        """Read the index manifest now and load the model in a worker; False (and the
        error screen) when the index cannot be read."""
        try:
            self._read_manifest()
        except TutorError as exc:
            self.show_error(exc)
            return False
        if self.tutor is not None:
            self._set_ready(self.tutor, 0.0)
        else:
            self.load_tutor()
        return True

    def _first_screen(self) -> None:
        try:
            if self.resume is not None:
                warn = lambda message: self.notify(message, severity="warning", markup=False, timeout=8)  # noqa: E731
                self.push_screen(self._debate(sessions.resolve(self.resume, self.data_dir, warn)))
            elif self.initial_motion:
                self.push_screen(self._debate(self._new_session(self.initial_motion, self.initial_side)))
            else:
                from tutor.tui.screens.start import StartScreen

                self.push_screen(StartScreen())
        except TutorError as exc:
            self.show_error(exc, "The session cannot start")

    def _read_manifest(self) -> None:
        from tutor.index import read_manifest
        from tutor.motions import Motion
        from tutor.paths import default_index_dir

        self._manifest = read_manifest(self.index_dir or default_index_dir())
        self.motions = [Motion.from_dict(m) for m in self._manifest.motions]

    def documents(self) -> list[dict[str, Any]]:
        return list(self._manifest.documents) if self._manifest else []

    def mark_first_paint(self) -> None:
        if self.first_paint_s is None:
            self.call_after_refresh(self._first_paint)

    def _first_paint(self) -> None:
        if self.first_paint_s is None:
            self.first_paint_s = time.perf_counter() - self.launched

    # --- the model and index

    @work(thread=True, exclusive=True, exit_on_error=False, group="load", description="load the index and model")
    def load_tutor(self) -> None:
        started = time.perf_counter()
        try:
            if self.opener is None:
                from tutor.engine.client import engine_socket

                if engine_socket() is not None:  # served to a class: the machine's one engine has the model
                    from tutor.engine.client import TutorClient

                    self.opener = TutorClient.open
                else:
                    from tutor.api import Tutor

                    self.opener = Tutor.open
            tutor = self.opener(self.index_dir, step=lambda step: self.post_message(TutorLoading(step)))
            tutor.warm(step=lambda step: self.post_message(TutorLoading(step)))  # not on the first submit
        except Exception as exc:  # every failure becomes a readable screen
            self.post_message(TutorFailed(as_tutor_error(exc, "loading the model and index")))
            return
        self.post_message(TutorReady(tutor, time.perf_counter() - started))

    def on_tutor_loading(self, message: TutorLoading) -> None:
        self.loading_step = message.step

    def on_tutor_ready(self, message: TutorReady) -> None:
        self._set_ready(message.tutor, message.seconds)

    def _set_ready(self, tutor: Any, seconds: float) -> None:
        self.tutor = tutor
        self.load_seconds = seconds
        self.loading_step = "ready"
        self.ready = True
        self._ready_event.set()

    def on_tutor_failed(self, message: TutorFailed) -> None:
        self.load_error = message.error
        self._ready_event.set()
        self.show_error(message.error)

    def wait_for_tutor(self, timeout: float | None = None) -> Any:
        """From a worker thread: the loaded Tutor, or None if loading failed."""
        self._ready_event.wait(timeout)
        return self.tutor

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.show_error(as_tutor_error(event.worker.error, event.worker.description or "a background task"),
                            "Something went wrong")

    def show_error(self, error: TutorError, title: str = "The tutor cannot start") -> None:
        from tutor.tui.screens.error import ErrorScreen

        self.push_screen(ErrorScreen(error, title))

    # --- sessions

    def set_student(self, name: str, folder: str) -> None:
        """The name the student typed (cleaned) and their own folder under the data directory."""
        self.student = name
        self.data_dir = sessions.data_dir() if self.data_dir is None else self.data_dir
        self.data_dir = self.data_dir / "students" / folder
        self.sub_title = name
        self.pop_screen()
        self._first_screen()

    def _new_session(self, motion: str | None, side: str | None) -> sessions.Session:
        statement = None
        if motion:
            from tutor.motions import find_motion

            statement = find_motion(self.motions, motion).statement
        return sessions.Session.new(motion, statement, side, session_id=self.session_id, created=self.now())

    def _debate(self, session: sessions.Session) -> Screen:
        from tutor.tui.screens.debate import DebateScreen

        return DebateScreen(session)

    def start_session(self, motion: str | None, side: str | None) -> None:
        try:
            session = self._new_session(motion, side)
        except TutorError as exc:
            self.notify(exc.one_line(), severity="error", markup=False)
            return
        self.switch_screen(self._debate(session))

    def resume_session(self, session_id: str) -> None:
        try:
            session = sessions.resolve(session_id, self.data_dir)
        except TutorError as exc:
            self.notify(exc.one_line(), severity="error", markup=False)
            return
        self.reopen_session(session)

    def reopen_session(self, session: sessions.Session) -> None:
        session.finished = False
        self.switch_screen(self._debate(session))

    def finish_session(self, session: sessions.Session) -> None:
        from tutor.tui.screens.summary import SummaryScreen

        session.finished = True
        try:
            sessions.save(session, self.data_dir)
        except TutorError as exc:
            self.notify(exc.one_line(), severity="error", markup=False)
        self.switch_screen(SummaryScreen(session))

    def export_path(self, session: sessions.Session) -> Path:
        return sessions.sessions_dir(self.data_dir) / f"{session.id}.md"

    # --- actions shared by every screen

    def action_help(self) -> None:
        from tutor.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_sources(self) -> None:
        self.open_sources(None)

    def open_sources(self, passage_id: str | None) -> None:
        from tutor.tui.screens.sources import SourcesScreen

        if self._manifest is None or isinstance(self.screen, SourcesScreen):
            return
        session = getattr(self.screen, "session", None)
        motion = getattr(session, "motion", None) or self.initial_motion
        self.push_screen(SourcesScreen(passage_id, motion))

    def action_new_session(self) -> None:
        from tutor.tui.screens.start import StartScreen

        self.initial_motion = None
        self.switch_screen(StartScreen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help", "Keys and the flow of a session", self.action_help)
        yield SystemCommand("Browse sources", "Read the essay and the thread with stances and findings", self.action_sources)
        yield SystemCommand("New session", "Pick a motion and a side", self.action_new_session)
        for name, help_text, action in getattr(screen, "COMMANDS_FOR_PALETTE", ()):
            yield SystemCommand(name, help_text, getattr(screen, f"action_{action}"))
