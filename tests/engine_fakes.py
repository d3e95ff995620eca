"""A stand-in engine for the protocol tests (not a test module): real sockets and threads, no model.

Run as a script (`python tests/engine_fakes.py SOCKET`) it serves until killed, for the tests that
kill the engine under a waiting client.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tutor.engine.protocol import PROTOCOL_VERSION  # noqa: E402
from tutor.engine.server import EngineServer  # noqa: E402
from tutor.errors import UsageError  # noqa: E402


class EchoEngine:
    """hello; echo (returns its params after `delay` seconds); fail (a UsageError); hang."""

    def __init__(self) -> None:
        self.calls = 0
        self.closed = False

    def call(self, method: Any, params: Any) -> Any:
        self.calls += 1
        if method == "hello":
            return {"protocol": PROTOCOL_VERSION, "version": "test", "pid": 0, "model": "none", "index": ""}
        if method == "echo":
            time.sleep(float(params.get("delay", 0)))
            return params
        if method == "fail":
            raise UsageError("the argument is empty", "type an argument first")
        if method == "hang":
            time.sleep(120)
            return None
        raise UsageError(f"the tutor engine has no method {method!r}")

    def close(self) -> None:
        self.closed = True


def start(path: Path) -> tuple[EngineServer, threading.Thread]:
    server = EngineServer(EchoEngine(), path)  # type: ignore[arg-type]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


if __name__ == "__main__":
    server = EngineServer(EchoEngine(), Path(sys.argv[1]))  # type: ignore[arg-type]
    print("ready", flush=True)
    server.serve_forever()
