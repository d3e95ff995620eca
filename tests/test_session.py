"""Unit tests for tutor.session: files, rubric, clash tracker, summary, Markdown export (no model)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT
from tutor import session as S
from tutor.errors import UsageError

HOSTILE = "[@click=app.quit]x[/] [red]alarm[/red] \x1b[31mred\x1b[0m # not a heading <b>bold</b> | pipe *star* _u_"


def card(cid: str, text: str = "A counter.", relevance: float = 0.5) -> dict:
    return {
        "id": cid, "text": text, "stance": "con", "score": 0.5,
        "scores": {"relevance": relevance, "opposition": 1.0, "strength": 0.4},
        "source": {"doc": "thread", "title": "Thread", "line": 3, "kind": "forum_thread"},
        "strength": {"score": 0.4, "reasons": [], "penalties": []},
        "why": {"how": "rebuts", "attacks": "x", "text": "Rebuts your claim."}, "fallacies": [],
    }


def counter_result(*cards: dict) -> dict:
    return {"argument": "", "motion": "m", "motion_statement": "M", "side": "pro", "counters": list(cards), "notes": []}


def check_result(*findings: dict) -> dict:
    return {"text": "", "findings": list(findings)}


def finding(kind: str = "ad_hominem", label: str = "Ad hominem", start: int = 0, end: int = 4) -> dict:
    return {"type": kind, "label": label, "start": start, "end": end, "quote": "quote", "confidence": 0.8,
            "explanation": "why it hurts", "suggestion": "repair it"}


def strength(score: float = 0.5, reasons=("gives a reason",), penalties=()) -> dict:
    return {"score": score, "reasons": list(reasons), "penalties": list(penalties)}


def done_turn(session: S.Session, text: str, cards: list[dict], findings: list[dict] | None = None,
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
    assert r["relevance"] == {"score": 0.5, "label": "on the motion", "detail": "similarity to the motion's claims 0.50"}
    assert r["reasons"]["label"] == "well supported" and "because" in r["reasons"]["detail"] and "Ad hominem" in r["reasons"]["detail"]
    assert r["fallacies"]["count"] == 2 and r["fallacies"]["label"] == "2 found"
    assert "Straw man" in r["fallacies"]["detail"]
    assert r["answered"] is None
    free = S.rubric("x", counter, {"text": "x", "findings": [], "notes": ["the fallacy checker is not installed"]},
                    strength(0.2, []), None)
    assert free["relevance"]["score"] == 0.7 and "no motion" in free["relevance"]["detail"]
    assert free["fallacies"]["count"] == 0 and "not installed" in free["fallacies"]["detail"]
    assert free["reasons"]["label"] == "bare assertion"


def test_rubric_answered_uses_similarity_or_shared_words():
    target = card("a", "Tourism numbers prove nothing about influence over governments.")
    engaged = S.rubric("Rebuttal", counter_result(), check_result(), strength(), 0.5, target, engagement=0.55)
    assert engaged["answered"]["engaged"] and engaged["answered"]["counter"] == "a"
    words = S.rubric("Tourism numbers show influence over governments anyway.", counter_result(), check_result(),
                     strength(), 0.5, target, engagement=0.1)
    assert words["answered"]["engaged"] and "tourism" in words["answered"]["detail"]
    missed = S.rubric("Bananas are yellow.", counter_result(), check_result(), strength(), 0.5, target, engagement=0.1)
    assert not missed["answered"]["engaged"] and missed["answered"]["label"] == "misses the counter"


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
