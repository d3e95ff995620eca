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
            cid = card.get("id")
            if not cid or cid in seen:
                continue
            seen.add(cid)
            answer = answers.get(cid)
            engaged = None
            if answer is not None:
                status = "answered"
                engaged = ((answer.rubric or {}).get("answered") or {}).get("engaged")
            elif turn.number < latest or session.finished:
                status = "dropped"
            else:
                status = "open"
            source = card.get("source") or {}
            rows.append({
                "id": cid,
                "shown_in": turn.number,
                "rank": rank,
                "text": card.get("text", ""),
                "source": f"{source.get('title', source.get('doc', ''))}, line {source.get('line', '?')}",
                "stance": card.get("stance"),
                "status": status,
                "answered_by": answer.number if answer is not None else None,
                "engaged": engaged,
            })
    return rows
