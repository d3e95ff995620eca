"""Shared helpers for the TUI tests (not a test module): waiting for workers, reading what a screen shows,
and a fabricated session for tests that need no model."""

from __future__ import annotations

import time
from typing import Any

from tutor import session as S
from tutor.results import CheckResult, CounterResult
from tutor.strength import Strength

WAIT_S = 60.0
CLOCK = "2026-01-01T00:00:00+00:00"
ARGUMENT = ("Soft power is a real source of national power because people who admire a country's culture "
            "buy its goods and visit it, as Korea showed after 2010.")


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


def fabricated_session(text: str, counter_text: str, session_id: str = "fab") -> S.Session:
    """A finished-looking turn built from plain data (no model): for resume, snapshots and injection tests."""
    s = S.Session.new("soft_power_real", "Soft power is a real and significant source of national power.", "pro",
                      session_id=session_id, created=CLOCK)
    turn = s.submit(text, submitted_at=CLOCK)
    card = {"id": "thread:1.1", "text": counter_text, "stance": "con", "score": 0.53,
            "scores": {"relevance": 0.48, "opposition": 1.0, "strength": 0.45},
            "source": {"doc": "thread", "title": "Is soft power real? [red]thread[/red]", "line": 1, "start": 0, "end": 10,
                       "kind": "forum_thread", "speaker": "poster [b]1[/b]", "role": "post", "attribution": ""},
            "strength": {"score": 0.45, "reasons": ["develops the point over several clauses"], "penalties": []},
            "why": {"attacks": text, "how": "rebuts", "text": f'Rebuts your claim "{text}".'},
            "fallacies": [{"type": "ad_hominem", "label": "Ad hominem [@click=app.quit]q[/]", "start": 0, "end": 3,
                           "quote": "Its", "confidence": 0.8, "explanation": "Attacks the poster.", "suggestion": "Answer the point."}]}
    counter = {"argument": text, "motion": s.motion, "motion_statement": s.motion_statement, "side": "pro",
               "side_estimate": None, "main_claim": {"text": text, "start": 0, "end": len(text)},
               "counters": [card], "notes": []}
    check = {"text": text, "findings": [{"type": "straw_man", "label": "Straw man", "start": 0, "end": min(10, len(text)),
                                          "quote": text[:10], "confidence": 0.7, "explanation": "It [red]misstates[/red] them.",
                                          "suggestion": "Quote them [@click=app.quit]first[/]."}]}
    typed_counter, typed_check = CounterResult.from_dict(counter), CheckResult.from_dict(check)
    strength = Strength(0.5, ["gives a reason"], [])
    s.complete(turn, typed_counter, typed_check, S.rubric(text, typed_counter, typed_check, strength, 0.55))
    return s
