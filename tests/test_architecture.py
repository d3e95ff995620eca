"""The domain core knows no UI, and the CLI starts without heavy imports."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import ROOT

CORE = ["tutor.corpus", "tutor.embedding", "tutor.index", "tutor.search", "tutor.counter", "tutor.stance",
        "tutor.motions", "tutor.strength", "tutor.api", "tutor.results", "tutor.schema", "tutor.session",
        "tutor.exercise.report", "tutor.exercise.render", "tutor.exercise.charts",
        "tutor.engine.server", "tutor.engine.client", "tutor.engine.process", "tutor.engine.batching"]


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_core_imports_no_ui():
    loaded = _modules_after("; ".join(f"import {m}" for m in CORE))
    assert not {m for m in loaded if m.split(".")[0] in ("textual", "click", "rich")}
    assert "tutor.tui" not in loaded and "tutor.cli" not in loaded


def test_cli_help_does_not_import_torch_or_faiss():
    loaded = _modules_after("from tutor.cli import main")
    assert not {"torch", "faiss", "sentence_transformers", "textual", "matplotlib", "plotext"} & loaded


def test_import_linter_contract_holds():
    lint = os.path.join(os.path.dirname(sys.executable), "lint-imports")
    result = subprocess.run([lint], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "KEPT" in result.stdout


def test_help_texts():
    result = subprocess.run([sys.executable, "-m", "tutor", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0
    for command in ("index", "search", "counter", "motions", "analyze"):
        assert command in result.stdout


def test_usage_errors_from_click_are_one_line_too():
    for args in (["counter", "x", "--side", "maybe"], ["no-such-command"], ["search", "x", "-k", "many"]):
        result = subprocess.run([sys.executable, "-m", "tutor", *args], capture_output=True, text=True, cwd=ROOT)
        assert result.returncode == 2, args
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and "--help" in lines[0], result.stderr
