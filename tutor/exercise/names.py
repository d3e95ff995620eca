"""Student names as typed, and the safe file-name keys made from them.

A name is what the student typed, cleaned for display: control characters and
escape sequences removed, Unicode compatibility forms folded (NFKC, so a
full-width slash is a slash), runs of white space made one space. It is
refused (UsageError, one line) when nothing is left that is a letter or a
digit, or when it is longer than MAX_NAME characters.

A key names the student's files: the name lower-cased, every run of
characters that is not a letter or digit (slashes, dots, spaces) made one
'-', cut to MAX_SLUG characters, plus '-' and a random six-hex-digit suffix
so two students with the same name never share a file. A key never holds a
path separator, never starts with '.' or '-', and is at most
MAX_SLUG + 7 characters.
"""

from __future__ import annotations

import re
import secrets
import unicodedata

from tutor.errors import UsageError
from tutor.text import printable

MAX_NAME = 80
MAX_SLUG = 32
SUFFIX_HEX = 6
KEY_PATTERN = re.compile(r"[^\W_](?:[^\W_]|-(?=[^\W_]))*-[0-9a-f]{%d}" % SUFFIX_HEX)


def clean_name(name: str | None) -> str:
    """The name to show and record, or UsageError saying why it cannot be used."""
    text = unicodedata.normalize("NFKC", printable(name or ""))
    text = " ".join(text.split())
    if not any(ch.isalnum() for ch in text):
        raise UsageError("the student name is empty or has no letters or digits",
                         'pass a name such as --student "Ada Lovelace"')
    if len(text) > MAX_NAME:
        raise UsageError(f"the student name is too long ({len(text)} characters; at most {MAX_NAME})",
                         "use a shorter name")
    return text


def name_slug(name: str) -> str:
    """The file-safe part of a key: letters and digits of the cleaned name, joined by '-'."""
    clean = clean_name(name).lower()
    slug = "-".join(part for part in re.split(r"[^\w]|_", clean) if part)
    slug = slug[:MAX_SLUG].strip("-")
    if not slug:  # cannot happen after clean_name, kept as a guard for file safety
        raise UsageError("the student name has no letters or digits")
    return slug


def new_key(name: str) -> str:
    """A fresh key for this student: slug plus a random suffix (callers check it is unused)."""
    return f"{name_slug(name)}-{secrets.token_hex(SUFFIX_HEX // 2)}"


def is_key(text: str) -> bool:
    return bool(KEY_PATTERN.fullmatch(text or "")) and len(text) <= MAX_SLUG + 1 + SUFFIX_HEX
