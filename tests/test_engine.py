"""The shared engine's protocol, without the model: sockets, ids, permissions, death, batching."""

from __future__ import annotations

import os
import random
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine_fakes
from conftest import ROOT, FakeEmbedder
from tutor.engine.batching import BatchingEmbedder
from tutor.engine.client import TutorClient
from tutor.engine.protocol import EngineError, decode
from tutor.engine.server import bind_socket
from tutor.errors import UsageError


@pytest.fixture
def sock_dir():
    path = Path(tempfile.mkdtemp(prefix="te-"))  # short: a Unix socket path holds at most 108 bytes
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def echo_server(sock_dir):
    server, thread = engine_fakes.start(sock_dir / "e.sock")
    yield server
    server.stop()
    thread.join(10)


def test_answers_go_to_the_client_and_thread_that_asked(echo_server):
    clients = [TutorClient.open(socket_path=echo_server.path) for _ in range(6)]

    def ask(job: tuple[int, int]) -> tuple[tuple[int, int], object]:
        c, n = job
        tag = {"client": c, "n": n, "text": f"student {c} turn {n}", "delay": random.random() * 0.02}
        return job, clients[c].call("echo", tag)

    jobs = [(c, n) for c in range(6) for n in range(20)]
    random.Random(4).shuffle(jobs)
    with ThreadPoolExecutor(24) as pool:
        answers = list(pool.map(ask, jobs))
    assert len(answers) == len(jobs)
    for (c, n), answer in answers:
        assert answer["client"] == c and answer["n"] == n and answer["text"] == f"student {c} turn {n}"
    for client in clients:
        client.close()


def test_a_request_error_comes_back_as_the_same_one_line_error(echo_server):
    client = TutorClient.open(socket_path=echo_server.path)
    with pytest.raises(UsageError) as caught:
        client.call("fail", {})
    assert caught.value.one_line() == "the argument is empty (type an argument first)"
    with pytest.raises(UsageError, match="no method"):
        client.call("shutdown_everything", {})
    assert client.call("echo", {"x": 1}) == {"x": 1}  # the connection survives both
    client.close()


def test_socket_is_0600_in_a_0700_directory_and_removed_on_stop(sock_dir):
    server, thread = engine_fakes.start(sock_dir / "e.sock")
    assert stat.S_IMODE(os.stat(sock_dir / "e.sock").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(sock_dir).st_mode) == 0o700
    server.stop()
    thread.join(10)
    assert not thread.is_alive()
    assert not (sock_dir / "e.sock").exists()
    assert server.engine.closed


def test_refuses_a_directory_others_can_enter_and_a_live_socket(sock_dir):
    open_dir = sock_dir / "shared"
    open_dir.mkdir(mode=0o755)
    os.chmod(open_dir, 0o755)
    with pytest.raises(EngineError, match="open to other users"):
        bind_socket(open_dir / "e.sock")
    server, thread = engine_fakes.start(sock_dir / "e.sock")
    with pytest.raises(EngineError, match="already listening"):
        bind_socket(sock_dir / "e.sock")
    server.stop()
    thread.join(10)
    stale = sock_dir / "e.sock"
    listener = bind_socket(stale)  # a socket file nobody listens on is replaced
    listener.close()


def test_engine_death_is_one_line_for_waiting_and_later_calls(sock_dir):
    path = sock_dir / "e.sock"
    child = subprocess.Popen([sys.executable, str(ROOT / "tests" / "engine_fakes.py"), str(path)],
                             stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert child.stdout.readline().strip() == "ready"
        client = TutorClient.open(socket_path=path)
        failures: list[BaseException] = []

        def wait_for_answer() -> None:
            try:
                client.call("hang", {})
            except BaseException as exc:  # what the TUI worker would catch
                failures.append(exc)

        waiter = threading.Thread(target=wait_for_answer)
        waiter.start()
        time.sleep(0.3)
        child.kill()
        waiter.join(10)
        # The waiting call may fail before the kernel has released the dead engine's listener (its
        # connection can be closed first); a later call is one made once the engine is gone.
        child.wait(10)
        assert not waiter.is_alive()
        assert len(failures) == 1 and isinstance(failures[0], EngineError)
        line = failures[0].one_line()
        assert "\n" not in line and line.startswith("the tutor engine stopped before answering")
        with pytest.raises(EngineError) as later:
            client.call("echo", {})
        assert "cannot reach the tutor engine" in later.value.one_line() and "\n" not in later.value.one_line()
    finally:
        child.kill()
        child.wait()


def test_a_restarted_engine_is_picked_up_by_the_next_call(sock_dir):
    path = sock_dir / "e.sock"
    server, thread = engine_fakes.start(path)
    client = TutorClient.open(socket_path=path)
    assert client.call("echo", {"n": 1}) == {"n": 1}
    server.stop()
    thread.join(10)
    with pytest.raises(EngineError):
        client.call("echo", {"n": 2})
    server, thread = engine_fakes.start(path)
    assert client.call("echo", {"n": 3}) == {"n": 3}
    server.stop()
    thread.join(10)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(garbage=st.binary(max_size=300))
def test_hostile_bytes_never_take_the_engine_down(echo_server, garbage):
    import socket

    rogue = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    rogue.connect(str(echo_server.path))
    rogue.sendall(garbage + b"\n{\"id\": true}\n[1,2]\n")
    rogue.close()
    client = TutorClient.open(socket_path=echo_server.path)
    assert client.call("echo", {"ok": garbage.hex()}) == {"ok": garbage.hex()}
    client.close()


@given(line=st.binary(max_size=200))
def test_decode_rejects_anything_but_an_object_with_an_int_id(line):
    try:
        message = decode(line + b"\n")
    except EngineError:
        return
    assert isinstance(message, dict) and type(message["id"]) is int


def test_batching_embedder_gives_each_caller_its_own_rows_in_fewer_passes():
    inner = FakeEmbedder()
    slow_encode = inner.encode

    def encode(texts, batch_size=64):
        time.sleep(0.02)  # a forward pass takes time; calls arriving meanwhile queue up
        return slow_encode(texts, batch_size)

    inner.encode = encode
    batcher = BatchingEmbedder(inner)
    texts = [[f"student {i} says point {j} about soft power" for j in range(1 + i % 4)] for i in range(30)]
    with ThreadPoolExecutor(30) as pool:
        results = list(pool.map(batcher.encode, texts))
    for own, vectors in zip(texts, results):
        np.testing.assert_array_equal(vectors, slow_encode(own))
    assert batcher.batches < 30 / 2 and batcher.texts == sum(map(len, texts))
    assert batcher.encode([]).shape == (0, inner.dimension)
    batcher.close()


def test_batching_embedder_passes_a_model_failure_to_its_callers():
    inner = FakeEmbedder()

    def broken(texts, batch_size=64):
        raise RuntimeError("out of memory in the forward pass")

    inner.encode = broken
    batcher = BatchingEmbedder(inner)
    with pytest.raises(RuntimeError, match="out of memory"):
        batcher.encode(["a"])
    batcher.close()


def test_the_tui_side_of_the_engine_imports_no_torch():
    code = ("import sys; import tutor.engine.client, tutor.tui.app, tutor.tui.screens.debate, "
            "tutor.tui.screens.name, tutor.session, tutor.tui.exercise, tutor.tui.screens.exercise, tutor.exercise, "
            "tutor.fallacy.catalog, tutor.commands.exercise_cmds; "
            "print(sorted(m for m in ('torch', 'faiss', 'sentence_transformers', 'transformers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"
