"""Cutting text into argument-sized passages.

The unit is a claim with its reasons: one to three sentences and at most about
sixty words. Sentences shorter than a claim ("Why?", "Proverb broken.") join a
neighbour, and a short lead-in paragraph ("Once again:") joins the paragraph it
introduces, so no passage is a bare fragment. All spans are offsets into the
original text; nothing here rewrites the text.
"""

from __future__ import annotations

import functools
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


_CJK_CHARS = "\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff"  # the ranges of _is_cjk
_CJK = re.compile(f"[{_CJK_CHARS}]")
# Repeat detection's tokens: a CJK character alone, else a run of other word characters.
_TOKEN = re.compile(f"[{_CJK_CHARS}]|[^\\W{_CJK_CHARS}]+")


def word_count(text: str) -> int:
    # CJK text has no spaces: count roughly two characters a word.
    latin = len(_WORD.findall(_CJK.sub(" ", text)))
    cjk = len(_CJK.findall(text))
    return latin + (cjk + 1) // 2


def tokens(normalized: str) -> list[str]:
    """Word tokens of normalised text; a substring keeps all but its first and last token whole."""
    return _TOKEN.findall(normalized)


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (
        0x3040 <= code <= 0x30FF  # kana
        or 0x3400 <= code <= 0x9FFF  # han
        or 0xAC00 <= code <= 0xD7AF  # hangul
        or 0xF900 <= code <= 0xFAFF
    )


@dataclass(frozen=True)
class ScriptCounts:
    """Letters by script; counts of adjacent texts add up, so a growing span is counted once."""

    letters: int = 0
    kana: int = 0
    hangul: int = 0
    han: int = 0
    latin: int = 0

    def __add__(self, other: "ScriptCounts") -> "ScriptCounts":
        return ScriptCounts(self.letters + other.letters, self.kana + other.kana, self.hangul + other.hangul,
                            self.han + other.han, self.latin + other.latin)


_ASCII_LETTER = re.compile(r"[A-Za-z]")


def script_counts(text: str) -> ScriptCounts:
    ascii_letters = len(_ASCII_LETTER.findall(text))  # Latin letters the fast way; the rest one by one
    letters, kana, hangul, han, latin = ascii_letters, 0, 0, 0, ascii_letters
    if len(text) != ascii_letters and not text.isascii():
        for ch in text:
            if ch < "\x80" or not ch.isalpha():
                continue
            code = ord(ch)
            letters += 1
            if 0x3040 <= code <= 0x30FF:
                kana += 1
            elif 0xAC00 <= code <= 0xD7AF:
                hangul += 1
            elif 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF:
                han += 1
            elif _is_latin(ch):
                latin += 1
    return ScriptCounts(letters, kana, hangul, han, latin)


@functools.lru_cache(maxsize=4096)
def _is_latin(ch: str) -> bool:
    return "LATIN" in unicodedata.name(ch, "")


def detect_language(text: str) -> str:
    """A coarse script-based tag: zh, ja, ko, en or und (undetermined)."""
    return language_of(script_counts(text))


def language_of(counts: ScriptCounts) -> str:
    if not counts.letters:
        return "und"
    kana, hangul, han, total = counts.kana, counts.hangul, counts.han, counts.letters
    if (kana + hangul + han) / total > 0.3:
        if kana:
            return "ja"
        if hangul > han:
            return "ko"
        return "zh"
    return "en" if counts.latin / total > 0.7 else "und"


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
    # The token before a sentence-ending run of dots never ends in a dot, so one
    # longer than the window is longer than any abbreviation: look back no further
    # (a long run of abbreviations would otherwise cost quadratic time).
    word = re.search(r"([\w.]+)$", text[max(sentence_start, dot - 32) : dot])
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
