"""Snapshot tests of the main screens (pytest-textual-snapshot); fixed ids, clock and data, no spinners.

Regenerate with `pytest tests/test_tui_snapshots.py --snapshot-update` after a deliberate UI change.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_textual_snapshot

from tui_helpers import ARGUMENT, CLOCK, fabricated_session, screen_text, wait_feedback
from tutor import session as S
from tutor.tui.app import TutorApp



class _SnapshotsDir(pytest_textual_snapshot.SVGImageExtension):
    """Keep the SVGs in tests/snapshots/<module>/ (the project's layout) instead of __snapshots__."""

    @classmethod
    def dirname(cls, *, test_location) -> str:
        return str(Path(test_location.filepath).parent / "snapshots" / test_location.basename)


@pytest.fixture(autouse=True)
def _snapshots_dir(monkeypatch):
    monkeypatch.setattr(pytest_textual_snapshot, "SVGImageExtension", _SnapshotsDir)


READY = object()  # stands in for a loaded Tutor where a screen never calls it


def app_for(tmp_path, tutor=READY, **kw) -> TutorApp:
    return TutorApp(data_dir=tmp_path / "data", tutor=tutor, clock=lambda: CLOCK, session_id="snap", **kw)


def test_start_screen(snap_compare, tmp_path):
    app = app_for(tmp_path)

    async def check(pilot):
        await pilot.pause()
        assert "Free argument" in screen_text(pilot.app)

    assert snap_compare(app, terminal_size=(80, 24), run_before=check)


def test_summary_screen(snap_compare, tmp_path):
    s = fabricated_session("Culture is power because people buy what they admire, like K-pop since 2010.",
                           "Soft power comes from hard power, not the other way around.", session_id="snap")
    s.turns[0].rubric.answered = None
    S.save(s, tmp_path / "data")
    app = app_for(tmp_path, resume="snap")

    async def finish(pilot):
        await pilot.pause()
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert "1 turn" in screen_text(pilot.app)

    assert snap_compare(app, terminal_size=(80, 24), run_before=finish)


@pytest.mark.e2e
def test_feedback_screen(snap_compare, tmp_path, shipped_tutor):
    app = app_for(tmp_path, tutor=shipped_tutor, motion="soft_power_real", side="pro")

    async def argue(pilot):
        screen = pilot.app.screen
        screen.query_one("#editor").cursor_blink = False  # a blinking cursor is a timer: not snapshot-safe
        screen.query_one("#editor").text = ARGUMENT
        await pilot.press("ctrl+s")
        await wait_feedback(pilot, screen)
        assert "#1" in screen_text(pilot.app)

    assert snap_compare(app, terminal_size=(100, 30), run_before=argue)
