"""The engine process: the model, the index and the checkers, once per machine.

`EngineServer` listens on a Unix socket in a private directory (the directory
0700, the socket 0600: only this user's processes can connect). Each client
connection has a reader thread; each request runs on a worker thread with
the ordinary `tutor.api.Tutor`, whose embedder is a `BatchingEmbedder`, so
concurrent turns share forward passes. Answers carry their request's id and
go back on the connection the request came from.
"""

from __future__ import annotations

import os
import socket
import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

from tutor import __version__
from tutor.engine.protocol import MAX_LINE, PROTOCOL_VERSION, EngineError, encode, error_to_dict
from tutor.errors import TutorError, UsageError

WORKERS = 64  # requests in flight at once; a class is about thirty


def private_socket_dir(path: Path) -> None:
    """Make `path` a directory only this user can enter, or refuse one that others can."""
    if not path.exists():
        path.mkdir(mode=0o700, parents=True)
    info = path.lstat()
    if not stat.S_ISDIR(info.st_mode):
        raise EngineError(f"{path} is not a directory", "give the engine socket a path in a private directory")
    if info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise EngineError(f"the engine socket's directory {path} is open to other users (mode {oct(info.st_mode & 0o777)})",
                          "use a directory only you can enter (chmod 700), or leave --socket out")


def bind_socket(path: Path) -> socket.socket:
    """A listening Unix socket at `path`, mode 0600; a stale socket file is replaced, a live one refused."""
    if len(os.fsencode(path)) > 100:  # sun_path holds 108 bytes on Linux, fewer elsewhere
        raise EngineError(f"the socket path {path} is too long for a Unix socket", "use a shorter --socket path")
    private_socket_dir(path.parent)
    if path.exists() or path.is_symlink():
        if not stat.S_ISSOCK(path.lstat().st_mode):
            raise EngineError(f"{path} exists and is not a socket", "choose another --socket path")
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            probe.connect(str(path))
        except OSError:
            path.unlink()  # left by an engine that died
        else:
            raise EngineError(f"a tutor engine is already listening on {path}", "stop it first, or use another --socket")
        finally:
            probe.close()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o177)  # the socket is born 0600: no moment where another user could connect
    try:
        listener.bind(str(path))
    finally:
        os.umask(old)
    os.chmod(path, 0o600)
    listener.listen(128)
    return listener


class Engine:
    """The loaded tutors (one per index directory, all sharing one batched model) and the methods clients call."""

    def __init__(self, index_dir: Path | None = None, model: str | None = None,
                 step: Callable[[str], None] | None = None) -> None:
        from tutor.embedding import load_embedder
        from tutor.engine.batching import BatchingEmbedder
        from tutor.paths import default_index_dir

        self.step = step or (lambda _message: None)
        self.default_index = (index_dir or default_index_dir()).resolve()
        self.step("loading the embedding model")
        self.embedder = BatchingEmbedder(load_embedder(model))
        self._tutors: dict[Path, Any] = {}
        self._lock = threading.Lock()
        self.tutor(None)  # the default index loads now: a broken one stops the engine before any student connects
        self.step("ready")

    def tutor(self, index: str | None) -> Any:
        from tutor.api import Tutor
        from tutor.index import load_index

        directory = Path(index).resolve() if index else self.default_index
        with self._lock:
            if directory not in self._tutors:
                self.step(f"reading the index {directory}")
                tutor = Tutor(load_index(directory), self.embedder)
                tutor.warm()
                self._tutors[directory] = tutor
            return self._tutors[directory]

    def hello(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"protocol": PROTOCOL_VERSION, "version": __version__, "pid": os.getpid(), "model": self.embedder.name,
                "index": str(self.default_index), "forward_passes": self.embedder.batches,
                "texts_encoded": self.embedder.texts}

    def run_turn(self, params: dict[str, Any]) -> dict[str, Any]:
        from tutor.session import Session

        session = Session.from_dict(_param(params, "session", dict))
        number = _param(params, "turn", int)
        if not 1 <= number <= len(session.turns):
            raise UsageError(f"the session has no turn {number}")
        k = _param(params, "k", int, 5)
        return self.tutor(params.get("index")).run_turn(session, session.turns[number - 1], k=k).to_dict()

    def document_view(self, params: dict[str, Any]) -> Any:
        motion = params.get("motion")
        return _plain(self.tutor(params.get("index")).document_view(_param(params, "doc_id", str),
                                                                    motion if isinstance(motion, str) else None))

    METHODS = ("hello", "run_turn", "document_view")

    def call(self, method: Any, params: Any) -> Any:
        if method not in self.METHODS:
            raise UsageError(f"the tutor engine has no method {method!r}")
        if not isinstance(params, dict):
            raise UsageError("a request's params must be an object")
        return getattr(self, method)(params)

    def close(self) -> None:
        self.embedder.close()


def _param(params: dict[str, Any], name: str, kind: type, default: Any = None) -> Any:
    value = params.get(name, default)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise UsageError(f"a request's {name!r} must be {kind.__name__}")
    return value


def _plain(value: Any) -> Any:
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


class EngineServer:
    """Accepts clients on `socket_path` and answers their requests with `engine`."""

    def __init__(self, engine: Engine, socket_path: Path) -> None:
        self.engine = engine
        self.path = Path(socket_path)
        self.listener = bind_socket(self.path)
        self.pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="tutor-request")
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()

    def serve_forever(self) -> None:
        """Accept until `stop()`; then close every connection and remove the socket file."""
        try:
            while not self._stopping.is_set():
                try:
                    connection, _ = self.listener.accept()
                except OSError:
                    break  # the listener was closed by stop()
                with self._lock:
                    self._connections.add(connection)
                threading.Thread(target=self._serve_client, args=(connection,), daemon=True,
                                 name="tutor-client").start()
        finally:
            self._close()

    def stop(self) -> None:
        """From any thread or a signal handler: stop accepting and shut down."""
        self._stopping.set()
        try:
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.listener.close()

    def _close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            for connection in list(self._connections):
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass
        self.engine.close()

    def _serve_client(self, connection: socket.socket) -> None:
        write_lock = threading.Lock()
        reader = connection.makefile("rb")

        def answer(message: dict[str, Any]) -> None:
            try:
                data = encode(message)
            except (EngineError, ValueError, TypeError) as exc:
                data = encode({"id": message["id"], "error": error_to_dict(exc)})
            with write_lock:
                try:
                    connection.sendall(data)
                except OSError:
                    pass  # the client went away; its answer has nowhere to go

        def handle(request_id: int, method: Any, params: Any) -> None:
            try:
                answer({"id": request_id, "result": self.engine.call(method, params)})
            except BaseException as exc:  # every failure goes back as an answer, never kills the engine
                answer({"id": request_id, "error": error_to_dict(exc)})

        try:
            while not self._stopping.is_set():
                line = reader.readline(MAX_LINE + 1)
                if not line:
                    break
                try:
                    request = _request(line)
                except TutorError as exc:  # a client that breaks the protocol is dropped
                    answer({"id": 0, "error": error_to_dict(exc)})
                    break
                try:
                    self.pool.submit(handle, request["id"], request.get("method"), request.get("params", {}))
                except RuntimeError:  # the pool is shut down: the engine is stopping
                    break
        except OSError:
            pass
        finally:
            with self._lock:
                self._connections.discard(connection)
            reader.close()
            connection.close()


def _request(line: bytes) -> dict[str, Any]:
    from tutor.engine.protocol import decode

    if len(line) > MAX_LINE:
        raise EngineError(f"a request is larger than {MAX_LINE} bytes")
    return decode(line)


def run_engine(socket_path: Path, index_dir: Path | None = None, model: str | None = None,
               step: Callable[[str], None] | None = None, ready: Callable[[EngineServer], None] | None = None) -> None:
    """Load, listen, serve until SIGTERM/SIGINT, then clean up (the socket file is removed)."""
    import signal

    from tutor import runtime

    runtime.configure()
    engine = Engine(index_dir, model, step)
    try:
        server = EngineServer(engine, socket_path)
    except BaseException:
        engine.close()
        raise
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: threading.Thread(target=server.stop, daemon=True).start())
    if ready:
        ready(server)
    server.serve_forever()
