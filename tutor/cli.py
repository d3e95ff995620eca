"""The `tutor` command line: one click group over the core API.

Heavy libraries are imported inside commands, so `tutor --help` is instant.
"""

from __future__ import annotations

import sys

import click

from tutor import __version__
from tutor.commands.counter_cmds import analyze, counter, motions, sources
from tutor.commands.exercise_cmds import exercise_group
from tutor.commands.fallacy_cmds import check, fallacies
from tutor.commands.index_cmds import index_group, search
from tutor.commands.play_cmd import play
from tutor.commands.serve_cmd import engine, serve
from tutor.commands.train_cmds import train_group


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tutor")
@click.pass_context
def main(ctx: click.Context) -> None:
    """A debate tutor: argue a motion, get the strongest counter-arguments from
    the corpus, and see your reasoning checked for fallacies.

    Run `tutor` alone to open the interactive tutor.
    """
    if ctx.invoked_subcommand is None:
        from tutor.commands.common import handles_errors
        from tutor.commands.play_cmd import run_app

        handles_errors(run_app)()


for command in (index_group, search, motions, analyze, counter, sources, check, fallacies, play, exercise_group, serve,
                engine, train_group):
    main.add_command(command)


def run() -> None:
    """The console entry point: click's own usage errors also become one line."""
    try:
        main.main(prog_name="tutor", standalone_mode=False)
    except click.exceptions.Exit as exc:  # --help, --version
        sys.exit(exc.exit_code)
    except click.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx else "tutor"
        click.echo(f"error: {exc.format_message()} (see `{where} --help`)", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("error: interrupted", err=True)
        sys.exit(130)
