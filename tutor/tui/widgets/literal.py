"""User and corpus text as Textual Content: shown as typed, never parsed as markup."""

from __future__ import annotations

from typing import Iterable

from textual.content import Content

from tutor.text import printable


def literal(text: str, style: str = "") -> Content:
    """`[red]`, `[@click=app.quit]x[/]` and escape sequences display literally and do nothing."""
    clean = printable(text or "")
    return Content.styled(clean, style) if style else Content(clean)


def highlighted(text: str, spans: Iterable[tuple[int, int, str]]) -> Content:
    """`text` with styled spans; offsets refer to the text as given (escapes are stripped per piece)."""
    text = text or ""
    cuts = sorted({0, len(text), *(max(0, min(len(text), p)) for s, e, _ in spans for p in (s, e))})
    spans = list(spans)
    parts: list[Content] = []
    for a, b in zip(cuts, cuts[1:]):
        styles = [style for s, e, style in spans if s <= a and b <= e and s < e]
        piece = printable(text[a:b])
        parts.append(Content.styled(piece, " ".join(styles)) if styles else Content(piece))
    return Content("").join(parts) if parts else Content("")


def bar(score: float | None, width: int = 10) -> str:
    score = 0.0 if score is None else max(0.0, min(1.0, float(score)))
    filled = round(score * width)
    return "█" * filled + "░" * (width - filled)


