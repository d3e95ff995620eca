"""The end-of-session summary: rubric over turns, fallacies by type, counters answered and dropped."""

from __future__ import annotations

from collections import Counter as _Counter
from typing import Any

from tutor.session.clash import clash
from tutor.session.records import Session


def summary(session: Session) -> dict[str, Any]:
    done = session.done_turns
    by_type: _Counter[str] = _Counter()
    for turn in done:
        for finding in turn.findings:
            by_type[finding.label or finding.type] += 1
    rows = clash(session)
    return {
        "id": session.id,
        "motion": session.motion,
        "motion_statement": session.motion_statement,
        "side": session.side,
        "turns": len(done),
        "rubric": [
            {
                "turn": t.number,
                "relevance": t.rubric.relevance.score if t.rubric else None,
                "reasons": t.rubric.reasons.score if t.rubric else None,
                "fallacies": t.rubric.fallacies.count if t.rubric else None,
                "answered": t.rubric.answered.engaged if t.rubric and t.rubric.answered else None,
            }
            for t in done
        ],
        "fallacies_by_type": dict(sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0]))),
        "answered": [r for r in rows if r["status"] == "answered"],
        "dropped": [r for r in rows if r["status"] == "dropped"],
        "open": [r for r in rows if r["status"] == "open"],
    }
