"""The class report: every submission of one exercise read, checked and summed up.

Core code (no UI): `build_report(folder)` reads every `*.json` of a
submissions folder and returns a `ClassReport`, typed dataclasses with
`to_dict()` (what `tutor exercise report --format json` prints). The
renderers (tutor.exercise.render) and the TUI's live class view only show it.

- Per student: turns, words, the rubric of every turn, fallacies by type,
  counters answered, dropped and still open, time used, and what they need
  help with (`help_topics`, rules below).
- For the class: the most common fallacies (findings and how many students
  made them), the counters most often dropped, and the rubric over turns
  (the class mean of each part at each turn).
- Skipped, with the reason: files that cannot be read (corrupt, truncated,
  not a submission, a newer format) and submissions of another exercise or
  of another version of it (content hash). A report never raises on a bad
  file; only a folder that cannot be listed is an error.

Which exercise the report is of: the one given (`exercise`, an Exercise from
its file), or else the one most submissions were written for (the newest on
a tie). Every other exercise's submissions are skipped.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections import Counter as _Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable

from tutor.errors import TutorError
from tutor.exercise.spec import Exercise
from tutor.exercise.submission import Submission, SubmissionError, load_submission
from tutor.session.clash import clash
from tutor.session.rubric import RELEVANCE_ON

REPORT_FORMAT = "tutor-class-report"
REPORT_VERSION = 1

# Who needs help with what: a student is named under a topic when ...
WEAK_RELEVANCE = RELEVANCE_ON  # their mean relevance is below this (the rubric's "on the motion")
WEAK_REASONS = 0.45  # their mean reasons score is below this (the rubric's "some support")
REPEATED_FALLACY = 2  # they made a fallacy of one type this many times (once is enough for a focus type)


class ReportError(TutorError):
    """A submissions folder that cannot be reported on."""

    exit_code = 2


@dataclass
class TurnRow:
    """One done turn of one student: the exercise grade's parts (0..1), words and writing time."""

    turn: int
    score: float
    relevance: float
    reasons: float
    fallacies: float  # the grade's fallacy part: 1 less the cost of each finding
    answered: float | None  # None: the turn rebuts no counter
    findings: int
    words: int
    writing_seconds: float | None
    over_time: bool


@dataclass
class CounterRow:
    """A counter shown to a student, with what became of it."""

    id: str
    text: str
    source: str
    shown_in: int
    status: str  # answered | dropped | open
    answered_by: int | None = None
    engaged: bool | None = None


@dataclass
class StudentReport:
    name: str
    key: str
    file: str
    side: str | None
    status: str  # finished | in progress
    rounds: int
    rounds_done: int
    grade: float  # 0..100
    words: int
    time_used_seconds: float
    late_turns: list[int]
    turns: list[TurnRow]
    fallacies_by_type: dict[str, int]
    counters: list[CounterRow]
    help: list[str]  # what they need help with, most pressing first

    @property
    def answered(self) -> int:
        return sum(1 for c in self.counters if c.status == "answered")

    @property
    def dropped(self) -> int:
        return sum(1 for c in self.counters if c.status == "dropped")

    @property
    def open(self) -> int:
        return sum(1 for c in self.counters if c.status == "open")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(counters_answered=self.answered, counters_dropped=self.dropped, counters_open=self.open)
        return data


@dataclass
class FallacyCount:
    type: str
    label: str
    count: int  # findings in the class
    students: int  # students with at least one
    focus: bool


@dataclass
class DroppedCounter:
    id: str
    text: str
    source: str
    dropped: int  # by how many students
    shown: int  # to how many students


@dataclass
class RubricPoint:
    """The class mean of each part of the grade at one turn, over the students who argued it."""

    turn: int
    students: int
    score: float
    relevance: float
    reasons: float
    fallacies: float
    answered: float | None  # over the students whose turn rebutted a counter


@dataclass
class HelpTopic:
    topic: str
    students: list[str]  # names, in the report's order


@dataclass
class Skipped:
    file: str
    reason: str


@dataclass
class ExerciseInfo:
    id: str
    title: str
    sha256: str
    motion_statement: str
    side: str
    rounds: int
    min_words: int
    max_words: int
    focus: list[str]
    time_limit_seconds: int | None


@dataclass
class ClassReport:
    folder: str
    generated: str
    exercise: ExerciseInfo | None  # None: no readable submission, and no exercise given
    students: list[StudentReport]
    skipped: list[Skipped]
    fallacies: list[FallacyCount]  # most common first
    dropped: list[DroppedCounter]  # most often dropped first
    rubric_by_turn: list[RubricPoint]
    help: list[HelpTopic]

    @property
    def labels(self) -> dict[str, str]:
        return {f.type: f.label for f in self.fallacies}

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": REPORT_FORMAT,
            "format_version": REPORT_VERSION,
            "folder": self.folder,
            "generated": self.generated,
            "exercise": asdict(self.exercise) if self.exercise else None,
            "students": [s.to_dict() for s in self.students],
            "skipped": [asdict(s) for s in self.skipped],
            "class": {
                "students": len(self.students),
                "finished": sum(1 for s in self.students if s.status == "finished"),
                "mean_grade": round(sum(s.grade for s in self.students) / len(self.students), 1)
                if self.students else None,
                "fallacies": [asdict(f) for f in self.fallacies],
                "dropped_counters": [asdict(d) for d in self.dropped],
                "rubric_by_turn": [asdict(p) for p in self.rubric_by_turn],
                "help": [asdict(h) for h in self.help],
            },
        }


# --- building -----------------------------------------------------------------------------------


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _reason(exc: SubmissionError, path: Path) -> str:
    """The error without the file name it starts with (the report names the file)."""
    text = exc.one_line()
    prefix = f"{path}: "
    return text[len(prefix):] if text.startswith(prefix) else text


def read_folder(folder: Path | str) -> tuple[list[tuple[Path, Submission]], list[Skipped]]:
    """Every `*.json` of `folder` (not its subfolders): the submissions read, and the files skipped with why."""
    folder = Path(folder)
    if not folder.exists():
        raise ReportError(f"{folder}: no such folder", "give the folder `tutor exercise run --out` wrote to")
    if not folder.is_dir():
        raise ReportError(f"{folder}: not a folder", "give the folder of submission files")
    try:
        paths = sorted(p for p in folder.iterdir() if p.suffix == ".json" and not p.name.startswith("."))
    except OSError as exc:
        raise ReportError(f"{folder}: cannot be listed ({exc.strerror})") from None
    read: list[tuple[Path, Submission]] = []
    skipped: list[Skipped] = []
    for path in paths:
        if not path.is_file():
            skipped.append(Skipped(path.name, "not a regular file"))
            continue
        try:
            read.append((path, load_submission(path)))
        except SubmissionError as exc:
            skipped.append(Skipped(path.name, _reason(exc, path)))
        except RecursionError:  # pragma: no cover - load_submission catches it; belt and braces
            skipped.append(Skipped(path.name, "nested too deeply to read"))
    return read, skipped


def _info_of(exercise: Exercise | None, submission: Submission | None) -> ExerciseInfo | None:
    if exercise is not None:
        return ExerciseInfo(exercise.id, exercise.title, exercise.sha256, exercise.motion_statement, exercise.side,
                            exercise.rounds, exercise.min_words, exercise.max_words, list(exercise.focus),
                            exercise.time_limit_seconds)
    if submission is not None:
        ex = submission.exercise
        return ExerciseInfo(ex.id, ex.title, ex.sha256, ex.motion_statement, ex.side, ex.rounds, ex.min_words,
                            ex.max_words, list(ex.focus), ex.time_limit_seconds)
    return None


def build_report(folder: Path | str, exercise: Exercise | None = None, generated: str | None = None) -> ClassReport:
    """The class report of a submissions folder; bad files and other exercises' files are skipped with why."""
    read, skipped = read_folder(folder)
    if exercise is not None:
        reference = exercise.sha256
    elif read:
        counts = _Counter(s.exercise.sha256 for _, s in read)
        newest = {s.exercise.sha256: s.updated for _, s in sorted(read, key=lambda item: item[1].updated)}
        reference = max(counts, key=lambda h: (counts[h], newest[h]))
    else:
        reference = ""
    kept: list[tuple[Path, Submission]] = []
    for path, sub in read:
        if sub.exercise.sha256 == reference:
            kept.append((path, sub))
        else:
            skipped.append(Skipped(path.name, f"written for another exercise: {sub.exercise.id!r} with content "
                                              f"hash {sub.exercise.sha256[:12]}, not {reference[:12]}"))
    skipped.sort(key=lambda s: s.file)
    info = _info_of(exercise, kept[0][1] if kept else (read[0][1] if read else None))
    focus = list(info.focus) if info else []
    labels: dict[str, str] = {}
    students = [_student(path, sub, focus, labels) for path, sub in kept]
    students.sort(key=lambda s: (s.name.casefold(), s.key))
    return ClassReport(str(folder), generated or _now(), info, students, skipped, _fallacies(students, focus, labels),
                       _dropped(students), _rubric_by_turn(students), _help(students))


def _student(path: Path, sub: Submission, focus: list[str], labels: dict[str, str]) -> StudentReport:
    g = sub.grade()
    words = {t.turn: t.words for t in sub.timings}
    timing = {t.turn: t for t in sub.timings}
    rows: list[TurnRow] = []
    for tg in g.turns:
        turn = sub.session.turns[tg.turn - 1] if 0 < tg.turn <= len(sub.session.turns) else None
        t = timing.get(tg.turn)
        rows.append(TurnRow(tg.turn, tg.score, round(tg.relevance, 3), round(tg.reasons, 3), tg.fallacies,
                            None if tg.answered is None else round(tg.answered, 3),
                            tg.focus_findings + tg.other_findings,
                            words.get(tg.turn) or (len(turn.text.split()) if turn else 0),
                            t.writing_seconds if t else None, bool(t and t.over_time)))
    by_type: _Counter[str] = _Counter()
    for turn in sub.session.done_turns:
        for finding in turn.findings:
            by_type[finding.type] += 1
            labels.setdefault(finding.type, finding.label or finding.type)
    counters = [CounterRow(r["id"], r["text"], r["source"], r["shown_in"], r["status"], r["answered_by"], r["engaged"])
                for r in clash(sub.session)]
    fallacies = dict(sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0])))
    report = StudentReport(
        name=sub.student.name, key=sub.student.key, file=path.name, side=sub.side,
        status="finished" if sub.finished else "in progress", rounds=sub.exercise.rounds,
        rounds_done=g.rounds_done, grade=g.score, words=sum(r.words for r in rows),
        time_used_seconds=sub.time_used_seconds, late_turns=sorted(t.turn for t in sub.timings if t.over_time),
        turns=rows, fallacies_by_type=fallacies, counters=counters, help=[],
    )
    report.help = help_topics(report, focus, labels)
    return report


def _mean(values: Iterable[float]) -> float | None:
    items = list(values)
    return round(sum(items) / len(items), 3) if items else None


def help_topics(student: StudentReport, focus: Iterable[str], labels: dict[str, str] | None = None) -> list[str]:
    """What a student needs help with, most pressing first (empty: nothing stands out).

    - a focus fallacy made at least once, any other type made REPEATED_FALLACY times;
    - staying on the motion: mean relevance below WEAK_RELEVANCE;
    - reasons and evidence: mean reasons score below WEAK_REASONS;
    - answering counters: more than half of the turns after the first answered no counter
      (each turn shows several, so some are always dropped), or else a rebuttal that missed
      the counter it answers (the rubric's `engaged` is false);
    - time: a turn written past the time limit.
    """
    labels = labels or {}
    focus = list(focus)
    topics: list[str] = []
    for kind, count in student.fallacies_by_type.items():
        name = labels.get(kind, kind)
        if kind in focus:
            topics.append(f"{name} (focus fallacy, {count}×)")
        elif count >= REPEATED_FALLACY:
            topics.append(f"{name} ({count}×)")
    relevance = _mean(t.relevance for t in student.turns)
    if relevance is not None and relevance < WEAK_RELEVANCE:
        topics.append(f"staying on the motion (relevance {relevance:.2f})")
    reasons = _mean(t.reasons for t in student.turns)
    if reasons is not None and reasons < WEAK_REASONS:
        topics.append(f"giving reasons and evidence (reasons {reasons:.2f})")
    missed = [c for c in student.counters if c.status == "answered" and c.engaged is False]
    chances = student.turns[1:]  # every turn after the first could answer a counter shown before it
    moved_on = [t for t in chances if t.answered is None]
    if moved_on and len(moved_on) * 2 > len(chances):
        topics.append(f"answering counters ({len(moved_on)} of {len(chances)} later turns answered none)")
    elif missed:
        topics.append(f"engaging the counter they answer ({len(missed)} rebuttal{'s' if len(missed) != 1 else ''} "
                      f"missed it)")
    if student.late_turns:
        topics.append(f"time ({len(student.late_turns)} late turn{'s' if len(student.late_turns) != 1 else ''})")
    return topics


def _fallacies(students: list[StudentReport], focus: list[str], labels: dict[str, str]) -> list[FallacyCount]:
    count: _Counter[str] = _Counter()
    who: _Counter[str] = _Counter()
    for s in students:
        count.update(s.fallacies_by_type)
        who.update(s.fallacies_by_type.keys())
    rows = [FallacyCount(k, labels.get(k, k), n, who[k], k in focus) for k, n in count.items()]
    return sorted(rows, key=lambda f: (-f.count, -f.students, f.type))


def _dropped(students: list[StudentReport]) -> list[DroppedCounter]:
    shown: dict[str, CounterRow] = {}
    shown_to: _Counter[str] = _Counter()
    dropped: _Counter[str] = _Counter()
    for s in students:
        for c in s.counters:
            shown.setdefault(c.id, c)
            shown_to[c.id] += 1
            if c.status == "dropped":
                dropped[c.id] += 1
    rows = [DroppedCounter(k, shown[k].text, shown[k].source, n, shown_to[k]) for k, n in dropped.items()]
    return sorted(rows, key=lambda d: (-d.dropped, -d.shown, d.id))


def _rubric_by_turn(students: list[StudentReport]) -> list[RubricPoint]:
    by_turn: dict[int, list[TurnRow]] = {}
    for s in students:
        for row in s.turns:
            by_turn.setdefault(row.turn, []).append(row)
    points = []
    for turn in sorted(by_turn):
        rows = by_turn[turn]
        points.append(RubricPoint(turn, len(rows), _mean(r.score for r in rows) or 0.0,
                                  _mean(r.relevance for r in rows) or 0.0, _mean(r.reasons for r in rows) or 0.0,
                                  _mean(r.fallacies for r in rows) or 0.0,
                                  _mean(r.answered for r in rows if r.answered is not None)))
    return points


def _help(students: list[StudentReport]) -> list[HelpTopic]:
    """The help topics across the class (the text before any figures), the most students first."""
    topics: dict[str, list[str]] = {}
    for s in students:
        for topic in s.help:
            topics.setdefault(topic.split(" (", 1)[0], []).append(s.name)
    rows = [HelpTopic(t, names) for t, names in topics.items()]
    return sorted(rows, key=lambda h: (-len(h.students), h.topic))


def folder_signature(folder: Path | str) -> tuple[tuple[str, int, int], ...] | None:
    """What changes when a submission is written: each `*.json`'s name, size and modification time.

    None when the folder cannot be listed. The live class view rebuilds the report only when this changes.
    """
    items = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.endswith(".json") and not entry.name.startswith("."):
                    try:
                        st = entry.stat()
                    except OSError:
                        continue
                    items.append((entry.name, st.st_size, st.st_mtime_ns))
    except OSError:
        return None
    return tuple(sorted(items))


__all__ = ["ClassReport", "CounterRow", "DroppedCounter", "ExerciseInfo", "FallacyCount", "HelpTopic",
           "REPORT_FORMAT", "REPORT_VERSION", "ReportError", "RubricPoint", "Skipped", "StudentReport", "TurnRow",
           "build_report", "folder_signature", "help_topics", "read_folder"]
