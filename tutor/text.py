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


def require_argument(text: str | None, what: str = "argument") -> str:
    """The user's argument as given, or a one-line UsageError if there is none."""
    if text is None or not printable(text).strip():
        raise UsageError(f"the {what} is empty", f"type an {what}, or pass it on standard input with -")
    return text


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
