"""Messages that thread workers post back to the event loop (which only draws)."""

from __future__ import annotations

from typing import Any

from textual.message import Message

from tutor.errors import TutorError
from tutor.session import TurnFeedback


class TutorLoading(Message):
    """A stage of loading the index and model ("reading the index", ...)."""

    def __init__(self, step: str) -> None:
        super().__init__()
        self.step = step


class TutorReady(Message):
    def __init__(self, tutor: Any, seconds: float) -> None:
        super().__init__()
        self.tutor = tutor
        self.seconds = seconds


class TutorFailed(Message):
    def __init__(self, error: TutorError) -> None:
        super().__init__()
        self.error = error


class TurnDone(Message):
    def __init__(self, number: int, result: TurnFeedback, seconds: float) -> None:
        super().__init__()
        self.number = number
        self.result = result
        self.seconds = seconds


class TurnFailed(Message):
    def __init__(self, number: int, error: TutorError) -> None:
        super().__init__()
        self.number = number
        self.error = error


class DocumentLoaded(Message):
    def __init__(self, doc_id: str, chunks: list[dict[str, Any]]) -> None:
        super().__init__()
        self.doc_id = doc_id
        self.chunks = chunks


def as_tutor_error(exc: BaseException, what: str) -> TutorError:
    """Expected errors as they are; anything else as a one-line bug report, never a traceback."""
    if isinstance(exc, TutorError):
        return exc
    detail = " ".join(str(exc).split()) or type(exc).__name__
    return TutorError(f"{what} failed: {type(exc).__name__}: {detail}", "this is a bug in tutor; please report it")
