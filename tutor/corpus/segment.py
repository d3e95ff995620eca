"""Cutting text into argument-sized passages.

The unit is a claim with its reasons: one to three sentences and at most about
sixty words. Sentences shorter than a claim ("Why?", "Proverb broken.") join a
neighbour, and a short lead-in paragraph ("Once again:") joins the paragraph it
introduces, so no passage is a bare fragment. All spans are offsets into the
original text; nothing here rewrites the text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_SENTENCES = 3
MAX_WORDS = 60
MIN_WORDS = 12  # below this a chunk is a fragment and borrows a neighbour sentence

# A sentence ends at . ! ? (or CJK 。！？) plus closing quotes/brackets, when what
# follows is whitespace or, as in "imagination?Too bad", a capital letter.
_END = re.compile(r"""([.!?]+|[。！？]+)["'”’)\]]*(?=\s|$|[A-Z"“])""")
_ABBREVIATIONS = {
    "e.g", "i.e", "etc", "vs", "mr", "mrs", "ms", "dr", "st", "jr", "sr", "prof",
    "u.s", "u.k", "u.n", "no", "approx", "fig", "inc", "ltd", "co",
}
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def word_count(text: str) -> int:
    cjk = sum(1 for ch in text if _is_cjk(ch))
    # CJK text has no spaces: count roughly two characters a word.
    latin = len(_WORD.findall("".join(" " if _is_cjk(ch) else ch for ch in text)))
    return latin + (cjk + 1) // 2


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (
        0x3040 <= code <= 0x30FF  # kana
        or 0x3400 <= code <= 0x9FFF  # han
        or 0xAC00 <= code <= 0xD7AF  # hangul
        or 0xF900 <= code <= 0xFAFF
    )


def detect_language(text: str) -> str:
    """A coarse script-based tag: zh, ja, ko, en or und (undetermined)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return "und"
    kana = sum(1 for ch in letters if 0x3040 <= ord(ch) <= 0x30FF)
    hangul = sum(1 for ch in letters if 0xAC00 <= ord(ch) <= 0xD7AF)
    han = sum(1 for ch in letters if 0x3400 <= ord(ch) <= 0x9FFF or 0xF900 <= ord(ch) <= 0xFAFF)
    total = len(letters)
    if (kana + hangul + han) / total > 0.3:
        if kana:
            return "ja"
        if hangul > han:
            return "ko"
        return "zh"
    latin = sum(1 for ch in letters if "LATIN" in unicodedata.name(ch, ""))
    return "en" if latin / total > 0.7 else "und"


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Sentence spans within text[start:end], trimmed of surrounding blanks."""
    end = len(text) if end is None else end
    spans: list[Span] = []
    cursor = start
    for match in _END.finditer(text, start, end):
        stop = match.end()
        if _is_abbreviation(text, cursor, match.start()) or _is_list_number(text, cursor, match.start()):
            continue
        span = _trim(text, cursor, stop)
        if span:
            spans.append(span)
        cursor = stop
    tail = _trim(text, cursor, end)
    if tail:
        spans.append(tail)
    return spans


def _is_abbreviation(text: str, sentence_start: int, dot: int) -> bool:
    if text[dot] != ".":
        return False
    word = re.search(r"([\w.]+)$", text[sentence_start:dot])
    if not word:
        return False
    token = word.group(1).lower().rstrip(".")
    return token in _ABBREVIATIONS or bool(re.fullmatch(r"[a-z]", token))


def _is_list_number(text: str, sentence_start: int, dot: int) -> bool:
    """'1.' opening a numbered item is not a sentence."""
    return text[dot] == "." and bool(re.fullmatch(r"\s*\d{1,2}", text[sentence_start:dot]))


def _trim(text: str, start: int, end: int) -> Span | None:
    """Drop surrounding whitespace and stray leading punctuation (". Even ...")."""
    while start < end and (text[start].isspace() or text[start] in ".,;:"):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if end > start else None


def chunk_sentences(text: str, sentences: list[Span]) -> list[Span]:
    """Group consecutive sentences into passages of one to three sentences."""
    if not sentences:
        return []
    words = [word_count(text[s.start : s.end]) for s in sentences]
    total = sum(words)
    pieces = max(-(-len(sentences) // MAX_SENTENCES), -(-total // MAX_WORDS), 1)
    target = total / pieces
    groups: list[list[int]] = [[]]
    group_words = 0
    for i, count in enumerate(words):
        current = groups[-1]
        full = len(current) >= MAX_SENTENCES or (
            current and group_words + count > MAX_WORDS and group_words >= MIN_WORDS
        )
        reached = current and group_words >= target * 0.85 and group_words >= MIN_WORDS
        if current and (full or reached):
            groups.append([])
            group_words = 0
        groups[-1].append(i)
        group_words += count
    # A thin last group is a fragment: give it to the one before.
    if len(groups) > 1 and sum(words[i] for i in groups[-1]) < MIN_WORDS:
        tail = groups.pop()
        groups[-1].extend(tail)
    return [Span(sentences[g[0]].start, sentences[g[-1]].end) for g in groups]


def is_lead_in(text: str) -> bool:
    """A short paragraph that only introduces the next one, such as 'Once again:'."""
    stripped = text.strip()
    return stripped.endswith(":") and word_count(stripped) < 6


def normalize(text: str) -> str:
    """Whitespace- and case-insensitive form used to spot repeated text."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())
