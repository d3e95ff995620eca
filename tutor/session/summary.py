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
            by_type[str(finding.get("label") or finding.get("type"))] += 1
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
                "relevance": (t.rubric or {}).get("relevance", {}).get("score"),
                "reasons": (t.rubric or {}).get("reasons", {}).get("score"),
                "fallacies": (t.rubric or {}).get("fallacies", {}).get("count"),
                "answered": ((t.rubric or {}).get("answered") or {}).get("engaged"),
            }
            for t in done
        ],
        "fallacies_by_type": dict(sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0]))),
        "answered": [r for r in rows if r["status"] == "answered"],
        "dropped": [r for r in rows if r["status"] == "dropped"],
        "open": [r for r in rows if r["status"] == "open"],
    }
