"""TutorClient: the TUI's side of the shared engine, with no torch in its process.

It has the methods of `tutor.api.Tutor` that the TUI calls (`warm`,
`run_turn`, `document_view`) and answers them by asking the engine over its
Unix socket. Requests carry ids, so several threads of one client may wait
at once; a reader thread hands each answer to the thread that asked. If the
engine dies, every waiting call and every later one raises an EngineError
with one line saying so (the next call tries to reconnect first, so a
restarted engine is picked up).
"""

from __future__ import annotations

import itertools
import os
import socket
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Callable

from tutor.errors import TutorError
from tutor.engine.protocol import ENGINE_ENV, MAX_LINE, PROTOCOL_VERSION, EngineError, decode, encode, error_from_dict

STOPPED_HINT = "the model is served by `tutor serve` (or `tutor engine`); ask whoever started it to restart it"


def engine_socket(environ: dict[str, str] | None = None) -> Path | None:
    """The engine's socket path from $TUTOR_ENGINE, if it is set."""
    value = (os.environ if environ is None else environ).get(ENGINE_ENV, "").strip()
    return Path(value) if value else None


class TutorClient:
    """A `Tutor` whose work is done by the engine listening at `socket_path`."""

    def __init__(self, socket_path: Path | str, index_dir: Path | str | None = None, timeout: float | None = 600) -> None:
        self.socket_path = Path(socket_path)
        self.index = str(Path(index_dir).resolve()) if index_dir else None
        self.timeout = timeout
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._waiting: dict[int, tuple[socket.socket, Future[Any]]] = {}  # by request id
        self.info: dict[str, Any] = {}

    @classmethod
    def open(cls, index_dir: Path | str | None = None, step: Callable[[str], None] | None = None,
             socket_path: Path | str | None = None) -> "TutorClient":
        """Connect (the signature of `Tutor.open`, so the TUI can use either as its opener)."""
        step = step or (lambda _message: None)
        path = socket_path or engine_socket()
        if path is None:
            raise EngineError(f"no tutor engine: ${ENGINE_ENV} is not set", "start one with `tutor engine`")
        step("connecting to the tutor engine")
        client = cls(path, index_dir)
        client.info = client.call("hello", {})
        if client.info.get("protocol") != PROTOCOL_VERSION:
            client.close()
            raise EngineError(f"the tutor engine speaks protocol {client.info.get('protocol')!r}, not {PROTOCOL_VERSION}",
                              "restart `tutor serve` with this version of tutor")
        step("ready")
        return client

    # --- the Tutor methods the TUI uses

    def warm(self, step: Any = None) -> None:
        """Nothing to build here: the engine warmed its models when it started."""

    def run_turn(self, session: Any, turn: Any, k: int = 5) -> Any:
        from tutor.session import TurnFeedback

        data = self.call("run_turn", {"index": self.index, "session": session.to_dict(), "turn": turn.number, "k": k})
        try:
            return TurnFeedback.from_dict(data)
        except TutorError as exc:
            raise EngineError(f"the tutor engine sent feedback this tutor cannot read: {exc.message}",
                              "the engine runs another version of tutor; restart `tutor serve`") from None

    def document_view(self, doc_id: str, motion: str | None = None) -> list[dict[str, Any]]:
        return self.call("document_view", {"index": self.index, "doc_id": doc_id, "motion": motion})

    # --- the wire

    def call(self, method: str, params: dict[str, Any]) -> Any:
        """Send one request and wait for its answer (thread-safe)."""
        future: Future[Any] = Future()
        with self._lock:
            sock = self._connected()
            request_id = next(self._ids)
            self._waiting[request_id] = (sock, future)
            try:
                sock.sendall(encode({"id": request_id, "method": method, "params": params}))
            except OSError as exc:
                self._waiting.pop(request_id, None)
                self._drop(sock, exc)
                raise self._stopped(exc) from None
        try:
            return future.result(self.timeout)
        except TimeoutError:
            with self._lock:
                self._waiting.pop(request_id, None)
            raise EngineError(f"the tutor engine did not answer within {self.timeout:.0f} s",
                              "it may be overloaded; try again") from None

    def close(self) -> None:
        with self._lock:
            sock, self._sock = self._sock, None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def _connected(self) -> socket.socket:
        """The open connection, or a new one (with its reader thread). Called with the lock held."""
        if self._sock is not None:
            return self._sock
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(str(self.socket_path))
        except OSError as exc:
            sock.close()
            raise EngineError(f"cannot reach the tutor engine at {self.socket_path}: {exc.strerror or exc}",
                              STOPPED_HINT) from None
        self._sock = sock
        threading.Thread(target=self._read, args=(sock,), daemon=True, name="tutor-engine-reader").start()
        return sock

    def _read(self, sock: socket.socket) -> None:
        reader = sock.makefile("rb")
        problem: BaseException | None = None
        try:
            while True:
                line = reader.readline(MAX_LINE + 1)
                if not line:
                    break
                message = decode(line)
                with self._lock:
                    waiting = self._waiting.pop(message["id"], None)
                if waiting is None:
                    continue  # an answer nobody waits for any more (timed out)
                future = waiting[1]
                if "error" in message:
                    future.set_exception(error_from_dict(message["error"]))
                else:
                    future.set_result(message.get("result"))
        except (OSError, EngineError) as exc:
            problem = exc
        finally:
            reader.close()
            with self._lock:
                self._drop(sock, problem)

    def _drop(self, sock: socket.socket, problem: BaseException | None) -> None:
        """Forget a dead connection and fail every call waiting on it. Called with the lock held."""
        if self._sock is sock:
            self._sock = None
        try:
            sock.close()
        except OSError:
            pass
        lost = [request_id for request_id, (owner, _) in self._waiting.items() if owner is sock]
        for request_id in lost:
            future = self._waiting.pop(request_id)[1]
            if not future.done():
                future.set_exception(self._stopped(problem))

    def _stopped(self, problem: BaseException | None) -> EngineError:
        if isinstance(problem, EngineError):
            return problem
        return EngineError("the tutor engine stopped before answering", STOPPED_HINT)
