"""`tutor play` (and `tutor` alone): the interactive tutor.

Options are checked before the app starts, so a bad --motion or a missing
saved session is one line on stderr and exit 2, not a screen. Nothing heavy is
imported here; the app loads the model in a worker after the first paint.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Mapping

import click

from tutor.commands.common import handles_errors
from tutor.errors import IndexError_


def build_app(index_dir: Path | str | None = None, motion: str | None = None, side: str | None = None,
              resume: str | None = None, data_dir: Path | str | None = None, tutor: Any = None,
              launched: float | None = None, ask_name: bool = False) -> Any:
    """The one app factory the CLI, the tests and the benchmark share."""
    from tutor.tui.app import TutorApp

    return TutorApp(index_dir=index_dir, data_dir=data_dir, motion=motion, side=side, resume=resume, tutor=tutor,
                    launched=launched, ask_name=ask_name)


def check_options(index_dir: Path | str | None, motion: str | None, side: str | None, resume: str | None,
                  data_dir: Path | str | None = None) -> None:
    """Raise a UsageError/SessionError (exit 2) for an unknown motion or a missing session."""
    from tutor import session as sessions

    if resume is not None:
        if motion or side:
            from tutor.errors import UsageError

            raise UsageError("--resume continues a saved session; do not combine it with --motion or --side")
        sessions.resolve(resume, data_dir, warn=lambda message: click.echo(f"warning: {message}", err=True))
    if motion:
        from tutor.index import read_manifest
        from tutor.motions import Motion, find_motion
        from tutor.paths import default_index_dir

        try:
            manifest = read_manifest(Path(index_dir) if index_dir else default_index_dir())
        except IndexError_:
            return  # the app shows the index problem on its error screen, with the fix
        find_motion([Motion.from_dict(m) for m in manifest.motions], motion)


def check_terminal(environ: Mapping[str, str] | None = None) -> None:
    """A dumb terminal cannot draw the full-screen tutor: say so (exit 2) instead of filling it with escapes.

    NO_COLOR needs nothing here: Textual reads it and draws in monochrome.
    """
    environ = os.environ if environ is None else environ
    if environ.get("TERM") == "dumb":
        from tutor.errors import UsageError

        raise UsageError("this terminal (TERM=dumb) cannot show the interactive tutor",
                         "run it in a full terminal, or use `tutor counter`, `tutor check` and `tutor analyze`, "
                         "which print plain text")


def run_app(index_dir: Path | str | None = None, motion: str | None = None, side: str | None = None,
            resume: str | None = None, ask_name: bool = False) -> None:
    launched = time.perf_counter()
    check_terminal()
    check_options(index_dir, motion, side, resume)
    app = build_app(index_dir, motion, side, resume, launched=launched, ask_name=ask_name)
    app.run()


@click.command("play")
@click.option("--motion", "motion", metavar="ID", help="Start on this motion (see `tutor motions`).")
@click.option("--side", type=click.Choice(["pro", "con"]), help="Argue this side of the motion.")
@click.option("--resume", "resume", is_flag=False, flag_value="latest", default=None, metavar="[ID]",
              help="Continue a saved session: the latest, or the one with this id.")
@click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Use the index in DIR (default: the shipped one, or $TUTOR_INDEX).")
@click.option("--ask-name", is_flag=True, hidden=True,
              help="Ask the student's name first and keep their sessions apart (what `tutor serve` runs).")
@handles_errors
def play(motion: str | None, side: str | None, resume: str | None, index_dir: Path | None, ask_name: bool) -> None:
    """Argue a motion in the interactive tutor; every turn is saved as you go."""
    run_app(index_dir=index_dir, motion=motion, side=side, resume=resume, ask_name=ask_name)
