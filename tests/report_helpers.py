"""A class's submissions folder built through the exercise code (claim, submit, save), no model needed;
and a reader of the HTML report (parse_html).

Turns are completed with plain results, as tests/test_exercise.py does: the
files are what `tutor exercise run` writes, down to the grade and timings.
"""

from __future__ import annotations

import datetime as _dt
import html.parser
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from tutor import exercise as E
from tutor import session as S
from tutor.results import CheckResult, CounterResult
from tutor.strength import Strength

EXERCISE = """id = "class-demo"
title = "Class demo"
instructions = "Argue the motion in three rounds."
motion = "soft_power_real"
side = "choice"
rounds = 3
min_words = 5
max_words = 80
focus = ["ad_hominem"]
time_limit_seconds = 60
"""

START = _dt.datetime(2026, 3, 2, 9, 0, tzinfo=_dt.timezone.utc)


def at(seconds: float) -> str:
    return (START + _dt.timedelta(seconds=seconds)).isoformat(timespec="seconds")


def card(turn: int, rank: int = 1, text: str | None = None) -> dict:
    text = text or f"Counter {turn}.{rank}: soft power is only a story told by those who already hold hard power."
    return {"id": f"essay:{turn * 10 + rank}", "text": text, "stance": "con", "score": 0.5,
            "scores": {"relevance": 0.5, "opposition": 1.0, "strength": 0.4},
            "source": {"doc": "essay", "title": "An essay", "line": turn * 10 + rank, "start": 0, "end": 9,
                       "kind": "essay", "speaker": "", "role": "", "attribution": ""},
            "strength": {"score": 0.4, "reasons": [], "penalties": []},
            "why": {"how": "rebuts", "attacks": "x", "text": "Rebuts your claim."}, "fallacies": []}


def finding(kind: str, label: str) -> dict:
    return {"type": kind, "label": label, "start": 0, "end": 2, "quote": "My", "confidence": 0.8,
            "explanation": "why", "suggestion": "repair"}


AD_HOMINEM = finding("ad_hominem", "Ad hominem")
STRAW_MAN = finding("straw_man", "Straw man")
HASTY = finding("hasty_generalization", "Hasty generalization")


@dataclass
class Plan:
    """One turn: its text, findings, rubric inputs, whether it rebuts the previous turn's first counter."""

    text: str
    findings: list[dict] = field(default_factory=list)
    relevance: float = 0.6
    strength: float = 0.6
    reply: bool = False
    engagement: float = 0.7
    seconds: float = 40.0
    counter_text: str | None = None  # the text of the counters shown after this turn


def play(out: Path, exercise: E.Exercise, name: str, plans: Iterable[Plan], side: str = "pro", finish: bool = False,
         start: float = 0.0) -> E.Claim:
    """A student's run: every turn submitted, completed and saved as `tutor exercise run` does."""
    claimed = E.claim(out, exercise, name, new=True, at=at(start))
    sub = claimed.submission
    if sub.side is None:
        sub.side = side
        sub.session.side = side  # type: ignore[assignment]
    clock = start
    for plan in plans:
        sub.open_round(at(clock))
        clock += plan.seconds
        previous = sub.session.turns[-1] if sub.session.turns else None
        reply_to = previous.counters[0].id if plan.reply and previous and previous.counters else None
        turn = sub.session.submit(plan.text, replying_to=reply_to, submitted_at=at(clock))
        sub.record_submit(turn.number, len(plan.text.split()), at(clock))
        claimed.save(at(clock))
        counter = CounterResult.from_dict({
            "argument": plan.text, "motion": exercise.motion_id, "motion_statement": exercise.motion_statement,
            "side": side, "side_estimate": None, "main_claim": None,
            "counters": [card(turn.number, 1, plan.counter_text), card(turn.number, 2, plan.counter_text)],
            "notes": []})
        check = CheckResult.from_dict({"text": plan.text, "findings": [dict(f) for f in plan.findings], "notes": []})
        answered = sub.session.find_counter(reply_to) if reply_to else None
        rubric = S.rubric(plan.text, counter, check, Strength(plan.strength, ["a reason"], []), plan.relevance,
                          answered, plan.engagement if answered else None)
        sub.session.complete(turn, counter, check, rubric)
        clock += 2
        sub.record_feedback(turn.number, at(clock), 2.0)
        claimed.save(at(clock))
    if finish:
        sub.finished = at(clock)
        sub.session.finished = True
        claimed.save(at(clock))
    claimed.release()
    return claimed


def write_exercise(folder: Path, text: str = EXERCISE, name: str = "class-demo.toml") -> E.Exercise:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return E.load_exercise(path)


def build_class(root: Path) -> tuple[E.Exercise, Path, dict[str, Path]]:
    """Four students of one exercise, plus a corrupt, a truncated, an other-exercise and a newer-format file.

    Returns the exercise, the submissions folder and the files by what they are.
    """
    exercise = write_exercise(root / "exercises")
    out = root / "submissions"
    files: dict[str, Path] = {}
    files["ann"] = play(out, exercise, "Ann Lee", [
        Plan("Soft power works because culture persuades people over decades of exchange.", seconds=35),
        Plan("You ignore the evidence of student exchanges, which changed views in many countries.", reply=True),
        Plan("Therefore attraction, not force, explains lasting alliances between democracies.", reply=True),
    ], side="pro", finish=True).path
    files["ben"] = play(out, exercise, "Ben", [
        Plan("My opponent is an idiot who knows nothing about power at all.", [AD_HOMINEM], relevance=0.35,
             strength=0.3, seconds=75),
        Plan("They say culture is everything, which is absurd and silly and wrong.", [STRAW_MAN, AD_HOMINEM],
             relevance=0.3, strength=0.3),
        Plan("Everyone knows films change nothing in any country anywhere ever.", [HASTY], relevance=0.25,
             strength=0.35, seconds=90),
    ], side="con", finish=True, start=5).path
    files["cleo"] = play(out, exercise, "Cleo", [
        Plan("Soft power is real since trade ties follow cultural ties in the data.", [HASTY]),
        Plan("The counter misses that aid programmes built trust before any treaty.", reply=True, engagement=0.2),
    ], side="pro", start=10).path
    files["dev"] = play(out, exercise, "Dev <b>&amp;", [
        Plan("Culture spreads through markets and this gives states real influence abroad.", [STRAW_MAN]),
    ], side="pro", start=12).path
    # Not of this class: a file of another exercise, copied into the folder.
    other = write_exercise(root / "other", EXERCISE.replace("rounds = 3", "rounds = 2"), "other.toml")
    stray = play(root / "elsewhere", other, "Eve", [Plan("Soft power is a real thing that states use well.")]).path
    files["other"] = out / exercise.id / "eve-other.json"
    files["other"].write_bytes(stray.read_bytes())
    folder = out / exercise.id
    files["corrupt"] = folder / "corrupt.json"
    files["corrupt"].write_bytes(b"\x00\xff not json at all")
    files["truncated"] = folder / "truncated.json"
    files["truncated"].write_bytes(files["ann"].read_bytes()[:700])
    newer = json.loads(files["cleo"].read_text(encoding="utf-8"))
    newer["format_version"] = E.FORMAT_VERSION + 1
    files["newer"] = folder / "newer.json"
    files["newer"].write_text(json.dumps(newer), encoding="utf-8")
    return exercise, folder, files


class _Parser(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []
        self.images: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "img":
            self.images.append(dict(attrs)["src"])

    def handle_data(self, data):
        self.text.append(data)


def parse_html(text: str) -> _Parser:
    parser = _Parser()
    parser.feed(text)
    return parser
