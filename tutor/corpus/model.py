"""Plain records for documents and passages; JSON in, JSON out, no pickle."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

STANCES = ("pro", "con", "neutral")
ATTACK_KINDS = ("rebuts", "undercuts", "counter-example")


@dataclass(frozen=True)
class Occurrence:
    """One place a passage's text stands in its document (1-based line)."""

    line: int
    start: int
    end: int


@dataclass
class Document:
    id: str
    title: str
    kind: str  # "essay", "forum_thread", "document" or "passages" (a .jsonl file)
    path: str  # relative to the corpus root
    author: str = ""
    attribution: str = ""
    sha256: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    def to_record(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Passage:
    """An argument-sized piece of a document: a claim with its reasons.

    `start`/`end` are character offsets into the document's full text (as read,
    front matter included), so `doc_text[start:end] == text` always holds.
    """

    id: str
    doc: str
    text: str
    line: int
    start: int
    end: int
    lang: str = "en"
    section: str = ""
    occurrences: list[Occurrence] = field(default_factory=list)  # further places, if repeated
    turn: int | None = None
    speaker: str = ""
    role: str = ""  # forum threads: "post", "quote" (an opponent's words quoted) or "reply"
    reply_to: list[str] = field(default_factory=list)
    stance: dict[str, str] = field(default_factory=dict)  # motion id -> pro/con/neutral
    # The corpus's argument map, written by hand (claims.toml): what the passage
    # asserts, and the claims it answers ({"claim": ..., "how": one of ATTACK_KINDS}).
    claim: str = ""
    attacks: list[dict[str, str]] = field(default_factory=list)

    def map_sentences(self) -> list[str]:
        """The argument-map sentences the index embeds: own claim first (if any), then attacks."""
        return ([self.claim] if self.claim else []) + [a["claim"] for a in self.attacks]

    def to_record(self) -> dict[str, Any]:
        record = asdict(self)
        record["occurrences"] = [asdict(o) for o in self.occurrences]
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> "Passage":
        data = dict(record)
        data["occurrences"] = [Occurrence(**o) for o in data.get("occurrences", [])]
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in known})
