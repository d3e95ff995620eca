"""The rubric for one turn: plain functions of the core API's results, every
score with the evidence for it, so each number can be explained to a student."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from tutor.results import CheckResult, Counter, CounterResult
from tutor.schema import at_least, from_dict
from tutor.strength import Strength

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


@dataclass
class Score:
    """One rubric line: a score in 0..1, a label and the evidence for it."""

    score: float
    label: str
    detail: str


@dataclass
class ReasonsScore:
    score: float
    label: str
    detail: str
    reasons: list[str] = field(default_factory=list)
    penalties: list[str] = field(default_factory=list)


@dataclass
class FallaciesScore:
    count: int = field(metadata=at_least(0))
    score: float
    label: str
    detail: str


@dataclass
class AnsweredScore:
    counter: str  # the id of the counter the turn rebuts
    score: float
    engaged: bool
    label: str
    detail: str


@dataclass
class Rubric:
    relevance: Score
    reasons: ReasonsScore
    fallacies: FallaciesScore
    answered: AnsweredScore | None = None  # None: the turn rebuts no counter

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any, where: str = "a rubric") -> "Rubric":
        return from_dict(cls, data, where)


def content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z][a-z'\-]+", text.lower()) if w not in _STOPWORDS and len(w) > 2}


def rubric(
    text: str,
    counter: CounterResult,
    check: CheckResult,
    strength: Strength,
    motion_relevance: float | None,
    answered_counter: Counter | None = None,
    engagement: float | None = None,
) -> Rubric:
    """A short rubric for one turn; every score carries the evidence for it.

    - relevance: the argument's similarity to the motion's claims (the stance
      estimator's relevance); without a motion, the best counter's relevance;
    - reasons: the core's strength score (reasons, evidence, penalties);
    - fallacies: how many findings the checker reported on the turn;
    - answered: for a rebuttal, whether it engages the counter it answers
      (embedding similarity, or shared content words).
    """
    if motion_relevance is not None:
        rel = float(motion_relevance)
        rel_basis = f"similarity to the motion's claims {rel:.2f}"
    else:
        rel = max((float(c.scores.relevance) for c in counter.counters), default=0.0)
        rel_basis = f"no motion; best counter's relevance {rel:.2f}"
    rel_label = "on the motion" if rel >= RELEVANCE_ON else "partly on the motion" if rel >= RELEVANCE_PARTLY else "off the motion"
    findings = check.all_findings
    n = len(findings)
    labels = sorted({f.label or f.type for f in findings})
    fallacy_detail = ", ".join(labels) if labels else "none found"
    if check.notes and not findings:
        fallacy_detail += f" ({'; '.join(check.notes)})"
    score = round(float(strength.score), 3)
    result = Rubric(
        relevance=Score(round(max(0.0, min(1.0, rel)), 3), rel_label, rel_basis),
        reasons=ReasonsScore(
            score, _strength_label(float(strength.score)),
            "; ".join(strength.reasons or ["no reason or evidence given"])
            + ("; minus: " + "; ".join(strength.penalties) if strength.penalties else ""),
            list(strength.reasons), list(strength.penalties),
        ),
        fallacies=FallaciesScore(n, round(max(0.0, 1.0 - 0.34 * n), 3), "none" if n == 0 else f"{n} found",
                                 fallacy_detail),
    )
    if answered_counter is not None:
        shared = sorted(content_words(text) & content_words(answered_counter.text))
        sim = float(engagement) if engagement is not None else 0.0
        engaged = sim >= ENGAGED or len(shared) >= SHARED_WORDS
        detail = f"similarity to the counter {sim:.2f} (engages at {ENGAGED})"
        if shared:
            detail += f"; shared words: {', '.join(shared[:6])}"
        result.answered = AnsweredScore(answered_counter.id, round(max(0.0, min(1.0, sim)), 3), engaged,
                                        "engages the counter" if engaged else "misses the counter", detail)
    return result


def _strength_label(score: float) -> str:
    return "well supported" if score >= 0.6 else "some support" if score >= 0.45 else "bare assertion"
