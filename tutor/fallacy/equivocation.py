"""Equivocation: a key term used in two senses within one text or across a debate.

No single sentence shows it, so this works on all the uses of a term at once.
A small lexicon names, for each ambiguous term, its senses and the words that
signal each sense (in the term's modifier, "military force", or nearby in the
same sentence, "the power to attract"). A use whose sense is signalled
clearly gets that sense; a finding needs two clear uses of the same term
with different senses, at least one of them a bare use whose sense comes from
its context (two fixed compounds like "soft power" and "hard power" are two
terms, not one term shifting). Everything is explainable: the finding names
both senses and quotes both uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tutor.corpus.segment import Span
from tutor.fallacy.wic import SAME_SENSE_THRESHOLD  # noqa: F401  (with same_sense_probability: the pair API)

_I = re.IGNORECASE


@dataclass(frozen=True)
class Sense:
    name: str
    modifiers: tuple[str, ...]  # words right before the term that fix this sense
    cues: tuple[str, ...]  # words in the same sentence that signal it (stems, prefix match)


@dataclass(frozen=True)
class Use:
    term: str
    text_index: int
    start: int
    end: int
    sense: str
    compound: bool
    strength: int
    sentence: Span


LEXICON: dict[str, tuple[str, tuple[Sense, ...]]] = {
    # term: (regex for the term's forms, senses)
    "power": (r"power", (
        Sense("coercion (making others obey by force or threat)",
              ("hard", "military", "coercive", "armed", "naval", "nuclear", "police"),
              ("forc", "coerc", "compel", "obey", "army", "armies", "military", "invad", "weapon", "tank", "gun",
               "sanction", "conquer", "troop", "divisions", "submission", "threat", "punish", "barrel", "control over",
               "dominat", "physical change")),
        Sense("attraction (getting others to want what you want)",
              ("soft", "cultural", "attractive", "moral"),
              ("attract", "admir", "like", "liked", "appeal", "charm", "persua", "popular", "want what", "films",
               "songs", "music", "dramas", "pop culture", "reputation", "love")),
        Sense("electricity or energy supply",
              ("electric", "electrical", "solar", "wind", "nuclear-"),
              ("grid", "plant", "outage", "electric", "watt", "blackout", "socket")),
        Sense("physical strength (of a shot, an engine, a body)",
              ("engine", "muscle", "horse", "staying"),
              ("shot", "shots", "kick", "muscle", "engine", "serve", "punch", "lift")),
        Sense("purchasing power (money to spend)", ("purchasing", "spending", "buying"), ("purchas", "spend", "buy", "income")),
    )),
    "force": (r"forces?", (
        Sense("military force (armies and weapons)", ("military", "armed", "naval", "air", "ground", "brute"),
              ("army", "armies", "military", "troop", "war", "invad", "weapon", "soldier", "hard power", "tank")),
        Sense("economic force (trade, money, sanctions)", ("economic", "market", "financial", "commercial", "technological"),
              ("sanction", "trade", "tariff", "market", "money", "econom", "financ", "technolog")),
        Sense("influence (the pull of ideas, culture or argument)",
              ("cultural", "moral", "transformative", "driving", "creative", "persuasive"),
              ("persua", "idea", "argument", "culture", "debate", "influence", "inspir")),
        Sense("physical force (push or pull in physics)", ("gravitational", "magnetic", "frictional"),
              ("gravity", "newton", "mass", "friction", "push", "pull")),
    )),
    "law": (r"laws?", (
        Sense("law of nature (a regularity that cannot be broken)", ("natural", "physical", "scientific"),
              ("gravity", "physics", "nature", "thermodynamic", "cannot be broken", "impossible")),
        Sense("legal rule (made by people, can be broken and punished)", ("criminal", "traffic", "tax", "speed", "new"),
              ("obey", "court", "punish", "police", "parliament", "illegal", "fine", "speed", "limit", "sign")),
    )),
    "theory": (r"theor(?:y|ies)", (
        Sense("scientific theory (a well-tested explanation)", ("scientific", "established"),
              ("evolution", "relativity", "gravity", "tested", "evidence", "explain", "scien")),
        Sense("guess or hunch", ("just a", "only a", "mere"), ("guess", "hunch", "speculat", "opinion", "just", "only")),
    )),
    "right": (r"rights?", (
        Sense("a right (an entitlement protected by law)", ("human", "civil", "legal", "voting"),
              ("entitle", "law", "free speech", "constitution", "protect", "vote")),
        Sense("morally right (good, correct to do)", ("morally",),
              ("moral", "good", "cruel", "ethical", "should", "wrong", "correct")),
    )),
    "free": (r"free(?:dom)?", (
        Sense("free of cost", ("costs-", ), ("cost", "charge", "price", "pay", "handed out", "gratis", "cheap")),
        Sense("free as in liberty (not controlled)", ("politically-",),
              ("speech", "press", "liberty", "democra", "censor", "control", "constraint", "law", "country")),
    )),
    "light": (r"light", (
        Sense("not heavy", ("feather-",), ("feather", "weigh", "heavy", "carry", "diet", "meal", "calori")),
        Sense("visible light (radiation)", ("sun", "natural", "electric"), ("travel", "speed", "dark", "bright", "sun", "lamp")),
    )),
    "fair": (r"fair", (
        Sense("just (treating everyone equally)", (), ("exam", "treat", "equal", "just", "unbiased", "rule")),
        Sense("fine weather", (), ("weather", "sunny", "mild", "day", "rain")),
    )),
    "natural": (r"natural", (
        Sense("wholesome or healthy", (), ("food", "healthy", "good for", "organic", "diet")),
        Sense("occurring in nature (not made by people)", (), ("earthquake", "disaster", "flood", "volcano", "poison")),
    )),
    "culture": (r"cultures?", (
        Sense("the arts and a people's way of life", ("pop", "popular", "national"), ("art", "music", "film", "tradition", "custom", "people")),
        Sense("a growth of microorganisms", ("bacterial", "live", "yogurt"), ("yogurt", "bacteria", "lab", "petri", "ferment")),
    )),
    "bank": (r"banks?", (
        Sense("a financial institution", ("central", "investment", "savings"), ("money", "deposit", "loan", "account", "interest", "safe place")),
        Sense("the side of a river", ("river", "grassy"), ("river", "sat on", "fish", "grass")),
    )),
    "interest": (r"interest", (
        Sense("money paid on a loan or deposit", ("compound",), ("rate", "loan", "saver", "bank", "mortgage", "percent")),
        Sense("curiosity or concern", ("no", "real"), ("curio", "hobby", "care", "bored", "fascinat")),
    )),
    "strong": (r"strong", (
        Sense("powerful or robust", (), ("currency", "economy", "army", "defence", "leader", "need")),
        Sense("intense in taste or smell", (), ("smell", "taste", "coffee", "cheese", "flavour")),
    )),
    "value": (r"values?", (
        Sense("price or worth in money", ("market", "monetary", "resale"), ("fee", "price", "cost", "money", "cheap", "low")),
        Sense("care and esteem", ("core", "family", "shared"), ("member", "respect", "care", "every", "principle")),
    )),
    "draw": (r"draw", (
        Sense("make a picture", (), ("pencil", "picture", "art", "can draw", "sketch")),
        Sense("reach (a conclusion)", (), ("conclusion", "lesson", "inference")),
    )),
    "press": (r"press(?:ure)?", (
        Sense("the news media", ("free",), ("newspaper", "journal", "media", "freedom of the press", "democracy")),
        Sense("a machine or tool that squeezes", ("flower", "printing", "garlic"), ("flower", "squeeze", "machine")),
        Sense("atmospheric or physical pressure", (), ("weather", "calm", "high pressure", "atmospher")),
    )),
}

def find_uses(text: str, sentences: list[Span], text_index: int = 0) -> list[Use]:
    uses: list[Use] = []
    for sentence in sentences:
        segment = text[sentence.start : sentence.end]
        lower = segment.lower()
        for term, (form, senses) in LEXICON.items():
            for match in re.finditer(rf"\b{form}\b", segment, _I):
                before = lower[max(0, match.start() - 25) : match.start()]
                modifier_match = re.search(r"([a-z-]+)\s*$", before)
                modifier = modifier_match.group(1) if modifier_match else ""
                chosen: tuple[str, bool, int] | None = None
                for sense in senses:
                    if modifier and modifier in sense.modifiers:
                        chosen = (sense.name, True, 3)
                        break
                if chosen is None:
                    # the term's own sentence, with the term itself and fixed compounds blanked out
                    context = lower[: match.start()] + " " + lower[match.end():]
                    context = re.sub(r"\b(soft|hard) power\b", " ", context)
                    scores = []
                    for sense in senses:
                        count = sum(1 for cue in sense.cues if re.search(rf"\b{re.escape(cue)}", context))
                        scores.append((count, sense.name))
                    scores.sort(key=lambda item: -item[0])
                    if scores and scores[0][0] > 0 and (len(scores) == 1 or scores[0][0] > scores[1][0]):
                        chosen = (scores[0][1], False, scores[0][0] - (scores[1][0] if len(scores) > 1 else 0))
                if chosen is None:
                    continue
                start = sentence.start + match.start()
                end = sentence.start + match.end()
                if chosen[1] and modifier_match:
                    start = sentence.start + match.start() - (len(before) - modifier_match.start())
                uses.append(Use(term, text_index, start, end, chosen[0], chosen[1], chosen[2], sentence))
    return uses


@dataclass(frozen=True)
class Shift:
    term: str
    first: Use
    second: Use
    confidence: float


def find_shifts(uses: list[Use]) -> list[Shift]:
    """For each term, the strongest pair of uses in different senses (one of them bare)."""
    shifts: list[Shift] = []
    by_term: dict[str, list[Use]] = {}
    for use in uses:
        by_term.setdefault(use.term, []).append(use)
    for term, group in by_term.items():
        best: Shift | None = None
        best_key: tuple[float, int] = (0.0, 0)
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if a.sense == b.sense or (a.compound and b.compound):
                    continue
                confidence = min(0.95, 0.55 + 0.1 * min(a.strength, 3) + 0.1 * min(b.strength, 3))
                distance = abs(a.text_index - b.text_index) * 10**9 + abs(b.start - a.start)
                key = (confidence, -distance)
                if best is None or key > best_key:
                    best, best_key = Shift(term, a, b, confidence), key
        if best is not None:
            shifts.append(best)
    return shifts


# -- word in context: a repeated key term, judged by its contextual vectors ------------------------
#
# Key terms are the lexicon's and those of the word-in-context training pairs (the terms arguments
# shift on: "theory", "natural", "fair", "average", ...). Any repeated content word was tried too: on
# the shipped thread it flagged about nine sound repetitions ("find", "visit", "example"), so the
# model judges only the vocabulary it was calibrated on.

MAX_TERMS = 40  # repeated terms judged per check
MAX_USES = 6  # uses of one term judged (its first ones)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]")


def term_key(word: str) -> str:
    """The key of a word: lower case, a plural folded to its singular (theories -> theory)."""
    w = word.lower()
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


@dataclass(frozen=True)
class Candidate:
    """One use of a repeated term, with its lexicon sense where the lexicon can tell."""

    term: str
    text_index: int
    start: int
    end: int
    sentence: Span
    sense: str  # a lexicon sense name, or "" (then a gloss from context is shown)
    compound: bool


def candidate_uses(texts: list[str], units: list[list[Span]], lexicon_uses: list[Use],
                   vocabulary: frozenset[str] = frozenset()) -> dict[str, list[Candidate]]:
    """The uses of each key term (the lexicon's or in `vocabulary`) found in at least two sentences."""
    keys = {term_key(t) for t in vocabulary} | set(LEXICON)
    by_span = {(u.text_index, u.end): u for u in lexicon_uses}
    found: dict[str, list[Candidate]] = {}
    sentences: dict[str, set[tuple[int, int]]] = {}
    for index, (text, spans) in enumerate(zip(texts, units)):
        for sentence in spans:
            for match in _WORD.finditer(text, sentence.start, sentence.end):
                word = match.group(0)
                key = term_key(word)
                if key not in keys:
                    continue
                lexical = by_span.get((index, match.end()))
                found.setdefault(key, []).append(Candidate(
                    key, index, match.start(), match.end(), sentence,
                    lexical.sense if lexical else "", bool(lexical and lexical.compound)))
                sentences.setdefault(key, set()).add((index, sentence.start))
    repeated = {k: v[:MAX_USES] for k, v in found.items() if len(sentences[k]) >= 2}
    # the lexicon's terms first, then the most repeated
    order = sorted(repeated, key=lambda k: (k not in LEXICON, -len(found[k]), k))
    return {k: repeated[k] for k in order[:MAX_TERMS]}


@dataclass(frozen=True)
class ContextShift:
    """Two uses of one term that the word-in-context model reads in different senses."""

    term: str
    first: Candidate
    second: Candidate
    same_sense: float  # P(same sense)


def gloss(text: str, use: Candidate, words: int = 3) -> str:
    """A short sense label from context: 'as in "... term ..."'."""
    left = text[use.sentence.start : use.start].split()[-words:]
    right = text[use.end : use.sentence.end].split()[:words]
    phrase = " ".join(left + [text[use.start : use.end]] + right).strip(" ,;:")
    return f'as in "{phrase}"'


def find_context_shifts(texts: list[str], candidates: dict[str, list[Candidate]], model, base,
                        threshold: float) -> list[ContextShift]:
    """Per term, the pair of uses (in different sentences) least likely the same sense, if below `threshold`.

    Every use is read once, in one batched pass of the encoder over all sentences involved.
    """
    from tutor.fallacy.wic import Context, use_states

    flat = [c for group in candidates.values() for c in group]
    if not flat:
        return []
    contexts = [Context(texts[c.text_index][c.sentence.start : c.sentence.end], c.start - c.sentence.start,
                        c.end - c.sentence.start) for c in flat]
    terms, means = use_states(base, contexts)
    position = {id(c): i for i, c in enumerate(flat)}
    pairs, owners = [], []
    for term, group in candidates.items():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if (a.text_index, a.sentence.start) == (b.text_index, b.sentence.start):
                    continue
                if a.compound and b.compound:  # "soft power" and "hard power": two terms, not one shifting
                    continue
                pairs.append((position[id(a)], position[id(b)]))
                owners.append((term, a, b))
    probabilities = model.probabilities(terms, means, pairs)
    best: dict[str, ContextShift] = {}
    for (term, a, b), p in zip(owners, probabilities):
        if p < threshold and (term not in best or p < best[term].same_sense):
            best[term] = ContextShift(term, a, b, float(p))
    return sorted(best.values(), key=lambda s: s.same_sense)


def same_sense_probability(term: str, text_a: str, text_b: str) -> float:
    """P(`term` is used in the same sense in both texts), from the word-in-context model."""
    from tutor.fallacy import wic

    return wic.same_sense_probability(term, text_a, text_b)

