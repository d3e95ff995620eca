"""Widgets of the tutor's TUI, one per file."""

from tutor.tui.widgets.clash import ClashTracker
from tutor.tui.widgets.counter_card import CounterCard
from tutor.tui.widgets.findings import FindingsView
from tutor.tui.widgets.loading import LoadingProgress
from tutor.tui.widgets.rubric import RubricView
from tutor.tui.widgets.too_small import TooSmall

__all__ = ["ClashTracker", "CounterCard", "FindingsView", "LoadingProgress", "RubricView", "TooSmall"]
