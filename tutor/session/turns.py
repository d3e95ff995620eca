"""Turn orchestration: the feedback for one turn, from the core API."""

from __future__ import annotations

from typing import Any

from tutor.session.records import Session, Turn
from tutor.session.rubric import rubric


def debate_findings(tutor: Any, session: Session, turn: Turn, answered: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Equivocations between this turn and the debate so far: the student's
    earlier turns and the source passage it rebuts. Only shifts that involve
    this turn are reported, so each surfaces once, when it happens."""
    earlier = [t for t in session.done_turns if t is not turn]
    texts = [t.text for t in earlier] + [turn.text]
    labels = [f"your turn {t.number}" for t in earlier] + ["this turn"]
    if answered is not None:
        texts.append(answered.get("text", ""))
        labels.append(f"source {answered.get('id')}")
    if len(texts) < 2 or not hasattr(tutor, "check_debate"):
        return []
    found = tutor.check_debate(texts, labels)["findings"]
    return [f for f in found if "this turn" in (f.get("where"), f.get("other_where"))]


def run_turn(tutor: Any, session: Session, turn: Turn, k: int = 5) -> dict[str, Any]:
    """Everything the feedback for one turn needs, from the core API (blocking).

    Returns {"counter", "check", "rubric"}; raises TutorError on bad input.
    """
    from tutor.strength import argument_strength

    answered = session.find_counter(turn.replying_to) if turn.replying_to else None
    result = tutor.respond(turn.text, motion=session.motion, side=session.side, k=k,
                           rebutting=answered["id"] if answered else None)
    counter, check, measures = result["counter"], result["check"], result["measures"]
    check["debate_findings"] = debate_findings(tutor, session, turn, answered)
    strength = argument_strength(turn.text, check.get("findings") or None).to_dict()
    return {
        "counter": counter,
        "check": check,
        "rubric": rubric(turn.text, counter, check, strength, measures["motion_relevance"], answered,
                         measures["rebuttal_similarity"]),
    }
