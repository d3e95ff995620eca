"""`tutor train fallacy|relation`: retrain a learned model from the project's data."""

from __future__ import annotations

from pathlib import Path

import click

from tutor.commands.common import handles_errors


def _say(message: str) -> None:
    click.echo(message, err=True)


@click.group("train")
def train_group() -> None:
    """Fine-tune a learned model from the bundled MiniLM (CPU, deterministic, minutes).

    The weights and their manifest are written beside the code unless --out
    says otherwise; a test fails when the training data changed and the model
    was not retrained.
    """


@train_group.command("fallacy")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Directory for fallacy.safetensors and fallacy.json (default: the shipped model's).")
@click.option("--data", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Directory of training JSONL files (default: tutor/fallacy/data/train).")
@handles_errors
def train_fallacy(out: Path | None, data: Path | None) -> None:
    """The fallacy checker: sentences in context, 20 types and "none"."""
    from tutor.fallacy import train

    metrics = train.train(out or train.ARTEFACT_DIR, data or train.DATA_DIR, _say)
    click.echo(" ".join(f"{k}={v}" for k, v in metrics.items()))


@train_group.command("relation")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Directory for relation.safetensors and relation.json (default: the shipped model's).")
@click.option("--data", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Directory of the project's topic JSONL files (default: tutor/relation/data/train).")
@click.option("--ibm", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The IBM Debater Claim Stance training CSV (default: ../shared/data/ibm-claim-stance/).")
@handles_errors
def train_relation(out: Path | None, data: Path | None, ibm: Path | None) -> None:
    """The argument relation: attacks / supports / unrelated, and stance toward a motion."""
    from tutor.relation import train

    metrics = train.train(out or train.ARTEFACT_DIR, data or train.DATA_DIR, ibm or train.IBM_CSV, _say)
    click.echo(" ".join(f"{k}={v}" for k, v in metrics.items()))
