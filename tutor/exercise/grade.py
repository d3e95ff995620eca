"""The exercise grade: the rubric of every round, with the focus fallacies weighing double.

Computed from the session's own JSON (`Session.to_dict()`), so it reads a
submission file as it was written. For each done turn:

- relevance: the rubric's relevance score (0..1);
- reasons: the rubric's reasons-and-evidence score (0..1);
- fallacies: 1 - 0.34 per finding of another type - 0.68 per finding of a
  focus type, at least 0;
- answered (only for a turn that rebuts a counter): 1 if it engages the
  counter, else the rubric's similarity score.

A turn's score is the mean of its parts; the grade is the sum of the turn
scores over the exercise's number of rounds, as a percentage (a round not
argued counts 0). Late turns are marked in the timings, not penalised.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable

FINDING_COST = 0.34
FOCUS_COST = 0.68


@dataclass(frozen=True)
class TurnGrade:
    turn: int
    score: float
    relevance: float
    reasons: float
    fallacies: float
    answered: float | None
    focus_findings: int
    other_findings: int


@dataclass(frozen=True)
class Grade:
    score: float  # 0..100
    rounds: int
    rounds_done: int
    focus_findings: int
    other_findings: int
    focus_by_type: dict[str, int] = field(default_factory=dict)
    turns: list[TurnGrade] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def turn_findings(turn: dict[str, Any]) -> list[dict[str, Any]]:
    check = turn.get("check") or {}
    return list(check.get("findings") or []) + list(check.get("debate_findings") or [])


def focus_first(findings: Iterable[Any], focus: Iterable[str], type_of: Any = None) -> list[Any]:
    """Findings of a focus type first (in the focus list's order), then the rest as they were."""
    order = {name: rank for rank, name in enumerate(focus)}
    type_of = type_of or (lambda f: f.get("type") if isinstance(f, dict) else getattr(f, "type", None))
    items = list(findings)
    return sorted(items, key=lambda f: order.get(type_of(f), len(order)))


def _score(item: Any) -> float:
    try:
        return max(0.0, min(1.0, float((item or {}).get("score") or 0.0)))
    except (TypeError, ValueError):
        return 0.0


def grade(session: dict[str, Any], rounds: int, focus: Iterable[str]) -> Grade:
    """The grade of a session (as `Session.to_dict()` writes it) for an exercise of `rounds` rounds."""
    focus = set(focus)
    turns: list[TurnGrade] = []
    focus_types: Counter[str] = Counter()
    other_total = 0
    for turn in session.get("turns") or []:
        if turn.get("status") != "done":
            continue
        rubric = turn.get("rubric") or {}
        found = [str(f.get("type")) for f in turn_findings(turn)]
        in_focus = [t for t in found if t in focus]
        focus_types.update(in_focus)
        other = len(found) - len(in_focus)
        other_total += other
        fallacies = max(0.0, 1.0 - FINDING_COST * other - FOCUS_COST * len(in_focus))
        parts = [_score(rubric.get("relevance")), _score(rubric.get("reasons")), fallacies]
        answered = None
        if rubric.get("answered"):
            answered = 1.0 if rubric["answered"].get("engaged") else _score(rubric["answered"])
            parts.append(answered)
        turns.append(TurnGrade(int(turn.get("number") or 0), round(sum(parts) / len(parts), 3), parts[0], parts[1],
                               round(fallacies, 3), answered, len(in_focus), other))
    done = turns[:rounds]
    total = sum(t.score for t in done) / rounds if rounds else 0.0
    return Grade(round(100 * total, 1), rounds, len(done), sum(focus_types.values()), other_total,
                 dict(sorted(focus_types.items(), key=lambda kv: (-kv[1], kv[0]))), turns)
