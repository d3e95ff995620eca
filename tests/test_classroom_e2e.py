"""A classroom exercise end to end, with the real model and the shipped index.

The teacher writes an exercise from `tutor exercise new` and checks it with
`tutor exercise validate`; two students argue it in the Pilot-driven
ExerciseApp (Ann in this process; Ben in a process of his own, killed with
SIGKILL while his second turn waits for feedback, then resumed here); the
teacher's `tutor exercise report` in md, csv, json and html shows both
students' real turns and lists a corrupt file as skipped.

What the report must show is worked out here from what the students typed
and from the submission files (the real checker's findings, the counters
shown), not from the report code.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import re
import signal
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SHIPPED_INDEX
from exercise_helpers import read_until, run_driver
from report_helpers import parse_html
from tui_helpers import screen_text, static_text, sync, wait_feedback, wait_until
from tutor import exercise as E
from tutor.corpus.segment import word_count
from tutor.commands.exercise_cmds import exercise_group
from tutor.tui.exercise import ExerciseApp

pytestmark = pytest.mark.e2e

PNG = b"\x89PNG\r\n\x1a\n"

# Ann argues con; her first turn draws a hasty generalization (a focus fallacy), her second rebuts a counter.
ANN = [
    "Soft power is overrated because my cousin watched one American film in Moscow and did not change his mind "
    "about America, so every film fails to change any viewer anywhere in the world.",
    "The counter claims that admiration for a culture turns into influence, but admiration rarely changes what "
    "governments do: states follow their interests, trade and security, and fans of a country's music still vote "
    "for leaders who oppose it.",
]
# Ben argues pro (the driver keeps the default side); his first turn leans on "everyone knows".
BEN = [
    "Soft power is real: everyone knows that culture wins hearts, and most people agree that films and music "
    "shape how the world sees a country.",
    "The counter says money buys influence, but paid campaigns fail where admiration succeeds: students who study "
    "abroad return with lasting sympathy, and alliances follow the trust they build over decades.",
]


def cli(*args: str):
    return CliRunner().invoke(exercise_group, list(args))


def teacher_writes_the_exercise(folder: Path) -> Path:
    """`tutor exercise new` to a file, the teacher's edits (a typo first), `tutor exercise validate`."""
    path = folder / "class.toml"
    made = cli("new", str(path))
    assert made.exit_code == 0 and path.exists(), made.output
    text = path.read_text(encoding="utf-8")
    edits = {'id = "my-exercise"': 'id = "soft-power-class"',
             'title = "Argue the motion in three rounds"': 'title = "Soft power: two rounds, your side"',
             "rounds = 3": "round = 2",  # the typo
             "min_words = 30": "min_words = 20",
             "max_words = 200": "max_words = 120",
             "time_limit_seconds = 600": "time_limit_seconds = 300"}
    for old, new in edits.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    typo_line = text.splitlines().index("round = 2") + 1
    rejected = cli("validate", str(path))
    assert rejected.exit_code == 1, rejected.output
    assert f"{path}:{typo_line}: round: unknown key" in rejected.output and "Traceback" not in rejected.output
    path.write_text(text.replace("round = 2", "rounds = 2"), encoding="utf-8")
    accepted = cli("validate", str(path))
    assert accepted.exit_code == 0, accepted.output
    assert accepted.output == (f"ok: {path}: 'soft-power-class', 2 rounds, 20-120 words, side the student's choice, "
                               f"300 s per turn\n")
    return path


async def argue(app: ExerciseApp, pilot, turns: list[str], reply_from: int | None = None) -> list[str]:
    """On the debate screen: submit each turn not yet submitted and wait for its real feedback; from turn
    `reply_from` on, rebut the first counter card first. Then finish. Returns the word counts the editor showed."""
    shown: list[str] = []
    await wait_until(pilot, lambda: type(app.screen).__name__ == "ExerciseDebateScreen")
    debate = app.screen
    if debate.session.turns and debate.session.turns[-1].status == "pending":
        await wait_feedback(pilot, debate)  # a resumed pending turn is run again
    for number in range(len(debate.session.turns) + 1, len(turns) + 1):
        if reply_from is not None and number >= reply_from:
            list(debate.query("CounterCard"))[0].focus()
            await pilot.press("r")
        debate.query_one("#editor").text = turns[number - 1]
        await pilot.pause()
        shown.append(static_text(debate.query_one("#wordcount")))
        debate.feedback_event.clear()
        await pilot.press("ctrl+s")
        await wait_feedback(pilot, debate)
        assert debate.session.turns[-1].status == "done", debate.session.turns[-1].error
    await pilot.press("ctrl+f")
    await wait_until(pilot, lambda: type(app.screen).__name__ == "ExerciseFinishScreen")
    assert f"({len(turns)} of {len(turns)} rounds)" in screen_text(app)
    return shown


def expected(sub: E.Submission, texts: list[str]) -> dict:
    """What the report must say of a finished student, from what they typed (words as the editor counts them)
    and their file."""
    turns = sub.session.turns
    assert [t.text for t in turns] == texts and all(t.status == "done" for t in turns)
    shown: list[str] = []
    for turn in turns:
        shown += [c.id for c in turn.counters if c.id not in shown]
    answered = {t.replying_to for t in turns if t.replying_to}
    findings = Counter(f.type for t in turns for f in t.check.findings)
    return {"words": sum(map(word_count, texts)), "turn_words": list(map(word_count, texts)),
            "fallacies": dict(findings), "answered": len(answered & set(shown)),
            "dropped": len(set(shown) - answered)}


@sync
async def test_a_class_exercise_from_template_to_report(tmp_path, monkeypatch, shipped_tutor):
    monkeypatch.delenv("TUTOR_INDEX", raising=False)
    exercise_file = teacher_writes_the_exercise(tmp_path)
    exercise = E.load_exercise(exercise_file)
    assert Path(exercise.index_dir).resolve() == SHIPPED_INDEX.resolve()  # the shipped index, by default
    assert list(exercise.focus) == ["ad_hominem", "hasty_generalization"]  # the template's, kept
    out = tmp_path / "submissions"

    # Ben, in his own process with the real model: turn 1 done, turn 2 on disk and waiting, then SIGKILL.
    turns_file = tmp_path / "ben.json"
    turns_file.write_text(json.dumps(BEN), encoding="utf-8")
    proc = run_driver(exercise_file, out, "Ben", slow_from=2, turns_file=turns_file)
    try:
        read_until(proc, "saved 2 pending", timeout=240)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    assert proc.returncode == -signal.SIGKILL
    [ben_file] = list((out / exercise.id).glob("ben-*.json"))
    killed = E.load_submission(ben_file)
    assert [t.status for t in killed.session.turns] == ["done", "pending"]
    assert [t.text for t in killed.session.turns] == BEN and killed.session.turns[0].counters

    # Ann, here: picks con, argues two rounds (rebutting a counter in the second), finishes.
    ann = E.claim(out, exercise, "Ann Lee")
    app = ExerciseApp(exercise, ann, tutor=shipped_tutor)
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.pause()
        await pilot.click("#choose-con")
        await pilot.press("ctrl+s")
        counted = await argue(app, pilot, ANN, reply_from=2)
    ann.release()
    assert counted == [f"{word_count(text)} words (20 to 120)" for text in ANN]  # the words the report counts

    # Ben again: the same file is resumed, the pending turn gets its feedback, no turn is lost; he finishes.
    ben = E.claim(out, exercise, "Ben")
    assert ben.resumed and ben.path == ben_file
    app = ExerciseApp(exercise, ben, tutor=shipped_tutor)
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.pause()
        assert "Resuming your submission: 1 of 2 rounds done." in screen_text(app)
        await pilot.press("ctrl+s")
        await argue(app, pilot, BEN)
    ben.release()

    folder = out / exercise.id
    subs = {"Ann Lee": E.load_submission(ann.path), "Ben": E.load_submission(ben_file)}
    assert subs["Ann Lee"].side == "con" and subs["Ben"].side == "pro"
    assert all(s.finished for s in subs.values())
    want = {"Ann Lee": expected(subs["Ann Lee"], ANN), "Ben": expected(subs["Ben"], BEN)}
    # The real checker: Ann's hasty generalization (a focus type); whatever it found in Ben's
    # turns (his "everyone knows" is borderline) is what the report must show, below.
    assert want["Ann Lee"]["fallacies"].get("hasty_generalization", 0) >= 1, want
    assert want["Ann Lee"]["answered"] == 1 and want["Ben"]["answered"] == 0
    assert want["Ann Lee"]["dropped"] >= 1 and want["Ben"]["dropped"] >= 2
    assert subs["Ben"].session.turns[1].counters  # the turn pending at the kill, run on resume
    (folder / "broken.json").write_text(ben_file.read_text(encoding="utf-8")[:500], encoding="utf-8")

    # The report, in all four formats.
    reports = tmp_path / "reports"
    results = {fmt: cli("report", str(folder), "--format", fmt, "--out", str(reports / f"class.{fmt}"))
               for fmt in ("json", "csv", "md", "html")}
    for fmt, result in results.items():
        assert result.exit_code == 0, (fmt, result.output)
        assert "warning: skipped broken.json: " in result.stderr and "truncated or corrupt" in result.stderr
        assert "2 students, 1 file skipped" in result.stderr
        assert "Traceback" not in result.output

    data = json.loads((reports / "class.json").read_text(encoding="utf-8"))
    assert data["exercise"]["id"] == exercise.id and data["exercise"]["sha256"] == exercise.sha256
    [skipped] = data["skipped"]
    assert skipped["file"] == "broken.json" and skipped["reason"].startswith("not valid JSON, truncated or corrupt")
    assert data["class"]["students"] == 2 and data["class"]["finished"] == 2
    students = {s["name"]: s for s in data["students"]}
    assert set(students) == set(want)
    for name, w in want.items():
        s = students[name]
        assert s["status"] == "finished" and s["rounds_done"] == 2 and s["side"] == subs[name].side
        assert s["words"] == w["words"] and [t["words"] for t in s["turns"]] == w["turn_words"]
        assert s["fallacies_by_type"] == w["fallacies"]
        assert s["counters_answered"] == w["answered"] and s["counters_dropped"] == w["dropped"]
        assert s["counters_open"] == 0 and 0 < s["grade"] <= 100
        assert s["time_used_seconds"] == subs[name].time_used_seconds  # a Pilot turn may take under 0.05 s
        assert s["grade"] == subs[name].grade().score
    assert students["Ann Lee"]["turns"][1]["answered"] is not None and students["Ben"]["turns"][1]["answered"] is None
    assert any(h.startswith("Hasty generalization (focus fallacy") for h in students["Ann Lee"]["help"])
    assert any(h.startswith("answering counters") for h in students["Ben"]["help"])
    class_fallacies = {f["type"]: f for f in data["class"]["fallacies"]}
    total = Counter(want["Ann Lee"]["fallacies"]) + Counter(want["Ben"]["fallacies"])
    assert {k: f["count"] for k, f in class_fallacies.items()} == dict(total)
    assert class_fallacies["hasty_generalization"]["focus"]
    assert all(f["focus"] == (k in exercise.focus) for k, f in class_fallacies.items())
    assert [p["students"] for p in data["class"]["rubric_by_turn"]] == [2, 2]

    rows = {r["student"]: r for r in csv.DictReader(io.StringIO((reports / "class.csv").read_text(encoding="utf-8")))}
    assert set(rows) == set(want)
    for name, w in want.items():
        r = rows[name]
        assert (r["status"], r["rounds_done"], r["words"]) == ("finished", "2", str(w["words"]))
        assert r["fallacies"] == "; ".join(f"{k}:{n}" for k, n in students[name]["fallacies_by_type"].items())
        assert (r["counters_answered"], r["counters_dropped"]) == (str(w["answered"]), str(w["dropped"]))
        assert len(r["turn_scores"].split()) == 2

    md = (reports / "class.md").read_text(encoding="utf-8")
    for name, w in want.items():
        s = students[name]
        row = next(line for line in md.splitlines() if line.startswith(f"| {name} | "))
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[1:6] == [s["side"], "finished", "2/2", f"{s['grade']:.1f}", str(w["words"])], row
        assert cells[8:10] == [str(w["answered"]), str(w["dropped"])], row
        assert all(f"{label} {n}" in cells[7] for label, n in (
            (class_fallacies[k]["label"], n) for k, n in w["fallacies"].items())), row
    assert re.search(r"\| Hasty generalization \\\* \| \d+ \| 1 \|", md)
    assert "## Skipped files" in md and "- `broken.json`: not valid JSON, truncated or corrupt" in md
    for chart in ("fallacies", "rubric"):
        assert (reports / f"class-{chart}.png").read_bytes().startswith(PNG) and f"(class-{chart}.png)" in md

    page = parse_html((reports / "class.html").read_text(encoding="utf-8"))
    text = " ".join(page.text)
    assert "Ann Lee" in text and "Ben" in text and "broken.json" in text and "Hasty generalization" in text
    assert len(page.images) == 2
    assert all(base64.b64decode(src.split(",", 1)[1]).startswith(PNG) for src in page.images)
