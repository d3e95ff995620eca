"""Token inputs for "units in context": a text, its sentence units and what it replies to.

One forward pass reads a whole text (a post, a paragraph, a passage) with the
text it answers in front of it, so "you" and "that" have their referents; each
unit (sentence) is then pooled from the tokens inside it. A text longer than
the model reads at once is cut into windows at unit boundaries, each window
starting one unit early so that its first sentence keeps some context.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from tutor.learn.encoder import MAX_TOKENS, BaseEncoder

CONTEXT_TOKENS = 48  # of the replied-to text, its end (nearest the reply) kept


@dataclass(frozen=True)
class Window:
    """One forward pass: token ids and, per unit it classifies, that unit's token positions."""

    ids: list[int]
    units: list[int]  # indexes into the text's units
    positions: list[tuple[int, int]]  # [start, end) token positions of each unit, in `ids`


def windows(base: BaseEncoder, text: str, units: Sequence[tuple[int, int]], reply_to: str = "",
            limit: int = MAX_TOKENS) -> list[Window]:
    """The forward passes that classify every unit of `text` exactly once."""
    (ids, offsets), = base.encode_tokens([text])
    prefix = [base.cls_id]
    if reply_to.strip():
        (context, _), = base.encode_tokens([reply_to])
        prefix += context[-CONTEXT_TOKENS:] + [base.sep_id]
    spans = [_token_span(offsets, start, end) for start, end in units]
    budget = limit - len(prefix) - 1
    out: list[Window] = []
    first = 0
    while first < len(units):
        lead = first - 1 if first > 0 else first  # one unit of context before the window
        begin = spans[lead][0]
        last = first
        while last + 1 < len(units) and spans[last + 1][1] - begin <= budget:
            last += 1
        if spans[last][1] - begin > budget:  # one unit alone is too long: read its start
            if lead != first:
                begin = spans[first][0]
        end = min(spans[last][1], begin + budget)
        body = ids[begin:end]
        positions = []
        for u in range(first, last + 1):
            s, e = max(spans[u][0], begin), min(spans[u][1], end)
            positions.append((len(prefix) + s - begin, len(prefix) + max(e, s + 1) - begin))
        out.append(Window(prefix + body + [base.sep_id], list(range(first, last + 1)), positions))
        first = last + 1
    return out


def _token_span(offsets: Sequence[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    """[first, last) token indexes whose characters overlap [start, end)."""
    inside = [i for i, (s, e) in enumerate(offsets) if e > s and s < end and e > start]
    if not inside:  # no word piece (e.g. only spaces): point at the nearest token
        after = next((i for i, (s, _) in enumerate(offsets) if s >= start), len(offsets))
        return after, after
    return inside[0], inside[-1] + 1


def joined(sentences: Sequence[str]) -> tuple[str, list[tuple[int, int]]]:
    """A piece's text from its sentences (single spaces) and each sentence's character span."""
    spans, parts, position = [], [], 0
    for sentence in sentences:
        spans.append((position, position + len(sentence)))
        parts.append(sentence)
        position += len(sentence) + 1
    return " ".join(parts), spans
