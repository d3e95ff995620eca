"""A transparent score for how good a passage is as an argument.

Points for reasons (because, so, therefore), evidence (figures, dates,
named examples) and causal links; deductions for fallacies found in it, for
being only an insult, or only rhetorical questions. Every point comes with a
reason a student can read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tutor.corpus.segment import sentence_spans, word_count

_REASON = re.compile(
    r"\b(because|since|as a result|therefore|thus|hence|so that|which is why|that's why|that is why|the reason|"
    r"so(?! much| many| far| long| what| called)(?=\s+\w+\s+\w+))\b",
    re.I,
)
_CAUSAL = re.compile(r"\b(leads? to|led to|caus(e|es|ed)|drives?|drove|results? in|contribut(e|es|ed) to|allow(s|ed|ing)?|enabl(e|es|ed))\b", re.I)
_EXAMPLE = re.compile(r"\b(for example|for instance|such as|like [A-Z]|e\.g\.|in \d{4})\b")
_FIGURE = re.compile(r"(\$\s?\d|\d+(\.\d+)?\s?%|\b\d{1,3}(,\d{3})+\b|\b\d+(\.\d+)?\s?(million|billion|thousand|yen|dollars)\b|\b(19|20)\d{2}\b|\b(millions|billions|thousands)\b)", re.I)
_INSULT = re.compile(
    r"\b(stupid|idiot\w*|illitera\w*|moron\w*|sheep|dumb|brain-?wash\w*|cuddly little dogs|chihuahuas|"
    r"kicking your own ass|kick your own ass|lolol|lol|shut up|less intelligent|sycophants?|garbage)\b",
    re.I,
)
_PROPER = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-zA-Z\-]+")


@dataclass
class Strength:
    score: float
    reasons: list[str] = field(default_factory=list)
    penalties: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"score": round(self.score, 3), "reasons": self.reasons, "penalties": self.penalties}


def argument_strength(text: str, findings: list[dict[str, Any]] | None = None) -> Strength:
    """Score in 0..1 with the reasons for it."""
    words = word_count(text)
    sentences = sentence_spans(text)
    reasons: list[str] = []
    penalties: list[str] = []
    score = 0.35
    if _REASON.search(text):
        score += 0.15
        reasons.append(f'gives a reason ("{_REASON.search(text).group(0)}")')  # type: ignore[union-attr]
    if _CAUSAL.search(text):
        score += 0.1
        reasons.append("states a causal link")
    if _FIGURE.search(text):
        score += 0.15
        reasons.append(f'cites a figure or date ("{_FIGURE.search(text).group(0).strip()}")')  # type: ignore[union-attr]
    examples = _EXAMPLE.search(text) or (len(set(_PROPER.findall(text))) >= 2)
    if examples:
        score += 0.1
        reasons.append("names concrete examples")
    if words >= 20:
        score += 0.1
        reasons.append("develops the point over several clauses")
    elif words < 8:
        score -= 0.15
        penalties.append("too short to carry a reason")
    questions = [s for s in sentences if text[s.start : s.end].rstrip().endswith("?")]
    if sentences and len(questions) == len(sentences):
        score -= 0.2
        penalties.append("only rhetorical questions, no stated claim")
    insults = _INSULT.findall(text)
    if insults:
        insult_words = sum(word_count(m if isinstance(m, str) else m[0]) for m in insults)
        only_insult = words - insult_words < 12 and not reasons
        score -= 0.3 if only_insult else 0.1
        penalties.append("only an insult" if only_insult else "leans on insults")
    for finding in findings or []:
        weight = float(finding.get("confidence", 0.5))
        score -= 0.15 * weight
        penalties.append(f"{finding.get('label', finding.get('type'))} ({weight:.0%})")
    return Strength(max(0.0, min(1.0, score)), reasons, penalties)
