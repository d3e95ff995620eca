"""Unit tests for tutor.session: files, rubric, clash tracker, summary, Markdown export (no model)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from tutor import session as S
from tutor.errors import UsageError
from tutor.results import CheckResult, Counter, CounterResult, Finding
from tutor.strength import Strength

HOSTILE = "[@click=app.quit]x[/] [red]alarm[/red] \x1b[31mred\x1b[0m # not a heading <b>bold</b> | pipe *star* _u_"


def card(cid: str, text: str = "A counter.", relevance: float = 0.5) -> Counter:
    return Counter.from_dict({
        "id": cid, "text": text, "stance": "con", "score": 0.5,
        "scores": {"relevance": relevance, "opposition": 1.0, "strength": 0.4},
        "source": {"doc": "thread", "title": "Thread", "line": 3, "start": 0, "end": 9, "kind": "forum_thread",
                   "speaker": "", "role": "post", "attribution": ""},
        "strength": {"score": 0.4, "reasons": [], "penalties": []},
        "why": {"how": "rebuts", "attacks": "x", "text": "Rebuts your claim."}, "fallacies": [],
    })


def counter_result(*cards: Counter) -> CounterResult:
    return CounterResult("", "m", "M", "pro", counters=list(cards))


def check_result(*findings: Finding, notes: list[str] | None = None) -> CheckResult:
    return CheckResult("", list(findings), notes or [])


def finding(kind: str = "ad_hominem", label: str = "Ad hominem", start: int = 0, end: int = 4) -> Finding:
    return Finding(kind, label, start, end, "quote", 0.8, "why it hurts", "repair it")


def strength(score: float = 0.5, reasons=("gives a reason",), penalties=()) -> Strength:
    return Strength(score, list(reasons), list(penalties))


def done_turn(session: S.Session, text: str, cards: list[Counter], findings: list[Finding] | None = None,
              replying_to: str | None = None, engagement: float | None = None) -> S.Turn:
    turn = session.submit(text, replying_to, submitted_at="2026-01-01T00:00:00+00:00")
    answered = session.find_counter(replying_to) if replying_to else None
    counter = counter_result(*cards)
    check = check_result(*(findings or []))
    session.complete(turn, counter, check, S.rubric(text, counter, check, strength(), 0.6, answered, engagement))
    return turn


@pytest.fixture
def data(tmp_path, monkeypatch):
    monkeypatch.setenv(S.DATA_ENV, str(tmp_path / "data"))
    return tmp_path / "data"


def new_session(**kw) -> S.Session:
    return S.Session.new("m", "Motion statement.", "pro", session_id=kw.pop("session_id", "s1"),
                         created="2026-01-01T00:00:00+00:00", **kw)


def test_data_dir_follows_the_environment(data):
    assert S.data_dir() == data
    assert S.sessions_dir() == data / "sessions"


def test_save_load_round_trip(data):
    s = new_session()
    done_turn(s, "First argument because reasons.", [card("a"), card("b")], [finding()])
    s.submit("Pending second turn.", "a")
    path = S.save(s)
    assert path == data / "sessions" / "s1.json"
    raw = json.loads(path.read_text())
    assert raw["format"] == S.FORMAT and raw["format_version"] == S.FORMAT_VERSION and raw["tool_version"]
    back = S.load("s1")
    assert back.to_dict() == s.to_dict()
    assert [t.status for t in back.turns] == ["done", "pending"]
    assert back.pending[0].replying_to == "a"


def test_save_is_atomic(data, monkeypatch):
    s = new_session()
    s.submit("kept")
    path = S.save(s)
    before = path.read_text()

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(json, "dump", boom)
    s.submit("lost")
    with pytest.raises(RuntimeError):
        S.save(s)
    assert path.read_text() == before  # the old file is untouched
    assert [p.name for p in path.parent.iterdir()] == ["s1.json"]  # no temporary left behind


@pytest.mark.parametrize("content, fragment", [
    ("{not json", "corrupt"),
    ("[]", "not a tutor session"),
    (json.dumps({"format": "tutor-session", "format_version": 99, "tool_version": "9.9", "session": {}}), "upgrade"),
    (json.dumps({"format": "tutor-session", "format_version": 1, "session": {"nope": 1}}), "corrupt"),
    (b"\xff\xfe\x00garbage", "corrupt"),
])
def test_bad_session_files_are_clear_errors(data, content, fragment):
    path = S.sessions_dir() / "bad.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(S.SessionError) as info:
        S.load("bad")
    assert fragment in info.value.one_line()
    assert info.value.exit_code == 2
    listed = S.list_sessions()
    assert listed[0]["id"] == "bad" and listed[0]["error"]


def test_list_latest_and_resolve(data):
    with pytest.raises(S.SessionError):
        S.latest()
    a, b = new_session(session_id="a"), new_session(session_id="b")
    a.submit("one")
    S.save(a)
    b.submit("two")
    S.save(b)
    a.updated = b.updated = ""
    ids = [e["id"] for e in S.list_sessions()]
    assert set(ids) == {"a", "b"}
    assert S.resolve("latest").id == ids[0]
    assert S.resolve("a").id == "a"
    with pytest.raises(S.SessionError):
        S.resolve("nope")
    with pytest.raises(UsageError):
        S.resolve("../etc/passwd")


def test_submit_refuses_empty_text_and_unknown_counters():
    s = new_session()
    with pytest.raises(UsageError):
        s.submit("  \x1b[0m \n")
    with pytest.raises(UsageError):
        s.submit("text", replying_to="nope")
    with pytest.raises(UsageError):
        S.Session.new(side="maybe")


def test_rubric_scores_carry_their_evidence():
    counter = counter_result(card("a", relevance=0.7))
    r = S.rubric("Soft power is real because culture sells.", counter, check_result(finding(), finding("straw_man", "Straw man")),
                 strength(0.65, ["gives a reason (\"because\")"], ["Ad hominem (80%)"]), 0.5)
    assert r.relevance == S.Score(0.5, "on the motion", "similarity to the motion's claims 0.50")
    assert r.reasons.label == "well supported" and "because" in r.reasons.detail and "Ad hominem" in r.reasons.detail
    assert r.fallacies.count == 2 and r.fallacies.label == "2 found"
    assert "Straw man" in r.fallacies.detail
    assert r.answered is None
    free = S.rubric("x", counter, check_result(notes=["the fallacy checker is not installed"]), strength(0.2, []), None)
    assert free.relevance.score == 0.7 and "no motion" in free.relevance.detail
    assert free.fallacies.count == 0 and "not installed" in free.fallacies.detail
    assert free.reasons.label == "bare assertion"


def test_rubric_answered_uses_similarity_or_shared_words():
    target = card("a", "Tourism numbers prove nothing about influence over governments.")
    engaged = S.rubric("Rebuttal", counter_result(), check_result(), strength(), 0.5, target, engagement=0.55)
    assert engaged.answered.engaged and engaged.answered.counter == "a"
    words = S.rubric("Tourism numbers show influence over governments anyway.", counter_result(), check_result(),
                     strength(), 0.5, target, engagement=0.1)
    assert words.answered.engaged and "tourism" in words.answered.detail
    missed = S.rubric("Bananas are yellow.", counter_result(), check_result(), strength(), 0.5, target, engagement=0.1)
    assert not missed.answered.engaged and missed.answered.label == "misses the counter"


def test_clash_tracker_answered_open_dropped():
    s = new_session()
    done_turn(s, "first", [card("a"), card("b")])
    rows = {r["id"]: r for r in S.clash(s)}
    assert rows["a"]["status"] == rows["b"]["status"] == "open"
    done_turn(s, "rebut a", [card("c"), card("a")], replying_to="a", engagement=0.6)
    rows = {r["id"]: r for r in S.clash(s)}
    assert rows["a"]["status"] == "answered" and rows["a"]["answered_by"] == 2 and rows["a"]["engaged"] is True
    assert rows["b"]["status"] == "dropped"  # turn 2 moved on without answering it
    assert rows["c"]["status"] == "open" and rows["c"]["shown_in"] == 2
    assert len(rows) == 3  # a counter shown twice is one row
    s.finished = True
    assert {r["id"]: r["status"] for r in S.clash(s)}["c"] == "dropped"


def test_summary_counts():
    s = new_session()
    done_turn(s, "first", [card("a"), card("b")], [finding(), finding()])
    done_turn(s, "second", [card("c")], [finding("straw_man", "Straw man")], replying_to="a", engagement=0.2)
    s.finished = True
    data = S.summary(s)
    assert data["turns"] == 2
    assert data["fallacies_by_type"] == {"Ad hominem": 2, "Straw man": 1}
    assert [r["id"] for r in data["answered"]] == ["a"]
    assert {r["id"] for r in data["dropped"]} == {"b", "c"}
    assert [row["answered"] for row in data["rubric"]] == [None, False]


def test_markdown_export_shows_hostile_text_literally(data):
    s = S.Session.new("m", HOSTILE, "pro", session_id="s1", created="2026-01-01T00:00:00+00:00")
    done_turn(s, HOSTILE + "\n- list?\n1. numbered", [card("a", HOSTILE)], [finding()])
    md = S.to_markdown(s)
    assert "\x1b" not in md
    assert r"\[@click=app.quit\]x\[/\]" in md and r"\[red\]" in md
    assert r"\<b\>bold\</b\>" in md and r"\# not a heading" in md and r"\| pipe \*star\* \_u\_" in md
    assert "> \\- list?" in md and "> 1\\. numbered" in md
    assert "## Turn 1" in md and "## Summary" in md
    path = S.export_markdown(s)
    assert path == data / "sessions" / "s1.md" and path.read_text() == md


def test_markdown_escape_round_trips_plain_words():
    assert S.md_escape("plain words, no specials.") == "plain words, no specials."


def test_session_module_imports_no_ui():
    code = "import sys, tutor.session; bad = [m for m in ('textual', 'click', 'rich', 'torch', 'tutor.tui') if m in sys.modules]; print(bad)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.stdout.strip() == "[]"


# --- session files are checked on read (issue 22, items 3 and 4) -----------------------


def saved_file(data, session: S.Session | None = None) -> tuple[dict, Path]:
    """A valid saved session (one done turn with a finding, one pending), as JSON data and its path."""
    s = session or new_session()
    done_turn(s, "First argument because reasons.", [card("a"), card("b")], [finding()])
    s.submit("Pending second turn.", "a")
    path = S.save(s)
    return json.loads(path.read_text()), path


@pytest.mark.parametrize("mutate, field", [
    (lambda d: d["session"].update(updated=5), "session.updated"),
    (lambda d: d["session"]["turns"][0]["counter"].update(counters="oops"), "session.turns[0].counter.counters"),
    (lambda d: d["session"]["turns"][0]["counter"].update(counters=[1, 2]), "session.turns[0].counter.counters[0]"),
    (lambda d: d["session"]["turns"][0]["check"]["findings"][0].update(start="x"), "session.turns[0].check.findings[0].start"),
    (lambda d: d["session"]["turns"][0]["check"]["findings"][0].update(start=-1), "session.turns[0].check.findings[0].start"),
    (lambda d: d["session"]["turns"][0].update(rubric="x"), "session.turns[0].rubric"),
    (lambda d: d["session"]["turns"][0].update(status="maybe"), "session.turns[0].status"),
    (lambda d: d["session"]["turns"][1].update(number=7), "session.turns[1].number"),
    (lambda d: d["session"].update(side="both"), "session.side"),
    (lambda d: d["session"].update(id="../../etc"), "session.id"),
    (lambda d: d["session"]["turns"][0]["counter"]["counters"][0]["source"].pop("line"), "session.turns[0].counter.counters[0].source.line"),
    (lambda d: d.update(format_version=True), "format_version"),
])
def test_a_field_that_does_not_fit_is_a_one_line_error_naming_file_and_field(data, mutate, field):
    raw, path = saved_file(data)
    mutate(raw)
    path.write_text(json.dumps(raw))
    with pytest.raises(S.SessionError) as info:
        S.load_path(path)
    line = info.value.one_line()
    assert str(path) in line and field in line and "\n" not in line
    assert S.list_sessions()[0]["error"] == line  # the start screen shows it instead of crashing


def test_unknown_keys_are_ignored_and_the_rest_round_trips(data):
    raw, path = saved_file(data)
    raw["session"]["turns"][0]["counter"]["counters"][0]["a_future_field"] = {"kind": "rebuts"}  # (`relation` is known now)
    raw["session"]["extra"] = [1, 2, 3]
    path.write_text(json.dumps(raw))
    assert S.load_path(path).to_dict() == S.Session.from_dict(json.loads(S.save(S.load_path(path)).read_text())["session"]).to_dict()


def test_resume_skips_damaged_sessions_with_a_warning_and_takes_the_newest_good_one(data):
    good = new_session(session_id="good")
    good.submit("kept")
    S.save(good)
    raw, path = saved_file(data, new_session(session_id="newer"))
    raw["session"]["updated"] = 5
    path.write_text(json.dumps(raw))
    os.utime(path, (4102444800, 4102444800))  # newer than the good one (2100)
    (path.parent / "truncated.json").write_text(path.read_text()[:100])
    os.utime(path.parent / "truncated.json", (4102444800, 4102444800))
    warnings: list[str] = []
    assert S.resolve("latest", warn=warnings.append).id == "good"
    assert len(warnings) == 2 and all("\n" not in w for w in warnings)
    assert any("newer.json" in w and "session.updated" in w for w in warnings)
    assert any("truncated.json" in w and "corrupt" in w for w in warnings)


def test_a_session_whose_file_name_and_id_differ_does_not_block_resume(data):
    s = new_session(session_id="inner")
    s.submit("text")
    S.save(s)
    (S.sessions_dir() / "inner.json").rename(S.sessions_dir() / "renamed.json")
    assert S.resolve("latest").id == "inner"
    [entry] = S.list_sessions()
    assert entry["id"] == "renamed" and entry["session_id"] == "inner" and entry["error"] is None
    assert S.resolve(entry["id"]).id == "inner"  # the listed id is what resume takes


def test_no_good_session_says_how_many_were_skipped(data):
    path = S.sessions_dir() / "bad.json"
    path.parent.mkdir(parents=True)
    path.write_text("{")
    warnings: list[str] = []
    with pytest.raises(S.SessionError, match=r"no saved session to resume \(1 damaged, skipped\)"):
        S.latest(warn=warnings.append)
    assert warnings and "bad.json" in warnings[0]
