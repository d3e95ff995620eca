"""`tutor motions`, `tutor analyze`, `tutor counter` and `tutor sources`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tutor.commands.common import (BatchLine, answer_batch, emit_json, handles_errors, read_batch,
                                   read_text_argument)
from tutor.commands.index_cmds import MODEL_HELP
from tutor.errors import UsageError
from tutor.paths import default_index_dir

if TYPE_CHECKING:
    from tutor.results import CounterResult

INDEX_OPTION = click.option("--index", "index_dir", type=click.Path(path_type=Path), default=None,
                            help="Index directory (default: the shipped index/; env TUTOR_INDEX).")


@click.command("motions")
@INDEX_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the motions as JSON.")
@handles_errors
def motions(index_dir: Path | None, as_json: bool) -> None:
    """List the motions the corpus can be argued on."""
    from tutor.index import read_manifest
    from tutor.text import printable

    listed = read_manifest(index_dir or default_index_dir()).motions
    if as_json:
        emit_json({"motions": listed})
        return
    if not listed:
        click.echo("this index has no motions; argue freely, or pass --motion-text to analyze")
    for motion in listed:
        click.echo(printable(f"{motion['id']}\n  {motion['statement']}\n  pro: {motion['pro']}\n  con: {motion['con']}\n"))


BATCH_HELP = ('JSONL in, one {"text": ...} per line (optionally with its own "motion", "motion_text" and "side"); '
              'JSONL out, one result per line in order; a bad line gets {"line", "error"} in its place.')
OVERRIDES = ("motion", "motion_text", "side")


def _line_options(item: BatchLine, motion_id: str | None, motion_text: str | None,
                  side: str | None) -> tuple[str | None, str | None, str | None]:
    """A batch line's own motion/motion_text (together they replace the options') and side."""
    if item.get("motion") is not None or item.get("motion_text") is not None:
        motion_id, motion_text = item.get("motion"), item.get("motion_text")
    from tutor.results import check_request

    side = item.get("side", side)
    check_request(side)  # the API's own check: `analyze` takes no side, but a bad one is still an error
    return motion_id, motion_text, side


def _check_motion_options(tutor: Any, motion_id: str | None, motion_text: str | None) -> None:
    """A bad --motion is a usage error before any text is read (batch or not)."""
    if motion_id and motion_text:
        raise UsageError("give either --motion or --motion-text, not both")
    if motion_id:
        from tutor.motions import find_motion

        find_motion(tutor.motions, motion_id)


def _batch_or_text(text: str | None, batch: str | None) -> tuple[str | None, list[BatchLine] | None]:
    if batch is not None and text is not None:
        raise UsageError("give TEXT or --batch, not both")
    if batch is not None:
        return None, read_batch(batch, OVERRIDES)
    return read_text_argument(text), None


@click.command("analyze")
@click.argument("text", required=False)
@click.option("--motion", "motion_id", default=None, help="Motion id (see `tutor motions`).")
@click.option("--motion-text", default=None, help="Or a motion statement of your own.")
@click.option("--batch", "batch", default=None, metavar="FILE|-", help=BATCH_HELP.replace(' and "side"', ""))
@INDEX_OPTION
@click.option("--model", default=None, help=MODEL_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@handles_errors
def analyze(text: str | None, motion_id: str | None, motion_text: str | None, batch: str | None,
            index_dir: Path | None, model: str | None, as_json: bool) -> None:
    """An argument's stance, strength (with reasons) and main claim. TEXT or - for stdin."""
    from tutor.api import Tutor

    text, items = _batch_or_text(text, batch)
    tutor = Tutor.open(index_dir, model)
    _check_motion_options(tutor, motion_id, motion_text)
    if items is not None:
        def answer(item: BatchLine) -> Any:
            line_motion, line_text, _side = _line_options(item, motion_id, motion_text, None)
            return tutor.analyze(item.text, line_motion, line_text)

        answer_batch(items, answer)
        return
    result = tutor.analyze(text or "", motion_id, motion_text)
    if as_json:
        emit_json(result)
        return
    from tutor.text import printable

    _notes(result["notes"])
    stance, strength = result["stance"], result["strength"]
    motion = result["motion"]
    click.echo(f"motion:     {printable(motion['statement']) if motion else '(none fits)'}")
    click.echo(f"stance:     {stance['stance']} ({stance['confidence']:.0%} confident)")
    click.echo(f"main claim: {printable(result['main_claim']['text'])}")
    click.echo(f"strength:   {strength['score']:.2f}")
    for reason in strength["reasons"]:
        click.echo(f"  + {reason}")
    for penalty in strength["penalties"]:
        click.echo(f"  - {penalty}")


@click.command("counter")
@click.argument("text", required=False)
@click.option("--motion", "motion_id", default=None, help="Motion id (see `tutor motions`); default: the best fit.")
@click.option("--motion-text", default=None, help="Or a motion statement of your own.")
@click.option("--side", type=click.Choice(["pro", "con"]), default=None, help="The side you argue; default: estimated.")
@click.option("-k", "k", type=int, default=5, show_default=True, help="How many counter-arguments.")
@click.option("--batch", "batch", default=None, metavar="FILE|-", help=BATCH_HELP)
@INDEX_OPTION
@click.option("--model", default=None, help=MODEL_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@handles_errors
def counter(text: str | None, motion_id: str | None, motion_text: str | None, side: str | None, k: int,
            batch: str | None, index_dir: Path | None, model: str | None, as_json: bool) -> None:
    """The strongest counter-arguments to TEXT (or - for stdin) from the corpus."""
    from tutor.api import Tutor
    from tutor.results import check_request

    check_request(side, k)  # before the model loads; the API checks with the same function
    text, items = _batch_or_text(text, batch)
    tutor = Tutor.open(index_dir, model)
    _check_motion_options(tutor, motion_id, motion_text)
    if items is not None:
        def answer(item: BatchLine) -> Any:
            line_motion, line_text, line_side = _line_options(item, motion_id, motion_text, side)
            return tutor.counter(item.text, line_motion, line_side, k, line_text)

        answer_batch(items, answer)
        return
    result = tutor.counter(text or "", motion_id, side, k, motion_text)
    if as_json:
        emit_json(result)
    else:
        _print_counters(result)


def _print_counters(result: CounterResult) -> None:
    from tutor.text import printable

    _notes(result.notes)
    if result.motion:
        click.echo(f"motion: {printable(result.motion_statement or '')}   your side: {result.side or 'unknown'}\n")
    for rank, card in enumerate(result.counters, start=1):
        source = card.source
        who = f", {source.speaker}" if source.speaker else ""
        click.echo(printable(f"{rank}. {card.id}  [{card.stance}]  score {card.score:.2f}  "
                             f"({source.title}{who}, line {source.line})"))
        click.echo(f"   {printable(card.text)}")
        click.echo(f"   why: {printable(card.why.text)}")
        if card.fallacies:
            click.echo(printable("   fallacies in this source: " + ", ".join(f.label for f in card.fallacies)))
        click.echo("")


def _notes(notes: list[str]) -> None:
    for note in notes:
        click.echo(f"note: {note}", err=True)


@click.command("sources")
@click.option("--doc", "doc", default=None, help="Only this document (e.g. essay, thread).")
@click.option("--fallacies", "only_fallacies", is_flag=True, help="Only passages with fallacy findings.")
@INDEX_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the passages as JSON.")
@handles_errors
def sources(doc: str | None, only_fallacies: bool, index_dir: Path | None, as_json: bool) -> None:
    """List corpus passages with their stances and fallacy findings (no model needed)."""
    from tutor.index import load_index
    from tutor.search import source_of
    from tutor.text import printable

    index = load_index(index_dir or default_index_dir())
    known = {p.doc for p in index.passages}
    if doc is not None and doc not in known:
        raise UsageError(f"unknown document {doc!r}", f"documents: {', '.join(sorted(known))}")
    rows = []
    for row, passage in enumerate(index.passages):
        findings = index.findings[row]
        if (doc and passage.doc != doc) or (only_fallacies and not findings):
            continue
        rows.append({"id": passage.id, "text": passage.text, "source": source_of(index, row),
                     "stance": passage.stance, "speaker": passage.speaker, "role": passage.role,
                     "reply_to": passage.reply_to, "findings": findings})
    if as_json:
        emit_json({"passages": rows})
        return
    for item in rows:
        stance = ", ".join(f"{m}={s}" for m, s in item["stance"].items()) or "no stance"
        click.echo(printable(f"{item['id']}  (line {item['source']['line']}; {stance})"))
        click.echo(f"   {printable(item['text'])}")
        for finding in item["findings"]:
            click.echo(printable(f"   ! {finding['label']}: \"{finding['quote']}\" ({finding['confidence']:.0%})"))
