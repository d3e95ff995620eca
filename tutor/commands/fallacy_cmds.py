"""`tutor check` and `tutor fallacies`."""

from __future__ import annotations

import click

from tutor.commands.common import (answer_batch, emit_json, first_batch_error, handles_errors, read_batch,
                                   read_text_argument)
from tutor.errors import UsageError


def _render(findings: list[dict]) -> str:
    """Findings as text for a terminal; control characters and escape sequences never reach it."""
    from tutor.text import printable

    if not findings:
        return "no fallacy found"
    lines = [f"{len(findings)} finding{'s' if len(findings) != 1 else ''}:"]
    for f in findings:
        quote = " ".join(printable(f["quote"]).split())
        if len(quote) > 100:
            quote = quote[:99] + "…"
        head = f["label"] + (f" ({f['subtype']})" if f.get("subtype") else "")
        lines.append(f"\n{head}  [{f['start']}:{f['end']}]  confidence {f['confidence']:.2f}")
        lines.append(f"  \"{quote}\"")
        if f.get("other"):
            other = " ".join(printable(f["other"]["quote"]).split())
            lines.append(f"  and \"{other}\" [{f['other']['start']}:{f['other']['end']}]")
        lines.append(f"  why: {printable(f['explanation'])}")
        lines.append(f"  fix: {printable(f['suggestion'])}")
    return "\n".join(lines)


@click.command("check")
@click.argument("text", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print {\"text\", \"findings\", \"notes\"} as JSON.")
@click.option("--batch", "batch", default=None, metavar="FILE|-",
              help="JSONL in (one {\"text\": ...} per line), JSONL out, one result per line in order; "
                   "a bad line gets {\"line\", \"error\"} in its place.")
@click.option("--debate", is_flag=True,
              help="With --batch: the lines are the turns of one debate; also report a key term "
                   "that shifts meaning between turns (equivocation). Prints one JSON object.")
@click.option("--min-confidence", type=click.FloatRange(0.0, 1.0), default=None, metavar="X",
              help="Report a finding only at confidence X or more (0-1), for every type, instead of each "
                   "type's own threshold (chosen for precision 0.85): higher X, fewer but surer findings.")
@handles_errors
def check(text: str | None, as_json: bool, batch: str | None, debate: bool, min_confidence: float | None) -> None:
    """Check an argument (TEXT, or - for standard input) for fallacies.

    The checker stays quiet unless it is confident: "no fallacy found" is a
    normal answer.
    """
    from tutor.api import check_texts
    from tutor.fallacy.checker import FallacyChecker

    checker = FallacyChecker(min_confidence=min_confidence)
    if batch is not None:
        if text is not None:
            raise UsageError("give either TEXT or --batch, not both")
        items = read_batch(batch)
        if debate:
            first_batch_error(items, batch)
            results = check_texts([item.text for item in items], checker)
            emit_json({"texts": results,
                       "debate_findings": [f.to_dict() for f in checker.check_debate([r["text"] for r in results])]
                       if results else []})
            return
        good = iter(check_texts([item.text for item in items if item.error is None], checker))
        answer_batch(items, lambda _item: next(good))
        return
    if debate:
        raise UsageError("--debate needs --batch FILE|- with one turn per line")
    text = read_text_argument(text)
    if text is None:
        raise UsageError("no text to check", "pass TEXT, '-' to read standard input, or --batch FILE")
    from tutor.text import printable

    if not printable(text).strip():
        raise UsageError("the text is empty", "pass an argument to check")
    [result] = check_texts([text], checker)
    if as_json:
        emit_json(result)
        return
    notes = list(result["notes"])
    if printable(text) != text:
        notes.append("control characters and escape sequences in the text are not shown")
    for note in notes:
        click.echo(f"note: {note}", err=True)
    click.echo(_render(result["findings"]))


@click.command("fallacies")
@click.option("--json", "as_json", is_flag=True, help="Print the catalogue as JSON.")
@handles_errors
def fallacies(as_json: bool) -> None:
    """List the fallacy types the checker knows, with definitions and repairs."""
    from tutor.fallacy.catalog import FALLACY_TYPES

    if as_json:
        emit_json([t.to_dict() for t in FALLACY_TYPES])
        return
    blocks = []
    for t in FALLACY_TYPES:
        sub = f" (subtypes: {', '.join(t.subtypes)})" if t.subtypes else ""
        blocks.append(
            f"{t.label} [{t.id}]{sub}\n  what: {t.definition}\n  why it weakens: {t.why}\n"
            f"  repair: {t.repair}\n  e.g. {t.examples[0]}"
        )
    click.echo("\n\n".join(blocks))
