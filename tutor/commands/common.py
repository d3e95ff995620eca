"""What every command shares: reading text, JSON output, errors, progress."""

from __future__ import annotations

import functools
import json
import sys
import time
from typing import Any, Callable, TypeVar

import click

from tutor.errors import TutorError

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int = 1) -> None:
    click.echo(f"error: {' '.join(message.split())}", err=True)
    sys.exit(code)


def handles_errors(func: F) -> F:
    """Expected failures become one line on stderr and a non-zero exit."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except TutorError as exc:
            fail(exc.one_line(), exc.exit_code)
        except KeyboardInterrupt:
            fail("interrupted; nothing already saved was changed", 130)
        except BrokenPipeError:
            sys.exit(0)
        except MemoryError:
            fail("out of memory", 1)

    return wrapper  # type: ignore[return-value]


def read_text_argument(text: str | None) -> str | None:
    """TEXT as given, or standard input for '-' (or when TEXT is missing and stdin is piped)."""
    if text == "-" or (text is None and not sys.stdin.isatty()):
        data = sys.stdin.buffer.read()
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise TutorError("standard input is not UTF-8 text", "pipe UTF-8 text") from None
    return text


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def emit_jsonl(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False))


def read_batch(source: str) -> list[tuple[int, str]]:
    """JSONL lines of {"text": ...}; returns (line number, text); one-line errors."""
    if source == "-":
        raw = sys.stdin.buffer.read()
        name = "standard input"
    else:
        try:
            with open(source, "rb") as handle:
                raw = handle.read()
        except OSError as exc:
            raise TutorError(f"cannot read batch file {source}: {exc.strerror}") from None
        name = source
    try:
        lines = raw.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError:
        raise TutorError(f"{name} is not UTF-8 text", "pass UTF-8 JSONL, one {\"text\": ...} per line") from None
    items: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise TutorError(f"{name}:{number}: invalid JSON ({exc.msg})", "one {\"text\": ...} object per line") from None
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise TutorError(f"{name}:{number}: expected an object with a string \"text\"", "one {\"text\": ...} object per line")
        items.append((number, record["text"]))
    return items


class Progress:
    """Passages/s and ETA on a terminal; silent when stderr is piped."""

    def __init__(self, label: str, unit: str = "passages", enabled: bool | None = None) -> None:
        self.label = label
        self.unit = unit
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.started = time.perf_counter()
        self._last = 0.0

    def __call__(self, done: int, total: int | None) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if done and total and done < total and now - self._last < 0.1:
            return
        self._last = now
        elapsed = max(now - self.started, 1e-9)
        rate = done / elapsed
        eta = ""
        if total and rate > 0 and done < total:
            remaining = int((total - done) / rate)
            eta = f"  ETA {remaining // 60}:{remaining % 60:02d}"
        width = 24
        filled = int(width * done / total) if total else 0
        bar = "█" * filled + "·" * (width - filled)
        of_total = f"/{total}" if total else ""
        click.echo(f"\r{self.label} {bar} {done}{of_total} {self.unit}  {rate:,.0f}/s{eta}   ", err=True, nl=False)

    def close(self) -> None:
        if self.enabled:
            click.echo("", err=True)
