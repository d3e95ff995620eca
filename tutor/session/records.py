"""Session records: a debate is a Session of Turns, each with its feedback.

A turn is "pending" the moment it is submitted and "done" (or "failed") when
its feedback arrives; the store saves it at both moments.
"""

from __future__ import annotations

import datetime as _dt
import secrets
from dataclasses import asdict, dataclass, field
from typing import Any

from tutor.errors import TutorError, UsageError
from tutor.text import printable


class SessionError(TutorError):
    """A session file that cannot be read, or a session that does not exist."""

    exit_code = 2


def now_iso() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def new_session_id() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(2)


@dataclass
class Turn:
    number: int
    text: str
    submitted_at: str
    replying_to: str | None = None  # the id of the counter this turn rebuts
    status: str = "pending"  # pending | done | failed
    counter: dict[str, Any] | None = None  # tutor.counter(...) as returned
    check: dict[str, Any] | None = None  # tutor.check(...) as returned
    rubric: dict[str, Any] | None = None
    error: str | None = None

    @property
    def counters(self) -> list[dict[str, Any]]:
        return list((self.counter or {}).get("counters") or [])

    @property
    def findings(self) -> list[dict[str, Any]]:
        check = self.check or {}
        return list(check.get("findings") or []) + list(check.get("debate_findings") or [])

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Turn":
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class Session:
    id: str
    created: str
    motion: str | None = None  # a motion id, or None for a free argument
    motion_statement: str | None = None
    side: str | None = None  # pro | con | None (estimated per turn)
    turns: list[Turn] = field(default_factory=list)
    updated: str = ""
    finished: bool = False

    @classmethod
    def new(cls, motion: str | None = None, motion_statement: str | None = None, side: str | None = None,
            session_id: str | None = None, created: str | None = None) -> "Session":
        if side is not None and side not in ("pro", "con"):
            raise UsageError(f"side must be pro or con (got {side!r})")
        created = created or now_iso()
        return cls(session_id or new_session_id(), created, motion, motion_statement, side, [], created)

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

    def complete(self, turn: Turn, counter: dict[str, Any], check: dict[str, Any], rubric: dict[str, Any]) -> None:
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

    def find_counter(self, counter_id: str) -> dict[str, Any] | None:
        for turn in self.turns:
            for card in turn.counters:
                if card.get("id") == counter_id:
                    return card
        return None

    # --- serialisation

    def to_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in asdict(self).items() if k != "turns"}
        data["turns"] = [t.to_dict() for t in self.turns]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Session":
        turns = [Turn.from_dict(t) for t in data.get("turns", [])]
        known = cls.__dataclass_fields__
        session = cls(**{k: v for k, v in data.items() if k in known and k != "turns"})
        session.turns = turns
        return session
