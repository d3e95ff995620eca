"""Submissions: one student's run of one exercise, saved after every turn.

Files, in `OUT/<exercise id>/` (OUT is `--out`, default `./submissions`):

- `<key>.json`: the record (below), written atomically (temporary file,
  fsync, rename), so a kill at any moment leaves the previous or the new file;
- `<key>.md`: the Markdown transcript, rewritten after the JSON;
- `.<key>.lock`: held (flock) while the student's run is open, so a second
  student with the same name gets a file of their own.

`<key>` is the student's cleaned name plus a random suffix (tutor.exercise.names).
Running the exercise again with the same name resumes that student's unfinished
submission (the newest whose lock is free); `--new` starts another.

The JSON record, format "tutor-exercise-submission", format_version 1:

    format, format_version, tutor_version
    exercise   {id, title, sha256 (of the exercise file's text), file, motion (the index's motion
                id, or null for a statement), motion_statement, side ("pro"|"con"|"choice"), rounds,
                min_words, max_words, focus [fallacy type ids], time_limit_seconds (or null)}
    student    {name (as typed, cleaned), key (the file name's stem)}
    side       the side argued: "pro"|"con", or null until a student with a choice has picked
    model      {name, weights_sha256}: the embedding model the index was built with
    index      {path, manifest_sha256 (of manifest.json), corpus_hash, passage_count}
    started, updated: ISO 8601 times; finished: ISO time, or null while the exercise is open
    timings    one row per round opened: {turn, opened_at, submitted_at (null while open), words,
                writing_seconds (opened to submitted), over_time (past time_limit_seconds),
                feedback_at, feedback_seconds (null until the feedback came)}
    grade      derived at each save (tutor.exercise.grade): {score 0-100, rounds, rounds_done,
                focus_findings, other_findings, focus_by_type, turns [per-turn parts]}
    session    the debate as tutor.session writes it: {id, created, motion, motion_statement, side,
                turns [{number, text, submitted_at, replying_to, status ("pending"|"done"|"failed"),
                counter (the counter-arguments shown), check (findings, debate_findings, notes),
                rubric, error}], updated, finished}

A reader checks every field (`load_submission`): a missing or mistyped field,
a file of a newer format or a truncated file is one SubmissionError naming the
file and the field. Readers ignore unknown fields, so a later version 1 writer
may add some; anything incompatible raises format_version.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import fcntl
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, Iterator

from tutor import __version__
from tutor.errors import TutorError
from tutor.exercise.grade import grade
from tutor.exercise.names import clean_name, is_key, name_slug, new_key
from tutor.exercise.spec import Exercise
from tutor.files import atomic_writer, sha256_file, write_json_atomic
from tutor.schema import SchemaError, check, from_dict
from tutor.session import Session

FORMAT = "tutor-exercise-submission"
FORMAT_VERSION = 1


class SubmissionError(TutorError):
    """A submission file that cannot be read or written."""

    exit_code = 2


def now_iso() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def seconds_between(start: str, end: str) -> float:
    """Seconds from one ISO time to another (0 when either cannot be read)."""
    try:
        return max(0.0, (_dt.datetime.fromisoformat(end) - _dt.datetime.fromisoformat(start)).total_seconds())
    except (TypeError, ValueError):
        return 0.0


def _one_of(*allowed: Any) -> dict[str, Any]:
    return check(lambda v: None if v in allowed else f"must be one of {', '.join(map(repr, allowed))}, not {v!r}")


def _at_least(low: int) -> dict[str, Any]:
    return check(lambda v: None if v is None or v >= low else f"must be at least {low}, not {v!r}")


@dataclass
class ExerciseRef:
    id: str
    title: str
    sha256: str
    file: str
    motion: str | None
    motion_statement: str
    side: str = field(metadata=_one_of("pro", "con", "choice"))
    rounds: int = field(metadata=_at_least(1))
    min_words: int = field(metadata=_at_least(1))
    max_words: int = field(metadata=_at_least(1))
    focus: list[str] = field(default_factory=list)
    time_limit_seconds: int | None = field(default=None, metadata=_at_least(1))

    @classmethod
    def of(cls, exercise: Exercise) -> "ExerciseRef":
        return cls(exercise.id, exercise.title, exercise.sha256, exercise.path, exercise.motion_id,
                   exercise.motion_statement, exercise.side, exercise.rounds, exercise.min_words, exercise.max_words,
                   list(exercise.focus), exercise.time_limit_seconds)


@dataclass
class Student:
    name: str
    key: str = field(metadata=check(lambda v: None if is_key(v) else f"is not a student key: {v[:40]!r}"))


@dataclass
class ModelRef:
    name: str
    weights_sha256: str


@dataclass
class IndexRef:
    path: str
    manifest_sha256: str
    corpus_hash: str
    passage_count: int = field(metadata=_at_least(0))


@dataclass
class TurnTiming:
    turn: int = field(metadata=_at_least(1))
    opened_at: str
    submitted_at: str | None = None
    words: int = field(default=0, metadata=_at_least(0))
    writing_seconds: float | None = field(default=None, metadata=_at_least(0))
    over_time: bool = False
    feedback_at: str | None = None
    feedback_seconds: float | None = field(default=None, metadata=_at_least(0))


@dataclass
class _Record:
    """The JSON record's fields as the schema checks them (the session is checked by tutor.session)."""

    format: str
    format_version: int
    tutor_version: str
    exercise: ExerciseRef
    student: Student
    side: str | None = field(metadata=check(lambda v: None if v in (None, "pro", "con") else f"must be pro, con or null, not {v!r}"))
    model: ModelRef
    index: IndexRef
    started: str
    updated: str
    finished: str | None
    timings: list[TurnTiming]
    session: Session  # checked by tutor.session's own schema (turns numbered 1, 2, ...)
    grade: dict[str, Any] = field(default_factory=dict)


@dataclass
class Submission:
    exercise: ExerciseRef
    student: Student
    side: str | None
    model: ModelRef
    index: IndexRef
    started: str
    updated: str
    session: Session
    finished: str | None = None
    timings: list[TurnTiming] = field(default_factory=list)
    tutor_version: str = __version__

    # --- rounds and timings

    @property
    def rounds_done(self) -> int:
        return len(self.session.done_turns)

    @property
    def complete(self) -> bool:
        return self.rounds_done >= self.exercise.rounds

    def timing(self, turn: int) -> TurnTiming | None:
        return next((t for t in self.timings if t.turn == turn), None)

    def open_round(self, at: str) -> TurnTiming:
        """The timing row of the round being written (turn = submitted turns + 1), opened now if new."""
        number = len(self.session.turns) + 1
        row = self.timing(number)
        if row is None:
            row = TurnTiming(number, at)
            self.timings.append(row)
        return row

    def record_submit(self, turn_number: int, words: int, at: str) -> TurnTiming:
        row = self.timing(turn_number) or TurnTiming(turn_number, at)
        if row not in self.timings:
            self.timings.append(row)
        row.submitted_at, row.words = at, words
        row.writing_seconds = seconds_between(row.opened_at, at)
        limit = self.exercise.time_limit_seconds
        row.over_time = bool(limit and row.writing_seconds > limit)
        return row

    def record_feedback(self, turn_number: int, at: str, seconds: float | None = None) -> None:
        row = self.timing(turn_number)
        if row is None:
            return
        row.feedback_at = at
        row.feedback_seconds = round(seconds, 3) if seconds is not None else seconds_between(row.submitted_at or at, at)

    @property
    def time_used_seconds(self) -> float:
        return round(sum(t.writing_seconds or 0.0 for t in self.timings), 1)

    # --- serialisation

    def grade(self) -> Any:
        return grade(self.session.to_dict(), self.exercise.rounds, self.exercise.focus)

    def to_dict(self) -> dict[str, Any]:
        session = self.session.to_dict()
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "tutor_version": self.tutor_version,
            "exercise": asdict(self.exercise),
            "student": asdict(self.student),
            "side": self.side,
            "model": asdict(self.model),
            "index": asdict(self.index),
            "started": self.started,
            "updated": self.updated,
            "finished": self.finished,
            "timings": [asdict(t) for t in self.timings],
            "grade": grade(session, self.exercise.rounds, self.exercise.focus).to_dict(),
            "session": session,
        }


# --- reading ------------------------------------------------------------------------------------


def parse_submission(data: Any, where: str) -> Submission:
    """A submission from its JSON data, every field checked; SubmissionError names the field."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SubmissionError(f"{where}: not a tutor exercise submission (format: expected {FORMAT!r})")
    version = data.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SubmissionError(f"{where}: format_version: expected a whole number, got {str(version)[:20]!r}")
    if version > FORMAT_VERSION:
        raise SubmissionError(f"{where}: format_version {version} is newer than this tutor reads ({FORMAT_VERSION}); "
                              f"written by tutor {str(data.get('tutor_version'))[:20]}", "upgrade tutor to read it")
    try:
        record = from_dict(_Record, data, where)
    except SchemaError as exc:
        raise SubmissionError(exc.message) from None
    session = record.session
    for position, row in enumerate(record.timings):
        if row.turn > len(session.turns) + 1:
            raise SubmissionError(f"{where}: timings[{position}].turn: {row.turn} is past the last turn "
                                  f"({len(session.turns)})")
    return Submission(record.exercise, record.student, record.side, record.model, record.index, record.started,
                      record.updated, session, record.finished, record.timings, record.tutor_version)


def load_submission(path: Path | str) -> Submission:
    """Read and check one submission file; every problem is one line naming the file and the field."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SubmissionError(f"{path}: no such submission file") from None
    except OSError as exc:
        raise SubmissionError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise SubmissionError(f"{path}: not UTF-8 text") from None
    except (ValueError, RecursionError) as exc:
        detail = " ".join(str(exc).split())[:100] or type(exc).__name__
        raise SubmissionError(f"{path}: not valid JSON, truncated or corrupt ({detail})") from None
    return parse_submission(data, str(path))


@dataclass
class Entry:
    """One file of a submissions folder: its submission, or why it is skipped."""

    path: str
    submission: Submission | None = None
    skipped: str | None = None


def scan(folder: Path | str, exercise: Exercise | None = None) -> list[Entry]:
    """Every `*.json` in `folder`, read and checked; with `exercise`, another exercise's files are skipped."""
    entries: list[Entry] = []
    for path in sorted(Path(folder).glob("*.json")):
        try:
            submission = load_submission(path)
        except SubmissionError as exc:
            entries.append(Entry(str(path), skipped=exc.one_line()))
            continue
        if exercise is not None and submission.exercise.sha256 != exercise.sha256:
            entries.append(Entry(str(path), skipped=f"{path}: written for another version of the exercise "
                                                    f"{submission.exercise.id!r} (content hash differs)"))
            continue
        entries.append(Entry(str(path), submission))
    return entries


# --- writing ------------------------------------------------------------------------------------


def transcript(submission: Submission) -> str:
    """The Markdown transcript: the exercise and the student's results, then the debate."""
    from tutor.session.markdown import md_escape, to_markdown

    ex, g = submission.exercise, submission.grade()
    out = [f"# Exercise: {md_escape(ex.title)} (`{md_escape(ex.id)}`)", ""]
    out.append(f"- Student: {md_escape(submission.student.name)} (`{submission.student.key}`)")
    out.append(f"- Motion: {md_escape(ex.motion_statement)}")
    out.append(f"- Side: {submission.side or 'not chosen yet'}")
    out.append(f"- Rounds: {g.rounds_done} of {ex.rounds}; words per turn {ex.min_words}-{ex.max_words}"
               + (f"; {ex.time_limit_seconds} s per turn" if ex.time_limit_seconds else ""))
    out.append(f"- Focus: {', '.join(ex.focus) or 'none'}; focus findings {g.focus_findings}, other findings "
               f"{g.other_findings}")
    out.append(f"- Grade: {g.score:.1f} / 100")
    out.append(f"- Time writing: {submission.time_used_seconds:.0f} s"
               + (f"; late turns: {', '.join(str(t.turn) for t in submission.timings if t.over_time)}"
                  if any(t.over_time for t in submission.timings) else ""))
    out.append(f"- Status: {'finished ' + submission.finished if submission.finished else 'in progress'}")
    out.append(f"- Exercise file sha256: `{ex.sha256}`")
    out += ["", "---", ""]
    return "\n".join(out) + to_markdown(submission.session)


@dataclass
class Claim:
    """A student's submission file, held (locked) while their run is open."""

    path: Path
    submission: Submission
    resumed: bool
    notes: list[str] = field(default_factory=list)
    _lock: IO[Any] | None = None

    @property
    def markdown_path(self) -> Path:
        return self.path.with_suffix(".md")

    def save(self, at: str | None = None) -> Path:
        """Write the JSON record, then the transcript, each atomically."""
        self.submission.updated = at or now_iso()
        try:
            write_json_atomic(self.path, self.submission.to_dict())
            with atomic_writer(self.markdown_path) as handle:
                handle.write(transcript(self.submission))
        except OSError as exc:
            raise SubmissionError(f"cannot save the submission to {self.path}: {exc.strerror}",
                                  "make the --out directory writable") from None
        return self.path

    def release(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None


def _try_lock(path: Path) -> IO[Any] | None:
    handle = open(path, "a+")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        handle.close()
        if exc.errno in (errno.EAGAIN, errno.EACCES):
            return None
        raise
    return handle


def submissions_folder(out_dir: Path | str, exercise: Exercise) -> Path:
    return Path(out_dir) / exercise.id


def claim(out_dir: Path | str, exercise: Exercise, student: str, new: bool = False,
          at: str | None = None) -> Claim:
    """The student's submission: their unfinished one (resumed), or a new file that no one else has.

    Resumes the newest unfinished submission of this exercise (same content
    hash) whose recorded name is this name (ignoring case) and whose lock is
    free; `new` always starts another. Raises UsageError for a name that
    cannot be used, SubmissionError when the folder cannot be written.
    """
    name = clean_name(student)
    slug = name_slug(name)
    folder = submissions_folder(out_dir, exercise)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SubmissionError(f"cannot create the submissions folder {folder}: {exc.strerror}",
                              "choose a writable directory with --out") from None
    notes: list[str] = []
    if not new:
        found: list[tuple[str, Path, Submission]] = []
        for path in folder.glob(f"{slug}-*.json"):
            if not is_key(path.stem) or name_slug(path.stem.rsplit("-", 1)[0]) != slug:
                continue
            try:
                submission = load_submission(path)
            except SubmissionError as exc:
                notes.append(f"skipped {exc.one_line()}")
                continue
            if submission.student.name.casefold() != name.casefold():
                continue
            if submission.finished:
                notes.append(f"{path.name} is a finished attempt of this name; starting a new one")
                continue
            if submission.exercise.sha256 != exercise.sha256:
                notes.append(f"{path.name} was written for another version of this exercise; starting anew")
                continue
            found.append((submission.updated, path, submission))
        for _, path, submission in sorted(found, key=lambda item: item[0], reverse=True):
            lock = _try_lock(folder / f".{path.stem}.lock")
            if lock is None:
                continue  # someone with the same name is running it now
            try:  # read again under the lock: it may have changed since
                submission = load_submission(path)
            except SubmissionError as exc:
                lock.close()
                notes.append(f"skipped {exc.one_line()}")
                continue
            return Claim(path, submission, True, notes, lock)
    at = at or now_iso()
    for _ in range(100):
        key = new_key(name)
        path = folder / f"{key}.json"
        lock = _try_lock(folder / f".{key}.lock")
        if lock is None:
            continue
        if path.exists():
            lock.close()
            continue
        exercise_ref = ExerciseRef.of(exercise)
        side = None if exercise.side_choice else exercise.side
        session = Session.new(exercise.motion_id, exercise.motion_statement, side, created=at)
        model, index = _model_and_index(exercise)
        submission = Submission(exercise_ref, Student(name, key), side, model, index, at, at, session)
        result = Claim(path, submission, False, notes, lock)
        result.save(at)
        return result
    raise SubmissionError(f"cannot find a free file name in {folder}")  # pragma: no cover - 16M suffixes


def _model_and_index(exercise: Exercise) -> tuple[ModelRef, IndexRef]:
    from tutor.index import MANIFEST, read_manifest

    directory = Path(exercise.index_dir)
    manifest = read_manifest(directory)
    return (ModelRef(manifest.model, manifest.weights_sha256),
            IndexRef(str(directory), sha256_file(directory / MANIFEST), manifest.corpus_hash, manifest.passage_count))


@contextlib.contextmanager
def held(claimed: Claim) -> Iterator[Claim]:
    try:
        yield claimed
    finally:
        claimed.release()


__all__ = ["Claim", "Entry", "FORMAT", "FORMAT_VERSION", "ExerciseRef", "IndexRef", "ModelRef", "Student",
           "Submission", "SubmissionError", "TurnTiming", "claim", "load_submission", "parse_submission", "scan",
           "submissions_folder", "transcript"]
