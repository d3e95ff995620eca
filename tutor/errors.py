"""Errors the user can act on.

Every failure we expect (bad paths, stale indexes, bad input) is a TutorError
with a one-line message and a hint saying what to do; the CLI prints it and
exits non-zero, the TUI shows it on an error screen. Anything else is a bug.
"""

from __future__ import annotations


class TutorError(Exception):
    """An expected failure with a one-line message and a fix."""

    exit_code = 1

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def one_line(self) -> str:
        text = self.message if not self.hint else f"{self.message} ({self.hint})"
        return " ".join(text.split())


class UsageError(TutorError):
    """The user asked for something impossible (bad option value, empty text)."""

    exit_code = 2


class CorpusError(TutorError):
    pass


class IndexError_(TutorError):
    """Problems with an index on disk (missing, stale, corrupt, wrong model)."""

    def __init__(self, message: str, hint: str = "", problem: str = "invalid") -> None:
        super().__init__(message, hint)
        self.problem = problem


class ModelError(TutorError):
    pass
