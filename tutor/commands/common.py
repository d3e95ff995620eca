"""What every command shares: reading text, JSON output, errors, progress."""

from __future__ import annotations

import functools
import json
import re
import sys
import time
from dataclasses import dataclass, field
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


def _plain(data: Any) -> Any:
    """A typed result (tutor.results) as its JSON data; plain data as it is."""
    return data.to_dict() if hasattr(data, "to_dict") else data


def emit_json(data: Any) -> None:
    click.echo(json.dumps(_plain(data), ensure_ascii=False, indent=2))


# Characters that str.splitlines() (and some JSONL readers) take for line breaks and that json.dumps leaves
# raw in strings (it escapes only those below U+0020), so one record could read as two lines. As \u escapes,
# each record stays one line.
_LINE_BREAKS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_LINE_BREAK = re.compile("[\x85\u2028\u2029]")


def emit_jsonl(data: Any) -> None:
    line = json.dumps(_plain(data), ensure_ascii=False)
    click.echo(_LINE_BREAK.sub(lambda m: _LINE_BREAKS[m.group(0)], line))


@dataclass
class BatchLine:
    """One non-blank line of a JSONL batch: its record, or why it cannot be answered."""

    number: int
    record: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    @property
    def text(self) -> str:
        return self.record["text"]

    def get(self, name: str, default: Any = None) -> Any:
        value = self.record.get(name)
        return default if value is None else value


BATCH_HINT = 'one {"text": ...} object per line'


def read_batch(source: str, overrides: tuple[str, ...] = ()) -> list[BatchLine]:
    """The lines of a JSONL batch, each {"text": ...} plus optional string `overrides` fields.

    A line that is not such an object is kept with its error, so the other
    lines are still answered; an unreadable or non-UTF-8 source is a TutorError.
    """
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
        raise TutorError(f"{name} is not UTF-8 text", f"pass UTF-8 JSONL, {BATCH_HINT}") from None
    items: list[BatchLine] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            items.append(BatchLine(number, error=f"invalid JSON ({exc.msg})"))
            continue
        except RecursionError:
            items.append(BatchLine(number, error="invalid JSON (nested too deeply)"))
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            items.append(BatchLine(number, error='expected an object with a string "text"'))
            continue
        wrong = [key for key in overrides if record.get(key) is not None and not isinstance(record[key], str)]
        if wrong:
            items.append(BatchLine(number, error=f'"{wrong[0]}" must be a string (got {type(record[wrong[0]]).__name__})'))
            continue
        items.append(BatchLine(number, record))
    return items


def first_batch_error(items: list[BatchLine], source: str) -> None:
    """Where every line is needed (a debate), the first bad line is the command's error."""
    for item in items:
        if item.error:
            name = "standard input" if source == "-" else source
            raise TutorError(f"{name}:{item.number}: {item.error}", BATCH_HINT)


def answer_batch(items: list[BatchLine], answer: Callable[[BatchLine], Any]) -> None:
    """Print one JSON line per batch line, in order: `answer(line)`, or {"line", "error"} in its place.

    Every good line is answered even when others fail; if any failed, the
    command then ends with one `error:` line and exit status 1.
    """
    failed: list[int] = []
    for item in items:
        if item.error is None:
            try:
                emit_jsonl(answer(item))
                continue
            except TutorError as exc:
                item.error = exc.one_line()
        failed.append(item.number)
        emit_jsonl({"line": item.number, "error": item.error})
    if failed:
        shown = ", ".join(str(n) for n in failed[:10]) + (", …" if len(failed) > 10 else "")
        fail(f"{len(failed)} of {len(items)} lines failed (line{'s' if len(failed) > 1 else ''} {shown}); "
             'each has {"line", "error"} in its place in the output', 1)


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
