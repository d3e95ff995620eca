"""The engine's wire format: JSON lines over a Unix socket, never pickle.

A request is one line `{"id": N, "method": NAME, "params": {...}}`; the answer
is one line `{"id": N, "result": ...}` or `{"id": N, "error": {"message",
"hint", "kind"}}` with the same id. Answers may come back in any order: the
id says which request each one answers. A line is at most MAX_LINE bytes.
"""

from __future__ import annotations

import json
from typing import Any

from tutor.errors import TutorError

PROTOCOL_VERSION = 1
MAX_LINE = 16 * 1024 * 1024
ENGINE_ENV = "TUTOR_ENGINE"  # the socket path: set, the TUI asks this engine instead of loading the model


class EngineError(TutorError):
    """The engine cannot be reached, stopped, or broke the protocol."""


def encode(message: dict[str, Any]) -> bytes:
    line = json.dumps(message, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8") + b"\n"
    if len(line) > MAX_LINE:
        raise EngineError(f"a message to or from the tutor engine is too large ({len(line)} bytes; at most {MAX_LINE})")
    return line


def decode(line: bytes) -> dict[str, Any]:
    """One message, or EngineError for anything that is not a JSON object with an int id."""
    if len(line) > MAX_LINE or not line.endswith(b"\n"):
        raise EngineError("a message from the tutor engine is too large or cut off")
    try:
        message = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        raise EngineError("a message from the tutor engine is not JSON") from None
    if not isinstance(message, dict) or not isinstance(message.get("id"), int) or isinstance(message.get("id"), bool):
        raise EngineError("a message from the tutor engine has no request id")
    return message


def error_to_dict(exc: BaseException) -> dict[str, str]:
    if isinstance(exc, TutorError):
        return {"message": exc.message, "hint": exc.hint, "kind": type(exc).__name__}
    return {"message": f"the tutor engine failed: {type(exc).__name__}: {exc}".splitlines()[0],
            "hint": "this is a bug in tutor; please report it", "kind": "bug"}


def error_from_dict(data: Any) -> TutorError:
    """The TutorError a client raises for an error answer (UsageError stays a UsageError)."""
    from tutor import errors

    if not isinstance(data, dict):
        return EngineError("the tutor engine sent a malformed error")
    message, hint = str(data.get("message") or "the tutor engine failed"), str(data.get("hint") or "")
    kind = getattr(errors, str(data.get("kind")), None)
    if isinstance(kind, type) and issubclass(kind, TutorError) and kind is not errors.IndexError_:
        return kind(message, hint)
    return TutorError(message, hint)
