"""`tutor serve` and the shared engine with the real model: HTTP, websocket, the TUI over the engine."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from conftest import ROOT
from tui_helpers import ARGUMENT, CLOCK, screen_text, sync, wait_feedback, wait_until
from tutor import session as S
from tutor.commands.serve_cmd import is_loopback
from tutor.engine.client import TutorClient
from tutor.engine.protocol import ENGINE_ENV
from tutor.tui.app import TutorApp


def free_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


@pytest.fixture(scope="module")
def engine():
    from tutor.engine.process import EngineProcess

    folder = Path(tempfile.mkdtemp(prefix="ts-"))
    process = EngineProcess(folder / "e.sock")
    process.start()
    yield process
    process.stop()
    shutil.rmtree(folder, ignore_errors=True)


def test_is_loopback():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost") and is_loopback("127.8.0.1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4") and not is_loopback("example.org")


def test_serve_warns_for_other_interfaces_and_a_busy_port_is_one_line(tmp_path):
    busy = socket.socket()
    busy.bind(("0.0.0.0", 0))
    busy.listen()
    try:
        result = subprocess.run([sys.executable, "-m", "tutor", "serve", "--host", "0.0.0.0", "--port",
                                 str(busy.getsockname()[1])], capture_output=True, text=True, cwd=ROOT, timeout=60)
    finally:
        busy.close()
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2
    assert lines[0].startswith("warning: serving on 0.0.0.0:") and "no login" in lines[0]
    assert len(lines) == 2 and lines[1].startswith("error: cannot listen on 0.0.0.0:"), result.stderr


@pytest.mark.e2e
def test_engine_round_trip_matches_the_in_process_tutor(engine, shipped_index, real_embedder):
    from tutor.api import Tutor

    local = Tutor(shipped_index, real_embedder)
    client = TutorClient.open(socket_path=engine.socket_path)
    session = S.Session.new("soft_power_real", "Soft power is real.", "pro")
    first = session.submit(ARGUMENT)
    remote = client.run_turn(session, first)
    here = local.run_turn(session, first)
    assert [c.id for c in remote.counter.counters] == [c.id for c in here.counter.counters]
    assert remote.counter.counters[0].score == pytest.approx(here.counter.counters[0].score, abs=1e-4)
    assert [f.type for f in remote.check.findings] == [f.type for f in here.check.findings]
    assert remote.rubric.relevance.score == pytest.approx(here.rubric.relevance.score, abs=1e-4)
    session.complete(first, remote.counter, remote.check, remote.rubric)
    card = remote.counter.counters[0]
    second = session.submit("That example proves nothing: one band does not change what governments decide.",
                            replying_to=card.id)
    rebuttal = client.run_turn(session, second)
    assert rebuttal.rubric.answered is not None
    assert rebuttal.rubric.answered.score == pytest.approx(local.run_turn(session, second).rubric.answered.score, abs=1e-4)
    doc = shipped_index.passages[0].doc
    assert [c["kind"] for c in client.document_view(doc)] == [c["kind"] for c in local.document_view(doc)]
    client.close()


@pytest.mark.e2e
@sync
async def test_the_tui_runs_turns_through_the_engine(engine, tmp_path, monkeypatch):
    monkeypatch.setenv(ENGINE_ENV, str(engine.socket_path))
    app = TutorApp(data_dir=tmp_path / "data", clock=lambda: CLOCK, ask_name=True)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "NameScreen"
        for bad, reason in (("   ", "no letters or digits"), ("../..", "no letters or digits"), ("x" * 90, "too long")):
            app.screen.query_one("#name").value = bad
            await pilot.press("enter")
            await pilot.pause()
            assert type(app.screen).__name__ == "NameScreen" and reason in screen_text(app)
        app.screen.query_one("#name").value = "Ada  Lovelace/../\x1b[31m"
        await pilot.press("enter")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "StartScreen")
        assert app.student == "Ada Lovelace/../"  # the escape sequence is dropped whole
        assert app.data_dir == tmp_path / "data" / "students" / "ada-lovelace"
        await wait_until(pilot, lambda: app.ready)
        assert isinstance(app.tutor, TutorClient)
        await pilot.press("ctrl+s")
        await pilot.pause()
        screen = app.screen
        screen.query_one("#editor").text = ARGUMENT
        await pilot.press("ctrl+s")
        await wait_feedback(pilot, screen)
        assert len(screen.session.turns[0].counters) > 0 and screen.session.turns[0].status == "done"
    saved = list((tmp_path / "data" / "students" / "ada-lovelace" / "sessions").glob("*.json"))
    assert len(saved) == 1


@pytest.mark.e2e
def test_serve_over_real_http_and_websocket(tmp_path):
    import aiohttp

    port = free_port()
    env = dict(os.environ, TUTOR_DATA_DIR=str(tmp_path / "unused"))
    server = subprocess.Popen([sys.executable, "-m", "tutor", "serve", "--port", str(port), "--data", str(tmp_path)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT, env=env)

    async def browser() -> tuple[int, str, bytes, bytes]:
        async with aiohttp.ClientSession() as http:
            deadline = time.monotonic() + 180
            while True:
                try:
                    async with http.get(f"http://127.0.0.1:{port}/") as response:
                        status, page = response.status, await response.text()
                    break
                except aiohttp.ClientConnectionError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise AssertionError("tutor serve did not answer")
                    await asyncio.sleep(0.2)
            async with http.ws_connect(f"http://127.0.0.1:{port}/ws?width=100&height=30") as ws:
                first = await read_until(ws, b"Type your name")
                await ws.send_json(["stdin", "Grace Hopper\r"])
                after = await read_until(ws, b"Free argument")
                server.terminate()  # the teacher stops the server while a student is connected
                server.stop_sent = True
                while (await ws.receive(timeout=30)).type not in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                    pass
            return status, page, first, after

    try:
        status, page, first, after = asyncio.run(browser())
    finally:
        if server.poll() is None and not stopping_sent(server):
            server.terminate()
        output = server.communicate(timeout=60)[0].decode()
    assert status == 200 and f"ws://127.0.0.1:{port}/ws" in page
    assert b"Type your name" in first and b"Free argument" in after
    assert server.returncode == 0, output
    assert f"serving on http://127.0.0.1:{port}" in output and "Traceback" not in output


def stopping_sent(server: subprocess.Popen) -> bool:
    return getattr(server, "stop_sent", False)  # a second SIGTERM would cut the shutdown short (exit 1)


async def read_until(ws, marker: bytes, timeout: float = 60) -> bytes:
    import aiohttp

    seen = b""
    deadline = time.monotonic() + timeout
    while marker not in seen:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"{marker!r} never arrived over the websocket")
        message = await ws.receive(timeout=left)
        if message.type == aiohttp.WSMsgType.BINARY:
            seen += message.data
        elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
            raise AssertionError(f"the websocket closed before {marker!r}")
    return seen
