"""Exercise files: a teacher's TOML, checked field by field, every problem with its line.

An exercise file is one flat TOML table (no sub-tables):

    format_version      optional, 1 (this tutor reads version 1)
    id                  required, 1-40 of a-z 0-9 - _, starting with a letter or digit
    title               required, 1-120 characters
    instructions        required, 1-5000 characters (shown first; plain text, never markup)
    motion              required: a motion id of the index (no spaces, e.g. "soft_power_real")
                        or a statement to argue (text with spaces, 3-300 characters)
    side                required: "pro", "con" or "choice" (the student picks)
    rounds              required, 1-20 turns
    min_words           required, 1-2000 words per turn
    max_words           required, min_words-2000 words per turn
    focus               optional, fallacy type ids (see `tutor fallacies`), no repeats
    time_limit_seconds  optional, 30-7200 seconds per turn (a countdown; a late turn is marked, not lost)
    index               optional, an index directory, relative to the exercise file
                        (default: $TUTOR_INDEX or the shipped index)

Unknown keys are errors (a typo must not silently drop a setting).
`validate_file` collects every problem, each a `Problem` with file, line,
field and what is allowed; `load_exercise` raises `ExerciseError` with them.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from tutor.errors import TutorError
from tutor.files import sha256_text

FORMAT_VERSION = 1
SIDES = ("pro", "con", "choice")
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_\-]{0,39}")
MAX_ROUNDS = 20
MAX_WORDS = 2000
TIME_LIMIT = (30, 7200)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an exercise file; `line` is None where no line holds it."""

    file: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field + ': ' if self.field else ''}{self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "field": self.field, "message": self.message}


class ExerciseError(TutorError):
    """An exercise file that cannot be used; `problems` lists every reason."""

    exit_code = 2

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = str(problems[0]) if problems else "invalid exercise"
        more = f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})" if len(problems) > 1 else ""
        super().__init__(first + more, "run `tutor exercise validate FILE` to see every problem")


@dataclass(frozen=True)
class Exercise:
    """A checked exercise, with its motion and index resolved."""

    id: str
    title: str
    instructions: str
    motion: str  # as written: a motion id or a statement
    side: str  # pro | con | choice
    rounds: int
    min_words: int
    max_words: int
    focus: tuple[str, ...] = ()
    time_limit_seconds: int | None = None
    index: str | None = None  # as written
    format_version: int = FORMAT_VERSION
    # resolved when loaded
    path: str = ""
    sha256: str = ""  # of the file's text: submissions record it, so a report can tell exercises apart
    motion_id: str | None = None  # the index's motion, or None for a statement
    motion_statement: str = ""
    index_dir: str = ""

    @property
    def side_choice(self) -> bool:
        return self.side == "choice"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "instructions": self.instructions, "motion": self.motion,
            "side": self.side, "rounds": self.rounds, "min_words": self.min_words, "max_words": self.max_words,
            "focus": list(self.focus), "time_limit_seconds": self.time_limit_seconds, "index": self.index,
            "format_version": self.format_version, "path": self.path, "sha256": self.sha256,
            "motion_id": self.motion_id, "motion_statement": self.motion_statement, "index_dir": self.index_dir,
        }


# --- fields: what each holds and what is allowed ---------------------------------------------


@dataclass(frozen=True)
class _Field:
    kind: type
    allowed: str
    required: bool = True
    rule: Callable[[Any], bool] = field(default=lambda value: True)


def _text(low: int, high: int) -> Callable[[Any], bool]:
    return lambda value: low <= len(value.strip()) <= high


FIELDS: dict[str, _Field] = {
    "format_version": _Field(int, f"{FORMAT_VERSION} (the only version this tutor reads)", False,
                             lambda v: v == FORMAT_VERSION),
    "id": _Field(str, "1 to 40 of a-z, 0-9, '-' and '_', starting with a letter or digit",
                 rule=lambda v: bool(ID_PATTERN.fullmatch(v))),
    "title": _Field(str, "text of 1 to 120 characters", rule=_text(1, 120)),
    "instructions": _Field(str, "text of 1 to 5000 characters", rule=_text(1, 5000)),
    "motion": _Field(str, "a motion id of the index (see `tutor motions`) or a statement of 3 to 300 characters",
                     rule=_text(3, 300)),
    "side": _Field(str, '"pro", "con" or "choice"', rule=lambda v: v in SIDES),
    "rounds": _Field(int, f"a whole number from 1 to {MAX_ROUNDS}", rule=lambda v: 1 <= v <= MAX_ROUNDS),
    "min_words": _Field(int, f"a whole number from 1 to {MAX_WORDS}", rule=lambda v: 1 <= v <= MAX_WORDS),
    "max_words": _Field(int, f"a whole number from min_words to {MAX_WORDS}", rule=lambda v: 1 <= v <= MAX_WORDS),
    "focus": _Field(list, "a list of fallacy type ids (see `tutor fallacies`), each at most once", False),
    "time_limit_seconds": _Field(int, f"a whole number of seconds from {TIME_LIMIT[0]} to {TIME_LIMIT[1]}", False,
                                 lambda v: TIME_LIMIT[0] <= v <= TIME_LIMIT[1]),
    "index": _Field(str, "an index directory, relative to the exercise file", False, _text(1, 4096)),
}

_TYPE_NAMES = {int: "a whole number", str: "text", list: "a list", bool: "true/false", float: "a number",
               dict: "a table"}


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    for kind, name in _TYPE_NAMES.items():
        if isinstance(value, kind):
            return name
    return type(value).__name__  # TOML dates and times


def _shown(value: Any, width: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


_KEY_LINE = re.compile(r"""^\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_\-]+))\s*=""")


def key_lines(text: str) -> dict[str, int]:
    """The line of each top-level key, skipping the inside of multi-line strings and tables."""
    lines: dict[str, int] = {}
    inside: str | None = None  # the delimiter of the multi-line string we are in
    in_table = False
    for number, line in enumerate(text.splitlines(), start=1):
        if inside:
            if line.count(inside) % 2 == 1:
                inside = None
            continue
        stripped = line.strip()
        if stripped.startswith("["):  # a [table] or [[array]]: not a flat exercise key
            in_table = True
            lines.setdefault(stripped.strip("[] ").split("]")[0].split(".")[0].strip().strip("\"'"), number)
            continue
        match = _KEY_LINE.match(line)
        if match and not in_table:
            key = next(g for g in match.groups() if g)
            lines.setdefault(key, number)
        for delimiter in ('"""', "'''"):
            if line.count(delimiter) % 2 == 1:
                inside = delimiter
                break
    return lines


_TOML_AT = re.compile(r"\(at line (\d+), column \d+\)")


def validate_text(text: str, file: str, base: Path | None = None, check_index: bool = True
                  ) -> tuple[Exercise | None, list[Problem]]:
    """The exercise in `text` and every problem with it (the exercise is None when there are problems).

    `base` is the directory relative paths (`index`) start from. With
    `check_index`, the index's manifest is read to check the motion id.
    """
    problems: list[Problem] = []
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        at = _TOML_AT.search(message)
        line = int(at.group(1)) if at else None
        return None, [Problem(file, line, None, f"not valid TOML: {_TOML_AT.sub('', message).strip()}")]
    lines = key_lines(text)

    def problem(name: str | None, message: str) -> None:
        problems.append(Problem(file, lines.get(name) if name else None, name, message))

    for key, value in data.items():
        if key not in FIELDS:
            if isinstance(value, dict):
                problem(key, f"unknown table [{key}]; an exercise is one flat table of: {', '.join(FIELDS)}")
            else:
                problem(key, f"unknown key; allowed keys: {', '.join(FIELDS)}")
    values: dict[str, Any] = {}
    for name, spec in FIELDS.items():
        if name not in data:
            if spec.required:
                problem(name, f"is missing; expected {spec.allowed}")
            continue
        value = data[name]
        if not isinstance(value, spec.kind) or (spec.kind is int and isinstance(value, bool)):
            problem(name, f"must be {spec.allowed}, not {_type_name(value)} ({_shown(value)})")
            continue
        if not spec.rule(value):
            problem(name, f"must be {spec.allowed}, not {_shown(value)}")
            continue
        values[name] = value

    if "min_words" in values and "max_words" in values and values["max_words"] < values["min_words"]:
        problem("max_words", f"must be at least min_words ({values['min_words']}), not {values['max_words']}")
        values.pop("max_words")
    if "focus" in values:
        _check_focus(values, problem)
    motion_id: str | None = None
    statement = ""
    index_dir = ""
    if "index" in values or check_index:
        index_dir, motions = _read_index(values, base, check_index, problem)
        if "motion" in values:
            motion = values["motion"].strip()
            if any(ch.isspace() for ch in motion):
                statement = " ".join(motion.split())
            elif motions is not None:
                known = {m["id"]: m for m in motions}
                if motion in known:
                    motion_id, statement = motion, str(known[motion]["statement"])
                else:
                    problem("motion", f"unknown motion id {_shown(motion)} in the index at {index_dir}; allowed: "
                                      f"{', '.join(known) or 'none (this index has no motions)'}, "
                                      "or a statement in words (text with spaces)")
            else:
                motion_id = motion  # the index could not be read: its problem is already reported
    if problems:
        return None, sorted(problems, key=lambda p: p.line or 0)
    return Exercise(
        id=values["id"], title=values["title"].strip(), instructions=values["instructions"].strip(),
        motion=values["motion"].strip(), side=values["side"], rounds=values["rounds"],
        min_words=values["min_words"], max_words=values["max_words"], focus=tuple(values.get("focus", ())),
        time_limit_seconds=values.get("time_limit_seconds"), index=values.get("index"),
        format_version=values.get("format_version", FORMAT_VERSION), path=file, sha256=sha256_text(text),
        motion_id=motion_id, motion_statement=statement, index_dir=index_dir,
    ), []


def _check_focus(values: dict[str, Any], problem: Callable[[str | None, str], None]) -> None:
    from tutor.fallacy.catalog import FALLACY_TYPES

    known = [t.id for t in FALLACY_TYPES]
    seen: set[str] = set()
    for position, item in enumerate(values["focus"]):
        if not isinstance(item, str):
            problem("focus", f"item {position + 1} must be a fallacy type id (text), not {_type_name(item)}")
            values.pop("focus", None)
        elif item not in known:
            problem("focus", f"unknown fallacy type {_shown(item)}; allowed: {', '.join(known)}")
            values.pop("focus", None)
        elif item in seen:
            problem("focus", f"{_shown(item)} is listed twice")
            values.pop("focus", None)
        else:
            seen.add(item)


def _read_index(values: dict[str, Any], base: Path | None, check_index: bool,
                problem: Callable[[str | None, str], None]) -> tuple[str, list[dict[str, Any]] | None]:
    from tutor.errors import IndexError_
    from tutor.index import read_manifest
    from tutor.paths import default_index_dir

    if "index" in values:
        given = Path(values["index"]).expanduser()
        directory = given if given.is_absolute() else (base or Path.cwd()) / given
    else:
        directory = default_index_dir()
    directory = Path(directory).resolve()
    if not check_index:
        return str(directory), None
    try:
        manifest = read_manifest(directory)
    except IndexError_ as exc:
        if "index" in values:
            problem("index", f"{exc.message}; expected an index directory (build one with `tutor index build`)")
        else:
            problem(None, f"the default index cannot be read: {exc.message} (set `index` or $TUTOR_INDEX)")
        return str(directory), None
    return str(directory), list(manifest.motions)


def read_exercise_text(path: Path) -> str:
    """The file's text, or ExerciseError naming the file."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise ExerciseError([Problem(str(path), None, None, "no such file")]) from None
    except IsADirectoryError:
        raise ExerciseError([Problem(str(path), None, None, "is a directory, not an exercise file")]) from None
    except OSError as exc:
        raise ExerciseError([Problem(str(path), None, None, f"cannot be read ({exc.strerror})")]) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ExerciseError([Problem(str(path), line, None, "is not UTF-8 text")]) from None


def validate_file(path: Path | str, check_index: bool = True) -> tuple[Exercise | None, list[Problem]]:
    path = Path(path)
    try:
        text = read_exercise_text(path)
    except ExerciseError as exc:
        return None, exc.problems
    return validate_text(text, str(path), path.resolve().parent, check_index)


def load_exercise(path: Path | str, check_index: bool = True) -> Exercise:
    exercise, problems = validate_file(path, check_index)
    if exercise is None:
        raise ExerciseError(problems)
    return exercise


def template(motion: str = "soft_power_real") -> str:
    """A commented exercise file that validates as it is (against the shipped index)."""
    return f'''# A tutor exercise. Check it with: tutor exercise validate THIS_FILE
# Run it with:   tutor exercise run THIS_FILE --student "NAME" --out submissions/
# Every key below is known; an unknown key (a typo) is an error.

format_version = {FORMAT_VERSION}

# A short id: a-z, 0-9, '-' and '_' (at most 40). Submissions are filed under it.
id = "my-exercise"

# Shown at the top of the debate and on the instructions screen.
title = "Argue the motion in three rounds"

# What the student reads first. Plain text (nothing in it is read as markup).
instructions = """
Argue your side of the motion. After each turn the tutor shows the strongest
counter-arguments: rebut one of them in your next turn (focus a card, press r).
"""

# A motion id of the index (see `tutor motions`), or a statement in words,
# e.g. motion = "Schools should ban phones in class."
motion = "{motion}"

# "pro", "con", or "choice" (the student picks a side before the first turn).
side = "choice"

# Number of turns the student submits (1 to {MAX_ROUNDS}).
rounds = 3

# Words per turn; a turn outside these limits stays in the editor with a message.
min_words = 30
max_words = 200

# Fallacy types to focus on (see `tutor fallacies`): their findings are shown
# first and weigh double in the grade. Leave empty for none.
focus = ["ad_hominem", "hasty_generalization"]

# Optional: seconds per turn, shown as a countdown ({TIME_LIMIT[0]} to {TIME_LIMIT[1]}). A late turn is
# still accepted and marked as late in the submission. Remove the line for no limit.
time_limit_seconds = 600

# Optional: the index directory, relative to this file. Default: $TUTOR_INDEX,
# or the index shipped with the tutor.
# index = "../index"
'''
