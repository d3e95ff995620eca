"""Measured, not asserted: thirty students on one shared engine (`tutor serve`'s set-up).

    .venv/bin/python tests/bench/bench_serve.py [--students 30]

One engine process (the model, the index, the checkers) and N client
processes, each running the real TutorApp headless (Pilot) with TUTOR_ENGINE
set, so each imports and holds what a served TUI process holds (no torch).
Rounds, each student with a fresh session and its own argument:

1. warm-up: every student submits once (not timed);
2. one after another: each student submits alone, the next once the previous
   has its feedback (the per-turn time, and what 30 turns one after another take);
3. burst: every student presses ctrl+s at the same moment.

Times are submit (ctrl+s) to feedback drawn, as the app measures them. Memory
is the resident set (RSS) and the proportional set (PSS: shared pages split
between the processes that share them) of the engine and every client, read
from /proc after the rounds. A request is lost when no feedback comes within
the timeout, and answered to the wrong student when the feedback's argument
is not the text that student sent. Targets: total memory <= 4 GB for 30; burst
p95 no worse than 30 turns one after another.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

CLIENT = r"""
import asyncio, json, sys, time
from tutor.tui.app import TutorApp

async def main():
    app = TutorApp(data_dir=sys.argv[1], motion="soft_power_real", side="pro")
    loop = asyncio.get_running_loop()
    async with app.run_test(size=(100, 32)) as pilot:
        while not app.ready:
            if app.load_error is not None:
                print(json.dumps({"error": app.load_error.one_line()}), flush=True)
                return
            await pilot.pause(0.05)
        print(json.dumps({"ready": True, "engine_client": type(app.tutor).__name__,
                          "torch": "torch" in sys.modules}), flush=True)
        first = True
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line.strip():
                return
            text = json.loads(line)["text"]
            if not first:
                app.start_session("soft_power_real", "pro")
                await pilot.pause()
            first = False
            screen = app.screen
            screen.query_one("#editor").text = text
            screen.feedback_event.clear()
            await pilot.press("ctrl+s")
            while not screen.feedback_event.is_set():
                await asyncio.sleep(0.002)
            turn = screen.session.turns[-1]
            counter = turn.counter
            print(json.dumps({"seconds": screen.last_feedback_s, "done_at": time.time(), "status": turn.status, "error": turn.error,
                              "argument": counter.argument if counter else None,
                              "ids": [c.id for c in counter.counters] if counter else []}), flush=True)

asyncio.run(main())
"""

CLAIMS = [
    "Soft power is real because people who admire a country's films and music buy its goods and visit it",
    "K-pop made millions curious about Korea, and tourism to Seoul rose after 2010",
    "Being liked does not make any government change its policy; only money and armies do that",
    "Japan's anime is loved everywhere, yet Japan could not win a seat on the Security Council",
    "Either a country has a strong army or it has no influence at all",
    "Students who study abroad go home with friendly views of their host country, which helps diplomacy later",
    "Hollywood spread American values for decades, so the United States rarely needed force to be followed",
    "Soft power is just propaganda with a nicer name, and nobody serious believes in it",
    "China spends billions on Confucius Institutes but its image abroad has not improved much",
    "A popular culture cannot stop a tank, so soft power is irrelevant when it matters",
]


def student_texts(n: int) -> list[str]:
    return [f"{CLAIMS[i % len(CLAIMS)]}; that is what student {i + 1} thinks after class {i // len(CLAIMS) + 1}."
            for i in range(n)]


def memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of a live process, in kB."""
    fields = {}
    with open(f"/proc/{pid}/smaps_rollup") as rollup:
        for line in rollup:
            parts = line.split()
            if len(parts) >= 2 and parts[0] in ("Rss:", "Pss:"):
                fields[parts[0]] = int(parts[1])
    return fields.get("Rss:", 0), fields.get("Pss:", 0)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    n = args.students

    from tutor.engine.process import EngineProcess
    from tutor.engine.protocol import ENGINE_ENV

    private = Path(tempfile.mkdtemp(prefix="tb-"))
    engine = EngineProcess(private / "e.sock")
    started = time.perf_counter()
    engine.start()
    print(f"engine ready in {time.perf_counter() - started:.1f} s (pid {engine.pid})")
    env = dict(os.environ, **{ENGINE_ENV: str(engine.socket_path)},
               PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    clients: list[subprocess.Popen[str]] = []
    try:
        started = time.perf_counter()
        for i in range(n):
            data = private / f"student-{i}"
            clients.append(subprocess.Popen([sys.executable, "-c", CLIENT, str(data)], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT, bufsize=1))
        hellos = [json.loads(c.stdout.readline() or '{"error": "no output"}') for c in clients]
        bad = [h for h in hellos if not h.get("ready")]
        if bad:
            raise SystemExit(f"clients failed to start: {bad[:3]}")
        print(f"{n} client TUI processes up in {time.perf_counter() - started:.1f} s; "
              f"opener {hellos[0]['engine_client']}; torch imported by a client: {any(h['torch'] for h in hellos)}")
        texts = student_texts(n)

        def send(i: int, text: str) -> None:
            clients[i].stdin.write(json.dumps({"text": text}) + "\n")
            clients[i].stdin.flush()

        def receive(i: int) -> dict:
            line = clients[i].stdout.readline()
            return json.loads(line) if line else {"lost": True}

        # 1. warm-up burst
        for i in range(n):
            send(i, texts[i])
        for i in range(n):
            receive(i)
        # 2. one after another
        alone = []
        wall = time.perf_counter()
        for i in range(n):
            send(i, texts[i])
            alone.append(receive(i))
        sequential_wall = time.perf_counter() - wall
        # 3. the burst
        from tutor.engine.client import TutorClient

        before = TutorClient.open(socket_path=engine.socket_path).info
        wall = time.perf_counter()
        go = time.time()
        for i in range(n):
            send(i, texts[i])
        burst = [receive(i) for i in range(n)]
        burst_wall = time.perf_counter() - wall
        after = TutorClient.open(socket_path=engine.socket_path).info
        passes = after["forward_passes"] - before["forward_passes"]
        encoded = after["texts_encoded"] - before["texts_encoded"]
        from_go = [r["done_at"] - go for r in burst if "done_at" in r]

        rss, pss = memory_kb(engine.pid)
        engine_rss, engine_pss = rss, pss
        client_mem = [memory_kb(c.pid) for c in clients]
        total_rss = engine_rss + sum(r for r, _ in client_mem)
        total_pss = engine_pss + sum(p for _, p in client_mem)

        def judge(results: list[dict]) -> tuple[int, int, int]:
            lost = sum(1 for r in results if r.get("lost") or r.get("status") != "done")
            wrong = sum(1 for r, text in zip(results, texts) if not r.get("lost") and r.get("argument") != text)
            return lost, wrong, len(results)

        a_times = [r["seconds"] for r in alone if "seconds" in r and r["seconds"] is not None]
        b_times = [r["seconds"] for r in burst if "seconds" in r and r["seconds"] is not None]
        same = sum(1 for a, b in zip(alone, burst) if a.get("ids") and a.get("ids") == b.get("ids"))
        print()
        print(f"students: {n}   machine: {os.cpu_count()} cores")
        print(f"memory after the rounds: engine RSS {engine_rss / 1024:.0f} MB (PSS {engine_pss / 1024:.0f} MB); "
              f"one client RSS median {statistics.median(r for r, _ in client_mem) / 1024:.0f} MB "
              f"(PSS {statistics.median(p for _, p in client_mem) / 1024:.0f} MB)")
        print(f"total for engine + {n} clients: RSS {total_rss / 1024 / 1024:.2f} GB, PSS {total_pss / 1024 / 1024:.2f} GB "
              f"(target <= 4 GB)")
        print(f"one student alone: submit->feedback median {statistics.median(a_times) * 1000:.0f} ms, "
              f"p95 {pct(a_times, 0.95) * 1000:.0f} ms")
        print(f"{n} warm turns one after another: {sum(a_times):.2f} s of turns ({sequential_wall:.2f} s wall): "
              f"the last of {n} students queued one at a time waits {sum(a_times):.2f} s")
        print(f"burst of {n} at once: p50 {pct(b_times, 0.5) * 1000:.0f} ms, p95 {pct(b_times, 0.95) * 1000:.0f} ms, "
              f"max {max(b_times) * 1000:.0f} ms, all answered in {burst_wall:.2f} s wall "
              f"(target: p95 <= {sum(a_times) * 1000:.0f} ms)")
        print(f"burst from the moment all {n} were told to submit to each feedback drawn (includes each process "
              f"waiting for a core to press ctrl+s): p50 {pct(from_go, 0.5) * 1000:.0f} ms, "
              f"p95 {pct(from_go, 0.95) * 1000:.0f} ms")
        print(f"the engine's model work in the burst: {encoded} texts in {passes} forward calls")
        for name, results in (("one after another", alone), ("burst", burst)):
            lost, wrong, total = judge(results)
            print(f"{name}: {total} requests, {lost} lost, {wrong} answered to the wrong student")
        print(f"same counters alone and in the burst: {same}/{n} students")
    finally:
        for c in clients:
            try:
                c.stdin.close()
            except OSError:
                pass
        for c in clients:
            try:
                c.wait(30)
            except subprocess.TimeoutExpired:
                c.kill()
        engine.stop()
        shutil.rmtree(private, ignore_errors=True)


if __name__ == "__main__":
    main()
