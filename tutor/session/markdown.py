"""Markdown export: a transcript where user and corpus text is shown literally."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tutor.files import atomic_writer
from tutor.session.records import Session
from tutor.session.store import sessions_dir
from tutor.session.summary import summary
from tutor.text import printable

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#{}])")
_MD_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+)([.)]?)", re.M)


def md_escape(text: str) -> str:
    """User or corpus text for Markdown: shown literally, never as markup or HTML."""
    text = printable(text).replace("\r\n", "\n").replace("\r", "\n")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    def line_start(m: re.Match[str]) -> str:
        if m.group(2)[0].isdigit():
            return m.group(0) if not m.group(3) else m.group(1) + m.group(2) + "\\" + m.group(3)
        return m.group(1) + "\\" + m.group(2) + m.group(3)

    return _MD_LINE_START.sub(line_start, text)


def _quote(text: str) -> str:
    return "\n".join("> " + line if line.strip() else ">" for line in md_escape(text).split("\n"))


def to_markdown(session: Session) -> str:
    data = summary(session)
    motion = session.motion_statement or "free argument"
    out = [f"# Debate transcript: {md_escape(motion)}", ""]
    out.append(f"- Session: `{session.id}`")
    out.append(f"- Started: {session.created}")
    out.append(f"- Side: {session.side or 'estimated per turn'}")
    out.append(f"- Turns: {data['turns']}")
    out.append("")
    for turn in session.turns:
        head = f"## Turn {turn.number}"
        if turn.replying_to:
            head += f" (rebutting {md_escape(turn.replying_to)})"
        out += [head, "", _quote(turn.text), ""]
        if turn.status != "done":
            out += [f"*{turn.status}{': ' + md_escape(turn.error) if turn.error else ''}*", ""]
            continue
        out.append("**Rubric**")
        out.append("")
        r = turn.rubric
        items = (("Relevance", r.relevance), ("Reasons and evidence", r.reasons), ("Fallacies", r.fallacies),
                 ("Answered the counter", r.answered)) if r else ()
        for name, item in items:
            if item:
                out.append(f"- {name}: {md_escape(item.label)} ({md_escape(item.detail)})")
        out.append("")
        if turn.findings:
            out.append("**Fallacies in this turn**")
            out.append("")
            for f in turn.findings:
                out.append(f"- {md_escape(f.label or f.type)}: \u201c{md_escape(f.quote)}\u201d "
                           f"- {md_escape(f.explanation)} Repair: {md_escape(f.suggestion)}")
            out.append("")
        if turn.counters:
            out.append("**Counter-arguments**")
            out.append("")
            for i, card in enumerate(turn.counters, start=1):
                out.append(f"{i}\\. `{md_escape(card.id)}` {md_escape(card.source.title)}, "
                           f"line {card.source.line} ({md_escape(card.stance)}, strength {card.strength.score:.2f})")
                out.append("")
                out.append(_quote(card.text))
                out.append("")
                why = card.why.text
                if why:
                    out.append(f"   *Why:* {md_escape(why)}")
                    out.append("")
    out += ["## Summary", ""]
    out.append("| Turn | Relevance | Reasons | Fallacies | Answered |")
    out.append("|---|---|---|---|---|")
    for row in data["rubric"]:
        answered = "-" if row["answered"] is None else ("yes" if row["answered"] else "no")
        out.append(f"| {row['turn']} | {_num(row['relevance'])} | {_num(row['reasons'])} | {row['fallacies']} | {answered} |")
    out.append("")
    if data["fallacies_by_type"]:
        out.append("Fallacies by type: " + ", ".join(f"{md_escape(k)} {v}" for k, v in data["fallacies_by_type"].items()))
    else:
        out.append("Fallacies by type: none found")
    out.append("")
    out.append(f"Counters answered: {len(data['answered'])}; dropped: {len(data['dropped'])}; open: {len(data['open'])}")
    out.append("")
    for row in data["answered"] + data["dropped"] + data["open"]:
        out.append(f"- {row['status']}: `{md_escape(row['id'])}` (turn {row['shown_in']}"
                   + (f", answered in turn {row['answered_by']}" if row["answered_by"] else "") + ")")
    out.append("")
    return "\n".join(out)


def _num(value: Any) -> str:
    return "-" if value is None else f"{float(value):.2f}"


def export_markdown(session: Session, path: Path | str | None = None) -> Path:
    path = Path(path) if path else sessions_dir() / f"{session.id}.md"
    with atomic_writer(path) as handle:
        handle.write(to_markdown(session))
    return path
