"""Shared helpers for the TUI tests: waiting for workers, reading what a screen shows."""

from __future__ import annotations

import time
from typing import Any

WAIT_S = 60.0


async def wait_feedback(pilot: Any, screen: Any, timeout: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout
    while not screen.feedback_event.is_set():
        if time.monotonic() > deadline:
            raise AssertionError("no feedback within the time limit")
        await pilot.pause(0.02)
    await pilot.pause()


async def wait_until(pilot: Any, condition: Any, timeout: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met within the time limit")
        await pilot.pause(0.02)
    await pilot.pause()


def screen_text(app: Any) -> str:
    """The characters on the terminal right now, one line per row."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def static_text(widget: Any) -> str:
    content = widget.content if hasattr(widget, "content") else widget.renderable
    return getattr(content, "plain", str(content))


def sync(test: Any) -> Any:
    """Run an async Pilot test with asyncio.run (no async pytest plugin is installed)."""
    import asyncio
    import functools

    @functools.wraps(test)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return asyncio.run(test(*args, **kwargs))

    return wrapper
