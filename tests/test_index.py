"""Index round trip, verify, atomic builds and the build lock (fake embedder: fast)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tutor.errors import IndexError_, TutorError
from tutor.files import exclusive_lock
from tutor.index import build_index, load_index, read_manifest, verify_index

from conftest import ROOT, FakeEmbedder


def _build(corpus: Path, out: Path, embedder=None, **kw):
    return build_index(corpus, out, embedder=embedder or FakeEmbedder(), **kw)


def _verify(index_dir: Path, corpus: Path) -> set[str]:
    # The fake model is not installed: compare model problems separately.
    report = verify_index(index_dir, corpus)
    return {p["problem"] for p in report.problems}


def test_round_trip(small_corpus: Path, tmp_path: Path):
    out = tmp_path / "idx"
    result = _build(small_corpus, out, batch_size=2)
    loaded = load_index(out)
    m = loaded.manifest
    assert m.passage_count == len(loaded.passages) == loaded.faiss_index.ntotal >= 4
    assert m.model == "fake-bag-of-words" and m.dimension == 64 and m.format_version == 1
    assert {d["id"] for d in m.documents} == {"school", "transport"}
    embedder = FakeEmbedder()
    vectors = loaded.vectors()
    expected = embedder.encode([p.text for p in loaded.passages])
    assert np.allclose(vectors, expected, atol=1e-6)
    scores, rows = loaded.search(embedder.encode([loaded.passages[2].text])[0], 1)
    assert rows[0] == 2 and scores[0] == pytest.approx(1.0, abs=1e-5)
    assert result.manifest.corpus_hash == m.corpus_hash


def test_progress_reports_batches(small_corpus: Path, tmp_path: Path):
    seen: list[tuple[int, int | None]] = []
    result = _build(small_corpus, tmp_path / "idx", batch_size=2, progress=lambda d, t: seen.append((d, t)))
    count = result.manifest.passage_count
    assert seen[0][0] == 0 and seen[-1] == (count, count)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert all(total is not None and total >= done for done, total in seen)  # an estimate, never behind


def test_the_corpus_is_split_once_per_build(small_corpus: Path, tmp_path: Path, monkeypatch):
    from tutor.corpus import loader

    split: list[str] = []
    real = loader.document_passages
    monkeypatch.setattr(loader, "document_passages", lambda doc, text: split.append(doc.id) or real(doc, text))
    _build(small_corpus, tmp_path / "idx", batch_size=2, progress=lambda d, t: None)
    assert sorted(split) == ["school", "transport"]


def test_progress_total_is_exact_for_one_document_and_for_jsonl(small_corpus: Path, tmp_path: Path):
    (small_corpus / "transport.txt").unlink()
    seen: list[tuple[int, int | None]] = []
    result = _build(small_corpus, tmp_path / "a", batch_size=1, progress=lambda d, t: seen.append((d, t)))
    assert {t for _, t in seen} == {result.manifest.passage_count}
    jsonl = tmp_path / "p.jsonl"
    jsonl.write_text("".join(json.dumps({"id": f"p{i}", "text": f"Passage number {i} about buses."}) + "\n" for i in range(5)))
    seen.clear()
    _build(jsonl, tmp_path / "b", batch_size=2, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(0, 5), (2, 5), (4, 5), (5, 5)]


def test_build_time_includes_loading_the_model(small_corpus: Path, tmp_path: Path, monkeypatch):
    import time

    import tutor.embedding

    def slow_load(model=None):
        time.sleep(0.3)
        return FakeEmbedder()

    monkeypatch.setattr(tutor.embedding, "load_embedder", slow_load)
    result = build_index(small_corpus, tmp_path / "idx")
    assert result.load_seconds >= 0.3 and result.seconds >= result.load_seconds


def test_verify_reports_a_stale_index(small_corpus: Path, tmp_path: Path):
    out = tmp_path / "idx"
    _build(small_corpus, out)
    assert "stale" not in _verify(out, small_corpus)
    (small_corpus / "new.txt").write_text("A third document arrives with a fresh argument about buses.\n", encoding="utf-8")
    assert "stale" in _verify(out, small_corpus)


def test_verify_reports_a_wrong_model(small_corpus: Path, tmp_path: Path):
    out = tmp_path / "idx"
    _build(small_corpus, out)
    report = verify_index(out, small_corpus)  # current model: the bundled MiniLM
    problems = {p["problem"]: p["message"] for p in report.problems}
    assert "model" in problems and "fake-bag-of-words" in problems["model"]
    assert not report.ok


@pytest.mark.parametrize("damage", ["truncate_vectors", "truncate_passages", "manifest_garbage", "delete_vectors", "count_mismatch"])
def test_verify_and_load_report_a_corrupt_index(small_corpus: Path, tmp_path: Path, damage: str):
    out = tmp_path / "idx"
    _build(small_corpus, out)
    manifest = json.loads((out / "manifest.json").read_text())
    vectors = out / manifest["files"]["vectors"]["name"]
    passages = out / manifest["files"]["passages"]["name"]
    if damage == "truncate_vectors":
        vectors.write_bytes(vectors.read_bytes()[:100])
    elif damage == "truncate_passages":
        passages.write_bytes(passages.read_bytes()[:-40])
    elif damage == "manifest_garbage":
        (out / "manifest.json").write_text("{not json")
    elif damage == "delete_vectors":
        vectors.unlink()
    elif damage == "count_mismatch":
        manifest["passage_count"] += 1
        (out / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IndexError_) as info:
        load_index(out)
    assert info.value.problem == "corrupt"
    assert "corrupt" in _verify(out, small_corpus)


def test_missing_index_is_a_clear_error(tmp_path: Path):
    with pytest.raises(IndexError_, match="no index"):
        load_index(tmp_path / "none")
    (tmp_path / "emptydir").mkdir()
    with pytest.raises(IndexError_, match="no manifest.json"):
        load_index(tmp_path / "emptydir")


class _InterruptingEmbedder(FakeEmbedder):
    def __init__(self, at_call: int) -> None:
        super().__init__()
        self.at_call = at_call

    def encode(self, texts, batch_size=64):
        if self.calls + 1 == self.at_call:
            raise KeyboardInterrupt
        return super().encode(texts, batch_size)


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in directory.iterdir() if p.name != ".lock"}


def test_interrupted_build_leaves_the_old_index_intact(small_corpus: Path, tmp_path: Path):
    out = tmp_path / "idx"
    _build(small_corpus, out, batch_size=2)
    before = _snapshot(out)
    (small_corpus / "more.txt").write_text("Another document that would change the index if the build finished.\n", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        _build(small_corpus, out, embedder=_InterruptingEmbedder(at_call=2), batch_size=2)
    assert _snapshot(out) == before
    assert load_index(out).manifest.passage_count == read_manifest(out).passage_count


KILL_SCRIPT = """
import os, signal, sys
sys.path.insert(0, {tests!r})
from conftest import FakeEmbedder
from tutor.index import build_index

class Killer(FakeEmbedder):
    def encode(self, texts, batch_size=64):
        if self.calls == 1:  # second batch: the passages file is half written
            os.kill(os.getpid(), signal.SIGKILL)
        return super().encode(texts, batch_size)

build_index({corpus!r}, {out!r}, embedder=Killer(), batch_size=2)
"""


def test_killed_build_leaves_the_old_index_loadable(small_corpus: Path, tmp_path: Path):
    out = tmp_path / "idx"
    _build(small_corpus, out, batch_size=2)
    old = load_index(out)
    (small_corpus / "more.txt").write_text("A document added before a build that gets killed midway.\n", encoding="utf-8")
    script = KILL_SCRIPT.format(tests=str(ROOT / "tests"), corpus=str(small_corpus), out=str(out))
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert proc.returncode == -9
    survivor = load_index(out)
    assert survivor.manifest.to_dict() == old.manifest.to_dict()
    assert [p.id for p in survivor.passages] == [p.id for p in old.passages]
    # The next build cleans the dead build's temporary files away and keeps
    # one previous generation for readers that read the old manifest.
    _build(small_corpus, out)
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    assert {p.name for p in out.glob("vectors.*.faiss")} == {
        old.manifest.files["vectors"]["name"], read_manifest(out).files["vectors"]["name"]}


def test_a_second_concurrent_build_is_refused(small_corpus: Path, tmp_path: Path):
    out = tmp_path / "idx"
    out.mkdir()
    with exclusive_lock(out / ".lock", "index build"):
        with pytest.raises(TutorError, match="already running"):
            _build(small_corpus, out)


def _read_only_dir(tmp_path: Path) -> Path:
    if os.geteuid() != 0:
        out = tmp_path / "ro"
        out.mkdir()
        out.chmod(0o555)
        return out
    # root writes through permission bits; sysfs refuses new files even to root.
    probe = Path("/sys/fs")
    try:
        (probe / "tutor-probe").mkdir()
    except OSError:
        return probe
    (probe / "tutor-probe").rmdir()
    pytest.skip("no read-only directory available to root here")


def test_read_only_output_directory(small_corpus: Path, tmp_path: Path):
    out = _read_only_dir(tmp_path)
    with pytest.raises(TutorError, match="not writable"):
        _build(small_corpus, out)
    with pytest.raises(TutorError, match="cannot create"):
        _build(small_corpus, out / "sub")


def test_no_pickle_in_index_files(small_corpus: Path, tmp_path: Path):
    out = tmp_path / "idx"
    _build(small_corpus, out)
    for path in out.iterdir():
        assert not path.read_bytes().startswith(b"\x80"), path  # pickle protocol header


class _CountingAnnotator:
    """Records what the build hands it: the words of each passage, as 'findings'."""

    def __init__(self) -> None:
        self.vectors_given: list[bool] = []

    def spans(self, text: str) -> list[tuple[int, int]]:
        return [(0, len(text))]

    def annotate(self, passages, span_vectors):
        self.vectors_given.append(span_vectors is not None)
        return [[{"type": "words", "count": len(p.text.split())}] for p in passages]


def test_annotations_are_stored_with_each_passage(small_corpus: Path, tmp_path: Path):
    annotator = _CountingAnnotator()
    _build(small_corpus, tmp_path / "idx", annotate=annotator, annotation_info={"findings": {"checker": "test"}})
    loaded = load_index(tmp_path / "idx")
    assert annotator.vectors_given and not any(annotator.vectors_given)  # the fake model cannot pool spans
    assert loaded.manifest.annotations == {"findings": {"checker": "test"}}
    for passage, findings in zip(loaded.passages, loaded.findings):
        assert findings == [{"type": "words", "count": len(passage.text.split())}]


def _with_argument_map(corpus: Path) -> list[str]:
    """Write a claims.toml for the first passage; return its map sentences."""
    from tutor.corpus import open_corpus

    first = next(open_corpus(corpus).iter_passages())
    (corpus / "claims.toml").write_text(
        f'[passages."{first.id}"]\nclaim = "Uniforms stop teasing."\n'
        'attacks = [{ claim = "Uniforms change nothing.", how = "rebuts" }]\n',
        encoding="utf-8",
    )
    return ["Uniforms stop teasing.", "Uniforms change nothing."]


def test_the_argument_map_is_embedded_and_checked(small_corpus: Path, tmp_path: Path):
    sentences = _with_argument_map(small_corpus)
    out = tmp_path / "idx"
    for _ in range(3):
        _build(small_corpus, out)  # each build keeps the previous generation only
    loaded = load_index(out)
    assert np.allclose(loaded.map_vectors, FakeEmbedder().encode(sentences), atol=1e-6)
    assert sum(1 for p in out.iterdir() if p.name.startswith("claims.")) == 2
    claims = out / loaded.manifest.files["claims"]["name"]
    claims.write_bytes(claims.read_bytes()[:60])
    with pytest.raises(IndexError_) as info:
        load_index(out)
    assert info.value.problem == "corrupt" and "claims" in info.value.one_line()
    assert "corrupt" in _verify(out, small_corpus)


def test_a_corpus_without_an_argument_map_has_no_claims_file(small_corpus: Path, tmp_path: Path):
    _build(small_corpus, tmp_path / "idx")
    loaded = load_index(tmp_path / "idx")
    assert loaded.map_vectors is None and "claims" not in loaded.manifest.files


def test_a_reader_of_the_previous_manifest_still_finds_its_files(small_corpus: Path, tmp_path: Path):
    out = tmp_path / "idx"
    _build(small_corpus, out)
    first = read_manifest(out)
    _build(small_corpus, out)
    assert all((out / entry["name"]).is_file() for entry in first.files.values())
    _build(small_corpus, out)  # two builds on: the first generation is gone
    assert not any((out / entry["name"]).exists() for entry in first.files.values())


def test_a_reader_that_loses_the_race_reads_the_manifest_again(small_corpus: Path, tmp_path: Path, monkeypatch):
    import tutor.index

    out = tmp_path / "idx"
    _build(small_corpus, out)
    stale = read_manifest(out)
    _build(small_corpus, out)
    _build(small_corpus, out)
    calls: list[int] = []
    real = tutor.index.read_manifest

    def first_stale(index_dir):
        calls.append(1)
        return stale if len(calls) == 1 else real(index_dir)

    monkeypatch.setattr(tutor.index, "read_manifest", first_stale)
    loaded = load_index(out)
    assert len(calls) == 2 and loaded.manifest.files == real(out).files


def test_rebuilding_while_readers_load_and_search_raises_nothing(small_corpus: Path, tmp_path: Path):
    """Stress: one thread rebuilds in a loop, others load and search; zero uncaught errors."""
    import threading
    import time

    out = tmp_path / "idx"
    _build(small_corpus, out)
    embedder = FakeEmbedder()
    query = embedder.encode(["free buses cut traffic"])[0]
    stop = threading.Event()
    errors: list[BaseException] = []
    counts = {"loads": 0, "builds": 0}

    def rebuild():
        try:
            while not stop.is_set():
                _build(small_corpus, out, batch_size=2)
                counts["builds"] += 1
        except BaseException as exc:  # noqa: BLE001 - every failure counts
            errors.append(exc)

    def read():
        try:
            while not stop.is_set():
                loaded = load_index(out)
                assert len(loaded.search(query, 2)[1]) == 2
                counts["loads"] += 1
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=rebuild)] + [threading.Thread(target=read) for _ in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(3.0)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors[:3]
    assert counts["builds"] >= 5 and counts["loads"] >= 20, counts


# --- the manifest's schema: every field mutated ---------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_HOSTILE = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30), st.floats(allow_nan=True),
    st.text(max_size=30), st.just("x" * 100_000), st.lists(st.integers(), max_size=3),
    st.lists(st.dictionaries(st.text(max_size=5), st.integers(), max_size=2), max_size=2),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3), st.just([{"id": "x"}]), st.just([1]),
)


def _mutations(manifest: dict):
    """(field path, mutated manifest) strategies: wrong type, missing, extra, huge, negative, nested."""
    import copy

    def put(path: tuple, value):
        data = copy.deepcopy(manifest)
        target = data
        for key in path[:-1]:
            target = target[key]
        if value is _DELETE:
            del target[path[-1]]
        else:
            target[path[-1]] = value
        return data

    paths = [(k,) for k in manifest] + [("files", r, k) for r in manifest["files"] for k in ("name", "sha256")]
    paths += [("files", "vectors"), ("documents", 0), ("documents", 0, "id"), ("motions", 0), ("motions", 0, "id"),
              ("motions", 0, "pro_claims"), ("motions", 0, "statement")]
    return st.tuples(st.sampled_from(paths), st.one_of(_HOSTILE, st.just(_DELETE))).map(lambda pv: (pv[0], put(*pv)))


_DELETE = object()


def _manifest_with_motions(small_corpus: Path, tmp_path: Path) -> Path:
    (small_corpus / "motions.toml").write_text(
        '[[motions]]\nid = "uniforms"\nstatement = "Schools should require uniforms."\npro = "They reduce teasing."\n'
        'con = "They cost money."\npro_claims = ["Fewer fights."]\n', encoding="utf-8")
    out = tmp_path / "idx"
    _build(small_corpus, out)
    return out


def test_every_mutated_manifest_field_gives_a_one_line_error_or_loads(small_corpus: Path, tmp_path: Path):
    out = _manifest_with_motions(small_corpus, tmp_path)
    valid = json.loads((out / "manifest.json").read_text())
    seen = {"error": 0, "loaded": 0}

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(_mutations(valid))
    def check(mutation):
        path, data = mutation
        (out / "manifest.json").write_text(json.dumps(data))
        for reader in (read_manifest, load_index):
            try:
                reader(out)
            except IndexError_ as exc:
                line = exc.one_line()
                assert "\n" not in line and len(line) < 600
                if reader is read_manifest and path[0] != "format_version":
                    assert str(path[0]) in line or "corrupt" in line, (path, line)
                seen["error"] += 1
            else:
                seen["loaded"] += 1
        report = verify_index(out, small_corpus)  # never raises
        assert report.ok is False or report.problems == []

    check()
    assert seen["error"] > 100 and seen["loaded"] > 0


@pytest.mark.parametrize(
    "field, value, fragment",
    [
        ("files", "oops", "`files` must be an object"),
        ("documents", 5, "`documents` must be a list"),
        ("motions", [1], "`motions[0]` must be an object"),
        ("motions", [{"id": "x"}], "`motions` entry 0 needs a text 'statement'"),
        ("passage_count", "6", "`passage_count` must be a whole number"),
        ("passage_count", -1, "`passage_count` must be between"),
        ("dimension", True, "`dimension` must be a whole number"),
        ("built_at", None, "`built_at` must be text"),
    ],
)
def test_a_manifest_field_of_the_wrong_type_is_named(small_corpus: Path, tmp_path: Path, field, value, fragment):
    out = tmp_path / "idx"
    _build(small_corpus, out)
    data = json.loads((out / "manifest.json").read_text())
    data[field] = value
    (out / "manifest.json").write_text(json.dumps(data))
    with pytest.raises(IndexError_) as info:
        load_index(out)
    assert fragment in info.value.one_line() and "manifest.json" in info.value.one_line()
    assert info.value.problem == "corrupt"


def test_a_wrong_dimension_is_reported_as_such(small_corpus: Path, tmp_path: Path):
    out = tmp_path / "idx"
    _build(small_corpus, out)
    data = json.loads((out / "manifest.json").read_text())
    data["dimension"] = 512
    (out / "manifest.json").write_text(json.dumps(data))
    with pytest.raises(IndexError_, match="vectors have 64 dimensions, its manifest says 512"):
        load_index(out)


@pytest.mark.parametrize(
    "record, fragment",
    [
        ([1, 2], "must be an object"),
        ({"id": "a"}, "`doc` is missing"),
        ({"text": 42}, "`text` must be text"),
        ({"occurrences": [{"line": "x", "start": 0, "end": 1}]}, "`occurrences[0].line`"),
        ({"findings": "oops"}, "`findings`"),
    ],
)
def test_malformed_passage_records_are_a_one_line_error(small_corpus: Path, tmp_path: Path, record, fragment):
    from tutor.files import sha256_file

    out = tmp_path / "idx"
    _build(small_corpus, out)
    manifest = json.loads((out / "manifest.json").read_text())
    passages = out / manifest["files"]["passages"]["name"]
    lines = passages.read_text().splitlines()
    first = json.loads(lines[0])
    lines[0] = json.dumps(record if not isinstance(record, dict) or "id" in record else {**first, **record})
    passages.write_text("\n".join(lines) + "\n")
    manifest["files"]["passages"]["sha256"] = sha256_file(passages)  # a consistent but hostile index
    (out / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IndexError_) as info:
        load_index(out)
    assert fragment in info.value.one_line() and ":1" in info.value.one_line()
