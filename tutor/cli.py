"""The `tutor` command line: one click group over the core API.

Heavy libraries are imported inside commands, so `tutor --help` is instant.
"""

from __future__ import annotations

import click

from tutor import __version__
from tutor.commands.index_cmds import index_group, search


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tutor")
@click.pass_context
def main(ctx: click.Context) -> None:
    """A debate tutor: argue a motion, get the strongest counter-arguments from
    the corpus, and see your reasoning checked for fallacies.

    Run `tutor` alone to open the interactive tutor.
    """
    if ctx.invoked_subcommand is None:
        from tutor.commands.play_cmd import run_app

        run_app()


main.add_command(index_group)
main.add_command(search)

for _module, _names in (
    ("tutor.commands.counter_cmds", ("motions", "analyze", "counter", "sources")),
    ("tutor.commands.fallacy_cmds", ("check", "fallacies")),
    ("tutor.commands.play_cmd", ("play",)),
):
    # Commands land module by module; a missing one is simply not offered yet.
    try:
        _mod = __import__(_module, fromlist=list(_names))
    except ModuleNotFoundError as _exc:
        if _exc.name != _module:
            raise
        continue
    for _name in _names:
        if hasattr(_mod, _name):
            main.add_command(getattr(_mod, _name))
