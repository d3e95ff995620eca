"""`tutor serve`: the tutor in a browser for a whole class; `tutor engine`: the model, once per machine.

`tutor serve` starts one engine (the model, the index, the checkers), then
serves the TUI with textual-serve: every browser tab gets its own TUI process,
which asks the student's name and sends its turns to the engine over a Unix
socket, so a class of thirty holds one model, not thirty.

With `--exercise FILE`, every tab runs that exercise instead (`tutor exercise
run FILE --ask-name`): the student's name is asked in the app, their
submission is claimed (or resumed) under --out, and the engine loads the
exercise's index. The file is checked once here, before anything starts.
"""

from __future__ import annotations

import ipaddress
import os
import shlex
import socket
import sys
from pathlib import Path
from typing import Any

import click

from tutor.commands.common import handles_errors


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_port(host: str, port: int) -> None:
    """UsageError (one line) if nothing can listen on host:port, before the model loads."""
    from tutor.errors import UsageError

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UsageError(f"cannot listen on {host!r}: {exc.strerror}", "pass an address of this machine to --host") from None
    family, _, _, _, address = infos[0]
    probe = socket.socket(family, socket.SOCK_STREAM)
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(address)
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                         "choose another --port, or stop what is using it") from None
    finally:
        probe.close()


def app_command(index_dir: Path | None, exercise_file: Path | None = None, out: Path | None = None) -> str:
    """The shell command textual-serve runs for each browser tab."""
    if exercise_file is not None:
        command = [sys.executable, "-m", "tutor", "exercise", "run", str(exercise_file.resolve()), "--ask-name"]
        if out is not None:
            command += ["--out", str(out.resolve())]
        return shlex.join(command)
    command = [sys.executable, "-m", "tutor", "play", "--ask-name"]
    if index_dir:
        command += ["--index", str(index_dir.resolve())]
    return shlex.join(command)


def check_exercise(exercise_file: Path, out: Path) -> Any:
    """The exercise, checked once for the whole class, and its submissions folder, created now.

    ExerciseError / SubmissionError (one line, non-zero exit) before the model loads.
    """
    from tutor.exercise import SubmissionError, load_exercise, submissions_folder

    exercise = load_exercise(exercise_file)
    folder = submissions_folder(out, exercise)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SubmissionError(f"cannot create the submissions folder {folder}: {exc.strerror}",
                              "choose a writable directory with --out") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise SubmissionError(f"cannot write to the submissions folder {folder}", "choose a writable directory with --out")
    return exercise


def make_server(command: str, host: str, port: int, what: str = "the tutor") -> Any:
    from textual_serve.server import Server

    class ClassServer(Server):
        """textual-serve, with the page's websocket address taken from the address the browser used
        (a server on 0.0.0.0 must not tell browsers to connect to 0.0.0.0), a one-line banner, and
        every student's TUI process told to quit (and waited for) when the server stops."""

        async def handle_index(self, request: Any) -> Any:
            self.public_url = f"{request.scheme}://{request.host}"
            return await super().handle_index(request)

        async def on_startup(self, app: Any) -> None:
            shown = f"[{host}]" if ":" in host else host
            self.console.print(f"tutor: serving {what} on http://{shown}:{port}  (ctrl+c stops it)",
                               highlight=False, markup=False)

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.running: set[Any] = set()  # the students' app services
            self.ending: set[Any] = set()  # tasks waiting for a TUI process to exit

        async def _process_messages(self, websocket: Any, app_service: Any) -> None:
            self.running.add(app_service)
            try:
                await super()._process_messages(websocket, app_service)
            finally:
                self.running.discard(app_service)
                self._end(app_service)

        def _end(self, app_service: Any) -> None:
            """textual-serve never waits for a TUI process; one left to the loop's close prints a traceback."""
            import asyncio

            task = asyncio.ensure_future(self._reap(app_service))
            self.ending.add(task)
            task.add_done_callback(self.ending.discard)

        async def _reap(self, app_service: Any) -> None:
            import asyncio

            process = app_service._process
            await app_service.stop()  # tells the app to quit (it saves nothing more: every turn is saved already)
            if process is None:
                return
            try:
                await asyncio.wait_for(process.wait(), 10)
            except asyncio.TimeoutError:
                process.kill()
                await process.wait()
            if process.stdin is not None:
                process.stdin.close()

        async def on_shutdown(self, app: Any) -> None:
            import asyncio

            for app_service in list(self.running):
                self._end(app_service)
            if self.ending:
                await asyncio.wait(list(self.ending), timeout=15)

    return ClassServer(command, host=host, port=port, title="tutor")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on. Anything but loopback lets other machines in (a warning says so).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="TCP port.")
@click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Use the index in DIR (default: the shipped one, or $TUTOR_INDEX).")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Keep the students' sessions under DIR/students/NAME (default: the tutor's data directory).")
@click.option("--exercise", "exercise_file", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Serve this exercise instead of free sessions (its index is the one it names).")
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="With --exercise: where submissions are saved  [default: submissions]")
@handles_errors
def serve(host: str, port: int, index_dir: Path | None, data_dir: Path | None, exercise_file: Path | None,
          out: Path | None) -> None:
    """Serve the tutor (or one exercise) to browsers: one tab per student, one model for the class."""
    import tempfile

    from tutor.commands.exercise_cmds import DEFAULT_OUT
    from tutor.engine.process import EngineProcess
    from tutor.engine.protocol import ENGINE_ENV
    from tutor.errors import UsageError
    from tutor.session import DATA_ENV

    what = "the tutor"
    if exercise_file is None:
        if out is not None:
            raise UsageError("--out is where an exercise's submissions go; pass --exercise FILE with it",
                             "free sessions are kept under --data")
    else:
        if index_dir is not None:
            raise UsageError("--index does not apply to --exercise: the exercise file names its index",
                             "set `index` in the exercise file")
        if data_dir is not None:
            raise UsageError("--data keeps free sessions; an exercise's submissions go to --out")
        out = out or Path(DEFAULT_OUT)
        exercise = check_exercise(exercise_file, out)
        index_dir = Path(exercise.index_dir)
        what = f"the exercise {exercise.id!r}"
        click.echo(f"tutor: exercise {exercise.id!r} ({exercise.rounds} rounds); submissions in "
                   f"{(out / exercise.id).resolve()}", err=True)
    if not is_loopback(host):
        click.echo(f"warning: serving on {host}:{port}: every machine that can reach this interface can use "
                   "the tutor, and there is no login", err=True)
    check_port(host, port)
    private = Path(tempfile.mkdtemp(prefix="tutor-serve-"))  # 0700: only this user reaches the engine socket
    engine = EngineProcess(private / "engine.sock", index_dir)
    restarts = []

    def engine_exited(code: int) -> bool:
        restarts.append(code)
        if len(restarts) > 3:
            click.echo(f"error: the tutor engine keeps stopping ({engine.last_error()}); stopping the server", err=True)
            os.kill(os.getpid(), __import__("signal").SIGTERM)
            return False
        click.echo(f"warning: the tutor engine stopped (exit code {code}); starting it again", err=True)
        return True

    try:
        click.echo("tutor: loading the model and index once for the whole class…", err=True)
        engine.start()
        os.environ[ENGINE_ENV] = str(engine.socket_path)
        if data_dir:
            os.environ[DATA_ENV] = str(data_dir.resolve())
        engine.watch(engine_exited)
        make_server(app_command(index_dir, exercise_file, out), host, port, what).serve()
    finally:
        engine.stop()
        import shutil

        shutil.rmtree(private, ignore_errors=True)
    if len(restarts) > 3:
        sys.exit(1)


@click.command("engine")
@click.option("--socket", "socket_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Listen on this Unix socket (its directory must be private; default: a per-user path).")
@click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Use the index in DIR (default: the shipped one, or $TUTOR_INDEX).")
@handles_errors
def engine(socket_path: Path | None, index_dir: Path | None) -> None:
    """Load the model and index once and answer tutor processes on a Unix socket
    (TUTOR_ENGINE=SOCKET tutor uses it)."""
    from tutor.engine.process import default_socket_path
    from tutor.engine.server import run_engine

    path = socket_path or default_socket_path()
    run_engine(path, index_dir, step=lambda step: click.echo(f"tutor engine: {step}", err=True),
               ready=lambda _server: click.echo(f"tutor engine: listening on {path} "
                                                f"(TUTOR_ENGINE={path} tutor uses it)", err=True))
