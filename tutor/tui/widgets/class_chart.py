"""The live class view's charts: plotext text in a Static, markup off (labels are never parsed)."""

from __future__ import annotations

from textual.widgets import Static


class ClassChart(Static):
    """Fallacies by type and the rubric over turns, drawn by tutor.exercise.charts.terminal_charts."""

    def __init__(self, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__("no chart yet", markup=False, **kwargs)

    def show(self, text: str) -> None:
        self.update(text)

    @property
    def chart_width(self) -> int:
        """How wide the worker should draw: this widget's content width, at least 40 columns."""
        return max(40, self.content_region.width or self.size.width or 80)
