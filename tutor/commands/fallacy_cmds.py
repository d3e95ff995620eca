"""`tutor check` and `tutor fallacies`."""

from __future__ import annotations

import click

from tutor.commands.common import emit_json, emit_jsonl, handles_errors, read_batch, read_text_argument
from tutor.errors import UsageError


def _render(text: str, findings: list) -> str:
    if not findings:
        return "no fallacy found"
    lines = [f"{len(findings)} finding{'s' if len(findings) != 1 else ''}:"]
    for f in findings:
        quote = " ".join(f.quote.split())
        if len(quote) > 100:
            quote = quote[:99] + "…"
        head = f.label + (f" ({f.subtype})" if f.subtype else "")
        lines.append(f"\n{head}  [{f.start}:{f.end}]  confidence {f.confidence:.2f}")
        lines.append(f"  \"{quote}\"")
        if f.other:
            other = " ".join(f.other["quote"].split())
            lines.append(f"  and \"{other}\" [{f.other['start']}:{f.other['end']}]")
        lines.append(f"  why: {f.explanation}")
        lines.append(f"  fix: {f.suggestion}")
    return "\n".join(lines)


@click.command("check")
@click.argument("text", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print {\"text\", \"findings\"} as JSON.")
@click.option("--batch", "batch", default=None, metavar="FILE|-",
              help="JSONL in (one {\"text\": ...} per line), JSONL out, one result per line in order.")
@click.option("--debate", is_flag=True,
              help="With --batch: the lines are the turns of one debate; also report a key term "
                   "that shifts meaning between turns (equivocation). Prints one JSON object.")
@handles_errors
def check(text: str | None, as_json: bool, batch: str | None, debate: bool) -> None:
    """Check an argument (TEXT, or - for standard input) for fallacies.

    The checker stays quiet unless it is confident: "no fallacy found" is a
    normal answer.
    """
    from tutor.fallacy.checker import FallacyChecker

    if batch is not None:
        if text is not None:
            raise UsageError("give either TEXT or --batch, not both")
        items = read_batch(batch)
        checker = FallacyChecker()
        results = checker.check_many([t for _, t in items])
        if debate:
            texts = [t for _, t in items]
            emit_json({
                "texts": [{"text": t, "findings": [f.to_dict() for f in found]} for t, found in zip(texts, results)],
                "debate_findings": [f.to_dict() for f in checker.check_debate(texts)] if texts else [],
            })
            return
        for (_, item_text), findings in zip(items, results):
            emit_jsonl({"text": item_text, "findings": [f.to_dict() for f in findings]})
        return
    if debate:
        raise UsageError("--debate needs --batch FILE|- with one turn per line")
    text = read_text_argument(text)
    if text is None:
        raise UsageError("no text to check", "pass TEXT, '-' to read standard input, or --batch FILE")
    if not text.strip():
        raise UsageError("the text is empty", "pass an argument to check")
    findings = FallacyChecker().check(text)
    if as_json:
        emit_json({"text": text, "findings": [f.to_dict() for f in findings]})
    else:
        click.echo(_render(text, findings))


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
