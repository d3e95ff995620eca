"""Pilot tests of the TUI: whole sessions with the real model and index (e2e), errors, resume, markup safety."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from tui_helpers import ARGUMENT, CLOCK, fabricated_session, screen_text, static_text, sync, wait_feedback, wait_until
from tutor import session as S
from tutor.errors import TutorError
from tutor.commands.play_cmd import build_app, play
from tutor.tui.app import TutorApp

SHIPPED_INDEX = Path(__file__).resolve().parent.parent / "index"
INJECTIONS = ["[@click=app.quit]x[/]", "[red]", "\x1b[31mred\x1b[0m"]
REBUTTAL = ("Money and armies matter, but a large home market alone does not make foreign audiences love a film; "
            "hard power cannot buy that attraction.")


def make_app(tmp_path, tutor=None, **kw) -> TutorApp:
    return TutorApp(data_dir=tmp_path / "data", tutor=tutor, clock=lambda: CLOCK, **kw)


# --- without the model ---------------------------------------------------------------


@sync
async def test_missing_index_is_a_readable_error_screen(tmp_path):
    app = make_app(tmp_path, index_dir=tmp_path / "nowhere")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert type(app.screen).__name__ == "ErrorScreen"
        assert "no index at" in text and "How to fix" in text and "tutor index build" in text
        assert "Traceback" not in text
        await pilot.press("q")
    assert app.return_code in (0, None)


@sync
async def test_corrupt_index_is_a_readable_error_screen(tmp_path):
    broken = tmp_path / "index"
    shutil.copytree(SHIPPED_INDEX, broken)
    passages = next(broken.glob("passages.*.jsonl"))
    passages.write_bytes(passages.read_bytes()[:500])
    app = make_app(tmp_path, index_dir=broken)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ErrorScreen")
        text = " ".join(screen_text(app).replace("│", " ").split())
        assert "does not match its manifest" in text and "rebuild with `tutor index build`" in text, text
        assert "Traceback" not in text


@sync
async def test_start_screen_paints_before_the_model(tmp_path):
    release = threading.Event()

    def slow_open(index_dir, step):  # a model that takes as long as the test needs
        step("loading the embedding model")
        release.wait(30)
        raise TutorError("stopped by the test")

    app = make_app(tmp_path, tutor=None, opener=slow_open)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "StartScreen"
        assert not app.ready  # the model is still loading in its worker
        assert app.loading_step == "loading the embedding model"
        text = screen_text(app)
        assert "Soft power is a real and significant source of national power." in text
        assert "Free argument" in text and "No saved sessions yet." in text
        release.set()


@sync
async def test_help_and_command_palette_entries(tmp_path):
    app = make_app(tmp_path, tutor=object())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        assert type(app.screen).__name__ == "HelpScreen"
        assert "ctrl+s" in screen_text(app)
        await pilot.press("escape")
        names = [c.title for c in app.get_system_commands(app.screen)]
        assert {"Help", "Browse sources", "New session", "Start debating"} <= set(names)
        await pilot.press("ctrl+s")  # start on the highlighted motion
        await pilot.pause()
        names = [c.title for c in app.get_system_commands(app.screen)]
        assert {"Submit turn", "Rebut the focused counter", "Finish and summarise"} <= set(names)


@sync
async def test_resume_shows_hostile_text_literally_and_nothing_runs(tmp_path):
    text = " ".join(INJECTIONS) + " soft power"
    s = fabricated_session(text, "Corpus says " + " ".join(INJECTIONS))
    S.save(s, tmp_path / "data")
    app = make_app(tmp_path, tutor=object(), resume="fab")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert type(screen).__name__ == "DebateScreen"
        shown = screen_text(app)
        assert "Corpus says [@click=app.quit]x[/] [red] red" in shown
        assert "Is soft power real? [red]thread[/red]" in shown and "poster [b]1[/b]" in shown
        assert "Ad hominem [@click=app.quit]q[/]" in shown
        assert "\x1b" not in shown
        await pilot.click("#card-1")  # clicking corpus text runs no action
        await pilot.pause()
        assert app.is_running
        await pilot.press("ctrl+pagedown")
        screen.query_one("#feedback").active = "tab-turn"
        await pilot.pause()
        shown = screen_text(app)
        assert "[@click=app.quit]x[/] [red] red soft power" in shown
        assert "It [red]misstates[/red] them." in shown and "Quote them [@click=app.quit]first[/]." in shown
        assert app.is_running


@sync
async def test_summary_and_export_without_the_model(tmp_path):
    s = fabricated_session("Culture is power because people buy what they admire.", "Only money counts.")
    S.save(s, tmp_path / "data")
    app = make_app(tmp_path, tutor=object(), resume="latest")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert type(app.screen).__name__ == "SummaryScreen"
        assert "1 turn" in screen_text(app)
        await pilot.press("e")
        await pilot.pause()
        md = (tmp_path / "data" / "sessions" / "fab.md").read_text()
        assert "## Turn 1" in md and "Culture is power" in md
        assert S.load("fab", tmp_path / "data").finished


def test_play_command_errors_are_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv(S.DATA_ENV, str(tmp_path / "data"))
    runner = CliRunner()
    result = runner.invoke(play, ["--motion", "nope"])
    assert result.exit_code == 2 and "error: unknown motion 'nope'" in result.output
    result = runner.invoke(play, ["--resume"])
    assert result.exit_code == 2 and "error: no saved session to resume" in result.output
    result = runner.invoke(play, ["--resume", "abc"])
    assert result.exit_code == 2 and "no saved session 'abc'" in result.output
    assert "Traceback" not in result.output


def test_play_resume_flag_value(tmp_path, monkeypatch):
    monkeypatch.setenv(S.DATA_ENV, str(tmp_path / "data"))
    S.save(fabricated_session("text here", "counter"), tmp_path / "data")
    seen = {}
    monkeypatch.setattr("tutor.commands.play_cmd.run_app", lambda **kw: seen.update(kw))
    assert CliRunner().invoke(play, ["--resume"]).exit_code == 0
    assert seen["resume"] == "latest"
    assert CliRunner().invoke(play, ["--resume", "fab", "--index", str(tmp_path)]).exit_code == 0
    assert seen["resume"] == "fab" and seen["index_dir"] == tmp_path


@sync
async def test_build_app_opens_the_debate_the_command_line_asked_for(tmp_path):
    app = build_app(motion="soft_power_real", side="con", data_dir=tmp_path, tutor=object())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "DebateScreen"
        assert (app.screen.session.motion, app.screen.session.side) == ("soft_power_real", "con")
        shown = " ".join(screen_text(app).split())
        assert "Motion: Soft power is a real and significant source of national power. (con side)" in shown
        assert app.screen.focused is app.screen.query_one("#editor")  # ready to type


# --- with the real model and index ------------------------------------------------------


@pytest.mark.e2e
@sync
async def test_whole_session(tmp_path, shipped_tutor):
    app = make_app(tmp_path, tutor=shipped_tutor, session_id="flow")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        start = app.screen
        assert type(start).__name__ == "StartScreen"
        await pilot.press("down")  # the second motion
        await pilot.press("up")  # back to the first
        await pilot.click("#side-con")
        await pilot.click("#side-pro")
        await pilot.pause()
        await pilot.click("#start")
        await pilot.pause()
        debate = app.screen
        assert type(debate).__name__ == "DebateScreen"
        assert debate.session.motion == "soft_power_real" and debate.session.side == "pro"

        debate.query_one("#editor").text = ARGUMENT
        await pilot.pause()
        assert static_text(debate.query_one("#wordcount")).endswith("words")
        await pilot.press("ctrl+s")
        saved = S.load("flow", tmp_path / "data")  # pending on disk before any feedback
        assert saved.turns[0].text == ARGUMENT
        await wait_feedback(pilot, debate)
        turn = debate.session.turns[0]
        assert turn.status == "done" and turn.counters
        cards = list(debate.query("CounterCard"))
        assert len(cards) == len(turn.counters)
        scores = [c.score for c in turn.counters]
        assert scores[0] == max(scores)
        assert "strength" in screen_text(app) and "#1" in screen_text(app)
        assert turn.rubric.relevance.label and turn.rubric.reasons.score >= 0
        n = len(turn.findings)
        status = static_text(debate.query_one("#turn-status"))
        assert status.startswith(f"turn 1: {len(turn.counters)} counters, {n} fallacy finding{'s' if n != 1 else ''}")
        assert S.load("flow", tmp_path / "data").turns[0].to_dict() == turn.to_dict()  # typed results round-trip
        assert S.load("flow", tmp_path / "data").turns[0].status == "done"  # autosaved

        cards[1].focus()
        await pilot.press("r")
        assert debate.target.id == turn.counters[1].id
        assert "Rebutting" in screen_text(app)
        debate.query_one("#editor").text = REBUTTAL
        debate.feedback_event.clear()
        await pilot.press("ctrl+s")
        await wait_feedback(pilot, debate)
        second = debate.session.turns[1]
        assert second.replying_to == turn.counters[1].id and second.rubric.answered is not None
        rows = {r["id"]: r for r in S.clash(debate.session)}
        assert rows[turn.counters[1].id]["status"] == "answered"
        assert any(r["status"] == "dropped" for r in rows.values())

        first_card = list(debate.query("CounterCard"))[0]
        first_card.focus()
        await pilot.press("o")
        await wait_until(pilot, lambda: bool(app.screen.query("PassageView.-target")))
        assert type(app.screen).__name__ == "SourcesScreen"
        target = app.screen.query_one("PassageView.-target")
        assert target.chunk["id"] == second.counters[0].id
        await pilot.press("escape")
        await pilot.pause()

        await pilot.press("ctrl+f")
        await pilot.pause()
        assert type(app.screen).__name__ == "SummaryScreen"
        text = screen_text(app)
        assert "2 turns" in text and "answered" in text and "dropped" in text
        await pilot.press("e")
        await pilot.pause()
        md = (tmp_path / "data" / "sessions" / "flow.md").read_text()
        assert "## Turn 1" in md and "## Turn 2" in md and "Soft power is a real source" in md
        assert f"rebutting {turn.counters[1].id}" in md


@pytest.mark.e2e
@sync
async def test_resume_after_a_crash_reruns_the_pending_turn(tmp_path, shipped_tutor):
    crashed = S.Session.new("soft_power_real", "Soft power is a real and significant source of national power.", "con",
                            session_id="crash", created=CLOCK)
    crashed.submit("Soft power is a facade: only money and armies make countries do anything.", submitted_at=CLOCK)
    S.save(crashed, tmp_path / "data")  # what is on disk when the program is killed mid-computation
    app = make_app(tmp_path, tutor=shipped_tutor, resume="crash")
    async with app.run_test(size=(100, 30)) as pilot:
        debate = app.screen
        await wait_feedback(pilot, debate)
        assert debate.session.turns[0].status == "done" and debate.session.turns[0].counters
        assert len(list(debate.query("CounterCard"))) == len(debate.session.turns[0].counters)
    assert S.load("crash", tmp_path / "data").turns[0].status == "done"


@pytest.mark.e2e
@sync
async def test_typed_markup_is_literal_and_quits_nothing(tmp_path, shipped_tutor):
    app = make_app(tmp_path, tutor=shipped_tutor, motion="soft_power_real", side="pro", session_id="inj")
    async with app.run_test(size=(100, 30)) as pilot:
        debate = app.screen
        for typed in ("[@click=app.quit]x[/] soft power is real [red] because culture sells",):
            await pilot.press(*typed)
        debate.query_one("#editor").insert(" \x1b[31mred\x1b[0m")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_feedback(pilot, debate)
        assert app.is_running
        turn = debate.session.turns[0]
        assert turn.text.startswith("[@click=app.quit]x[/] soft power is real [red]")
        debate.query_one("#feedback").active = "tab-turn"
        await pilot.pause()
        shown = screen_text(app)
        assert "[@click=app.quit]x[/] soft power is real [red] because culture sells red" in shown
        await pilot.click("#findings")
        assert app.is_running


@sync
@pytest.mark.e2e
async def test_equivocation_across_turns_is_shown(tmp_path, shipped_tutor):
    app = make_app(tmp_path, tutor=shipped_tutor, motion="soft_power_real", side="pro")
    async with app.run_test(size=(100, 30)) as pilot:
        turns = [
            "Soft power is real power: people are attracted to Korean culture, and that attraction changes what they buy.",
            "Power means the ability to coerce others with sanctions and armies, and Korea uses exactly that kind of power too.",
        ]
        await pilot.pause()
        debate = app.screen
        for text in turns:
            debate.query_one("#editor").text = text
            debate.feedback_event.clear()
            await pilot.press("ctrl+s")
            await wait_feedback(pilot, debate)
        session = debate.session
        second = session.turns[-1]
        assert len(session.turns) == 2 and second.status == "done", (second.status, second.to_dict())
        debate = second.check.debate_findings
        assert debate and debate[0].type == "equivocation"
        assert {debate[0].where, debate[0].other_where} == {"your turn 1", "this turn"}
        await pilot.press("tab", "right")  # the "Your turn" tab
        await pilot.pause()
        assert "Across the debate" in screen_text(app)
