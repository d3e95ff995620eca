"""Fault tests that stay (issue 22): a hostile manifest through the CLI, and kill -9 during builds."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tutor.cli import main
from tutor.index import build_index, load_index, verify_index

from conftest import ROOT, FakeEmbedder


def _index(corpus: Path, out: Path) -> dict:
    (corpus / "motions.toml").write_text(
        '[[motions]]\nid = "uniforms"\nstatement = "Schools should require uniforms."\npro = "Less teasing."\ncon = "Cost."\n',
        encoding="utf-8")
    build_index(corpus, out, embedder=FakeEmbedder())
    return json.loads((out / "manifest.json").read_text())


_FIELDS = ["format_version", "model", "weights_sha256", "dimension", "passage_count", "corpus_hash", "corpus_path",
           "built_at", "tool_version", "files", "documents", "motions", "annotations"]
_VALUES = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10**20), max_value=10**20), st.text(max_size=8),
                    st.just("oops"), st.just([1]), st.just([{"id": "x"}]), st.just({"vectors": 3}), st.just(-1))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(_FIELDS), value=_VALUES, command=st.sampled_from(["verify", "search", "motions", "counter"]))
def test_a_hostile_manifest_through_the_cli_is_one_line(small_corpus: Path, tmp_path_factory, field, value, command):
    out = tmp_path_factory.mktemp("idx")
    data = _index(small_corpus, out)
    data[field] = value
    (out / "manifest.json").write_text(json.dumps(data))
    args = {
        "verify": ["index", "verify", "--index", str(out), "--corpus", str(small_corpus)],
        "search": ["search", "buses", "--index", str(out)],
        "motions": ["motions", "--index", str(out)],
        "counter": ["counter", "buses are good", "--index", str(out)],
    }[command]
    result = CliRunner().invoke(main, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "Traceback" not in result.output + result.stderr
    if result.exit_code == 0:  # a harmless change (a model name, an extra annotation) still loads
        return
    if command == "verify":
        assert all(line.split(":")[0] in ("corrupt", "stale", "model", "missing") for line in lines), lines
    else:
        assert len(lines) == 1 and lines[0].startswith("error: "), lines


def test_the_cli_names_the_bad_field(small_corpus: Path, tmp_path: Path):
    out = tmp_path / "idx"
    data = _index(small_corpus, out)
    data["motions"] = [{"id": "x"}]
    (out / "manifest.json").write_text(json.dumps(data))
    for args in (["motions", "--index", str(out)], ["search", "x", "--index", str(out)]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 1 and result.stderr.count("\n") == 1
        assert result.stderr.startswith("error: ") and "`motions` entry 0" in result.stderr and "manifest.json" in result.stderr


# --- kill -9 at random moments during builds of a corpus of a few MB --------------------

# The real CLI (`tutor index build`, click and all) with the tests' fake embedder in
# place of the model, so that a build of a few MB takes seconds, not minutes.
BUILD = """
import sys
sys.path.insert(0, {tests!r})
from conftest import FakeEmbedder
import tutor.embedding
tutor.embedding.load_embedder = lambda model=None: FakeEmbedder()
from tutor.cli import main
main(["index", "build", "--corpus", {corpus!r}, "--out", {out!r}, "--no-findings"])
"""


def _big_corpus(root: Path, megabytes: float) -> Path:
    sys.path.insert(0, str(ROOT / "tests" / "bench"))
    from bench_split import document

    root.mkdir()
    (root / "big.txt").write_text(document(int(megabytes * 1_000_000)), encoding="utf-8")
    return root


def test_kill_9_at_random_moments_always_leaves_an_index_that_verifies(tmp_path: Path):
    corpus = _big_corpus(tmp_path / "corpus", 2.0)
    out = tmp_path / "idx"
    script = BUILD.format(tests=str(ROOT / "tests"), corpus=str(corpus), out=str(out))
    started = time.perf_counter()
    first = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert first.returncode == 0, first.stderr.decode()[-2000:]
    full = time.perf_counter() - started
    expected = load_index(out).manifest.passage_count
    rng = random.Random(22)
    killed = finished = 0
    for _ in range(6):  # a fixed number of rounds: a busy machine makes rounds slower, not fewer
        proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.1, full * 0.9))
        proc.send_signal(signal.SIGKILL)
        code = proc.wait(timeout=60)
        killed += code == -signal.SIGKILL
        finished += code == 0
        loaded = load_index(out)  # the previous index, or the new one if the build won the race
        assert loaded.manifest.passage_count == expected
        problems = {p["problem"] for p in verify_index(out, corpus).problems}
        assert problems <= {"model"}, problems  # the fake embedder is not the installed model
    assert killed >= 3, (killed, finished)
