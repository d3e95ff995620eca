"""What a screen shows instead of empty panes when the terminal is below the tutor's minimum size.

The app's breakpoints put `-tiny-w` / `-tiny-h` on the screen below MIN_WIDTH
columns or MIN_HEIGHT rows; the stylesheet then hides every other child of a
screen that has a TooSmall and shows this one line instead. Resizing back
restores the screen as it was (nothing is unmounted).
"""

from __future__ import annotations

from textual.events import Resize
from textual.widgets import Static

MIN_WIDTH = 32
MIN_HEIGHT = 10


def too_small_text(width: int, height: int) -> str:
    return (f"The terminal is {width}×{height}; the tutor needs at least {MIN_WIDTH}×{MIN_HEIGHT}. "
            "Enlarge it, or press ctrl+q to quit and use `tutor counter`, `tutor check` or `tutor analyze`.")


class TooSmall(Static):
    def __init__(self) -> None:
        super().__init__("", id="too-small", markup=False)

    def on_mount(self) -> None:
        self._show()

    def on_resize(self, _event: Resize) -> None:  # laid out when shown, and on every resize while shown
        self._show()

    def _show(self) -> None:
        size = self.app.size
        self.update(too_small_text(size.width, size.height))
