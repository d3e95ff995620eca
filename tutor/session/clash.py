"""The clash tracker: every counter shown so far, like a debater's flow sheet."""

from __future__ import annotations

from typing import Any

from tutor.session.records import Session, Turn


def clash(session: Session) -> list[dict[str, Any]]:
    """Every counter shown so far, like a debater's flow sheet.

    status: "answered" (a later turn replied to it), "open" (shown by the latest
    turn, can still be answered) or "dropped" (an earlier turn moved on without
    answering it, or the session is finished).
    """
    done = session.done_turns
    latest = done[-1].number if done else 0
    answers: dict[str, Turn] = {}
    for turn in session.turns:
        if turn.replying_to and turn.replying_to not in answers:
            answers[turn.replying_to] = turn
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for turn in done:
        for rank, card in enumerate(turn.counters, start=1):
            if not card.id or card.id in seen:
                continue
            seen.add(card.id)
            answer = answers.get(card.id)
            engaged = None
            if answer is not None:
                status = "answered"
                engaged = answer.rubric.answered.engaged if answer.rubric and answer.rubric.answered else None
            elif turn.number < latest or session.finished:
                status = "dropped"
            else:
                status = "open"
            rows.append({
                "id": card.id,
                "shown_in": turn.number,
                "rank": rank,
                "text": card.text,
                "source": f"{card.source.title or card.source.doc}, line {card.source.line}",
                "stance": card.stance,
                "status": status,
                "answered_by": answer.number if answer is not None else None,
                "engaged": engaged,
            })
    return rows
