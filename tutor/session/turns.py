"""Turn orchestration, the session's half: what a turn's feedback is made of.

The core API (`tutor.api.Tutor.run_turn`) runs a turn: it asks these plain
functions which texts the debate check compares, then builds the feedback
from its own results. Nothing here calls the API.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from tutor.results import CheckResult, Counter, CounterResult, Finding, Response
from tutor.session.records import Session, Turn
from tutor.session.rubric import Rubric, rubric


@dataclass
class TurnFeedback:
    """Everything the feedback for one turn needs: counters, the check, the rubric."""

    counter: CounterResult
    check: CheckResult
    rubric: Rubric

    def to_dict(self) -> dict[str, Any]:
        return {"counter": self.counter.to_dict(), "check": self.check.to_dict(), "rubric": self.rubric.to_dict()}

    @classmethod
    def from_dict(cls, data: Any) -> "TurnFeedback":
        """The feedback as `to_dict` wrote it (the shared engine sends it this way)."""
        from tutor.session.records import SessionError

        if not isinstance(data, dict):
            raise SessionError("turn feedback must be an object with counter, check and rubric")
        return cls(CounterResult.from_dict(data.get("counter"), "the feedback's counter"),
                   CheckResult.from_dict(data.get("check"), "the feedback's check"),
                   Rubric.from_dict(data.get("rubric"), "the feedback's rubric"))


def answered_counter(session: Session, turn: Turn) -> Counter | None:
    """The counter card this turn rebuts, if any."""
    return session.find_counter(turn.replying_to) if turn.replying_to else None


def debate_context(session: Session, turn: Turn, answered: Counter | None) -> tuple[list[str], list[str]]:
    """The texts a debate-wide check compares for this turn, and their labels:
    the student's earlier turns, this turn, and the source passage it rebuts."""
    earlier = [t for t in session.done_turns if t is not turn]
    texts = [t.text for t in earlier] + [turn.text]
    labels = [f"your turn {t.number}" for t in earlier] + ["this turn"]
    if answered is not None:
        texts.append(answered.text)
        labels.append(f"source {answered.id}")
    return texts, labels


def involving_this_turn(findings: list[Finding]) -> list[Finding]:
    """Only shifts that involve this turn, so each surfaces once, when it happens."""
    return [f for f in findings if "this turn" in (f.where, f.other_where)]


def turn_feedback(turn: Turn, answered: Counter | None, response: Response, debate_findings: list[Finding]) -> TurnFeedback:
    """The feedback for `turn` from the API's results: the check gains the
    debate findings, and the rubric is computed from all of it."""
    from tutor.strength import argument_strength

    check = replace(response.check, debate_findings=involving_this_turn(debate_findings))
    strength = argument_strength(turn.text, [f.to_dict() for f in check.findings] or None)
    measures = response.measures
    return TurnFeedback(response.counter, check,
                        rubric(turn.text, response.counter, check, strength, measures.motion_relevance, answered,
                               measures.rebuttal_similarity))
