"""The one core API that the CLI, the TUI and the tests all call.

Results are typed records (tutor.results) with `to_dict()`: the CLI's `--json`
output is that data. A request's side and number of counters are checked here,
once (`check_request`), with messages that name no CLI flag.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from tutor.errors import TutorError
from tutor.index import BuildResult, LoadedIndex, build_index, check_compatible, load_index
from tutor.paths import default_index_dir
from tutor.results import CheckResult, CounterResult, Finding, Measures, Response, check_request
from tutor.text import has_words, limit_input, printable_with_offsets

if TYPE_CHECKING:
    from tutor.session import Session, Turn, TurnFeedback

Step = Callable[[str], None]
RERANK_ENV = "TUTOR_RERANK"


class Tutor:
    """A loaded model and index, ready to search, counter and check."""

    def __init__(self, index: LoadedIndex, embedder: Any, relation: Any = None) -> None:
        """`relation`: the relation model that reranks counters and reads stance ("auto":
        the shipped one, loaded on first use; None: the first stage alone)."""
        check_compatible(index, embedder)
        self.index = index
        self.embedder = embedder
        self.relation = relation
        self._engine: Any = None
        self._checker: Any = None
        self._checker_note: str | None = None

    @classmethod
    def open(cls, index_dir: Path | str | None = None, model: str | None = None, step: Step | None = None,
             rerank: bool | None = None) -> "Tutor":
        """Load the index and the model it was built with; `step` hears each stage.

        `rerank`: rerank counters with the learned relation model (loaded on first
        use). Off unless asked for (or TUTOR_RERANK=1): on the evaluations it does
        not yet beat the engine without it (tests/eval/README.md, issue 20).
        """
        import os

        from tutor.embedding import load_embedder

        if rerank is None:
            rerank = os.environ.get(RERANK_ENV, "") == "1"

        step = step or (lambda _message: None)
        step("reading the index")
        index = load_index(Path(index_dir) if index_dir else default_index_dir())
        step("loading the embedding model")
        embedder = load_embedder(model)
        step("ready")
        return cls(index, embedder, relation="auto" if rerank else None)

    def search(self, text: str, k: int = 5) -> dict[str, Any]:
        from tutor.search import semantic_search

        head, notes = limit_input(text)
        return _with_notes(semantic_search(self.index, self.embedder, head, k), notes)

    @property
    def motions(self) -> list[Any]:
        from tutor.motions import Motion

        return [Motion.from_dict(m) for m in self.index.manifest.motions]

    @property
    def engine(self) -> Any:
        if self._engine is None:
            from tutor.counter import CounterEngine

            self._engine = CounterEngine(self.index, self.embedder, self.motions, relation=self.relation)
        return self._engine

    @property
    def checker(self) -> Any:
        """The fallacy checker, or None when this model's vectors cannot feed it."""
        if self._checker is None and self._checker_note is None:
            from tutor.errors import ModelError
            from tutor.fallacy.checker import FallacyChecker

            checker = FallacyChecker(self.embedder)
            try:
                checker.ready()  # loads the fine-tuned model (or says why it cannot)
                self._checker = checker
            except ModelError as exc:
                self._checker_note = f"no fallacy check: {exc.message}"
        return self._checker

    def warm(self, step: Step | None = None) -> None:
        """Build now what the first turn would build: the counter engine, the checker, the
        relation model and each motion's stance model and passage stances (an engine serving
        many students at once must not build them in several threads together)."""
        step = step or (lambda _message: None)
        engine = self.engine
        step("loading the fallacy checker")
        self.checker
        if isinstance(getattr(engine, "_relation", None), str):  # the relation model loads on first use
            step("loading the relation model")
            engine.relation  # loads it and reads the corpus's passages now (or notes why it cannot)
        for motion in engine.motions:
            engine.passage_stances(motion)

    def _no_check(self, text: str) -> CheckResult:
        return CheckResult(text, [], [self._checker_note or "no fallacy check"])

    def counter(self, text: str, motion: str | None = None, side: str | None = None, k: int = 5,
                motion_text: str | None = None) -> CounterResult:
        """The strongest counter-arguments to `text` (`to_dict()` is the JSON the CLI prints)."""
        check_request(side, k)
        head, notes = limit_input(text)
        return _with_notes(self.engine.counter(head, motion, side, k, motion_text), notes)

    def respond(self, text: str, motion: str | None = None, side: str | None = None, k: int = 5,
                motion_text: str | None = None, rebutting: str | None = None) -> Response:
        """One debate turn: counters, the findings on the student's text, and measures.

        The argument and its sentence units go through the model in one batch,
        so the check costs only its classifier on top of the embedding.
        `measures` holds the argument's similarity to the motion's claims and,
        when it rebuts passage `rebutting`, its similarity to that passage.
        """
        from tutor.text import require_argument

        check_request(side, k)
        require_argument(text)
        text, limited = limit_input(text)
        clean, offsets = printable_with_offsets(text)  # what embeddable() gives the model
        checker = self.checker
        units = checker.units(clean) if checker else []
        # The baseline checker classifies sentence embeddings: encode them in the argument's batch.
        unit_texts = [clean[u.start : u.end] for u in units] if checker and not checker.uses_learned else []
        vectors = self.embedder.encode([clean] + unit_texts)
        counters = self.engine.counter(text, motion, side, k, motion_text, vector=vectors[0])
        if checker is None:
            check = _with_notes(self._no_check(text), limited)
        else:
            answered = self.index.row(rebutting) if rebutting else None
            replying = self.index.passages[answered].text if answered is not None else ""
            given = vectors[1:] if unit_texts else None
            found = checker.check(clean, unit_vectors=given, units=units, reply_to=replying) if units else []
            check = CheckResult(text, [Finding.from_dict(f) for f in _findings_in(text, clean, offsets, found)],
                                list(limited))
        measures = Measures()
        if counters.motion:
            chosen = next(m for m in self.engine.motions if m.id == counters.motion) if not motion_text else None
            if chosen is not None:
                measures.motion_relevance = self.engine.stance_model(chosen).estimate(vectors[0]).relevance
        row = self.index.row(rebutting) if rebutting else None
        if row is not None:
            measures.rebuttal_similarity = float(self.engine.vectors[row] @ vectors[0])
        _with_notes(counters, limited)
        return Response(counters, check, measures)

    def run_turn(self, session: "Session", turn: "Turn", k: int = 5) -> "TurnFeedback":
        """The feedback for one debate turn (blocking): counters, the check on the
        student's text and across the debate so far, and the rubric.

        Raises TutorError on bad input; the session itself is not changed (the
        caller records the result with `session.complete`).
        """
        from tutor.session.turns import answered_counter, debate_context, turn_feedback

        answered = answered_counter(session, turn)
        # A session on a statement of its own (an exercise's) has no motion id: the statement is the motion.
        statement = session.motion_statement if session.motion is None else None
        result = self.respond(turn.text, motion=session.motion, side=session.side, k=k, motion_text=statement,
                              rebutting=answered.id if answered else None)
        texts, labels = debate_context(session, turn, answered)
        return turn_feedback(turn, answered, result, self.check_debate(texts, labels))

    def check_debate(self, texts: list[str], labels: list[str] | None = None) -> list[Finding]:
        """Equivocation across a debate: a key term that shifts meaning between texts.

        `labels` name the texts (e.g. "your turn 2", "source thread:58.1"); each
        finding gets `where` and `other_where` from them.
        """
        checker = self.checker
        if checker is None or len(texts) < 2:
            return []
        labels = labels or [f"text {i + 1}" for i in range(len(texts))]
        findings = checker.check_debate(texts)
        for finding in findings:
            if finding.text_index is not None:
                finding.where = labels[finding.text_index]
            if finding.other:
                finding.other_where = labels[finding.other["text_index"]]
        return findings

    def document_view(self, doc_id: str, motion: str | None = None) -> list[dict[str, Any]]:
        """A document to read whole: who wrote it, then its passages (with stance on
        `motion` and fallacy findings) and the text between them (titles, headings)."""
        from tutor.corpus import open_corpus
        from tutor.index import corpus_root

        index = self.index
        document = index.document(doc_id)
        text = open_corpus(corpus_root(index.manifest)).document_text(doc_id)
        about = document.get("attribution") or (f"By {document['author']}." if document.get("author") else "")
        chunks: list[dict[str, Any]] = [{"kind": "about", "text": about}] if about else []
        rows = sorted((i for i, p in enumerate(index.passages) if p.doc == doc_id), key=lambda i: index.passages[i].start)
        stances = None
        if motion:
            from tutor.motions import find_motion

            stances = dict(zip(rows, self.engine.stances_of(find_motion(self.motions, motion), rows)))
        position = 0
        for row in rows:
            passage = index.passages[row]
            if passage.start < position:
                continue
            if text[position : passage.start].strip():
                chunks.append({"kind": "gap", "text": text[position : passage.start].strip("\n")})
            stance = (stances[row] if stances else None) or passage.stance.get(motion or "", "") or passage.stance.get("*", "")
            chunks.append({"kind": "passage", "id": passage.id, "text": text[passage.start : passage.end],
                           "line": passage.line, "speaker": passage.speaker, "role": passage.role,
                           "stance": stance or "unlabelled", "findings": index.findings[row]})
            position = passage.end
        if text[position:].strip():
            chunks.append({"kind": "gap", "text": text[position:].strip("\n")})
        return chunks

    def analyze(self, text: str, motion: str | None = None, motion_text: str | None = None) -> dict[str, Any]:
        """Stance, strength and main claim of the first MAX_CHARS characters of `text`."""
        head, notes = limit_input(text)
        findings = check_texts([head], self.checker)[0]["findings"] if self.checker and has_words(head) else None
        return _with_notes(self.engine.analyze(head, motion, motion_text, findings), notes)

    def check(self, text: str) -> CheckResult:
        if self.checker is None:
            head, notes = limit_input(text)
            return _with_notes(self._no_check(head), notes)
        return CheckResult.from_dict(check_texts([text], self.checker)[0])


def check_texts(texts: list[str], checker: Any = None) -> list[dict[str, Any]]:
    """Fallacy findings on each text, as `tutor check` prints them: {"text", "findings", "notes"}.

    No index is needed; `checker` defaults to the bundled FallacyChecker. Each
    text is read up to the input limit (a note says so); `text` is the part
    read, a prefix of the text as given, so offsets index both.
    """
    if checker is None:
        from tutor.fallacy.checker import FallacyChecker

        checker = FallacyChecker()
    limited = [limit_input(text) for text in texts]
    cleaned = [printable_with_offsets(head) for head, _ in limited]
    found = checker.check_many([clean for clean, _ in cleaned]) if texts else []
    return [{"text": head, "findings": _findings_in(head, clean, offsets, findings), "notes": notes}
            for (head, notes), (clean, offsets), findings in zip(limited, cleaned, found)]


def _findings_in(text: str, clean: str, offsets: list[int], findings: list[Any]) -> list[dict[str, Any]]:
    """Findings made on `clean` (the text without control characters), with spans into `text`."""
    out = [f.to_dict() for f in findings]
    if clean == text:
        return out
    for data in out:
        for span in (data, data.get("marker"), data.get("other")):
            if span and span.get("end", 0) > span.get("start", 0):
                span["start"], span["end"] = offsets[span["start"]], offsets[span["end"] - 1] + 1
                span["quote"] = text[span["start"] : span["end"]]
    return out


R = TypeVar("R", CounterResult, CheckResult, dict)


def _with_notes(result: R, notes: list[str]) -> R:
    """Put the API's own notes (the input limit) first in a result's notes."""
    if notes:
        if isinstance(result, dict):
            result["notes"] = list(notes) + list(result.get("notes") or [])
        else:
            result.notes = list(notes) + list(result.notes)
    return result


def build_index_with_findings(
    corpus: Path,
    out: Path,
    model: str | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    warn: Callable[[str], None] | None = None,
    findings: bool = True,
) -> BuildResult:
    """Build an index; the fallacy checker's findings are stored with each passage."""
    import time

    from tutor.embedding import load_embedder

    started = time.perf_counter()
    embedder = load_embedder(model)
    annotate, info = (None, {})
    if findings:
        annotate, info = fallacy_annotator(embedder, warn)
    loaded = time.perf_counter() - started
    result = build_index(corpus, out, embedder=embedder, progress=progress, warn=warn,
                         annotate=annotate, annotation_info=info)
    result.seconds += loaded
    result.load_seconds += loaded
    return result


class FallacyAnnotator:
    """Runs the fallacy checker on every passage at index build time.

    A forum reply is checked with the passage it answers as context (the
    fine-tuned model reads "you" and "that" against it); passages arrive in
    document order, so the one answered has been seen.
    """

    def __init__(self, checker: Any) -> None:
        self.checker = checker
        self.wants_span_vectors = not checker.uses_learned
        self._seen: dict[str, str] = {}

    def spans(self, text: str) -> list[tuple[int, int]]:
        return [(u.start, u.end) for u in self.checker.units(text)]

    def annotate(self, passages: list[Any], span_vectors: list[Any] | None) -> list[Any]:
        for p in passages:
            self._seen[p.id] = p.text
        if span_vectors is None:
            replies = [self._seen.get(p.reply_to[0], "") if p.reply_to else "" for p in passages]
            found = self.checker.check_many([p.text for p in passages], replies)
        else:
            found = [self.checker.check(p.text, unit_vectors=v) if len(v) else [] for p, v in zip(passages, span_vectors)]
        return [[f.to_dict() for f in findings] for findings in found]


def fallacy_annotator(embedder: Any, warn: Callable[[str], None] | None = None) -> tuple[Any, dict[str, Any]]:
    """The build's fallacy annotator and what the manifest records of it."""
    from tutor.errors import ModelError
    from tutor.fallacy.checker import FallacyChecker

    checker = FallacyChecker(embedder)
    try:
        checker.ready()
    except ModelError as exc:
        if warn:
            warn(f"no fallacy findings in this index: {exc.message}")
        return None, {"findings": {"skipped": exc.message}}
    manifest = checker.learned.manifest if checker.uses_learned else checker.classifier.manifest
    return FallacyAnnotator(checker), {"findings": {"checker": "tutor.fallacy",
                                                    "model": "fine-tuned" if checker.uses_learned else "baseline",
                                                    "data_sha256": manifest.get("data_sha256", ""),
                                                    "weights_sha256": manifest.get("weights_sha256", ""),
                                                    "format_version": manifest.get("format_version")}}


__all__ = ["Tutor", "TutorError", "build_index_with_findings", "check_texts"]
