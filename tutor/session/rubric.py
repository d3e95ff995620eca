"""The rubric for one turn: plain functions of the core API's results, every
score with the evidence for it, so each number can be explained to a student."""

from __future__ import annotations

import re
from typing import Any

# Rubric thresholds (all shown to the student next to the numbers).
RELEVANCE_ON = 0.45  # similarity to the motion's claims: on the motion
RELEVANCE_PARTLY = 0.3
ENGAGED = 0.4  # similarity between a rebuttal and the counter it answers
SHARED_WORDS = 3  # or this many content words in common

_STOPWORDS = frozenset(
    "a an the and or but if so of to in on at by for with from as is are was were be been being it its this that "
    "these those there their they them he she his her we our you your i me my not no do does did have has had "
    "will would can could should may might must just than then also very more most less much many such into "
    "about over only what which who whom why how when where all any some each other because since".split()
)


def content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z][a-z'\-]+", text.lower()) if w not in _STOPWORDS and len(w) > 2}


def rubric(
    text: str,
    counter: dict[str, Any],
    check: dict[str, Any],
    strength: dict[str, Any],
    motion_relevance: float | None,
    answered_counter: dict[str, Any] | None = None,
    engagement: float | None = None,
) -> dict[str, Any]:
    """A short rubric for one turn; every score carries the evidence for it.

    - relevance: the argument's similarity to the motion's claims (the stance
      estimator's relevance); without a motion, the best counter's relevance;
    - reasons: the core's strength score (reasons, evidence, penalties);
    - fallacies: how many findings the checker reported on the turn;
    - answered: for a rebuttal, whether it engages the counter it answers
      (embedding similarity, or shared content words).
    """
    counters = counter.get("counters") or []
    if motion_relevance is not None:
        rel = float(motion_relevance)
        rel_basis = f"similarity to the motion's claims {rel:.2f}"
    else:
        rel = max((float(c.get("scores", {}).get("relevance", 0.0)) for c in counters), default=0.0)
        rel_basis = f"no motion; best counter's relevance {rel:.2f}"
    rel_label = "on the motion" if rel >= RELEVANCE_ON else "partly on the motion" if rel >= RELEVANCE_PARTLY else "off the motion"
    findings = (check.get("findings") or []) + (check.get("debate_findings") or [])
    n = len(findings)
    labels = sorted({str(f.get("label") or f.get("type")) for f in findings})
    fallacy_detail = ", ".join(labels) if labels else "none found"
    if check.get("notes") and not findings:
        fallacy_detail += f" ({'; '.join(check['notes'])})"
    result: dict[str, Any] = {
        "relevance": {"score": round(max(0.0, min(1.0, rel)), 3), "label": rel_label, "detail": rel_basis},
        "reasons": {
            "score": round(float(strength.get("score", 0.0)), 3),
            "label": _strength_label(float(strength.get("score", 0.0))),
            "detail": "; ".join(strength.get("reasons") or ["no reason or evidence given"])
            + ("; minus: " + "; ".join(strength["penalties"]) if strength.get("penalties") else ""),
            "reasons": list(strength.get("reasons") or []),
            "penalties": list(strength.get("penalties") or []),
        },
        "fallacies": {
            "count": n,
            "score": round(max(0.0, 1.0 - 0.34 * n), 3),
            "label": "none" if n == 0 else f"{n} found",
            "detail": fallacy_detail,
        },
        "answered": None,
    }
    if answered_counter is not None:
        shared = sorted(content_words(text) & content_words(answered_counter.get("text", "")))
        sim = float(engagement) if engagement is not None else 0.0
        engaged = sim >= ENGAGED or len(shared) >= SHARED_WORDS
        detail = f"similarity to the counter {sim:.2f} (engages at {ENGAGED})"
        if shared:
            detail += f"; shared words: {', '.join(shared[:6])}"
        result["answered"] = {
            "counter": answered_counter.get("id"),
            "score": round(max(0.0, min(1.0, sim)), 3),
            "engaged": engaged,
            "label": "engages the counter" if engaged else "misses the counter",
            "detail": detail,
        }
    return result


def _strength_label(score: float) -> str:
    return "well supported" if score >= 0.6 else "some support" if score >= 0.45 else "bare assertion"
