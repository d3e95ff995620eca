"""Shared helpers for the exercise tests (not a test module): a fast exercise on a fake-embedder index,
arguments that fit its word limits, and a student's run in a process of its own (exercise_driver.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from conftest import ROOT, SHIPPED_CORPUS, FakeEmbedder

DRIVER = Path(__file__).resolve().parent / "exercise_driver.py"

CLOCK = "2026-01-01T00:00:00+00:00"
SHORT = "Soft power is real."
LONG = " ".join(["Culture attracts people."] * 30)
TURNS = [
    "Soft power is real because people who admire a culture buy its goods, learn its language and visit it, "
    "as Korea showed after its dramas spread across Asia.",
    "Hard power matters, but money cannot make audiences love a film; attraction is earned by the culture "
    "itself, and that attraction changes what people choose to buy.",
]


def fast_exercise(tmp_path: Path, rounds: int = 2, extra: str = "") -> Path:
    """An exercise on an index of the shipped corpus built with the fake embedder (fast, no torch)."""
    from tutor.index import build_index

    index = tmp_path / "idx"
    if not (index / "manifest.json").exists():
        build_index(SHIPPED_CORPUS, index, embedder=FakeEmbedder())
    path = tmp_path / "fast.toml"
    path.write_text(f'''id = "fast"
title = "Fast [red]exercise[/red]"
instructions = "Argue for soft power. [@click=app.quit]quit[/]"
motion = "soft_power_real"
side = "choice"
rounds = {rounds}
min_words = 10
max_words = 60
focus = ["hasty_generalization"]
time_limit_seconds = 120
index = "idx"
{extra}''', encoding="utf-8")
    return path


def fast_tutor(index_dir: Path | str) -> Any:
    from tutor.api import Tutor
    from tutor.index import load_index

    return Tutor(load_index(Path(index_dir)), FakeEmbedder())


def run_driver(exercise_file: Path, out: Path, student: str, slow_from: int,
               turns_file: Path | None = None) -> subprocess.Popen:
    """exercise_driver.py in its own process (see its usage); `turns_file`: those turns, with the real model."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")])}
    args = [str(exercise_file), str(out), student, str(slow_from), *([str(turns_file)] if turns_file else [])]
    return subprocess.Popen([sys.executable, str(DRIVER), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)


def read_until(proc: subprocess.Popen, wanted: str, timeout: float = 120) -> list[str]:
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        seen.append(line.strip())
        if line.strip() == wanted:
            return seen
    proc.kill()
    raise AssertionError(f"never saw {wanted!r}: {seen} {proc.stderr.read()[-2000:]}")
