"""Check a text for fallacies: rules mark spans, a classifier on the sentence
embeddings weighs them, and a finding is reported only above its type's
threshold (precision first; "no fallacy found" is the normal answer).

Every offset is into the original text: units come from the offset-exact
sentence splitter and nothing is normalised before matching.
"""

from __future__ import annotations

import re
from typing import Any, Sequence

import numpy as np

from tutor.corpus.segment import Span, sentence_spans
from tutor.errors import ModelError, UsageError
from tutor.fallacy import equivocation as eq
from tutor.fallacy import model as fmodel
from tutor.fallacy.catalog import get_type
from tutor.fallacy.rules import RuleHit, rule_hits
from tutor.results import Finding

MAX_UNIT_CHARS = 400  # longer "sentences" (no punctuation) are cut at whitespace
DEFAULT_THRESHOLD = 0.6
EQUIVOCATION_THRESHOLD = 0.7
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


def _clip(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


_NOT_NOUN = r"(?!(?:is|are|was|were|has|have|had|should|can|will|would|and|but|so|because|that|which|like)\b)"
_TARGET = re.compile(
    r"\b((?:your|his|her|their|the)\s+(?:[\w-]+\s+){0,2}?(?:argument|analogy|point|claim|view|opinion|post|analysis|"
    r"examples?|figures|numbers|plan|report|study|case|criticism|complaint|advice|review|account|warning|proposal|"
    r"ramblings))(?:\s+(about|on|of|for|against)\s+(" + _NOT_NOUN + r"[\w'-]+(?:\s+" + _NOT_NOUN + r"[\w'-]+)?))?",
    re.IGNORECASE,
)
_ABOUT = re.compile(r"\b(?:about|on|over|regarding)\s+((?:the\s+)?" + _NOT_NOUN + r"[\w'-]+(?:\s+" + _NOT_NOUN + r"[\w'-]+)?)", re.IGNORECASE)


def _target(sentence: str) -> str:
    """What is being argued about, for 'instead of the claim about X'."""
    match = _TARGET.search(sentence)
    if match:
        what = match.group(1).strip()
        if match.group(3):
            what += f" {match.group(2).lower()} " + match.group(3).strip().rstrip(".,;?!")
        return f'"{_clip(what, 50)}"'
    match = _ABOUT.search(sentence)
    if match:
        return f"the claim about {_clip(match.group(1).strip().rstrip('.,;?!'), 40)}"
    return "the claim itself"


def explain(type_id: str, sentence: str, marker: str | None, subtype: str | None) -> tuple[str, str]:
    """(explanation, suggestion) specific to this sentence."""
    fallacy = get_type(type_id)
    m = f'"{_clip(marker, 60)}"' if marker else None
    s = f'"{_clip(sentence, 90)}"'
    if type_id == "ad_hominem":
        target = _target(sentence)
        if subtype == "circumstantial":
            what = m or "the speaker's motives or situation"
            text = f"It points at the person's motives or situation ({what}) instead of answering {target}; a biased source can still be right."
        else:
            what = m or "an insult"
            text = f"It attacks the person ({what}) instead of the claim: {target} is left unanswered."
        return text, f"Drop the personal remark and show what is wrong with {target}: which premise is false, or which step does not follow."
    templates = {
        "straw_man": f"It restates the other side as {m or s}, a more extreme position than the one argued, and answers that instead.",
        "false_dilemma": f"It offers only two options ({m or s}) when others exist, so the conclusion is forced by leaving them out.",
        "hasty_generalization": f"It makes a sweeping claim ({m or s}) about a whole group or class from few or no cases.",
        "appeal_to_authority": f"It rests the claim on who said it ({m or s}) rather than on evidence, and the person's expertise on this question is not shown.",
        "appeal_to_popularity": f"It treats how many people believe or do something ({m or s}) as proof that it is true or good.",
        "appeal_to_tradition": f"It argues from age or habit ({m or s}): that something has long been done does not show it is right now.",
        "appeal_to_nature": f"It takes 'natural' or 'unnatural' ({m or s}) as proof of good or bad, without showing the actual effects.",
        "appeal_to_emotion": f"It asks for agreement by stirring feeling ({m or s}) in place of reasons for the claim.",
        "slippery_slope": f"It predicts a chain of consequences ({m or s}) without evidence that each step would follow.",
        "tu_quoque": f"It dismisses the point by accusing the speaker of the same thing ({m or s}); inconsistency does not make the point false.",
        "whataboutism": f"It deflects to a different wrong ({m or s}) instead of answering the criticism that was made.",
        "circular_reasoning": f"The reason given restates the conclusion ({m or s}), so the argument assumes what it should prove.",
        "no_true_scotsman": f"It saves a generalization by redefining the group ({m or s}) so counter-examples no longer count.",
        "false_cause": f"It infers cause from sequence or co-occurrence ({m or s}) without ruling out chance or other causes.",
        "false_analogy": f"It compares two things ({m or s}) that differ in exactly the respects the conclusion depends on.",
        "loaded_question": f"The question ({m or s}) presupposes a contested claim, so any direct answer concedes it.",
        "red_herring": f"It brings in a point ({m or s}) that does not bear on the question being argued.",
        "burden_shifting": f"It asks the other side to disprove the claim ({m or s}) instead of supporting it; no disproof is not proof.",
    }
    return templates.get(type_id, f"{fallacy.definition} ({s})"), fallacy.repair


class FallacyChecker:
    """Rules plus a model. By default the model is the fine-tuned one
    (tutor.fallacy.learned), which reads each sentence in its context. Pass
    `classifier` to use the baseline classifier on sentence embeddings instead
    (the old checker, kept for comparison), with `embedder` (anything with
    .encode/.dimension/.name) or a fake one in tests; `thresholds` overrides
    per type; `min_confidence` replaces every type's threshold (a teacher
    trading recall for precision); `learned` passes a loaded model; `wic` a loaded
    word-in-context model (tutor.fallacy.wic) for equivocation, or False for the
    lexicon alone (the default with a baseline classifier, as the old checker had)."""

    def __init__(self, embedder: Any = None, classifier: fmodel.Classifier | None = None,
                 thresholds: dict[str, float] | None = None, check_model_name: bool = True,
                 learned: Any = None, min_confidence: float | None = None, wic: Any = None) -> None:
        if min_confidence is not None and not 0.0 <= min_confidence <= 1.0:
            raise UsageError(f"minimum confidence {min_confidence} is not between 0 and 1", "give a number like 0.7")
        self._embedder = embedder
        self._classifier = classifier
        self._thresholds = dict(thresholds or {})
        self._check_model_name = check_model_name
        self._learned = learned
        self.uses_learned = classifier is None
        self._wic = wic if wic is not None else (None if self.uses_learned else False)
        self.min_confidence = min_confidence

    # -- lazy parts -------------------------------------------------------
    @property
    def learned(self) -> Any:
        """The fine-tuned model, loaded once per process on first use."""
        if self._learned is None:
            from tutor.fallacy import learned

            self._learned = learned.load()
        return self._learned

    @property
    def wic(self) -> Any:
        """The word-in-context model and the base encoder it reads with, or None (lexicon only)."""
        if self._wic is False:
            return None
        if self._wic is None:
            from tutor.fallacy import wic
            from tutor.learn.encoder import load_base

            base = load_base(None)
            self._wic = (wic.load(base_weights_sha256=base.weights_sha256), base)
        elif not isinstance(self._wic, tuple):
            from tutor.learn.encoder import load_base

            self._wic = (self._wic, load_base(None))
        return self._wic

    def ready(self) -> None:
        """Load what checking needs now; ModelError says why it cannot check."""
        if self.uses_learned:
            self.learned
        else:
            self.embedder
        self.wic

    @property
    def classifier(self) -> fmodel.Classifier:
        if self._classifier is None:
            self._classifier = fmodel.load()
        return self._classifier

    @property
    def embedder(self) -> Any:
        if self._embedder is None:
            from tutor.embedding import load_embedder

            self._embedder = load_embedder(self.classifier.manifest.get("model"))
        if self._check_model_name:
            expected = self.classifier.manifest.get("model")
            name = getattr(self._embedder, "name", None)
            if expected and name != expected:
                raise ModelError(
                    f"the fallacy classifier was trained on {expected} embeddings, not {name}",
                    "use the default model or retrain with `python -m tutor.fallacy.baseline_train`",
                )
        return self._embedder

    def threshold(self, type_id: str) -> float:
        if self.min_confidence is not None:
            return self.min_confidence
        if type_id in self._thresholds:
            return self._thresholds[type_id]
        if self.uses_learned and type_id in self.learned.thresholds:
            return float(self.learned.thresholds[type_id])
        if type_id == "equivocation":
            return float(self.classifier.thresholds.get("equivocation", EQUIVOCATION_THRESHOLD))
        return float(self.classifier.thresholds.get(type_id, DEFAULT_THRESHOLD))

    # -- units ------------------------------------------------------------
    def units(self, text: str) -> list[Span]:
        """The sentence units that are classified (only those with letters)."""
        return sentence_units(text)

    # -- checking ---------------------------------------------------------
    def check(self, text: str, unit_vectors: np.ndarray | None = None,
              units: list[Span] | None = None, reply_to: str = "") -> list[Finding]:
        """Findings on `text`; `units` (from `self.units(text)`) spare splitting it again;
        `reply_to` is the text it answers (read as context by the fine-tuned model)."""
        return self.check_many([text], [reply_to], units=[units] if units is not None else None,
                               unit_vectors=[unit_vectors] if unit_vectors is not None else None)[0]

    def check_many(self, texts: Sequence[str], replies: Sequence[str] | None = None, batch_size: int = 16,
                   units: Sequence[list[Span]] | None = None,
                   unit_vectors: Sequence[np.ndarray] | None = None) -> list[list[Finding]]:
        """Check many texts (each with the text it replies to), the model reading them in batches."""
        all_units = list(units) if units is not None else [self.units(t) for t in texts]
        replies = list(replies) if replies is not None else ["" for _ in texts]
        if self.uses_learned:
            probs: list[np.ndarray] = []
            for first in range(0, len(texts), batch_size):
                chunk = range(first, min(len(texts), first + batch_size))
                probs.extend(self.learned.predict(
                    [(texts[i], [(u.start, u.end) for u in all_units[i]], replies[i]) for i in chunk]))
            types = self.learned.types
        else:
            probs = self._baseline_probs(texts, all_units, unit_vectors, batch_size)
            types = tuple(t for t in self.classifier.classes if t != "none")
        results = []
        for text, spans, p in zip(texts, all_units, probs):
            findings = self._findings(text, spans, p, types) if spans else []
            if spans:
                findings.extend(self._equivocations([text], [spans], single=True))
            results.append(sorted(findings, key=lambda f: (f.start, f.end, f.type)))
        return results

    def check_debate(self, texts: Sequence[str]) -> list[Finding]:
        """Equivocation across turns: findings carry the index of the text of each use."""
        for text in texts:
            _require_text(text)
        units = [self.units(t) for t in texts]
        return self._equivocations(list(texts), units, single=False)

    # -- internals --------------------------------------------------------
    def _baseline_probs(self, texts: Sequence[str], all_units: list[list[Span]],
                        given: Sequence[np.ndarray] | None, batch_size: int) -> list[np.ndarray]:
        """The baseline classifier's probabilities per unit (columns: its classes without "none")."""
        if given is None:
            flat = [t[u.start : u.end] for t, spans in zip(texts, all_units) for u in spans]
            encoded = np.asarray(self.embedder.encode(flat, batch_size=64), dtype=np.float32) if flat else None
            vectors, row = [], 0
            for spans in all_units:
                vectors.append(encoded[row : row + len(spans)] if encoded is not None else np.zeros((0, 1)))
                row += len(spans)
        else:
            vectors = [np.asarray(v, dtype=np.float32) for v in given]
        keep = [i for i, c in enumerate(self.classifier.classes) if c != "none"]
        out = []
        for text, spans, v in zip(texts, all_units, vectors):
            if not spans:
                out.append(np.zeros((0, len(keep)), np.float32))
                continue
            if v.ndim != 2 or v.shape[0] != len(spans):
                raise UsageError(
                    f"unit_vectors has shape {v.shape}, expected ({len(spans)}, dimension)",
                    "encode exactly the texts of checker.units(text), in order",
                )
            rules = np.zeros((len(spans), len(fmodel.SENTENCE_TYPES)), dtype=np.float32)
            index = {t: i for i, t in enumerate(fmodel.SENTENCE_TYPES)}
            for row, unit in enumerate(spans):
                for hit in rule_hits(text, unit.start, unit.end):
                    rules[row, index[hit.type]] = 1.0
            out.append(self.classifier.predict_proba(fmodel.features(v, rules))[:, keep])
        return out

    def _findings(self, text: str, units: list[Span], probs: np.ndarray, types: Sequence[str]) -> list[Finding]:
        findings: list[Finding] = []
        for row, unit in enumerate(units):
            hits = None
            for col, type_id in enumerate(types):
                p = float(probs[row, col])
                if p < self.threshold(type_id):
                    continue
                hits = rule_hits(text, unit.start, unit.end) if hits is None else hits
                findings.append(self._finding(text, unit, type_id, p, [h for h in hits if h.type == type_id]))
        return findings

    def _finding(self, text: str, unit: Span, type_id: str, p: float, hits: list[RuleHit]) -> Finding:
        sentence = text[unit.start : unit.end]
        hit = max(hits, key=lambda h: h.end - h.start) if hits else None
        marker = None
        subtype = None
        if hit is not None:
            marker = {"start": hit.start, "end": hit.end, "quote": text[hit.start : hit.end], "rule": hit.rule}
            subtype = hit.subtype
        if type_id == "ad_hominem" and subtype is None:
            subtype = "abusive"
        explanation, suggestion = explain(type_id, sentence, marker["quote"] if marker else None, subtype)
        return Finding(
            type=type_id, label=get_type(type_id).label, start=unit.start, end=unit.end, quote=sentence,
            confidence=p, explanation=explanation, suggestion=suggestion,
            subtype=subtype if type_id == "ad_hominem" else None, marker=marker,
        )

    def _equivocations(self, texts: list[str], units: list[list[Span]], single: bool) -> list[Finding]:
        """Shifts the lexicon sees (two clearly signalled senses), then those the word-in-context
        model sees (any repeated key term whose two uses read as different senses)."""
        uses: list[eq.Use] = []
        for index, (text, spans) in enumerate(zip(texts, units)):
            uses.extend(eq.find_uses(text, spans, index))
        threshold = self.threshold("equivocation")
        findings = []
        flagged = set()
        for shift in eq.find_shifts(uses):
            if shift.confidence < threshold:
                continue
            flagged.add(shift.term)
            a, b = shift.first, shift.second
            findings.append(self._shift_finding(texts, single, shift.term, a, b, a.sense, b.sense, shift.confidence))
        if self.wic is not None:
            model, base = self.wic
            # P(same) below the model's flagging threshold; --min-confidence X asks P(different) >= X
            below = model.shift_threshold if self.min_confidence is None else 1.0 - self.min_confidence
            candidates = {t: c for t, c in eq.candidate_uses(texts, units, uses, model.vocabulary).items() if t not in flagged}
            for shift in eq.find_context_shifts(texts, candidates, model, base, below):
                a, b = shift.first, shift.second
                senses = [c.sense or eq.gloss(texts[c.text_index], c) for c in (a, b)]
                findings.append(self._shift_finding(texts, single, shift.term, a, b, senses[0], senses[1],
                                                    1.0 - shift.same_sense))
        return findings

    def _shift_finding(self, texts: list[str], single: bool, term: str, a: Any, b: Any, sense_a: str, sense_b: str,
                       confidence: float) -> Finding:
        ta, tb = texts[a.text_index], texts[b.text_index]
        qa, qb = ta[a.start : a.end], tb[b.start : b.end]
        where = "" if single else (" in the same text" if a.text_index == b.text_index else f" (text {a.text_index} and text {b.text_index})")
        explanation = (
            f'The key term "{term}" shifts meaning{where}: "{_clip(qa, 40)}" is used {_as(sense_a)}, '
            f'but "{_clip(qb, 40)}" {_as(sense_b)}; a step that holds for one sense is applied to the other.'
        )
        return Finding(
            type="equivocation", label=get_type("equivocation").label, start=a.start, end=a.end, quote=qa,
            confidence=confidence, explanation=explanation,
            suggestion=f'Define "{term}" once and keep to it, or use separate words for the two senses and check each step again.',
            text_index=None if single else a.text_index,
            other={"start": b.start, "end": b.end, "quote": qb, "sense": sense_b, "text_index": b.text_index},
            senses=[sense_a, sense_b],
        )


def _as(sense: str) -> str:
    """'as coercion (...)' for a named sense; a gloss already reads 'as in "..."'."""
    return sense if sense.startswith("as in ") else f"as {sense}"


def sentence_units(text: str) -> list[Span]:
    """The sentence units of `text` that are classified (only those with letters)."""
    _require_text(text)
    out: list[Span] = []
    for span in sentence_spans(text):
        for piece in _cut(text, span):
            if _LETTER.search(text, piece.start, piece.end):
                out.append(piece)
    return out


def _require_text(text: Any) -> None:
    if not isinstance(text, str):
        raise UsageError(f"expected text, got {type(text).__name__}", "pass a string")


def _cut(text: str, span: Span) -> list[Span]:
    """Split an over-long unit at whitespace so each piece is at most MAX_UNIT_CHARS."""
    if span.end - span.start <= MAX_UNIT_CHARS:
        return [span]
    pieces: list[Span] = []
    start = span.start
    while start < span.end:
        stop = min(span.end, start + MAX_UNIT_CHARS)
        if stop < span.end:
            cut = max(text.rfind(" ", start + 1, stop), text.rfind("\n", start + 1, stop))
            if cut > start:
                stop = cut
        piece_start, piece_end = start, stop
        while piece_start < piece_end and text[piece_start].isspace():
            piece_start += 1
        while piece_end > piece_start and text[piece_end - 1].isspace():
            piece_end -= 1
        if piece_end > piece_start:
            pieces.append(Span(piece_start, piece_end))
        start = stop
    return pieces
