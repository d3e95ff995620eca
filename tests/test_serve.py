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
from tutor.commands.serve_cmd import app_command, is_loopback
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


def test_serve_exercise_is_checked_once_before_anything_starts(tmp_path):
    good = str(ROOT / "exercises" / "soft-power-opening.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text('id = "x"\ntitle = "t"\nbogus = 1\n', encoding="utf-8")
    (tmp_path / "file").write_text("x")
    for args, code, fragment in (  # each one line on stderr, exit 2
        (["--exercise", str(tmp_path / "none.toml")], 2, "none.toml: no such file"),
        (["--exercise", str(bad)], 2, "bad.toml:"),
        (["--exercise", str(tmp_path)], 2, "is a directory"),
        (["--exercise", good, "--out", str(tmp_path / "file" / "out")], 2, "cannot create the submissions folder"),
        (["--exercise", good, "--index", str(tmp_path)], 2, "--index does not apply to --exercise"),
        (["--exercise", good, "--data", str(tmp_path)], 2, "--data keeps free sessions"),
        (["--out", str(tmp_path)], 2, "pass --exercise FILE with it"),
    ):
        result = subprocess.run([sys.executable, "-m", "tutor", "serve", "--port", str(free_port()), *args],
                                capture_output=True, text=True, cwd=tmp_path, timeout=60,
                                env=dict(os.environ, PYTHONPATH=str(ROOT)))
        lines = result.stderr.strip().splitlines()
        assert result.returncode == code, (args, result.stderr)
        assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0], (args, result.stderr)
        assert not result.stdout  # refused before the engine starts or the server listens
    assert not (tmp_path / "submissions").exists()


def test_serve_exercise_runs_the_exercise_in_each_tab(tmp_path):
    import shlex

    command = shlex.split(app_command(None, Path("exercises/x.toml"), Path("out")))
    assert command[1:6] == ["-m", "tutor", "exercise", "run", str(Path("exercises/x.toml").resolve())]
    assert command[6:] == ["--ask-name", "--out", str(Path("out").resolve())]
    assert shlex.split(app_command(None))[1:] == ["-m", "tutor", "play", "--ask-name"]


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
@sync
async def test_a_served_exercise_asks_the_name_claims_and_runs_a_round_through_the_engine(engine, tmp_path,
                                                                                          monkeypatch):
    from tutor import exercise as E
    from tutor.tui.exercise import ExerciseApp

    monkeypatch.setenv(ENGINE_ENV, str(engine.socket_path))
    exercise = E.load_exercise(ROOT / "exercises" / "state-approval-choice.toml")
    out = tmp_path / "out"
    app = ExerciseApp(exercise, None, clock=lambda: CLOCK, out=out)
    encoded = engine_info(engine)["texts_encoded"]
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "NameScreen"
        app.screen.query_one("#name").value = "../.."
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "NameScreen" and "no letters or digits" in screen_text(app)
        assert not out.exists()  # nothing is saved under a refused name
        app.screen.query_one("#name").value = "Grace  Hopper"
        await pilot.press("enter")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "InstructionsScreen")
        assert "Student: Grace Hopper" in screen_text(app) and app.claimed is not None
        await wait_until(pilot, lambda: app.ready)
        assert isinstance(app.tutor, TutorClient)  # the turns go to the engine: no model in this app
        await pilot.click("#choose-con")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ExerciseDebateScreen")
        debate = app.screen
        debate.query_one("#editor").text = (
            "Strict approval of games is bad policy because licensing boards work with unclear standards and "
            "quotas, so studios cannot plan releases, and many small developers give up before their games reach "
            "players. Everyone knows this has always been the way bureaucracies behave.")
        await pilot.press("ctrl+s")
        await wait_feedback(pilot, debate)
        assert "Round 2 of 2" in screen_text(app)
    claimed = app.claimed
    saved = E.load_submission(claimed.path)
    claimed.release()
    assert claimed.path.parent == out / "state-approval-choice" and claimed.path.name.startswith("grace-hopper-")
    assert saved.student.name == "Grace Hopper" and saved.side == "con"
    turn = saved.session.turns[0]
    assert turn.status == "done" and turn.counters and turn.rubric is not None
    assert engine_info(engine)["texts_encoded"] > encoded  # the engine encoded this student's turn


def engine_info(engine) -> dict:
    client = TutorClient.open(socket_path=engine.socket_path)
    try:
        return client.info
    finally:
        client.close()


def serve_and_browse(args: list[str], env: dict[str, str], name: str, after_marker: bytes
                     ) -> tuple[int, str, bytes, bytes, str, int]:
    """Start `tutor serve ARGS`, fetch its page over real HTTP, open the websocket, type `name` on the name
    screen, read until `after_marker`, stop the server while connected. (status, page, first, after, output, port)"""
    import aiohttp

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "tutor", "serve", "--port", str(port), *args],
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
                await ws.send_json(["stdin", f"{name}\r"])
                after = await read_until(ws, after_marker)
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
    assert server.returncode == 0, output
    assert "Traceback" not in output, output
    return status, page, first, after, output, port


@pytest.mark.e2e
def test_serve_over_real_http_and_websocket(tmp_path):
    env = dict(os.environ, TUTOR_DATA_DIR=str(tmp_path / "unused"))
    status, page, first, after, output, port = serve_and_browse(["--data", str(tmp_path)], env, "Grace Hopper",
                                                                b"Free argument")
    assert status == 200 and f"ws://127.0.0.1:{port}/ws" in page
    assert b"Type your name" in first and b"Free argument" in after
    assert f"serving the tutor on http://127.0.0.1:{port}" in output


@pytest.mark.e2e
def test_serve_an_exercise_over_real_http_and_websocket(tmp_path):
    exercise = ROOT / "exercises" / "soft-power-opening.toml"
    out = tmp_path / "out"
    env = dict(os.environ, TUTOR_DATA_DIR=str(tmp_path / "unused"))
    status, page, first, after, output, port = serve_and_browse(["--exercise", str(exercise), "--out", str(out)],
                                                                env, "Grace Hopper", b"Start the exercise")
    assert status == 200 and f"ws://127.0.0.1:{port}/ws" in page
    assert b"submission for this exercise" in first and b"Start the exercise" in after
    assert f"serving the exercise 'soft-power-opening' on http://127.0.0.1:{port}" in output
    assert f"submissions in {out / 'soft-power-opening'}" in output
    [claimed] = list((out / "soft-power-opening").glob("grace-hopper-*.json"))  # claimed by the tab, in the app
    from tutor import exercise as E

    assert E.load_submission(claimed).student.name == "Grace Hopper"
    assert not (tmp_path / "unused").exists()


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
