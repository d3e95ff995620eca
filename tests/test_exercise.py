"""Exercise files, student names and submission files (no model: fast)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT
from tutor import exercise as E
from tutor import session as S
from tutor.commands.exercise_cmds import exercise_group
from tutor.errors import UsageError
from tutor.results import CheckResult, CounterResult
from tutor.strength import Strength

EXERCISES = ROOT / "exercises"
GOOD = """id = "demo"
title = "Demo"
instructions = "Argue."
motion = "soft_power_real"
side = "pro"
rounds = 2
min_words = 5
max_words = 50
"""


def write(tmp_path: Path, text: str, name: str = "ex.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def validate(*args: str):
    return CliRunner().invoke(exercise_group, ["validate", *args])


# --- exercise files -------------------------------------------------------------------------------


def test_the_shipped_exercises_validate_one_per_motion_with_different_settings():
    files = sorted(EXERCISES.glob("*.toml"))
    assert len(files) == 3
    result = validate(*map(str, files))
    assert result.exit_code == 0, result.output
    assert result.output.count("ok: ") == 3
    loaded = [E.load_exercise(f) for f in files]
    assert {e.motion_id for e in loaded} == {"soft_power_real", "entertainment_soft_power", "state_approval"}
    assert len({e.id for e in loaded}) == 3
    settings_seen = {(e.side, e.rounds, e.min_words, e.max_words, e.time_limit_seconds, e.focus) for e in loaded}
    assert len(settings_seen) == 3
    assert {e.side for e in loaded} == {"pro", "con", "choice"}


def test_new_writes_a_template_that_validates(tmp_path):
    runner = CliRunner()
    printed = runner.invoke(exercise_group, ["new"])
    assert printed.exit_code == 0 and "rounds = 3" in printed.output and printed.output.startswith("#")
    target = tmp_path / "mine.toml"
    result = runner.invoke(exercise_group, ["new", str(target)])
    assert result.exit_code == 0 and target.read_text() == printed.output
    assert validate(str(target)).exit_code == 0
    target.write_text("mine")
    again = runner.invoke(exercise_group, ["new", str(target)])
    assert again.exit_code == 1 and "exists; pass --force" in again.output and target.read_text() == "mine"
    forced = runner.invoke(exercise_group, ["new", str(target), "--force"])
    assert forced.exit_code == 0 and target.read_text() == printed.output
    folder = runner.invoke(exercise_group, ["new", str(tmp_path)])
    assert folder.exit_code == 2 and "is a directory" in folder.output


def test_every_problem_is_reported_with_file_line_field_and_what_is_allowed(tmp_path):
    path = write(tmp_path, """id = "Bad Id!"
title = 3
instructions = ""
motion = "no_such_motion"
side = "both"
rounds = 0
min_words = 50
max_words = 10
focus = ["ad_hominem", "nonsense", "ad_hominem"]
time_limit_seconds = 5
colour = "blue"
""")
    result = validate(str(path))
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("error: ")]
    expected = {
        1: "id: must be 1 to 40 of a-z, 0-9",
        2: "title: must be text of 1 to 120 characters, not a whole number (3)",
        3: "instructions: must be text of 1 to 5000 characters",
        4: "motion: unknown motion id 'no_such_motion'",
        5: "side: must be \"pro\", \"con\" or \"choice\", not 'both'",
        6: "rounds: must be a whole number from 1 to 20, not 0",
        8: "max_words: must be at least min_words (50), not 10",
        9: "focus: unknown fallacy type 'nonsense'; allowed: ad_hominem",
        10: "time_limit_seconds: must be a whole number of seconds from 30 to 7200, not 5",
        11: "colour: unknown key; allowed keys: format_version, id,",
    }
    for line_no, fragment in expected.items():
        assert any(f"{path}:{line_no}: {fragment}" in line for line in lines), (line_no, result.output)
    assert any("focus: 'ad_hominem' is listed twice" in line for line in lines)
    assert "allowed: soft_power_real, entertainment_soft_power, state_approval" in result.output
    assert "Traceback" not in result.output
    assert "error: 1 of 1 exercise file has problems" in result.output


@pytest.mark.parametrize("text, fragment", [
    (GOOD.replace('rounds = 2', 'rounds = "two"'), ":6: rounds: must be a whole number from 1 to 20, not text ('two')"),
    (GOOD.replace('rounds = 2', 'rounds = true'), ":6: rounds: must be a whole number from 1 to 20, not true/false"),
    (GOOD.replace('rounds = 2', 'rounds = 2.5'), ":6: rounds: must be a whole number from 1 to 20, not a number (2.5)"),
    (GOOD.replace('rounds = 2', 'rounds = 21'), ":6: rounds: must be a whole number from 1 to 20, not 21"),
    (GOOD.replace('min_words = 5', 'min_words = -1'), ":7: min_words: must be a whole number from 1 to 2000, not -1"),
    (GOOD.replace('max_words = 50', 'max_words = 5000'), ":8: max_words: must be a whole number from min_words to 2000"),
    (GOOD.replace('side = "pro"', ''), ": side: is missing; expected \"pro\", \"con\" or \"choice\""),
    (GOOD + 'focus = "ad_hominem"\n', ":9: focus: must be a list of fallacy type ids"),
    (GOOD + 'focus = [1]\n', ":9: focus: item 1 must be a fallacy type id (text), not a whole number"),
    (GOOD + '[extra]\nx = 1\n', ":9: extra: unknown table [extra]"),
    (GOOD + 'format_version = 2\n', ":9: format_version: must be 1 (the only version this tutor reads), not 2"),
    (GOOD + 'index = "nowhere"\n', ":9: index: no index at"),
    (GOOD.replace('motion = "soft_power_real"', 'motion = "ab"'), ":4: motion: must be a motion id of the index"),
    (GOOD + "rounds = 3\n", ":9: not valid TOML: Cannot overwrite a value"),
    ('id = "x\n', ":1: not valid TOML"),
])
def test_bad_files_name_the_line_and_field(tmp_path, text, fragment):
    path = write(tmp_path, text)
    result = validate(str(path))
    assert result.exit_code == 1, result.output
    assert fragment in result.output, result.output
    assert "Traceback" not in result.output


def test_a_statement_motion_and_a_relative_index(tmp_path):
    (tmp_path / "idx").symlink_to(ROOT / "index")
    path = write(tmp_path, GOOD.replace('motion = "soft_power_real"', 'motion = "Schools should ban phones."')
                 + 'index = "idx"\n')
    exercise = E.load_exercise(path)
    assert exercise.motion_id is None and exercise.motion_statement == "Schools should ban phones."
    assert exercise.index_dir == str((tmp_path / "idx").resolve())


def test_validate_many_files_reports_each_and_unreadable_ones(tmp_path):
    good = write(tmp_path, GOOD, "good.toml")
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes(b'id = "caf\xe9"\n')
    result = validate(str(good), str(latin1), str(tmp_path / "missing.toml"), str(tmp_path))
    assert result.exit_code == 1
    assert f"ok: {good}" in result.output
    assert f"error: {latin1}:1: is not UTF-8 text" in result.output
    assert f"error: {tmp_path / 'missing.toml'}: no such file" in result.output
    assert f"error: {tmp_path}: is a directory" in result.output
    assert "3 of 4 exercise files have problems" in result.output


def test_instructions_in_a_multiline_string_do_not_confuse_line_numbers(tmp_path):
    text = GOOD.replace('instructions = "Argue."', 'instructions = """\nrounds = 99\nside = "x"\n"""') + "oops = 1\n"
    path = write(tmp_path, text)
    result = validate(str(path))
    assert f"{path}:12: oops: unknown key" in result.output, result.output


# --- student names --------------------------------------------------------------------------------


@pytest.mark.parametrize("name, slug", [
    ("Ada Lovelace", "ada-lovelace"),
    ("../../x", "x"),
    ("a/b\\c", "a-b-c"),
    ("  Zoë\tO'Brien  ", "zoë-o-brien"),
    ("李明", "李明"),
    ("\x1b[31mRed\x1b[0m", "red"),
    ("Ｆｕｌｌ／ｗｉｄｔｈ", "full-width"),
    ("x" * 80, "x" * 32),
])
def test_names_become_safe_slugs(name, slug):
    assert E.name_slug(name) == slug


@pytest.mark.parametrize("name, message", [
    ("", "the student name is empty or has no letters or digits"),
    ("../..", "has no letters or digits"),
    ("\x00\x01", "has no letters or digits"),
    ("   ", "has no letters or digits"),
    ("y" * 81, "the student name is too long (81 characters; at most 80)"),
])
def test_unusable_names_are_refused_with_one_line(name, message):
    with pytest.raises(UsageError) as caught:
        E.clean_name(name)
    assert message in caught.value.one_line() and "\n" not in caught.value.one_line()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_any_name_is_refused_or_gives_a_key_that_stays_in_its_folder(tmp_path_factory, name):
    try:
        key = E.new_key(name)
    except UsageError as exc:
        assert "\n" not in exc.one_line()
        return
    assert E.is_key(key), key
    assert len(key) <= 39 and not key.startswith((".", "-"))
    assert not set(key) & set("/\\\x00.") and key == key.strip()
    assert all(ch.isalnum() or ch == "-" for ch in key)
    folder = tmp_path_factory.getbasetemp() / "names"
    assert (folder / f"{key}.json").resolve().parent == folder.resolve()
    assert E.name_slug(E.clean_name(name)) == key.rsplit("-", 1)[0]


# --- submissions ----------------------------------------------------------------------------------


@pytest.fixture
def exercise(tmp_path) -> E.Exercise:
    return E.load_exercise(write(tmp_path, GOOD + 'focus = ["ad_hominem"]\ntime_limit_seconds = 60\n'))


def finish_turn(claimed: E.Claim, text: str, at: str, findings=()):
    """Submit a turn and complete it with plain results (no model), saving at both moments."""
    sub = claimed.submission
    sub.open_round(at)
    turn = sub.session.submit(text, submitted_at=at)
    sub.record_submit(turn.number, len(text.split()), at)
    claimed.save()
    card = card_for(turn.number)
    counter = CounterResult.from_dict({"argument": text, "motion": "m", "motion_statement": "M", "side": "pro",
                                       "side_estimate": None, "main_claim": None, "counters": [card], "notes": []})
    check = CheckResult.from_dict({"text": text, "findings": [dict(f) for f in findings], "notes": []})
    rubric = S.rubric(text, counter, check, Strength(0.5, ["a reason"], []), 0.5)
    sub.session.complete(turn, counter, check, rubric)
    sub.record_feedback(turn.number, at, 1.5)
    claimed.save()
    return turn


def card_for(number: int) -> dict:
    return {"id": f"doc:{number}", "text": "A counter.", "stance": "con", "score": 0.5,
            "scores": {"relevance": 0.5, "opposition": 1.0, "strength": 0.4},
            "source": {"doc": "doc", "title": "Doc", "line": 3, "start": 0, "end": 9, "kind": "essay",
                       "speaker": "", "role": "", "attribution": ""},
            "strength": {"score": 0.4, "reasons": [], "penalties": []},
            "why": {"how": "rebuts", "attacks": "x", "text": "Rebuts your claim."}, "fallacies": []}


def finding(kind: str, label: str) -> dict:
    return {"type": kind, "label": label, "start": 0, "end": 2, "quote": "My", "confidence": 0.8,
            "explanation": "why", "suggestion": "repair"}


def test_two_students_with_the_same_name_never_share_a_file_and_resume_finds_their_own(tmp_path, exercise):
    out = tmp_path / "out"
    first = E.claim(out, exercise, "Sam Lee")
    second = E.claim(out, exercise, "Sam Lee")  # the first is still running: its file is locked
    assert first.path != second.path and not second.resumed
    assert first.path.parent == second.path.parent == out / "demo"
    finish_turn(first, "My first turn is here.", "2026-01-01T00:00:10+00:00")
    first.release()
    again = E.claim(out, exercise, "sam lee")
    assert again.resumed and again.path == first.path
    assert again.submission.session.turns[0].text == "My first turn is here."
    third = E.claim(out, exercise, "Sam Lee", new=True)
    assert not third.resumed and third.path not in (first.path, second.path)
    other = E.claim(out, exercise, "../../Sam Lee/..")
    assert other.path.parent == out / "demo"


def test_a_submission_records_turns_timings_grade_and_hashes(tmp_path, exercise):
    claimed = E.claim(tmp_path / "out", exercise, "Ann", at="2026-01-01T00:00:00+00:00")
    hit, other = finding("ad_hominem", "Ad hominem"), finding("straw_man", "Straw man")
    claimed.submission.timings.clear()
    claimed.submission.open_round("2026-01-01T00:00:00+00:00")
    finish_turn(claimed, "My first turn is here.", "2026-01-01T00:01:30+00:00", [hit, other])
    data = json.loads(claimed.path.read_text())
    assert data["format"] == "tutor-exercise-submission" and data["format_version"] == 1
    assert data["exercise"]["id"] == "demo" and data["exercise"]["sha256"] == exercise.sha256
    assert data["student"] == {"name": "Ann", "key": claimed.path.stem}
    assert data["model"]["weights_sha256"] and len(data["index"]["manifest_sha256"]) == 64
    assert data["side"] == "pro" and data["finished"] is None
    timing = data["timings"][0]
    assert timing["writing_seconds"] == 90.0 and timing["over_time"] is True and timing["feedback_seconds"] == 1.5
    turn = data["session"]["turns"][0]
    assert turn["status"] == "done" and turn["counter"]["counters"] and turn["rubric"]["fallacies"]["count"] == 2
    grade = data["grade"]
    assert grade["focus_findings"] == 1 and grade["other_findings"] == 1 and grade["rounds_done"] == 1
    assert grade["turns"][0]["fallacies"] == 0.0  # 1 - 0.34 - 0.68, at least 0
    assert 0 < grade["score"] < 50  # one of two rounds
    md = claimed.markdown_path.read_text()
    assert "# Exercise: Demo (`demo`)" in md and "Grade:" in md and "late turns: 1" in md and "## Turn 1" in md
    loaded = E.load_submission(claimed.path)
    assert loaded.session.turns[0].text == "My first turn is here." and loaded.timings[0].over_time


def test_the_grade_counts_focus_findings_double():
    def session(types):
        findings = [{"type": t} for t in types]
        turn = {"number": 1, "status": "done", "check": {"findings": findings},
                "rubric": {"relevance": {"score": 1.0}, "reasons": {"score": 1.0}, "answered": None}}
        return {"turns": [turn]}

    clean = E.grade(session([]), 1, ["ad_hominem"])
    other = E.grade(session(["straw_man"]), 1, ["ad_hominem"])
    focus = E.grade(session(["ad_hominem"]), 1, ["ad_hominem"])
    assert clean.score == 100.0 and focus.score < other.score < clean.score
    assert focus.focus_by_type == {"ad_hominem": 1} and other.focus_findings == 0
    assert E.focus_first([{"type": "a"}, {"type": "b"}, {"type": "c"}], ["c", "b"]) == [
        {"type": "c"}, {"type": "b"}, {"type": "a"}]


def _mutations():
    yield "truncated", lambda raw, data: raw[: len(raw) // 2], "not valid JSON, truncated or corrupt"
    yield "not json", lambda raw, data: b"\x00\x01", "not valid JSON"
    yield "latin-1", lambda raw, data: b'{"a": "\xe9"}', "not UTF-8 text"
    yield "other format", lambda raw, data: json.dumps({**data, "format": "x"}).encode(), "not a tutor exercise submission"
    yield "newer", lambda raw, data: json.dumps({**data, "format_version": 9}).encode(), \
        "format_version 9 is newer than this tutor reads (1)"
    yield "version text", lambda raw, data: json.dumps({**data, "format_version": "1"}).encode(), \
        "format_version: expected a whole number"
    yield "no student", lambda raw, data: json.dumps({k: v for k, v in data.items() if k != "student"}).encode(), \
        "`student` is missing"
    yield "bad key", lambda raw, data: json.dumps({**data, "student": {"name": "x", "key": "../../etc"}}).encode(), \
        "`student.key` is not a student key"
    yield "rounds text", lambda raw, data: json.dumps({**data, "exercise": {**data["exercise"], "rounds": "3"}}).encode(), \
        "`exercise.rounds` must be a whole number"
    yield "bad side", lambda raw, data: json.dumps({**data, "side": "both"}).encode(), "`side` must be pro, con or null"
    yield "timings", lambda raw, data: json.dumps({**data, "timings": [{"turn": 0, "opened_at": "x"}]}).encode(), \
        "`timings[0].turn` must be at least 1"
    yield "late timing", lambda raw, data: json.dumps({**data, "timings": [{"turn": 9, "opened_at": "x"}]}).encode(), \
        "timings[0].turn: 9 is past the last turn"
    yield "session list", lambda raw, data: json.dumps({**data, "session": []}).encode(), "`session` must be an object"
    yield "turn text", lambda raw, data: json.dumps({**data, "session": {**data["session"], "turns": [
        {**data["session"]["turns"][0], "text": 5}]}}).encode(), "session.turns[0]"


@pytest.mark.parametrize("name, mutate, fragment", list(_mutations()), ids=[m[0] for m in _mutations()])
def test_bad_submission_files_are_one_line_errors_naming_file_and_field(tmp_path, exercise, name, mutate, fragment):
    claimed = E.claim(tmp_path / "out", exercise, "Ann")
    finish_turn(claimed, "My first turn is here.", "2026-01-01T00:00:10+00:00")
    raw = claimed.path.read_bytes()
    claimed.path.write_bytes(mutate(raw, json.loads(raw)))
    with pytest.raises(E.SubmissionError) as caught:
        E.load_submission(claimed.path)
    line = caught.value.one_line()
    assert str(claimed.path) in line and fragment in line and "\n" not in line, line
    entries = E.scan(claimed.path.parent)
    assert entries[0].submission is None and fragment in entries[0].skipped


def test_scan_skips_another_exercise_version_and_resume_ignores_it(tmp_path, exercise):
    out = tmp_path / "out"
    claimed = E.claim(out, exercise, "Ann")
    claimed.release()
    changed = E.load_exercise(write(tmp_path, GOOD.replace("Argue.", "Argue well."), "changed.toml"))
    assert changed.id == exercise.id and changed.sha256 != exercise.sha256
    entries = E.scan(out / "demo", changed)
    assert entries[0].submission is None and "another version of the exercise 'demo'" in entries[0].skipped
    fresh = E.claim(out, changed, "Ann")
    assert not fresh.resumed and fresh.path != claimed.path
    assert any("another version of this exercise" in note for note in fresh.notes)


def test_a_finished_submission_is_not_resumed(tmp_path, exercise):
    out = tmp_path / "out"
    claimed = E.claim(out, exercise, "Ann")
    claimed.submission.finished = "2026-01-01T00:00:00+00:00"
    claimed.save()
    claimed.release()
    assert E.claim(out, exercise, "Ann").path != claimed.path


def test_submission_docstring_lists_every_field_written(tmp_path, exercise):
    claimed = E.claim(tmp_path / "out", exercise, "Ann")
    data = json.loads(claimed.path.read_text())
    doc = E.submission.__doc__ if hasattr(E, "submission") else __import__("tutor.exercise.submission").exercise.submission.__doc__
    for key in data:
        assert re.search(rf"\b{key}\b", doc), key
