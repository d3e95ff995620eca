"""`tutor exercise`: write, check and run classroom exercises (thin shells over tutor.exercise)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from tutor.commands.common import fail, handles_errors

DEFAULT_OUT = "submissions"


@click.group("exercise")
def exercise_group() -> None:
    """Classroom exercises: write one (new), check it (validate), hand it out (run), collect a class report (report)."""


@exercise_group.command("validate")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@handles_errors
def validate(files: tuple[str, ...]) -> None:
    """Check exercise files: every problem with its file, line, field and what is allowed.

    Exits 1 when any file has a problem (all of them are listed).
    """
    from tutor.exercise import validate_file

    bad = 0
    for name in files:
        exercise, problems = validate_file(Path(name))
        if exercise is None:
            bad += 1
            for problem in problems:
                click.echo(f"error: {' '.join(str(problem).split())}", err=True)
            continue
        side = "the student's choice" if exercise.side_choice else exercise.side
        limit = f", {exercise.time_limit_seconds} s per turn" if exercise.time_limit_seconds else ""
        click.echo(f"ok: {name}: {exercise.id!r}, {exercise.rounds} round{'s' if exercise.rounds != 1 else ''}, "
                   f"{exercise.min_words}-{exercise.max_words} words, side {side}{limit}")
    if bad:
        fail(f"{bad} of {len(files)} exercise file{'s' if len(files) != 1 else ''} "
             f"{'have' if bad != 1 else 'has'} problems", 1)


@exercise_group.command("new")
@click.argument("path", required=False, metavar="[PATH]")
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
@click.option("--motion", "motion", default="soft_power_real", show_default=True, metavar="ID",
              help="The motion the template names.")
@handles_errors
def new(path: str | None, force: bool, motion: str) -> None:
    """Write a commented exercise template to PATH (or standard output)."""
    from tutor.exercise import template
    from tutor.files import atomic_writer

    text = template(motion)
    if path in (None, "-"):
        click.echo(text, nl=False)
        return
    target = Path(path)
    if target.is_dir():
        fail(f"{target} is a directory; give a file name such as {target / 'exercise.toml'}", 2)
    if target.exists() and not force:
        fail(f"{target} exists; pass --force to overwrite it", 1)
    try:
        with atomic_writer(target) as handle:
            handle.write(text)
    except OSError as exc:
        fail(f"cannot write {target}: {exc.strerror}", 1)
    click.echo(f"wrote {target}; edit it, then run `tutor exercise validate {target}`", err=True)


@exercise_group.command("run")
@click.argument("file", metavar="FILE")
@click.option("--student", "student", metavar="NAME", help="The student's name (any text). Required.")
@click.option("--out", "out", default=DEFAULT_OUT, show_default=True, metavar="DIR",
              help="Where submissions are saved (a folder per exercise inside).")
@click.option("--new", "new_attempt", is_flag=True, help="Start another attempt instead of resuming.")
@click.option("--ask-name", is_flag=True, hidden=True,
              help="Ask the student's name in the app instead of --student (what `tutor serve --exercise` runs).")
@handles_errors
def run(file: str, student: str | None, out: str, new_attempt: bool, ask_name: bool) -> None:
    """Run an exercise in the interactive tutor; the submission is saved after every turn.

    Running it again with the same --student resumes that student's unfinished submission.
    """
    from tutor.commands.play_cmd import check_terminal
    from tutor.exercise import Claim, claim, load_exercise

    if student is None and not ask_name:
        raise click.UsageError("Missing option '--student'.")
    if student is not None and ask_name:
        raise click.UsageError("--ask-name asks the name in the app; do not combine it with --student")
    launched = time.perf_counter()
    check_terminal()
    exercise = load_exercise(Path(file))
    claimed: Claim | None = None
    if student is not None:
        claimed = claim(Path(out), exercise, student, new=new_attempt)
    try:
        for note in claimed.notes if claimed else ():
            click.echo(f"note: {note}", err=True)
        from tutor.tui.exercise import ExerciseApp

        app = ExerciseApp(exercise, claimed, launched=launched, out=Path(out), new_attempt=new_attempt)
        app.run()
    finally:
        if claimed is not None:
            claimed.release()
    held = app.claimed  # served: claimed in the app, or None if the student never gave a name
    if held is not None:
        held.release()
        click.echo(f"submission: {held.path}", err=True)
    if app.return_code:
        sys.exit(app.return_code)


from tutor.commands.report_cmd import report  # noqa: E402 - its own module: the class report

exercise_group.add_command(report)
