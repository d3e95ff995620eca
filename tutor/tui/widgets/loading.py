"""Visible progress while the index and model load in a worker (no timers: snapshot-safe)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import ProgressBar, Static

STEPS = ("reading the index", "loading the embedding model", "loading the relation model", "ready")


class LoadingProgress(Horizontal):
    """Watches the app's `loading_step`, `ready` and `load_failed`; hides itself when ready."""

    def compose(self) -> ComposeResult:
        yield Static("Loading the tutor…", id="loading-label")
        yield ProgressBar(total=len(STEPS), show_eta=False, show_percentage=False, id="loading-bar")

    def on_mount(self) -> None:
        self.watch(self.app, "loading_step", self._step)
        self.watch(self.app, "ready", self._ready)

    def _step(self, step: str) -> None:
        done = STEPS.index(step) + 1 if step in STEPS else 0
        self.query_one(ProgressBar).update(progress=done)
        self.query_one("#loading-label", Static).update(f"Loading: {step}…  (you can start typing)")

    def _ready(self, ready: bool) -> None:
        self.display = not ready
