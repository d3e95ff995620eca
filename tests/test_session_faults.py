"""Fault tests for session files (issue 22): every field of a valid file mutated
(wrong type, missing, extra, huge, negative) gives a one-line SessionError naming
the file, or a clean load that every view of a session can use; `play --resume`
skips a damaged file with a warning."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tutor import session as S
from tutor.commands import play_cmd
from tutor.results import CheckResult, Counter, CounterResult, Finding
from tutor.strength import Strength
from tutor.tui.widgets.literal import highlighted
from tutor.tui.widgets.rubric import rubric_content

CARD = {
    "id": "thread:1.1", "text": "A counter with a reason, because.", "stance": "con", "score": 0.5,
    "scores": {"relevance": 0.5, "opposition": 1.0, "strength": 0.4},
    "source": {"doc": "thread", "title": "Thread", "line": 3, "start": 0, "end": 30, "kind": "forum_thread",
               "speaker": "p1", "role": "post", "attribution": ""},
    "strength": {"score": 0.4, "reasons": ["gives a reason"], "penalties": []},
    "why": {"attacks": "x", "how": "rebuts", "text": "Rebuts your claim.", "answers": "a mapped claim"},
    "fallacies": [{"type": "ad_hominem", "label": "Ad hominem", "start": 0, "end": 5, "quote": "A cou",
                   "confidence": 0.7, "explanation": "e", "suggestion": "s"}],
}


def valid_file() -> dict[str, Any]:
    """A saved session exercising every record: a done turn with a finding, a debate
    finding, a side estimate, a rebuttal with an answered rubric, a failed and a pending turn."""
    s = S.Session.new("m", "Motion.", None, session_id="fault", created="2026-01-01T00:00:00+00:00")
    text = "Soft power is real because culture sells."
    first = s.submit(text, submitted_at="2026-01-01T00:00:00+00:00")
    counter = CounterResult.from_dict({"argument": text, "motion": "m", "motion_statement": "Motion.", "side": "pro",
                                       "side_estimate": {"stance": "pro", "confidence": 0.6, "scores": {"pro": 0.1}},
                                       "main_claim": {"text": text, "start": 0, "end": len(text)},
                                       "counters": [CARD], "notes": ["a note"]})
    finding = Finding("straw_man", "Straw man", 0, 9, text[:9], 0.8, "e", "s", subtype="x", marker={"text": "y"},
                      senses=["a", "b"])
    debate = Finding("equivocation", "Equivocation", 0, 4, "Soft", 0.9, "e", "s", text_index=0,
                     other={"text_index": 1, "quote": "soft"}, where="this turn", other_where="your turn 1")
    check = CheckResult(text, [finding], [], [debate])
    s.complete(first, counter, check, S.rubric(text, counter, check, Strength(0.5, ["r"], ["p"]), 0.5))
    second = s.submit("Culture sells nothing.", "thread:1.1", submitted_at="2026-01-01T00:01:00+00:00")
    answered = s.find_counter("thread:1.1")
    s.complete(second, counter, CheckResult("Culture sells nothing."),
               S.rubric(second.text, counter, CheckResult(second.text), Strength(0.3), 0.2, answered, 0.5))
    s.fail(s.submit("Third.", submitted_at="2026-01-01T00:02:00+00:00"), "the model did not load")
    s.submit("Fourth, pending.", submitted_at="2026-01-01T00:03:00+00:00")
    s.updated = "2026-01-01T00:03:00+00:00"
    return {"format": S.FORMAT, "format_version": S.FORMAT_VERSION, "tool_version": "0.1.0", "session": s.to_dict()}


VALID = valid_file()


def paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every key and list index of a JSON tree, as a path from the root."""
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += paths(value, prefix + (i,))
    return found


PATHS = paths(VALID)
REPLACEMENTS = ["x", "", 5, 0, -1, -10**20, 10**400, 1e308, -0.5, True, None, [], [1, 2], {}, {"a": 1},
                "x" * 100_000, ["y"] * 10_000, "\x1b]0;title\x07[red]", "\ud800"]
MUTATIONS = st.one_of(
    st.tuples(st.just("replace"), st.sampled_from(REPLACEMENTS)),
    st.tuples(st.just("delete"), st.none()),
    st.tuples(st.just("extra"), st.sampled_from(REPLACEMENTS)),
)


def mutate(data: dict, path: tuple, how: str, value: Any) -> None:
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if how == "replace":
        parent[last] = value
    elif how == "delete":
        del parent[last]
    else:  # extra: a key the record does not know, or one more list item
        target = parent[last]
        if isinstance(target, dict):
            target["zz_extra"] = value
        elif isinstance(target, list):
            target.append(value)
        else:
            parent[last] = [target, value]


def use_everywhere(session: S.Session) -> None:
    """What the TUI and the exports do with a loaded session: none of it may raise."""
    S.to_markdown(session)
    S.summary(session)
    S.clash(session)
    for turn in session.turns:
        rubric_content(turn.rubric, turn.number)
        highlighted(turn.text, [(f.start, f.end, "bold") for f in turn.findings])
        for card in turn.counters:
            assert isinstance(card, Counter)
    json.dumps(session.to_dict())


OUTCOMES = {"error": 0, "loaded": 0}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(PATHS), mutation=MUTATIONS)
def test_every_mutated_field_is_a_one_line_error_or_a_clean_load(tmp_path, path, mutation):
    data = copy.deepcopy(VALID)
    mutate(data, path, *mutation)
    file = tmp_path / "fault.json"
    file.write_text(json.dumps(data), encoding="utf-8")
    try:
        session = S.load_path(file)
    except S.SessionError as exc:
        line = exc.one_line()
        assert str(file) in line and "\n" not in line and len(line) < 600, line
        assert exc.exit_code == 2
        OUTCOMES["error"] += 1
        return
    OUTCOMES["loaded"] += 1
    use_everywhere(session)
    S.save(session, tmp_path / "saved")  # the TUI saves what it loaded: that must work too
    assert S.load(session.id, tmp_path / "saved").to_dict() == session.to_dict()


def test_the_valid_file_loads_and_round_trips(tmp_path):
    file = tmp_path / "fault.json"
    file.write_text(json.dumps(VALID))
    session = S.load_path(file)
    assert session.to_dict() == VALID["session"]
    use_everywhere(session)
    assert len(PATHS) > 150  # every field of every record is a mutation target


@pytest.mark.parametrize("content", ["[" * 100_000, '{"format": "tutor-session", "format_version": 1e400}', "\x00" * 10])
def test_pathological_files_are_one_line_errors(tmp_path, content):
    file = tmp_path / "s.json"
    file.write_text(content)
    with pytest.raises(S.SessionError) as info:
        S.load_path(file)
    assert "\n" not in info.value.one_line()


def test_play_resume_skips_a_damaged_latest_session(tmp_path, monkeypatch):
    monkeypatch.setenv(S.DATA_ENV, str(tmp_path / "data"))
    good = S.Session.new("m", "Motion.", "pro", session_id="good")
    good.submit("kept")
    S.save(good)
    damaged = copy.deepcopy(VALID)
    damaged["session"]["updated"] = 5
    bad = S.sessions_dir() / "fault.json"
    bad.write_text(json.dumps(damaged))
    import os

    os.utime(bad, (4102444800, 4102444800))  # the newest file on disk
    started: dict[str, Any] = {}

    class FakeApp:
        def run(self) -> None:
            started["session"] = S.resolve(started["resume"])

    def fake_build(index_dir=None, motion=None, side=None, resume=None, **kw):
        started["resume"] = resume
        return FakeApp()

    monkeypatch.setattr(play_cmd, "build_app", fake_build)
    result = CliRunner().invoke(play_cmd.play, ["--resume"])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1 and str(bad) in warnings[0] and "session.updated" in warnings[0]
    assert "Traceback" not in result.output
    assert started["session"].id == "good"
    bad.write_text("{")  # and with no good session left, a one-line error
    (S.sessions_dir() / "good.json").unlink()
    result = CliRunner().invoke(play_cmd.play, ["--resume"])
    assert result.exit_code == 2 and "no saved session to resume (1 damaged, skipped)" in result.stderr


def test_the_mutations_hit_both_outcomes():
    """Runs after the property test: it produced errors and clean loads (so neither branch is dead)."""
    if OUTCOMES["error"] + OUTCOMES["loaded"] == 0:
        pytest.skip("the property test did not run in this session")
    assert OUTCOMES["error"] > 50 and OUTCOMES["loaded"] > 10, OUTCOMES


@pytest.mark.parametrize("resume", ["latest", "fault"])
def test_the_tui_resumes_past_a_damaged_file_or_shows_its_error(tmp_path, resume):
    import asyncio

    from tutor.tui.app import TutorApp

    data = tmp_path / "data"
    good = S.Session.new("soft_power_real", "Soft power is real.", "pro", session_id="good")
    good.submit("kept")
    good.fail(good.turns[0], "no model")
    S.save(good, data)
    damaged = copy.deepcopy(VALID)
    damaged["session"]["turns"][0]["counter"]["counters"] = "oops"
    bad = S.sessions_dir(data) / "fault.json"
    bad.write_text(json.dumps(damaged))
    import os

    os.utime(bad, (4102444800, 4102444800))

    async def run() -> tuple[str, list[str]]:
        app = TutorApp(data_dir=data, tutor=object(), resume=resume)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            return type(app.screen).__name__, [str(n.message) for n in app._notifications]

    screen, notes = asyncio.run(run())
    if resume == "latest":
        assert screen == "DebateScreen"
        assert any("fault.json" in n and "counters" in n for n in notes)
    else:
        assert screen == "ErrorScreen"  # the reason on screen, not a traceback
