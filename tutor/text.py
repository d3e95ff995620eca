"""Checks on text typed by a user before it reaches the model."""

from __future__ import annotations

import re
import unicodedata

from tutor.errors import UsageError

MAX_CHARS = 100_000
# ANSI/VT escape sequences (CSI, OSC, single-character escapes).
_ESCAPES = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])")


def printable(text: str) -> str:
    """Text safe to show in a terminal: escape sequences and control characters removed.

    Used for display only; offsets always refer to the text as given.
    """
    text = _ESCAPES.sub("", text)
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co"))


def printable_with_offsets(text: str) -> tuple[str, list[int]]:
    """`printable(text)` and, for each of its characters, its offset in `text`.

    So a check can read the text without escape sequences and still report
    spans into the text as given.
    """
    kept: list[int] = []
    position = 0
    for match in _ESCAPES.finditer(text):
        kept.extend(range(position, match.start()))
        position = match.end()
    kept.extend(range(position, len(text)))
    offsets = [i for i in kept if text[i] in "\n\t" or unicodedata.category(text[i]) not in ("Cc", "Cf", "Cs", "Co")]
    return "".join(text[i] for i in offsets), offsets


def require_argument(text: str | None, what: str = "argument") -> str:
    """The user's argument as given, or a one-line UsageError if there is none.

    Text with no letter in any script (emoji, symbols, digits only) states no
    claim: counters to it would "undercut" nothing, so it is refused too.
    """
    if text is None or not printable(text).strip():
        raise UsageError(f"the {what} is empty", f"type an {what}, or pass it on standard input with -")
    if not has_words(text):
        raise UsageError(f"no {what} found: the text has no words, only symbols, emoji or digits",
                         "write the claim in words")
    return text


def has_words(text: str) -> bool:
    """Whether the text holds at least one letter (any script)."""
    return any(ch.isalpha() for ch in text)


def limit_input(text: str) -> tuple[str, list[str]]:
    """The part of a user's text that the tutor reads, and a note when it is cut.

    Applied once, where text enters the core API (tutor.api): at most
    MAX_CHARS characters; the rest is not read. The head is a prefix of the
    text, so offsets into it are offsets into the text as given.
    """
    if len(text) <= MAX_CHARS:
        return text, []
    return text[:MAX_CHARS], [f"only the first {MAX_CHARS:,} characters were read"]


# The first word of a letter's Unicode name names its script ("ARABIC LETTER ALEF").
_SCRIPT_NAMES = {"ARABIC": "Arabic", "HEBREW": "Hebrew", "CYRILLIC": "Cyrillic", "GREEK": "Greek",
                 "DEVANAGARI": "Devanagari", "BENGALI": "Bengali", "THAI": "Thai", "ARMENIAN": "Armenian",
                 "GEORGIAN": "Georgian", "TAMIL": "Tamil", "ETHIOPIC": "Ethiopic", "GUJARATI": "Gujarati",
                 "GURMUKHI": "Gurmukhi", "TELUGU": "Telugu", "KANNADA": "Kannada", "MALAYALAM": "Malayalam",
                 "SINHALA": "Sinhala", "KHMER": "Khmer", "LAO": "Lao", "MYANMAR": "Myanmar", "TIBETAN": "Tibetan",
                 "SYRIAC": "Syriac", "THAANA": "Thaana"}


def language_note(text: str) -> str | None:
    """A note when the text is not in English (the model and the corpus are English), else None.

    CJK text is tagged by `detect_language` (zh, ja, ko); any other script
    that is most of the letters (Arabic, Cyrillic, Hebrew, ...) is named.
    """
    from tutor.corpus.segment import detect_language

    language = detect_language(text)
    if language == "und":
        letters = [ch for ch in text if ch.isalpha()]
        scripts = [unicodedata.name(ch, "").split(" ")[0] for ch in letters]
        if letters and sum(1 for s in scripts if s == "LATIN") / len(letters) <= 0.5:
            main = max(set(scripts), key=scripts.count)
            language = _SCRIPT_NAMES.get(main, "a non-Latin script")
    if language in ("en", "und"):
        return None
    return f"the text looks like {language}; the model and corpus are English, so results may be weak"


def embeddable(text: str) -> tuple[str, list[str]]:
    """Text as the model should see it, and notes on what was changed.

    The model reads at most 256 word pieces, so very long input is cut; control
    characters and escape sequences carry no meaning and are dropped.
    """
    notes: list[str] = []
    clean = printable(text)
    if clean != text:
        notes.append("control characters and escape sequences were ignored")
    if len(clean) > MAX_CHARS:
        clean = clean[:MAX_CHARS]
        notes.append(f"only the first {MAX_CHARS:,} characters were read")
    return clean, notes


def shorten(text: str, limit: int) -> str:
    """One line of at most `limit` characters, cut at a word boundary, printable."""
    flat = " ".join(printable(text or "").split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip() + "…"
