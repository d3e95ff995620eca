"""`tutor index build|info|verify` and `tutor search`."""

from __future__ import annotations

import time
from pathlib import Path

import click

from tutor.commands.common import Progress, emit_json, handles_errors, read_text_argument
from tutor.paths import default_corpus_dir, default_index_dir

MODEL_HELP = "Local sentence-transformers model directory (default: bundled all-MiniLM-L6-v2; env TUTOR_MODEL)."


@click.group("index")
def index_group() -> None:
    """Build, inspect and verify the passage index."""


@index_group.command("build")
@click.option("--corpus", "corpus", type=click.Path(path_type=Path), default=None,
              help="Directory of .txt/.md documents or a .jsonl passage file (default: the shipped corpus; env TUTOR_CORPUS).")
@click.option("--out", "out", type=click.Path(path_type=Path), default=None,
              help="Index directory to write (default: the shipped index/; env TUTOR_INDEX).")
@click.option("--model", default=None, help=MODEL_HELP)
@click.option("--no-findings", is_flag=True, help="Skip running the fallacy checker on every passage.")
@handles_errors
def build(corpus: Path | None, out: Path | None, model: str | None, no_findings: bool) -> None:
    """Embed every passage of a corpus into a FAISS index, atomically.

    A crash or Ctrl-C leaves the previous index intact; a lock keeps two
    builds of the same directory apart.
    """
    started = time.perf_counter()
    from tutor.api import build_index_with_findings

    corpus = corpus or default_corpus_dir()
    out = out or default_index_dir()
    progress = Progress("embedding")
    warn = lambda message: click.echo(f"warning: {message}", err=True)  # noqa: E731
    try:
        result = build_index_with_findings(corpus, out, model=model, progress=progress, warn=warn, findings=not no_findings)
    finally:
        progress.close()
    m = result.manifest
    building = result.seconds - result.load_seconds
    click.echo(f"built {out}: {m.passage_count} passages from {len(m.documents)} documents "
               f"with {m.model} in {time.perf_counter() - started:.1f}s "
               f"(loading the model {result.load_seconds:.1f}s, building {building:.1f}s)")


@index_group.command("info")
@click.option("--index", "index_dir", type=click.Path(path_type=Path), default=None, help="Index directory (default: shipped index/).")
@click.option("--json", "as_json", is_flag=True, help="Print the manifest as JSON.")
@handles_errors
def info(index_dir: Path | None, as_json: bool) -> None:
    """Show what an index holds and how it was built."""
    from tutor.index import read_manifest
    from tutor.text import printable

    index_dir = index_dir or default_index_dir()
    manifest = read_manifest(index_dir)
    if as_json:
        emit_json({"index": str(index_dir), **manifest.to_dict()})
        return
    echo = lambda line: click.echo(printable(line))  # noqa: E731 - the manifest may come from anyone
    echo(f"index        {index_dir}")
    echo(f"passages     {manifest.passage_count}")
    echo(f"documents    {', '.join(d['id'] for d in manifest.documents) or '-'}")
    echo(f"model        {manifest.model} (weights sha256 {manifest.weights_sha256[:16]}…)")
    echo(f"dimension    {manifest.dimension}")
    echo(f"corpus       {manifest.corpus_path} (sha256 {manifest.corpus_hash[:16]}…)")
    echo(f"built        {manifest.built_at} by tutor {manifest.tool_version}, format {manifest.format_version}")
    if manifest.annotations:
        echo(f"annotations  {', '.join(sorted(manifest.annotations))}")


@index_group.command("verify")
@click.option("--index", "index_dir", type=click.Path(path_type=Path), default=None, help="Index directory (default: shipped index/).")
@click.option("--corpus", type=click.Path(path_type=Path), default=None, help="Corpus to compare with (default: the one it was built from).")
@click.option("--model", default=None, help=MODEL_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@handles_errors
def verify(index_dir: Path | None, corpus: Path | None, model: str | None, as_json: bool) -> None:
    """Check an index: intact files, fresh against its corpus, same model. Exit 1 if not."""
    from tutor.index import verify_index
    from tutor.text import printable

    report = verify_index(index_dir or default_index_dir(), corpus, model)
    if as_json:
        emit_json(report.to_dict())
    elif report.ok:
        click.echo(printable(f"ok: {report.index_dir} is intact, fresh and built with {report.manifest.model}"))  # type: ignore[union-attr]
    else:
        for problem in report.problems:
            click.echo(printable(f"{problem['problem']}: {problem['message']} ({problem['hint']})"), err=True)
    if not report.ok:
        raise SystemExit(1)


@click.command("search")
@click.argument("text", required=False)
@click.option("-k", "k", type=int, default=5, show_default=True, help="How many passages.")
@click.option("--index", "index_dir", type=click.Path(path_type=Path), default=None, help="Index directory (default: shipped index/).")
@click.option("--model", default=None, help=MODEL_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@handles_errors
def search(text: str | None, k: int, index_dir: Path | None, model: str | None, as_json: bool) -> None:
    """Nearest passages to TEXT by meaning (TEXT or - for standard input)."""
    from tutor.api import Tutor
    from tutor.text import printable

    text = read_text_argument(text)
    tutor = Tutor.open(index_dir, model)
    result = tutor.search(text or "", k)
    if as_json:
        emit_json(result)
        return
    for note in result["notes"]:
        click.echo(f"note: {note}", err=True)
    for rank, hit in enumerate(result["results"], start=1):
        source = hit["source"]
        click.echo(printable(f"{rank}. [{hit['score']:.3f}] {hit['id']} ({source['title']}, line {source['line']})"))
        click.echo(f"   {printable(hit['text'])}")
