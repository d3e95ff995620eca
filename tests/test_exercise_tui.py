"""Exercise mode in the TUI: instructions, limits, rounds, countdown, finish; kill -9 and resume; the CLI.

The fast tests use an index of the shipped corpus built with the fake embedder;
the e2e test runs a shipped exercise with the real model and the shipped index.
"""

from __future__ import annotations

from collections import Counter

import json
import random
import signal
import time

import pytest
from click.testing import CliRunner

from conftest import ROOT
from exercise_helpers import CLOCK, LONG, SHORT, TURNS, fast_exercise, fast_tutor, read_until, run_driver
from tui_helpers import screen_text, static_text, sync, wait_feedback, wait_until
from tutor import exercise as E
from tutor.commands.exercise_cmds import exercise_group
from tutor.tui.exercise import ExerciseApp

class Clock:
    """A clock the test moves: ISO times from CLOCK plus `seconds`."""

    def __init__(self) -> None:
        self.seconds = 0

    def __call__(self) -> str:
        import datetime as dt

        start = dt.datetime.fromisoformat(CLOCK)
        return (start + dt.timedelta(seconds=self.seconds)).isoformat(timespec="seconds")


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


def on_disk(claimed: E.Claim) -> E.Submission:
    return E.load_submission(claimed.path)


@sync
async def test_an_exercise_run_enforces_limits_counts_rounds_and_finishes(tmp_path):
    exercise = E.load_exercise(fast_exercise(tmp_path))
    claimed = E.claim(tmp_path / "out", exercise, "Ann [b]Lee[/b]")
    clock = Clock()
    app = ExerciseApp(exercise, claimed, tutor=fast_tutor(exercise.index_dir), clock=clock)
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "InstructionsScreen"
        shown = screen_text(app)
        assert "Argue for soft power. [@click=app.quit]quit[/]" in shown  # literal, never markup
        assert "Student: Ann [b]Lee[/b]" in shown and "Rounds: 2, each turn 10 to 60 words" in shown
        assert "Time: 2:00 per turn" in shown and "Focus: Hasty generalization" in shown
        await pilot.click("#choose-con")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ExerciseDebateScreen")
        debate = app.screen
        assert debate.session.side == "con" and on_disk(claimed).side == "con"
        bar = static_text(debate.query_one("#exercise-bar"))
        assert "Round 1 of 2" in bar and "2:00 left" in bar and "Hasty generalization 0" in bar

        editor = debate.query_one("#editor")
        for text, message in ((SHORT, "Too short: 4 words; this exercise asks for at least 10"),
                              (LONG, "Too long: 90 words; this exercise allows at most 60")):
            editor.text = text
            await pilot.pause()
            assert "(10 to 60)" in static_text(debate.query_one("#wordcount"))
            assert debate.query_one("#wordcount").has_class("-outside")
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert editor.text == text  # stays in the editor
            assert any(message in n and "stays in the editor" in n for n in notes(app)), notes(app)
            assert not debate.session.turns and not on_disk(claimed).session.turns

        await pilot.press("ctrl+f")  # finishing early is refused
        assert type(app.screen).__name__ == "ExerciseDebateScreen"
        assert any("0 of 2 rounds done: argue them all first" in n for n in notes(app))

        clock.seconds = 30
        editor.text = TURNS[0]
        await pilot.press("ctrl+s")
        pending = on_disk(claimed)
        assert pending.session.turns[0].text == TURNS[0]  # on disk before any feedback
        await wait_feedback(pilot, debate)
        saved = on_disk(claimed)
        assert saved.session.turns[0].status == "done" and saved.session.turns[0].counters
        first = saved.timings[0]
        assert first.writing_seconds == 30.0 and not first.over_time and first.words == len(TURNS[0].split())
        assert first.feedback_at is not None
        assert saved.timing(2) is not None and saved.timing(2).opened_at == clock()  # round 2's clock started
        assert "Round 2 of 2" in static_text(debate.query_one("#exercise-bar"))

        clock.seconds = 30 + 100
        debate.tick()
        assert "0:20 left" in static_text(debate.query_one("#exercise-bar"))
        assert debate.query_one("#exercise-bar").has_class("-low")
        clock.seconds = 30 + 150
        debate.tick()
        assert "time is up: 0:30 over" in static_text(debate.query_one("#exercise-bar"))
        assert debate.query_one("#exercise-bar").has_class("-late")

        cards = list(debate.query("CounterCard"))
        cards[0].focus()
        await pilot.press("r")
        target = cards[0].card.id
        editor.text = TURNS[1]
        debate.feedback_event.clear()
        await pilot.press("ctrl+s")
        await wait_feedback(pilot, debate)
        saved = on_disk(claimed)
        assert [t.status for t in saved.session.turns] == ["done", "done"]
        assert saved.session.turns[1].replying_to == target
        assert saved.timings[1].over_time and saved.timings[1].writing_seconds == 150.0
        assert "All 2 rounds done" in static_text(debate.query_one("#exercise-bar"))

        editor.text = TURNS[0]
        await pilot.press("ctrl+s")  # a third turn is refused
        assert len(debate.session.turns) == 2 and editor.text == TURNS[0]

        await pilot.press("ctrl+f")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ExerciseFinishScreen")
        shown = screen_text(app)
        assert "Exercise finished" in shown and "Grade:" in shown and "(2 of 2 rounds)" in shown
        assert "late turns: 2" in shown and "Student: Ann [b]Lee[/b]" in shown and str(claimed.path.name) in shown
        assert "Rubric over time" in shown
    final = on_disk(claimed)
    assert final.finished == clock() and final.session.finished
    data = json.loads(claimed.path.read_text())
    assert data["grade"]["rounds_done"] == 2 and data["grade"]["score"] > 0
    md = claimed.markdown_path.read_text()
    assert "## Turn 2" in md and "Status: finished" in md and "late turns: 2" in md


@sync
async def test_focus_findings_are_shown_first(tmp_path):
    from tutor.results import CheckResult, Finding

    exercise = E.load_exercise(fast_exercise(tmp_path))
    claimed = E.claim(tmp_path / "out", exercise, "Bo")
    app = ExerciseApp(exercise, claimed, tutor=fast_tutor(exercise.index_dir))
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ExerciseDebateScreen")
        debate = app.screen
        turn = debate.session.submit(TURNS[0])
        other = Finding("ad_hominem", "Ad hominem", 0, 4, "Soft", 0.8, "x", "y")
        focus = Finding("hasty_generalization", "Hasty generalization", 5, 9, "power", 0.8, "x", "y")
        turn.check = CheckResult(TURNS[0], [other, focus], [])
        shown = debate.check_to_show(turn)
        assert [f.type for f in shown.findings] == ["hasty_generalization", "ad_hominem"]
        assert [f.type for f in turn.check.findings] == ["ad_hominem", "hasty_generalization"]  # record unchanged


@sync
async def test_kill_9_while_a_turn_is_pending_loses_nothing_and_resume_finishes_it(tmp_path):
    exercise_file = fast_exercise(tmp_path)
    out = tmp_path / "out"
    fast_exercise(tmp_path)  # the index is built once, before the child starts
    proc = run_driver(exercise_file, out, "Kim", slow_from=2)
    read_until(proc, "saved 2 pending")  # turn 2 is on disk; its feedback takes a minute
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    [path] = list((out / "fast").glob("kim-*.json"))
    killed = E.load_submission(path)
    assert [t.status for t in killed.session.turns] == ["done", "pending"]
    assert killed.session.turns[1].text == TURNS[1]

    exercise = E.load_exercise(exercise_file)
    claimed = E.claim(out, exercise, "Kim")  # the dead process's lock is free: resumed
    assert claimed.resumed and claimed.path == path
    app = ExerciseApp(exercise, claimed, tutor=fast_tutor(exercise.index_dir))
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.pause()
        assert "Resuming your submission: 1 of 2 rounds done." in screen_text(app)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ExerciseDebateScreen")
        await wait_feedback(pilot, app.screen)  # the pending turn is run again
        assert [t.status for t in app.screen.session.turns] == ["done", "done"]
    assert [t.status for t in on_disk(claimed).session.turns] == ["done", "done"]
    claimed.release()


def test_kill_9_at_random_moments_always_leaves_a_valid_submission_with_every_saved_turn(tmp_path):
    exercise_file = fast_exercise(tmp_path)
    rng = random.Random(21)
    for attempt in range(3):
        out = tmp_path / f"out{attempt}"
        proc = run_driver(exercise_file, out, "Lee", slow_from=99)
        acknowledged = read_until(proc, "saved 1 pending")
        time.sleep(rng.uniform(0.0, 1.5))  # somewhere in turn 1's feedback, turn 2, or its saves
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        acknowledged += [line.strip() for line in proc.stdout.read().splitlines()]
        submitted = max(int(line.split()[1]) for line in acknowledged if line.startswith("saved "))
        [path] = list((out / "fast").glob("lee-*.json"))
        saved = E.load_submission(path)  # never a torn file
        assert len(saved.session.turns) >= submitted
        for turn, text in zip(saved.session.turns, TURNS):
            assert turn.text == text


@sync
async def test_served_exercise_asks_the_name_in_the_app_then_claims_or_resumes_the_submission(tmp_path):
    """`tutor serve --exercise`: no --student; the name screen, the same name rules and claim as `exercise run`."""
    exercise = E.load_exercise(fast_exercise(tmp_path))
    out = tmp_path / "out"
    earlier = E.claim(out, exercise, "Ann Lee", at=CLOCK)  # an unfinished attempt, to be resumed
    earlier.submission.side = "pro"
    earlier.submission.session.side = "pro"
    earlier.save(CLOCK)
    earlier.release()
    (tmp_path / "blocked").write_text("a file where the folder should be")
    app = ExerciseApp(exercise, None, tutor=fast_tutor(exercise.index_dir), clock=Clock(), out=tmp_path / "blocked")
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "NameScreen" and app.claimed is None
        assert "Your submission for this exercise is saved under it." in screen_text(app)
        for bad, reason in (("  ", "no letters or digits"), ("../../", "no letters or digits"), ("y" * 90, "too long")):
            app.screen.query_one("#name").value = bad
            await pilot.press("enter")
            await pilot.pause()
            assert type(app.screen).__name__ == "NameScreen" and reason in screen_text(app), screen_text(app)
        app.screen.query_one("#name").value = "Ann Lee"
        await pilot.press("enter")  # the submissions folder cannot be made: said on the name screen, which stays
        await pilot.pause()
        assert type(app.screen).__name__ == "NameScreen" and app.claimed is None
        assert "cannot create the submissions folder" in screen_text(app)
        app.out = out
        await pilot.press("enter")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "InstructionsScreen")
        assert app.claimed is not None and app.claimed.resumed and app.claimed.path == earlier.path
        assert "Resuming your submission: 0 of 2 rounds done." in screen_text(app)
        assert app.sub_title == "Ann Lee"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ExerciseDebateScreen")
        debate = app.screen
        debate.query_one("#editor").text = TURNS[0]
        await pilot.press("ctrl+s")
        await wait_feedback(pilot, debate)
    saved = on_disk(app.claimed)
    assert [t.status for t in saved.session.turns] == ["done"] and saved.student.name == "Ann Lee"
    assert saved.side == "pro" and len(list((out / "fast").glob("*.json"))) == 1
    app.claimed.release()


@sync
async def test_two_tabs_with_one_name_never_share_a_submission(tmp_path):
    exercise = E.load_exercise(fast_exercise(tmp_path))
    tutor = fast_tutor(exercise.index_dir)
    first = ExerciseApp(exercise, None, tutor=tutor, out=tmp_path / "out")
    second = ExerciseApp(exercise, None, tutor=tutor, out=tmp_path / "out")
    for app in (first, second):
        async with app.run_test(size=(110, 32)) as pilot:
            await pilot.pause()
            app.screen.query_one("#name").value = "Bo"
            await pilot.press("enter")
            await wait_until(pilot, lambda: type(app.screen).__name__ == "InstructionsScreen")
    assert first.claimed.path != second.claimed.path  # the first still holds its lock: the second gets its own file
    assert not second.claimed.resumed
    first.claimed.release()
    second.claimed.release()


# --- the command ------------------------------------------------------------------------------


def test_run_command_errors_are_one_line(tmp_path, monkeypatch):
    runner = CliRunner()
    good = str(ROOT / "exercises" / "soft-power-opening.toml")
    monkeypatch.delenv("TERM", raising=False)
    for args, fragment in (
        ([good, "--student", "../..", "--out", str(tmp_path)], "the student name is empty or has no letters or digits"),
        ([good, "--student", "z" * 200, "--out", str(tmp_path)], "the student name is too long (200 characters"),
        ([str(tmp_path / "none.toml"), "--student", "A"], "none.toml: no such file"),
        ([good], "Missing option '--student'"),
    ):
        result = runner.invoke(exercise_group, ["run", *args])
        assert result.exit_code == 2, (args, result.output)
        assert fragment in result.output and "Traceback" not in result.output
    monkeypatch.setenv("TERM", "dumb")
    result = runner.invoke(exercise_group, ["run", good, "--student", "A", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "TERM=dumb" in result.output


def test_run_command_ask_name_needs_no_student_and_excludes_it(tmp_path, monkeypatch):
    monkeypatch.delenv("TERM", raising=False)
    seen = {}

    def fake_run(self):
        seen["claimed"], seen["out"] = self.claimed, self.out

    monkeypatch.setattr(ExerciseApp, "run", fake_run)
    good = str(ROOT / "exercises" / "soft-power-opening.toml")
    runner = CliRunner()
    result = runner.invoke(exercise_group, ["run", good, "--ask-name", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert seen == {"claimed": None, "out": tmp_path} and "submission:" not in result.output
    both = runner.invoke(exercise_group, ["run", good, "--ask-name", "--student", "A", "--out", str(tmp_path)])
    assert both.exit_code == 2 and "do not combine it with --student" in both.output


def test_run_command_claims_the_students_file_and_releases_it(tmp_path, monkeypatch):
    monkeypatch.delenv("TERM", raising=False)
    seen = {}

    def fake_run(self):
        seen["path"] = self.claimed.path
        seen["resumed"] = self.claimed.resumed

    monkeypatch.setattr(ExerciseApp, "run", fake_run)
    good = str(ROOT / "exercises" / "soft-power-opening.toml")
    runner = CliRunner()
    result = runner.invoke(exercise_group, ["run", good, "--student", "Ada", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert f"submission: {seen['path']}" in result.output and not seen["resumed"]
    assert seen["path"].parent == tmp_path / "soft-power-opening"
    again = runner.invoke(exercise_group, ["run", good, "--student", "Ada", "--out", str(tmp_path)])
    assert again.exit_code == 0 and seen["resumed"]  # the lock was released: the same student resumes
    fresh = runner.invoke(exercise_group, ["run", good, "--student", "Ada", "--out", str(tmp_path), "--new"])
    assert fresh.exit_code == 0 and not seen["resumed"]


# --- with the real model and the shipped index -------------------------------------------------


@pytest.mark.e2e
@sync
async def test_a_shipped_exercise_with_the_real_model(tmp_path, shipped_tutor):
    exercise = E.load_exercise(ROOT / "exercises" / "state-approval-choice.toml")
    claimed = E.claim(tmp_path / "out", exercise, "Real Student")
    app = ExerciseApp(exercise, claimed, tutor=shipped_tutor)
    turns = [
        "Strict approval of games is bad policy because licensing boards work with unclear standards and quotas, "
        "so studios cannot plan releases, and many small developers give up before their games reach players. "
        "Everyone knows this has always been the way bureaucracies behave.",
        "The claim that approval keeps content safe ignores that the same boards block harmless games for "
        "political reasons; a rating system like the ones in Europe protects children without giving officials "
        "a veto over what adults may play, so approval is not needed for safety.",
    ]
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.pause()
        await pilot.click("#choose-con")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ExerciseDebateScreen")
        debate = app.screen
        for number, text in enumerate(turns, start=1):
            if number == 2:
                list(debate.query("CounterCard"))[0].focus()
                await pilot.press("r")
            debate.query_one("#editor").text = text
            debate.feedback_event.clear()
            await pilot.press("ctrl+s")
            await wait_feedback(pilot, debate)
            turn = debate.session.turns[-1]
            assert turn.status == "done" and turn.counters, turn.error
            shown = debate.check_to_show(turn)
            focus = [f.type in exercise.focus for f in shown.findings]
            assert focus == sorted(focus, reverse=True)  # focus findings first
        await pilot.press("ctrl+f")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ExerciseFinishScreen")
        assert "(2 of 2 rounds)" in screen_text(app)
    saved = on_disk(claimed)
    assert saved.side == "con" and saved.finished and [t.status for t in saved.session.turns] == ["done", "done"]
    assert saved.model.weights_sha256 == shipped_tutor.embedder.weights_sha256
    assert saved.index.corpus_hash == shipped_tutor.index.manifest.corpus_hash
    assert saved.session.turns[1].rubric.answered is not None
    data = json.loads(claimed.path.read_text())
    assert 0 < data["grade"]["score"] <= 100 and len(data["grade"]["turns"]) == 2
    found = Counter(f["type"] for t in data["session"]["turns"] for f in t["check"]["findings"] if f["type"] in exercise.focus)
    assert data["grade"]["focus_by_type"] == dict(found)  # the grade counts what the real checker found
    assert data["session"]["turns"][0]["check"]["findings"] is not None
