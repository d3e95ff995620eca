"""Session records: a debate is a Session of Turns, each with its feedback.

A turn is "pending" the moment it is submitted and "done" (or "failed") when
its feedback arrives; the store saves it at both moments.
"""

from __future__ import annotations

import datetime as _dt
import re
import secrets
from dataclasses import dataclass, field
from typing import Any, Literal

from tutor.errors import TutorError, UsageError
from tutor.results import CheckResult, Counter, CounterResult, Finding, Side
from tutor.schema import at_least, from_dict, shown
from tutor.session.rubric import Rubric
from tutor.text import printable


class SessionError(TutorError):
    """A session file that cannot be read, or a session that does not exist."""

    exit_code = 2


def now_iso() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def new_session_id() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(2)


SESSION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")
TurnStatus = Literal["pending", "done", "failed"]


@dataclass
class Turn:
    number: int = field(metadata=at_least(1))
    text: str
    submitted_at: str
    replying_to: str | None = None  # the id of the counter this turn rebuts
    status: TurnStatus = "pending"
    counter: CounterResult | None = None  # Tutor.run_turn's feedback, once done
    check: CheckResult | None = None
    rubric: Rubric | None = None
    error: str | None = None

    @property
    def counters(self) -> list[Counter]:
        return list(self.counter.counters) if self.counter else []

    @property
    def findings(self) -> list[Finding]:
        """The findings on this turn: on its text, then across the debate."""
        return self.check.all_findings if self.check else []

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "text": self.text,
            "submitted_at": self.submitted_at,
            "replying_to": self.replying_to,
            "status": self.status,
            "counter": self.counter.to_dict() if self.counter else None,
            "check": self.check.to_dict() if self.check else None,
            "rubric": self.rubric.to_dict() if self.rubric else None,
            "error": self.error,
        }

    @classmethod
    def from_dict(cls, data: Any, where: str = "a turn") -> "Turn":
        """Checked field by field: SchemaError names the first field that does not fit."""
        return from_dict(cls, data, where)


@dataclass
class Session:
    id: str
    created: str
    motion: str | None = None  # a motion id, or None for a free argument
    motion_statement: str | None = None
    side: Side | None = None  # None: estimated per turn
    turns: list[Turn] = field(default_factory=list)
    updated: str = ""
    finished: bool = False

    @classmethod
    def new(cls, motion: str | None = None, motion_statement: str | None = None, side: str | None = None,
            session_id: str | None = None, created: str | None = None) -> "Session":
        if side is not None and side not in ("pro", "con"):
            raise UsageError(f"the side must be pro or con (got {side!r})")
        created = created or now_iso()
        return cls(session_id or new_session_id(), created, motion, motion_statement, side, [], created)  # type: ignore[arg-type]

    def validate(self) -> tuple[str, str] | None:
        """What spans fields (called by tutor.schema after the fields are checked): (field, problem) or None."""
        if not SESSION_ID.fullmatch(self.id):
            return "id", f"is not a session id ({shown(self.id)})"
        for position, turn in enumerate(self.turns, start=1):
            if turn.number != position:
                return f"turns[{position - 1}].number", f"must be {position}, not {turn.number}"
        return None

    # --- turns

    def submit(self, text: str, replying_to: str | None = None, submitted_at: str | None = None) -> Turn:
        """Record a turn as pending (save right after: the text is then safe)."""
        if not printable(text).strip():
            raise UsageError("the argument is empty", "type an argument first")
        if replying_to is not None and self.find_counter(replying_to) is None:
            raise UsageError(f"no counter {replying_to!r} in this session")
        turn = Turn(len(self.turns) + 1, text, submitted_at or now_iso(), replying_to)
        self.turns.append(turn)
        return turn

    def complete(self, turn: Turn, counter: CounterResult, check: CheckResult, rubric: Rubric) -> None:
        turn.counter, turn.check, turn.rubric = counter, check, rubric
        turn.status, turn.error = "done", None

    def fail(self, turn: Turn, message: str) -> None:
        turn.status, turn.error = "failed", message

    @property
    def pending(self) -> list[Turn]:
        return [t for t in self.turns if t.status == "pending"]

    @property
    def done_turns(self) -> list[Turn]:
        return [t for t in self.turns if t.status == "done"]

    def find_counter(self, counter_id: str) -> Counter | None:
        for turn in self.turns:
            for card in turn.counters:
                if card.id == counter_id:
                    return card
        return None

    # --- serialisation

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "created": self.created,
            "motion": self.motion,
            "motion_statement": self.motion_statement,
            "side": self.side,
            "turns": [t.to_dict() for t in self.turns],
            "updated": self.updated,
            "finished": self.finished,
        }

    @classmethod
    def from_dict(cls, data: Any, where: str = "a session", path: str = "") -> "Session":
        """Checked field by field: SchemaError names `where` (the file) and the first field that does not fit."""
        return from_dict(cls, data, where, path)
