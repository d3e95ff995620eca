"""Small and plain terminals: every pane keeps rows to show, below the minimum the screen says so;
NO_COLOR draws in monochrome and TERM=dumb is a one-line error. No model needed."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from tui_helpers import CLOCK, fabricated_session, screen_text, sync
from tutor import session as S
from tutor.tui.app import TutorApp
from tutor.tui.widgets.too_small import MIN_HEIGHT, MIN_WIDTH


def make_app(tmp_path, **kw) -> TutorApp:
    return TutorApp(data_dir=tmp_path / "data", tutor=object(), clock=lambda: CLOCK, **kw)


def visible_rows(widget) -> int:
    """Rows of the widget's content the terminal shows (its region clipped to the screen, less its border)."""
    if not widget.display or not widget.region:
        return 0
    shown = widget.region.intersection(widget.screen.region)
    return max(0, shown.height - widget.styles.gutter.height)


SIZES = [(40, 12), (MIN_WIDTH, MIN_HEIGHT), (60, 16), (100, 12), (80, 24)]


@pytest.mark.parametrize("size", SIZES)
@sync
async def test_start_screen_shows_motions_at_small_sizes(tmp_path, size):
    S.save(fabricated_session("Culture is power because people buy what they admire.", "Only money counts."),
           tmp_path / "data")
    app = make_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.screen
        assert visible_rows(screen.query_one("#motions")) >= 2, screen_text(app)
        assert visible_rows(screen.query_one("#sessions")) >= 1
        assert visible_rows(screen.query_one("#start")) >= 1
        text = screen_text(app)
        assert "Soft power is a real" in text and "Pro" in text and "Con" in text
        assert "too small" not in text


@pytest.mark.parametrize("size", SIZES)
@sync
async def test_debate_after_a_turn_keeps_rows_for_the_editor_and_the_counters(tmp_path, size):
    S.save(fabricated_session("Culture is power because people buy what they admire.", "Only money counts."),
           tmp_path / "data")
    app = make_app(tmp_path, resume="fab")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.screen
        assert type(screen).__name__ == "DebateScreen"
        assert visible_rows(screen.query_one("#editor")) >= 1
        assert visible_rows(screen.query_one("#cards")) >= 2, screen_text(app)
        text = screen_text(app)
        assert "Turn 1" in text and "Counters" in text
        editor, feedback = screen.query_one("#editor").region, screen.query_one("#feedback").region
        if size[0] < 110:  # narrow: the editor above the feedback
            assert editor.bottom <= feedback.y
        else:
            assert editor.right <= feedback.x


@pytest.mark.parametrize("size", [(MIN_WIDTH - 1, 24), (80, MIN_HEIGHT - 1), (20, 6)])
@pytest.mark.parametrize("screen_name", ["StartScreen", "DebateScreen"])
@sync
async def test_below_the_minimum_the_screen_says_so(tmp_path, size, screen_name):
    S.save(fabricated_session("Culture is power.", "Only money counts."), tmp_path / "data")
    app = make_app(tmp_path, resume="fab" if screen_name == "DebateScreen" else None)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == screen_name
        text = " ".join(screen_text(app).split())
        assert f"The terminal is {size[0]}×{size[1]}; the tutor needs at least {MIN_WIDTH}×{MIN_HEIGHT}." in text
        assert "╭" not in text and "Motion" not in text  # no empty panes drawn
        await pilot.resize_terminal(100, 30)  # enlarging brings the screen back as it was
        await pilot.pause()
        text = screen_text(app)
        assert "too small" not in text and "needs at least" not in text
        assert ("Counters" if screen_name == "DebateScreen" else "1. Motion") in text


def drawn_colours(app) -> set[tuple[int, int, int]]:
    """The RGB colours of what the app sends to the terminal now (its line filters applied)."""
    from textual.color import Color

    colours = set()
    for strip in app.screen._compositor.render_strips():
        segments = list(strip)
        for line_filter in app.get_line_filters():
            segments = line_filter.apply(segments, Color(0, 0, 0))
        for segment in segments:
            for colour in (segment.style.color, segment.style.bgcolor) if segment.style else ():
                if colour is not None and colour.triplet is not None:
                    colours.add(tuple(colour.triplet))
    return colours


@pytest.mark.parametrize("no_color", [False, True])
@sync
async def test_no_color_draws_in_monochrome(tmp_path, monkeypatch, no_color):
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        colours = drawn_colours(app)
        grey = all(r == g == b for r, g, b in colours)
        assert colours and grey == no_color, sorted(colours)[:5]


def test_term_dumb_is_a_one_line_error(tmp_path, monkeypatch):
    from tutor.cli import main

    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setenv(S.DATA_ENV, str(tmp_path / "data"))
    for args in ([], ["play"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2 and result.stdout == ""
        assert result.stderr.startswith("error: this terminal (TERM=dumb) cannot show the interactive tutor")
        assert len(result.stderr.splitlines()) == 1


@sync
async def test_a_turn_with_no_words_is_refused_with_a_message(tmp_path):
    app = make_app(tmp_path, motion="soft_power_real", side="pro", session_id="emoji")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.query_one("#editor").text = "👍🏽🎉 !!! 🙂"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not screen.session.turns and not screen.busy  # nothing saved, nothing computed
        assert screen.query_one("#editor").text == "👍🏽🎉 !!! 🙂"  # the text stays to be fixed
        assert any("No argument found" in n.message for n in app._notifications)
