"""Typed results of the core API: what crosses the core, the CLI, the session,
the TUI and the Markdown export.

Each record has `to_dict()` (the JSON the CLI prints with `--json`, unchanged
from the dicts these replace) and `from_dict()` (checked field by field with
`tutor.schema.from_dict`, so a damaged session file is a one-line error).

The counter result's JSON:
`{"argument", "motion", "motion_statement", "side", "side_estimate", "main_claim",
"counters": [{"id", "text", "source": {"doc", "title", "line", "start", "end", ...},
"stance", "score", "scores": {"relevance", "opposition", "strength"}, "strength",
"why", "fallacies": [...], "relation": {"label", "kind", "probabilities"} | null}], "notes"}`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from tutor.errors import UsageError
from tutor.schema import from_dict, non_negative, shown
from tutor.strength import Strength

Side = Literal["pro", "con"]
SIDES: tuple[str, ...] = ("pro", "con")
MAX_K = 50


def check_request(side: Any = None, k: Any = 5) -> None:
    """Validate a request's side and number of counters (UsageError, exit 2).

    The one check the API makes; the CLI calls it too, to fail before the model loads.
    The messages name no CLI flag: the TUI and the API's other callers see them too.
    """
    if side is not None and side not in SIDES:
        raise UsageError(f"the side must be pro or con (got {side!r})")
    if not isinstance(k, int) or isinstance(k, bool):
        raise UsageError(f"the number of counters must be a whole number (got {k!r})")
    if k < 1:
        raise UsageError(f"the number of counters must be at least 1 (got {k})")


@dataclass
class Finding:
    """A fallacy finding: a span of a text, what is wrong with it and how to repair it."""

    type: str
    label: str
    start: int = field(metadata=non_negative())
    end: int = field(metadata=non_negative())
    quote: str
    confidence: float
    explanation: str
    suggestion: str
    subtype: str | None = None
    marker: dict[str, Any] | None = None  # the phrase a rule matched, when one did
    text_index: int | None = field(default=None, metadata=non_negative())  # check_debate: which text
    other: dict[str, Any] | None = None  # equivocation: the second use
    senses: list[str] = field(default_factory=list)
    where: str | None = None  # a debate check: the label of the text it stands in ("this turn")
    other_where: str | None = None  # ... and of the text with the second use

    def validate(self) -> tuple[str, str] | None:
        if self.end < self.start:
            return "end", f"must not be before start ({shown(self.start)}), not {shown(self.end)}"
        return None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "type": self.type,
            "label": self.label,
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
            "confidence": round(float(self.confidence), 3),
            "explanation": self.explanation,
            "suggestion": self.suggestion,
        }
        if self.subtype:
            data["subtype"] = self.subtype
        if self.marker:
            data["marker"] = self.marker
        if self.text_index is not None:
            data["text_index"] = self.text_index
        if self.other:
            data["other"] = self.other
        if self.senses:
            data["senses"] = list(self.senses)
        if self.where is not None:
            data["where"] = self.where
        if self.other_where is not None:
            data["other_where"] = self.other_where
        return data

    @classmethod
    def from_dict(cls, data: Any, where: str = "Finding") -> "Finding":
        return from_dict(cls, data, where)


@dataclass
class Source:
    """Where a passage stands. A counter's source also carries its document's
    kind and attribution and the passage's speaker and role (`kind` not None)."""

    doc: str
    title: str
    line: int
    start: int = field(metadata=non_negative())
    end: int = field(metadata=non_negative())
    kind: str | None = None
    speaker: str | None = None
    role: str | None = None
    attribution: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"doc": self.doc, "title": self.title, "line": self.line, "start": self.start,
                                "end": self.end}
        if self.kind is not None:
            data.update(kind=self.kind, speaker=self.speaker, role=self.role, attribution=self.attribution)
        return data


@dataclass
class Scores:
    relevance: float
    opposition: float
    strength: float

    def to_dict(self) -> dict[str, Any]:
        return {"relevance": self.relevance, "opposition": self.opposition, "strength": self.strength}


@dataclass
class Why:
    """Why a passage counters the argument: the claim it attacks, how, in one sentence."""

    attacks: str
    how: str  # rebuts | undercuts | counter-example
    text: str
    answers: str | None = None  # the argument map's claim it answers, when one fits

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"attacks": self.attacks, "how": self.how, "text": self.text}
        if self.answers is not None:
            data["answers"] = self.answers
        return data


@dataclass
class RelationInfo:
    """What the learned relation model says of (argument, counter): attacks, supports or
    unrelated, the kind of attack (rebuts, undercuts, counter-example; None unless it
    attacks), and the three probabilities."""

    label: Literal["attacks", "supports", "unrelated"]
    kind: str | None
    probabilities: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "kind": self.kind, "probabilities": dict(self.probabilities)}


@dataclass
class Claim:
    """The sentence that states an argument's conclusion, with its offsets."""

    text: str
    start: int = field(metadata=non_negative())
    end: int = field(metadata=non_negative())

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass
class Counter:
    """One counter-argument: a passage of the corpus and why it counters the argument."""

    id: str
    text: str
    source: Source
    stance: str
    score: float
    scores: Scores
    strength: Strength
    why: Why
    fallacies: list[Finding] = field(default_factory=list)
    relation: RelationInfo | None = None  # None: ranked without the relation model (or an older session)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "source": self.source.to_dict(),
            "stance": self.stance,
            "score": self.score,
            "scores": self.scores.to_dict(),
            "strength": self.strength.to_dict(),
            "why": self.why.to_dict(),
            "fallacies": [f.to_dict() for f in self.fallacies],
            "relation": self.relation.to_dict() if self.relation else None,
        }

    @classmethod
    def from_dict(cls, data: Any, where: str = "Counter") -> "Counter":
        return from_dict(cls, data, where)


@dataclass
class CounterResult:
    """The strongest counter-arguments to an argument (`tutor counter --json`)."""

    argument: str
    motion: str | None = None
    motion_statement: str | None = None
    side: Side | None = None
    side_estimate: dict[str, Any] | None = None  # the stance estimate when the side was not given
    main_claim: Claim | None = None
    counters: list[Counter] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "argument": self.argument,
            "motion": self.motion,
            "motion_statement": self.motion_statement,
            "side": self.side,
            "side_estimate": self.side_estimate,
            "main_claim": self.main_claim.to_dict() if self.main_claim else None,
            "counters": [c.to_dict() for c in self.counters],
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: Any, where: str = "CounterResult") -> "CounterResult":
        return from_dict(cls, data, where)


@dataclass
class CheckResult:
    """The fallacy findings on a text (`tutor check --json`); in a debate turn,
    also the findings across the debate so far."""

    text: str
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # why there was no check, when there was none
    debate_findings: list[Finding] | None = None

    @property
    def all_findings(self) -> list[Finding]:
        return list(self.findings) + list(self.debate_findings or [])

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text, "findings": [f.to_dict() for f in self.findings],
                                "notes": list(self.notes)}
        if self.debate_findings is not None:
            data["debate_findings"] = [f.to_dict() for f in self.debate_findings]
        return data

    @classmethod
    def from_dict(cls, data: Any, where: str = "CheckResult") -> "CheckResult":
        return from_dict(cls, data, where)


@dataclass
class Measures:
    """What the rubric needs beyond counters and findings."""

    motion_relevance: float | None = None  # the argument's similarity to the motion's claims
    rebuttal_similarity: float | None = None  # a rebuttal's similarity to the passage it answers

    def to_dict(self) -> dict[str, Any]:
        return {"motion_relevance": self.motion_relevance, "rebuttal_similarity": self.rebuttal_similarity}


@dataclass
class Response:
    """One debate turn's results from the API: counters, the check and the measures."""

    counter: CounterResult
    check: CheckResult
    measures: Measures

    def to_dict(self) -> dict[str, Any]:
        return {"counter": self.counter.to_dict(), "check": self.check.to_dict(), "measures": self.measures.to_dict()}
