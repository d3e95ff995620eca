"""The engine as a child process: started, waited for, watched, stopped.

`tutor serve`, the tests and the benchmark start the engine this way: a
fresh interpreter running `tutor engine`, its log in the private directory
that holds its socket. `start` returns once the engine answers; a failure to
start is an EngineError with the engine's own error line.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable

from tutor.engine.protocol import EngineError

START_TIMEOUT = 300.0


def default_socket_path() -> Path:
    """$XDG_RUNTIME_DIR/tutor/engine.sock, else a per-user folder in the temp directory."""
    import tempfile

    runtime = os.environ.get("XDG_RUNTIME_DIR")
    base = Path(runtime) / "tutor" if runtime and Path(runtime).is_dir() else Path(tempfile.gettempdir()) / f"tutor-{os.getuid()}"
    return base / "engine.sock"


class EngineProcess:
    """One `tutor engine` child listening on `socket_path`."""

    def __init__(self, socket_path: Path, index_dir: Path | None = None, env: dict[str, str] | None = None) -> None:
        self.socket_path = Path(socket_path)
        self.index_dir = index_dir
        self.env = env
        self.log_path = self.socket_path.with_suffix(".log")
        self.process: subprocess.Popen[bytes] | None = None
        self.stopping = threading.Event()

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def start(self, timeout: float = START_TIMEOUT) -> None:
        """Start the child and wait until it answers; EngineError with its error line if it cannot."""
        from tutor.engine.client import TutorClient
        from tutor.engine.server import private_socket_dir

        private_socket_dir(self.socket_path.parent)
        command = [sys.executable, "-m", "tutor", "engine", "--socket", str(self.socket_path)]
        if self.index_dir:
            command += ["--index", str(self.index_dir)]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                            env=self.env, start_new_session=True)
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise EngineError(f"the tutor engine did not start: {self.last_error()}")
            if self.socket_path.exists():
                try:
                    TutorClient.open(socket_path=self.socket_path).close()
                    return
                except EngineError:
                    pass
            if time.monotonic() > deadline:
                self.stop()
                raise EngineError(f"the tutor engine did not start within {timeout:.0f} s", f"see {self.log_path}")
            time.sleep(0.1)

    def last_error(self) -> str:
        try:
            lines = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            lines = []
        errors = [line.removeprefix("error: ") for line in lines if line.startswith("error: ")]
        exit_code = self.process.poll() if self.process else None
        return errors[-1] if errors else (lines[-1] if lines else f"it exited with code {exit_code}")

    def watch(self, on_exit: Callable[[int], bool]) -> threading.Thread:
        """A thread that waits for the child; if it dies while not stopping, `on_exit(code)`
        is told and returns True to have it started again."""

        def run() -> None:
            while not self.stopping.is_set():
                assert self.process is not None
                code = self.process.wait()
                if self.stopping.is_set() or not on_exit(code):
                    return
                try:
                    self.start()
                except EngineError:
                    if not on_exit(-1):
                        return

        thread = threading.Thread(target=run, name="tutor-engine-watch", daemon=True)
        thread.start()
        return thread

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM, then SIGKILL after `timeout`; the engine removes its socket on the way out."""
        self.stopping.set()
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
