"""The counter-argument engine: passages that oppose the claim the student made.

Nearest neighbours alone hand the student's own claim back (the thread quotes
each claim right before answering it), so ranking combines four signals:

- relevance: cosine similarity to the argument, sharpened by shared rare
  words and, where the corpus has a hand-written argument map (claims.toml),
  by how close the argument is to a claim the passage is known to answer;
- opposition: the passage's stance on the motion against the student's side
  (hand labels where the corpus has them, else the stance estimate), and the
  reply structure: an answer to a passage that makes the student's claim;
- strength: reasons and evidence, minus fallacies, insults and bare questions;
- diversity: maximal marginal relevance, no near-duplicates, never the
  student's own claim handed back.

Two stages: those signals (without excluding the student's own side) find
the top `rerank_n` candidates; the learned relation model (tutor.relation)
reads (argument, candidate) and reranks them by P(attacks) against
P(supports). A passage the model says supports the argument is never
returned; one on the student's side of the motion is returned only when the
model says it attacks this specific claim. Strength and MMR diversity act on
the reranked list. Without the relation model (the engine option
`relation=None`, or a missing or damaged artefact, with a note) the engine
ranks as before: the opposite side only, by the hand-set score.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from tutor.corpus.segment import sentence_spans
from tutor.errors import UsageError
from tutor.index import LoadedIndex
from tutor.lexical import BM25
from tutor.motions import SIDES, Motion, ad_hoc_motion, find_motion
from tutor.results import MAX_K, Claim, Counter, CounterResult, Finding, RelationInfo, Scores, Source, Why
from tutor.search import source_of
from tutor.stance import RELEVANCE_FLOOR, StanceEstimate, StanceModel, relation_stance
from tutor.strength import Strength, argument_strength
from tutor.text import embeddable, language_note, require_argument, shorten

OWN_CLAIM = 0.9  # this similar to the argument, a passage is the student's own claim back
NEAR_DUPLICATE = 0.9
MMR_LAMBDA = 0.9
POOL = 60  # candidates considered for the final selection
OPPOSITION = {"neutral": 0.3, "unknown": 0.5, "unlabelled": 0.4}
W_LEXICAL = 0.45  # weight of normalised BM25 beside cosine similarity
W_REPLY = 0.3  # bonus for answering a passage that makes the student's claim
W_STRENGTH = 0.12
W_MAP = 2.0  # weight of the argument map's match (a passage answers a claim like the student's)
MAP_FLOOR, MAP_SPAN = 0.45, 0.3  # map similarity below the floor is no evidence; floor + span is full evidence
# The reranker (chosen on the counter evaluation's dev split: tests/eval/tune_rerank.py, README.md).
# With the provisional relation artefact its P(attacks)/P(supports) weights are best at 0 on dev;
# rerun the tuning when the artefact is retrained.
RERANK_N = 20  # candidates the relation model reads
W_FIRST = 1.0  # the first stage's score, scaled to the candidates' best
W_ATTACKS = 0.0  # P(attacks) of (argument, passage)
W_SUPPORTS = 0.0  # P(supports), subtracted
W_SIDE = 0.3  # the passage's stance on the motion against the student's side (1 opposite, 0 same)
SAME_SIDE_ATTACK = 0.6  # a passage on the student's side is admitted only with P(attacks) at least this
FIRST_SAME_SIDE = 0.0  # the first stage's opposition for a passage on the student's side (not excluded)
NAME_FLOOR = 0.55  # a `why` names the answered claim only when it is at least this close to the argument
MAX_CLAIM = 400  # characters: a main claim is a sentence, not a whole unpunctuated text

_UNDERCUT = re.compile(
    r"(doesn't mean|does not mean|not necessarily|conflat\w*|analogy|does not follow|doesn't follow|"
    r"exceptions? don't|correlation|you cannot point|can't point|double standard|it's not|isn't real|"
    r"no meaning|is broken|the point is)",
    re.I,
)
_CONCLUSION = re.compile(r"\b(so|therefore|thus|hence|which means|that's why|that is why|this shows|clearly)\b", re.I)


def opposite(side: str) -> str:
    return "con" if side == "pro" else "pro"


@dataclass
class Argument:
    text: str  # as given
    clean: str  # what the model read
    vector: np.ndarray
    notes: list[str]


class CounterEngine:
    """`relation`: a relation model (score/warm), "auto" to load the shipped one
    on first use (falling back, with a note, when it is missing or damaged), or
    None for the first stage alone."""

    def __init__(self, index: LoadedIndex, embedder: Any, motions: list[Motion], relation: Any = None,
                 rerank_n: int = RERANK_N) -> None:
        self.index = index
        self._relation = relation
        self.relation_note: str | None = None
        self.rerank_n = rerank_n
        self._model_stances: dict[str, dict[int, str]] = {}
        self.embedder = embedder
        self.motions = motions
        self.passages = index.passages
        self.vectors = index.vectors()
        self.strengths: list[Strength] = [
            argument_strength(p.text, f) for p, f in zip(self.passages, index.findings)
        ]
        self._strength = np.array([s.score for s in self.strengths])
        self._lexical = BM25([p.text for p in self.passages])
        # A corpus labelled by hand: a passage without a label on a motion does not bear on it.
        self._hand_labelled = [bool(p.stance) for p in self.passages]
        self._reply_rows = [
            [r for r in (index.row(t) for t in p.reply_to) if r is not None] for p in self.passages
        ]
        self._map = ArgumentMap(self.passages, index.map_vectors)
        self._stance_models: dict[str, StanceModel] = {}
        self._passage_stances: dict[str, list[str]] = {}

    # --- the relation model -------------------------------------------------------------

    @property
    def relation(self) -> Any:
        """The relation model, or None (no reranker: `relation_note` says why when it failed to load)."""
        if isinstance(self._relation, str):
            from tutor.errors import ModelError

            try:
                from tutor.relation import model as relation_model

                model = relation_model.load(relation_model.ARTEFACT_DIR)
                model.warm([p.text for p in self.passages])
                self._relation = model
            except ModelError as exc:
                self._relation, self.relation_note = None, f"no relation model ({exc.message}): counters ranked without it"
            except Exception as exc:  # a damaged artefact can fail in torch's own ways
                first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                self._relation, self.relation_note = None, f"no relation model ({first}): counters ranked without it"
        return self._relation

    # --- motions and stance ---------------------------------------------------------

    def resolve_motion(self, motion_id: str | None, motion_text: str | None, vector: np.ndarray) -> Motion | None:
        if motion_id and motion_text:
            raise UsageError("give either --motion or --motion-text, not both")
        if motion_text is not None:
            return ad_hoc_motion(motion_text)
        if motion_id:
            return find_motion(self.motions, motion_id)
        best, best_relevance = None, RELEVANCE_FLOOR
        for motion in self.motions:
            relevance = self.stance_model(motion).estimate(vector).relevance
            if relevance > best_relevance:
                best, best_relevance = motion, relevance
        return best

    def stance_model(self, motion: Motion) -> StanceModel:
        if motion.id not in self._stance_models or self._stance_models[motion.id].motion != motion:
            labelled = [(i, p.stance[motion.id]) for i, p in enumerate(self.passages) if motion.id in p.stance]
            rows = [i for i, _ in labelled]
            self._stance_models[motion.id] = StanceModel(
                motion, self.embedder, self.vectors[rows] if rows else None, [s for _, s in labelled]
            )
        return self._stance_models[motion.id]

    def passage_stances(self, motion: Motion) -> list[str]:
        """Hand labels where present ('*' = the corpus's own motion), else estimates
        (the relation model's when it is loaded, else the ridge classifier's)."""
        if self.relation is not None:
            return self.stances_of(motion, range(len(self.passages)))
        key = f"{motion.id}\0{motion.statement}"
        if key not in self._passage_stances:
            model = self.stance_model(motion)
            estimates = model.estimate_many(self.vectors)
            self._passage_stances[key] = [
                p.stance.get(motion.id) or p.stance.get("*") or ("unlabelled" if labelled else est.stance)
                for p, est, labelled in zip(self.passages, estimates, self._hand_labelled)
            ]
        return self._passage_stances[key]

    def stances_of(self, motion: Motion, rows: Any) -> list[str]:
        """Stances of passages `rows`: hand labels where the corpus has them, else the
        relation model's reading of (motion statement, passage), cached per motion."""
        rows = [int(r) for r in rows]
        out: dict[int, str] = {}
        for row in rows:
            passage = self.passages[row]
            label = passage.stance.get(motion.id) or passage.stance.get("*")
            if label or self._hand_labelled[row]:
                out[row] = label or "unlabelled"
        model = self.relation
        if model is None:
            estimated = self.passage_stances(motion)
            return [out.get(r, estimated[r]) for r in rows]
        cache = self._model_stances.setdefault(f"{motion.id}\0{motion.statement}", {})
        missing = [r for r in rows if r not in out and r not in cache]
        if missing:
            for row, relation in zip(missing, model.score(motion.statement, [self.passages[r].text for r in missing])):
                cache[row] = relation_stance(relation).stance
        return [out[r] if r in out else cache[r] for r in rows]

    def argument_stance(self, motion: Motion, argument: "Argument") -> StanceEstimate:
        """The student's side: the ridge classifier where the motion has both sides to fit
        it on, else the relation model's reading of (motion statement, argument)."""
        ridge = self.stance_model(motion)
        if ridge.weights is not None or self.relation is None:
            return ridge.estimate(argument.vector)
        return relation_stance(self.relation.score(motion.statement, [argument.clean])[0])

    # --- the argument ------------------------------------------------------------------

    def read_argument(self, text: str, vector: np.ndarray | None = None) -> Argument:
        """Validate and embed the argument (or take the vector the caller already has)."""
        require_argument(text)
        clean, notes = embeddable(text)
        language = language_note(clean)
        if language:
            notes.append(language)
        if vector is None:
            vector = self.embedder.encode([clean])[0]
        return Argument(text, clean, vector, notes)

    def analyze(self, text: str, motion_id: str | None = None, motion_text: str | None = None,
                findings: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        argument = self.read_argument(text)
        motion = self.resolve_motion(motion_id, motion_text, argument.vector)
        stance = self.argument_stance(motion, argument) if motion else None
        strength = argument_strength(argument.text, findings)
        return {
            "argument": text,
            "motion": motion.to_dict() if motion else None,
            "stance": stance.to_dict() if stance else {"stance": "neutral", "confidence": 0.0, "scores": {}},
            "strength": strength.to_dict(),
            "main_claim": main_claim(text),
            "notes": argument.notes + ([] if motion else ["no motion fits this argument; stance is unknown"])
            + ([self.relation_note] if self.relation_note else []),
        }

    # --- ranking -----------------------------------------------------------------------

    def counter(
        self,
        text: str,
        motion_id: str | None = None,
        side: str | None = None,
        k: int = 5,
        motion_text: str | None = None,
        vector: np.ndarray | None = None,
    ) -> CounterResult:
        """Side and k are checked by the API (tutor.results.check_request)."""
        argument = self.read_argument(text, vector)
        notes = list(argument.notes)
        if k > MAX_K:
            notes.append(f"{k} counters asked for; the tutor shows at most {MAX_K}")
            k = MAX_K
        motion = self.resolve_motion(motion_id, motion_text, argument.vector)
        estimate: StanceEstimate | None = None
        if motion and side is None:
            estimate = self.argument_stance(motion, argument)
            side = estimate.stance if estimate.stance in SIDES else None
            notes.append(
                f"your side was estimated as {estimate.stance} ({estimate.confidence:.0%} confident); pass --side to set it"
            )
        if motion is None:
            notes.append("no motion fits this argument: counters are ranked by relevance and reply structure only")
        claim = main_claim(argument.text)
        model = self.relation
        if self.relation_note:
            notes.append(self.relation_note)
        if model is None:
            selected = self._rank(argument.vector, argument.clean, motion, side, k)
        else:
            selected = self._rerank(model, argument, motion, side, k)
        counters = [self._card(row, parts, argument, motion, side, claim) for row, parts in selected]
        if len(counters) < k:
            notes.append(f"only {len(counters)} passages counter this argument")
        return CounterResult(
            argument=text,
            motion=motion.id if motion else None,
            motion_statement=motion.statement if motion else None,
            side=side,  # type: ignore[arg-type]  # pro, con or None: checked by the API or estimated
            side_estimate=estimate.to_dict() if estimate else None,
            main_claim=Claim(**claim),
            counters=counters,
            notes=notes,
        )

    def _rank(self, vector: np.ndarray, text: str, motion: Motion | None, side: str | None, k: int) -> list[tuple[int, dict[str, Any]]]:
        """The engine without the reranker: the opposite side only, by the hand-set score."""
        relation = self._relations(motion, side)
        dense, own_claim, score, opposition = self._first_stage(vector, text, relation)
        allowed = (dense < OWN_CLAIM) & (own_claim < OWN_CLAIM) & (relation >= 0.0)
        rows = np.flatnonzero(allowed)
        pool = rows[np.argsort(-score[rows])[:POOL]]
        parts = {
            int(row): {"relevance": float(dense[row]), "opposition": float(opposition[row]),
                       "strength": float(self._strength[row]), "score": float(score[row])}
            for row in pool
        }
        chosen = _diverse(pool, score[pool], self.vectors, k)
        return [(row, parts[row]) for row in chosen]

    def candidates(self, argument: Argument, motion: Motion | None, side: str | None,
                   n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The first stage: the top n passages by the hand-set score, the student's side
        not excluded (its opposition is FIRST_SAME_SIDE); the student's own claim never.
        Returns rows, their first-stage score, dense similarity and opposition."""
        relation = self._relations(motion, side, hand_only=True)
        relation = np.where(relation < 0.0, FIRST_SAME_SIDE, relation)
        dense, own_claim, score, opposition = self._first_stage(argument.vector, argument.clean, relation)
        rows = np.flatnonzero((dense < OWN_CLAIM) & (own_claim < OWN_CLAIM))
        rows = rows[np.argsort(-score[rows], kind="stable")[:n]]
        return rows, score[rows], dense[rows], opposition[rows]

    def _rerank(self, model: Any, argument: Argument, motion: Motion | None, side: str | None,
                k: int) -> list[tuple[int, dict[str, Any]]]:
        """The second stage: the relation model reads (argument, candidate); supports never
        pass, the student's side passes only as an attack on this claim; then MMR."""
        rows, first, dense, opposition = self.candidates(argument, motion, side, self.rerank_n)
        if not len(rows):
            return []
        relations = model.score(argument.clean, [self.passages[r].text for r in rows])
        stances = self.stances_of(motion, rows) if motion else ["unknown"] * len(rows)
        attacks = np.array([r.attacks for r in relations])
        supports = np.array([r.supports for r in relations])
        side_term = np.array([_side_value(s, side) for s in stances])
        top = float(first.max())
        score = (W_FIRST * first / (top if top > 0 else 1.0) + W_ATTACKS * attacks - W_SUPPORTS * supports
                 + W_SIDE * side_term)
        keep = np.array([
            r.label != "supports" and (side is None or s != side or (r.label == "attacks" and r.attacks >= SAME_SIDE_ATTACK))
            for r, s in zip(relations, stances)
        ], dtype=bool)
        where = np.flatnonzero(keep)
        parts = {
            int(rows[i]): {"relevance": float(dense[i]), "opposition": float(max(opposition[i], attacks[i])),
                           "strength": float(self._strength[rows[i]]), "score": float(score[i]),
                           "relation": relations[i], "stance": stances[i]}
            for i in where
        }
        chosen = _diverse(rows[where], score[where], self.vectors, k)
        return [(row, parts[row]) for row in chosen]

    def _first_stage(self, vector: np.ndarray, text: str,
                     relation: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per passage: dense similarity, similarity to its own map claim, the hand-set score, opposition."""
        dense = self.vectors @ vector
        lexical = self._lexical.scores(text)
        # Hybrid relevance: the dense topic match, sharpened by shared rare words.
        relevance = dense + W_LEXICAL * lexical / max(float(lexical.max()), 1.0)
        # An answer to a passage that makes the student's claim counters it.
        own_claim, answered = self._map.match(vector)
        claimed = np.maximum(dense, own_claim)
        reply = np.array([max((claimed[t] for t in targets), default=0.0) for targets in self._reply_rows])
        reply_evidence = np.where(reply > dense - 0.1, np.clip((reply - 0.35) / 0.4, 0.0, 1.0), 0.0)
        # The argument map says outright which claims a passage answers: strong
        # relevance evidence; evidence of opposition only where no stance says more.
        map_evidence = np.clip((answered - MAP_FLOOR) / MAP_SPAN, 0.0, 1.0)
        undecided = (relation == OPPOSITION["unknown"]) | (relation == OPPOSITION["unlabelled"])
        map_evidence = np.where(undecided, map_evidence, 0.0)
        # The opposite side is 1.0 already, and the evidence never exceeds it.
        opposition = np.maximum.reduce([relation, reply_evidence, map_evidence])
        relevance = relevance + W_MAP * answered
        score = (relevance + W_REPLY * reply_evidence + W_STRENGTH * self._strength) * (0.35 + 0.65 * opposition)
        return dense, own_claim, score, opposition

    def _relations(self, motion: Motion | None, side: str | None, hand_only: bool = False) -> np.ndarray:
        """Per passage: 1 opposite side, 0.3 neutral, 0.5 unknown, -1 same side (excluded).
        `hand_only`: stances from hand labels alone (a passage without one is unknown)."""
        if motion is None or side is None:
            return np.full(len(self.passages), OPPOSITION["unknown"])
        if hand_only:
            stances = np.array([p.stance.get(motion.id) or p.stance.get("*")
                                or ("unlabelled" if labelled else "unknown")
                                for p, labelled in zip(self.passages, self._hand_labelled)])
            other = np.where(stances == "unknown", OPPOSITION["unknown"],
                             np.where(stances == "unlabelled", OPPOSITION["unlabelled"], OPPOSITION["neutral"]))
            return np.where(stances == side, -1.0, np.where(stances == opposite(side), 1.0, other))
        stances = np.array(self.passage_stances(motion))
        other = np.where(stances == "unlabelled", OPPOSITION["unlabelled"], OPPOSITION["neutral"])
        return np.where(stances == side, -1.0, np.where(stances == opposite(side), 1.0, other))

    def _card(self, row: int, parts: dict[str, float], argument: Argument, motion: Motion | None,
              side: str | None, claim: dict[str, Any]) -> Counter:
        passage = self.passages[row]
        stance = parts.get("stance") or (self.stances_of(motion, [row])[0] if motion else "unknown")
        document = self.index.document(passage.doc)
        source = Source(**source_of(self.index, row), kind=document.get("kind", ""), speaker=passage.speaker,
                        role=passage.role, attribution=document.get("attribution", ""))
        return Counter(
            id=passage.id,
            text=passage.text,
            source=source,
            stance=stance,
            score=round(parts["score"], 4),
            scores=Scores(*(round(parts[k], 4) for k in ("relevance", "opposition", "strength"))),
            strength=Strength(round(self.strengths[row].score, 3), list(self.strengths[row].reasons),
                              list(self.strengths[row].penalties)),  # as its JSON says, and a copy
            why=self._why(row, parts, motion, side, claim, argument.vector),
            fallacies=[Finding.from_dict(f) for f in self.index.findings[row]],
            relation=_relation_info(parts.get("relation")),
        )

    def _why(self, row: int, parts: dict[str, float], motion: Motion | None, side: str | None,
             claim: dict[str, Any], vector: np.ndarray) -> Why:
        passage = self.passages[row]
        text = passage.text
        mapped = self._map.best_attack(vector, row, NAME_FLOOR)
        answers = passage.attacks[mapped] if mapped is not None else None
        relation = parts.get("relation")
        if answers:
            how = answers["how"]  # the hand-written map says how, where it names the claim
        elif relation is not None and relation.label == "attacks":
            how = relation.kind
        elif _UNDERCUT.search(text):
            how = "undercuts"
        elif self.strengths[row].reasons and any("figure" in r or "example" in r for r in self.strengths[row].reasons):
            how = "counter-example"
        else:
            how = "rebuts"
        verb = {"rebuts": "Rebuts", "undercuts": "Undercuts the reasoning behind", "counter-example": "Offers a counter-example to"}[how]
        claim_text = shorten(claim["text"], 90)
        sentence = f'{verb} your claim "{claim_text}"'
        stance = parts.get("stance")
        if motion and side and relation is None:
            sentence += f": it argues the {opposite(side)} side of \u201c{motion.statement.rstrip('.')}\u201d"
        elif motion and side and stance == side:
            sentence += ", though it takes your side of the motion"
        replied = [self.passages[t] for t in self._reply_rows[row]]
        if answers:
            sentence += f"; it answers the claim “{answers['claim'].rstrip('.')}”"
        elif replied and parts["opposition"] >= 0.6 and (not motion or not side or parts["relevance"] > 0.3):
            sentence += f", answering a post that makes a similar point (line {replied[0].line})"
        return Why(attacks=claim_text, how=how, text=sentence + ".", answers=answers["claim"] if answers else None)


def _side_value(stance: str, side: str | None) -> float:
    """A passage's stance on the motion against the student's side: 1 opposite, 0 the same."""
    if side is None or stance in ("unknown", "unlabelled"):
        return OPPOSITION["unknown"]
    if stance == side:
        return 0.0
    return 1.0 if stance == opposite(side) else OPPOSITION["neutral"]


def _relation_info(relation: Any) -> RelationInfo | None:
    if relation is None:
        return None
    return RelationInfo(label=relation.label, kind=relation.kind if relation.label == "attacks" else None,
                        probabilities={"attacks": round(relation.attacks, 3), "supports": round(relation.supports, 3),
                                       "unrelated": round(relation.unrelated, 3)})


class ArgumentMap:
    """The corpus's hand-written argument map, matched against the student's argument.

    Rows of `vectors` follow Passage.map_sentences: each passage's own claim
    (if it has one), then the claims it answers.
    """

    def __init__(self, passages: list[Any], vectors: np.ndarray | None) -> None:
        self.size = len(passages)
        self.vectors = vectors
        owners, slots = [], []  # per map row: its passage, and which attack (-1: the passage's own claim)
        for row, passage in enumerate(passages):
            if passage.claim:
                owners.append(row)
                slots.append(-1)
            owners += [row] * len(passage.attacks)
            slots += range(len(passage.attacks))
        self._owners = np.array(owners, dtype=np.int64)
        self._slots = np.array(slots, dtype=np.int64)
        self._is_claim = self._slots < 0

    def match(self, vector: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per passage: similarity of the argument to its own claim, and to the closest claim it answers."""
        own, answered = np.zeros(self.size), np.zeros(self.size)
        if self.vectors is None or not len(self.vectors):
            return own, answered
        similarity = self.vectors @ vector
        np.maximum.at(own, self._owners[self._is_claim], similarity[self._is_claim])
        np.maximum.at(answered, self._owners[~self._is_claim], similarity[~self._is_claim])
        return own, answered

    def best_attack(self, vector: np.ndarray, row: int, floor: float) -> int | None:
        """Index into passages[row].attacks of the answered claim closest to the argument, if at least floor."""
        if self.vectors is None:
            return None
        rows = np.flatnonzero((self._owners == row) & ~self._is_claim)
        if not len(rows):
            return None
        similarity = self.vectors[rows] @ vector
        best = int(np.argmax(similarity))
        return int(self._slots[rows[best]]) if similarity[best] >= floor else None


def _diverse(pool: np.ndarray, scores: np.ndarray, vectors: np.ndarray, k: int) -> list[int]:
    """Maximal marginal relevance over the pool; near-duplicates never both."""
    if not len(pool):
        return []
    pooled = vectors[pool]
    overlap = np.zeros(len(pool))
    open_ = np.ones(len(pool), dtype=bool)
    chosen: list[int] = []
    while open_.any() and len(chosen) < k:
        value = np.where(open_, MMR_LAMBDA * scores - (1 - MMR_LAMBDA) * overlap, -np.inf)
        best = int(np.argmax(value))
        chosen.append(int(pool[best]))
        overlap = np.maximum(overlap, pooled @ pooled[best])  # k mat-vecs: cheaper than one small gemm
        open_ &= overlap < NEAR_DUPLICATE
    return chosen


def main_claim(text: str) -> dict[str, Any]:
    """The sentence that states the argument's conclusion, with its offsets.

    A sentence marked as a conclusion ("so", "therefore") wins; else the first
    sentence that is not a question. A sentence is at most MAX_CLAIM characters: text with no sentence
    punctuation is cut at the last word boundary before that, not quoted whole.
    """
    sentences = sentence_spans(text) or []
    if not sentences:
        stripped = text.strip()
        start = text.find(stripped) if stripped else 0
        return _claim(text, start, start + len(stripped))
    statements = [s for s in sentences if not text[s.start : s.end].rstrip().endswith("?")] or sentences
    marked = [s for s in statements if _CONCLUSION.search(text[s.start : s.end])]
    chosen = marked[0] if marked and len(statements) > 1 else statements[0]
    return _claim(text, chosen.start, chosen.end)


def _claim(text: str, start: int, end: int) -> dict[str, Any]:
    if end - start > MAX_CLAIM:
        head = text[start : start + MAX_CLAIM]
        cut = max(head.rfind(" "), head.rfind("\n"), head.rfind("\t"))
        end = start + (cut if cut > MAX_CLAIM // 2 else MAX_CLAIM)
        while end > start + 1 and text[end - 1].isspace():
            end -= 1
    return {"text": text[start:end], "start": start, "end": end}
