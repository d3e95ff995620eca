"""The FAISS index of passage embeddings, its sidecar records and manifest.

On disk (one directory):
  manifest.json           format version, model, hashes, counts, file names
  vectors.<gen>.faiss     IndexIDMap2(IndexFlatIP): inner product on unit vectors
  passages.<gen>.jsonl    one passage record per line, in id order (row i = id i)

A build writes new generation files beside the old ones and only then swaps
manifest.json with an atomic rename, so a crash or Ctrl-C at any point leaves
the previous index loadable. A lock file keeps two builds apart.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Protocol

import numpy as np

from tutor import __version__, runtime
from tutor.corpus import Passage, open_corpus
from tutor.errors import IndexError_, TutorError
from tutor.files import atomic_writer, ensure_writable_dir, exclusive_lock, sha256_file, write_json_atomic
from tutor.schema import SchemaError, check, from_dict, shown

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
LOCK = ".lock"
BUILD_BATCH = 256

# progress(done, total): passages embedded so far; total is None while unknown.
Progress = Callable[[int, int | None], None]


class Annotator(Protocol):
    """Adds a JSON-able value to each passage record (the fallacy findings)."""

    def spans(self, text: str) -> list[tuple[int, int]]:
        """The pieces of a passage it wants vectors for (its sentence units)."""
        ...

    def annotate(self, passages: list[Passage], span_vectors: list[np.ndarray] | None) -> list[Any]:
        """One value per passage; span_vectors, when given, hold one row per span."""
        ...


def _file_entries(files: dict[str, dict[str, str]]) -> str | None:
    for role in ("vectors", "passages"):
        if role not in files:
            return f"has no {role!r} entry"
    for role, entry in files.items():
        name = entry.get("name", "")
        if not name or len(name) > 255 or "\0" in name or name != Path(name).name or name.startswith("."):
            return f"names no plain file for {shown(role)} ({shown(name)})"
        if len(entry.get("sha256", "")) != 64:
            return f"has no sha256 for {shown(role)}"
    return None


def _documents(documents: list[dict[str, Any]]) -> str | None:
    for i, doc in enumerate(documents):
        for key in ("id", "title"):
            if not isinstance(doc.get(key), str):
                return f"entry {i} needs a text {key!r}"
    return None


def _motions(motions: list[dict[str, Any]]) -> str | None:
    for i, motion in enumerate(motions):
        for key in ("id", "statement", "pro", "con"):
            if not isinstance(motion.get(key, ""), str) or (key in ("id", "statement") and not motion.get(key)):
                return f"entry {i} needs a text {key!r}"
        for key in ("pro_claims", "con_claims"):
            claims = motion.get(key, [])
            if not isinstance(claims, list) or not all(isinstance(c, str) for c in claims):
                return f"entry {i}: {key!r} must be a list of texts"
    return None


def _between(low: int, high: int) -> Callable[[int], str | None]:
    return lambda value: None if low <= value <= high else f"must be between {low} and {high}, not {shown(value)}"


@dataclass
class Manifest:
    """manifest.json; the field annotations and checks are its schema (tutor.schema)."""

    format_version: int
    model: str
    weights_sha256: str
    dimension: int = field(metadata=check(_between(1, 1 << 16)))
    passage_count: int = field(metadata=check(_between(1, 1 << 40)))
    corpus_hash: str
    corpus_path: str
    built_at: str
    tool_version: str
    files: dict[str, dict[str, str]] = field(metadata=check(_file_entries))
    documents: list[dict[str, Any]] = field(default_factory=list, metadata=check(_documents))
    motions: list[dict[str, Any]] = field(default_factory=list, metadata=check(_motions))
    annotations: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Optional motion fields, filled in so every reader may index them.
        defaults = {"pro": "", "con": "", "pro_claims": [], "con_claims": []}
        self.motions = [{**m, **{k: v for k, v in defaults.items() if k not in m}} for m in self.motions]

    @classmethod
    def from_dict(cls, data: Any, where: str = "the index manifest") -> "Manifest":
        return from_dict(cls, data, where)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class BuildResult:
    manifest: Manifest
    index_dir: Path
    seconds: float  # the whole build, loading the model included
    warnings: list[str]
    load_seconds: float = 0.0  # of which loading the model (and the fallacy checker)


# --- build --------------------------------------------------------------------------


def build_index(
    corpus_path: Path,
    out_dir: Path,
    embedder: Any = None,
    model: str | None = None,
    progress: Progress | None = None,
    warn: Callable[[str], None] | None = None,
    annotate: Annotator | None = None,
    annotation_info: dict[str, Any] | None = None,
    batch_size: int = BUILD_BATCH,
) -> BuildResult:
    """Embed every passage of the corpus into a new index generation in out_dir."""
    from tutor.motions import load_motions

    started = time.perf_counter()
    load_seconds = 0.0
    out_dir = Path(out_dir)
    corpus = open_corpus(corpus_path, warn=warn)
    motions_file = corpus.root / "motions.toml" if corpus.root.is_dir() else corpus.root.with_name("motions.toml")
    motions = [m.to_dict() for m in load_motions(motions_file)]
    ensure_writable_dir(out_dir)
    with exclusive_lock(out_dir / LOCK, f"index build in {out_dir}"):
        if embedder is None:
            from tutor.embedding import load_embedder

            loading = time.perf_counter()
            embedder = load_embedder(model)
            load_seconds = time.perf_counter() - loading
        total: list[int] = []  # the corpus's latest estimate of its passage count

        def report(done: int) -> None:
            if progress:
                progress(done, total[-1] if total else None)

        runtime.configure()
        import faiss

        runtime.cap_faiss_threads()
        previous = _generation_files(out_dir)
        generation = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)
        vectors_name = f"vectors.{generation}.faiss"
        passages_name = f"passages.{generation}.jsonl"
        claims_name = f"claims.{generation}.faiss"
        index = faiss.IndexIDMap2(faiss.IndexFlatIP(embedder.dimension))
        claim_index = faiss.IndexFlatIP(embedder.dimension)  # the argument map's sentences, in passage order
        count = 0
        try:
            with atomic_writer(out_dir / passages_name) as records:
                for batch in _batches(corpus.iter_passages(on_total=total.append), batch_size):
                    if count == 0:
                        report(0)
                    vectors, extras = _embed_batch(embedder, batch, annotate)
                    _check_vectors(vectors, len(batch), embedder.dimension)
                    index.add_with_ids(vectors, np.arange(count, count + len(batch), dtype=np.int64))
                    _add_map_sentences(embedder, batch, claim_index)
                    for passage, extra in zip(batch, extras):
                        record = passage.to_record()
                        if annotate:
                            record["findings"] = extra
                        records.write(json.dumps(record, ensure_ascii=False) + "\n")
                    count += len(batch)
                    del vectors
                    report(count)
            if count == 0:
                raise TutorError(f"the corpus at {corpus_path} yields no passages", "add documents with some text")
            _write_faiss_atomic(faiss, index, out_dir / vectors_name)
            files = {
                "vectors": {"name": vectors_name, "sha256": sha256_file(out_dir / vectors_name)},
                "passages": {"name": passages_name, "sha256": sha256_file(out_dir / passages_name)},
            }
            if claim_index.ntotal:
                _write_faiss_atomic(faiss, claim_index, out_dir / claims_name)
                files["claims"] = {"name": claims_name, "sha256": sha256_file(out_dir / claims_name)}
            manifest = Manifest(
                format_version=FORMAT_VERSION,
                model=embedder.name,
                weights_sha256=embedder.weights_sha256,
                dimension=embedder.dimension,
                passage_count=count,
                corpus_hash=corpus.content_hash,
                corpus_path=_portable(corpus.root),
                built_at=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
                tool_version=__version__,
                files=files,
                documents=[_document_summary(d) for d in corpus.documents],
                motions=motions,
                annotations=annotation_info or {},
            )
            write_json_atomic(out_dir / MANIFEST, manifest.to_dict())  # the commit point
        except BaseException:
            for name in (vectors_name, passages_name, claims_name):
                (out_dir / name).unlink(missing_ok=True)
            raise
        # Readers that read the old manifest a moment ago may still open its files:
        # they stay until the next build.
        _remove_old_generations(out_dir, keep={vectors_name, passages_name, claims_name} | previous)
    return BuildResult(manifest, out_dir, time.perf_counter() - started, corpus.warnings, load_seconds)


def _embed_batch(embedder: Any, batch: list[Passage], annotate: Annotator | None) -> tuple[np.ndarray, list[Any]]:
    """Vectors for a batch and, if annotating, the annotations.

    With an embedder that can pool spans, the annotator's sentence vectors come
    from the same forward pass as the passage vectors, so annotating costs
    almost nothing on top of embedding.
    """
    texts = [p.text for p in batch]
    if annotate is None:
        return embedder.encode(texts), [None] * len(batch)
    if getattr(annotate, "wants_span_vectors", True) and hasattr(embedder, "encode_with_spans"):
        vectors, span_vectors = embedder.encode_with_spans(texts, [annotate.spans(t) for t in texts])
        return vectors, annotate.annotate(batch, span_vectors)
    return embedder.encode(texts), annotate.annotate(batch, None)


def _add_map_sentences(embedder: Any, batch: list[Passage], claim_index: Any) -> None:
    """Embed the hand-written argument map (claims and the claims they answer), if the corpus has one."""
    sentences = [s for p in batch for s in p.map_sentences()]
    if sentences:
        vectors = embedder.encode(sentences)
        _check_vectors(vectors, len(sentences), embedder.dimension)
        claim_index.add(vectors)


def _write_faiss_atomic(faiss: Any, index: Any, path: Path) -> None:
    """faiss writes straight to a temp file (no second in-memory copy), then rename."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(3)}.tmp")
    try:
        faiss.write_index(index, str(tmp))
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _batches(items: Iterator[Passage], size: int) -> Iterator[list[Passage]]:
    batch: list[Passage] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _check_vectors(vectors: np.ndarray, rows: int, dimension: int) -> None:
    if vectors.shape != (rows, dimension) or vectors.dtype != np.float32:
        raise TutorError(f"the model returned vectors of shape {vectors.shape}, expected ({rows}, {dimension})")


def _document_summary(doc: Any) -> dict[str, Any]:
    record = doc.to_record()
    summary = {k: record[k] for k in ("id", "title", "kind", "author", "attribution", "path", "sha256")}
    if doc.meta.get("bio_lines"):
        summary["has_bio"] = True
    return summary


def _portable(path: Path) -> str:
    """The corpus path relative to the project when inside it, so a clone elsewhere still matches."""
    from tutor.paths import PROJECT_ROOT

    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return str(resolved)


def _generation_files(out_dir: Path) -> set[str]:
    """The file names the current manifest uses, if it can be read at all."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        return {str(entry["name"]) for entry in data["files"].values()}
    except (OSError, UnicodeDecodeError, ValueError, RecursionError, TypeError, KeyError, AttributeError):
        return set()


def _remove_old_generations(out_dir: Path, keep: set[str]) -> None:
    for path in out_dir.iterdir():
        name = path.name.lstrip(".")
        generated = name.startswith(("vectors.", "passages.", "claims.")) and (
            path.suffix in (".faiss", ".jsonl") or name.endswith(".tmp")
        )
        if generated and path.name not in keep:
            path.unlink(missing_ok=True)


# --- load and verify ------------------------------------------------------------------


@dataclass
class LoadedIndex:
    directory: Path
    manifest: Manifest
    faiss_index: Any
    passages: list[Passage]
    findings: list[list[dict[str, Any]]]  # per passage, [] when the index has none
    map_vectors: np.ndarray | None = None  # the argument map's sentences (Passage.map_sentences), if any

    def __post_init__(self) -> None:
        self._by_id = {p.id: i for i, p in enumerate(self.passages)}

    def document(self, doc_id: str) -> dict[str, Any]:
        return next((d for d in self.manifest.documents if d["id"] == doc_id), {"id": doc_id, "title": doc_id})

    def row(self, passage_id: str) -> int | None:
        return self._by_id.get(passage_id)

    def vectors(self) -> np.ndarray:
        """All stored vectors, row i for passage i (a flat index keeps them)."""
        return self.faiss_index.index.reconstruct_n(0, self.faiss_index.ntotal)

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        k = max(1, min(k, self.faiss_index.ntotal))
        scores, ids = self.faiss_index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), k)
        keep = ids[0] >= 0
        return scores[0][keep], ids[0][keep]


def read_manifest(index_dir: Path) -> Manifest:
    index_dir = Path(index_dir)
    path = index_dir / MANIFEST
    if not index_dir.exists():
        raise IndexError_(f"no index at {index_dir}", "build one with `tutor index build`", problem="missing")
    if not path.is_file():
        raise IndexError_(f"{index_dir} holds no index (no {MANIFEST})", "build one with `tutor index build`", problem="missing")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, ValueError, RecursionError) as exc:
        raise IndexError_(
            f"the index manifest {path} is corrupt ({exc})", "rebuild with `tutor index build`", problem="corrupt"
        ) from None
    version = data.get("format_version") if isinstance(data, dict) else None
    if isinstance(version, int) and not isinstance(version, bool) and version != FORMAT_VERSION:
        # Another format's fields may differ: say so before checking them.
        raise IndexError_(
            f"the index at {index_dir} has format {shown(version)}, this tutor reads {FORMAT_VERSION}",
            "rebuild with `tutor index build`",
            problem="corrupt",
        )
    try:
        manifest = Manifest.from_dict(data, f"the index manifest {path}")
    except SchemaError as exc:
        raise IndexError_(exc.message, "rebuild with `tutor index build`", problem="corrupt") from None
    return manifest


def _check_files(index_dir: Path, manifest: Manifest) -> None:
    for role in ("vectors", "passages", *sorted(set(manifest.files) - {"vectors", "passages"})):
        entry = manifest.files.get(role) or {}
        path = index_dir / str(entry.get("name", ""))
        if not entry.get("name") or not path.is_file():
            raise _GenerationGone(role)
        try:
            digest = sha256_file(path)
        except FileNotFoundError:
            raise _GenerationGone(role) from None
        if digest != entry.get("sha256"):
            raise IndexError_(
                f"the index's {role} file {path.name} does not match its manifest (truncated or changed)",
                "rebuild with `tutor index build`",
                problem="corrupt",
            )


class _GenerationGone(Exception):
    """A file the manifest names is gone: a build swapped generations under the reader."""

    def __init__(self, role: str) -> None:
        self.role = role


def load_index(index_dir: Path | None = None) -> LoadedIndex:
    """Load and integrity-check an index (hashes, counts, dimension).

    A build keeps the previous generation's files until the next build, so a
    reader that read the manifest just before a swap still finds them; one that
    loses the race to two builds reads the manifest again, once.
    """
    from tutor.paths import default_index_dir

    index_dir = Path(index_dir) if index_dir else default_index_dir()
    manifest = read_manifest(index_dir)
    try:
        return _load_generation(index_dir, manifest)
    except _GenerationGone as gone:
        again = read_manifest(index_dir)
        if again.files != manifest.files:
            try:
                return _load_generation(index_dir, again)
            except _GenerationGone as second:
                gone = second
        raise IndexError_(
            f"the index at {index_dir} is missing its {gone.role} file", "rebuild with `tutor index build`", problem="corrupt"
        ) from None


def _load_generation(index_dir: Path, manifest: Manifest) -> LoadedIndex:
    _check_files(index_dir, manifest)
    runtime.configure()
    import faiss

    runtime.cap_faiss_threads()
    index = _read_faiss(faiss, index_dir / manifest.files["vectors"]["name"], "the index vectors", "vectors")
    passages_file = index_dir / manifest.files["passages"]["name"]
    passages: list[Passage] = []
    findings: list[list[dict[str, Any]]] = []
    try:
        with open(passages_file, encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                try:
                    record = json.loads(line)
                except (json.JSONDecodeError, RecursionError) as exc:
                    raise SchemaError(f"{passages_file.name}:{number}", "", f"is not JSON ({exc})") from None
                stored = from_dict(_PassageRecord, record, f"{passages_file.name}:{number}")
                findings.append(stored.findings or [])
                passages.append(stored.passage())
    except FileNotFoundError:
        raise _GenerationGone("passages") from None
    except (UnicodeDecodeError, SchemaError) as exc:
        raise IndexError_(f"the index's passage records are corrupt ({exc})", "rebuild with `tutor index build`", problem="corrupt") from None
    if index.ntotal != manifest.passage_count or len(passages) != manifest.passage_count:
        raise IndexError_(
            f"the index at {index_dir} is inconsistent: {index.ntotal} vectors, {len(passages)} records, "
            f"manifest says {manifest.passage_count}",
            "rebuild with `tutor index build`",
            problem="corrupt",
        )
    if index.d != manifest.dimension:
        raise IndexError_(
            f"the index at {index_dir} is inconsistent: its vectors have {index.d} dimensions, "
            f"its manifest says {manifest.dimension}",
            "rebuild with `tutor index build`",
            problem="corrupt",
        )
    return LoadedIndex(index_dir, manifest, index, passages, findings, _load_map_vectors(index_dir, manifest, passages))


@dataclass
class _PassageRecord(Passage):
    """One line of passages.<gen>.jsonl: a Passage and the fallacy findings stored with it."""

    findings: list[dict[str, Any]] | None = None

    def passage(self) -> Passage:
        data = {k: v for k, v in self.__dict__.items() if k != "findings"}
        return Passage(**data)


def _read_faiss(faiss: Any, path: Path, what: str, role: str) -> Any:
    if not path.is_file():
        raise _GenerationGone(role)
    try:
        return faiss.read_index(str(path))
    except Exception as exc:  # faiss raises RuntimeError with C++ text
        if not path.is_file():
            raise _GenerationGone(role) from None
        raise IndexError_(f"cannot read {what}: {str(exc).splitlines()[0]}", "rebuild with `tutor index build`", problem="corrupt") from None


def _load_map_vectors(index_dir: Path, manifest: Manifest, passages: list[Passage]) -> np.ndarray | None:
    entry = manifest.files.get("claims")
    if not entry:
        return None
    import faiss

    claims = _read_faiss(faiss, index_dir / entry["name"], "the index's claim vectors", "claims")
    expected = sum(len(p.map_sentences()) for p in passages)
    if claims.ntotal != expected or claims.d != manifest.dimension:
        raise IndexError_(
            f"the index at {index_dir} is inconsistent: {claims.ntotal} claim vectors for {expected} claims",
            "rebuild with `tutor index build`",
            problem="corrupt",
        )
    return claims.reconstruct_n(0, claims.ntotal)


@dataclass
class VerifyReport:
    index_dir: Path
    ok: bool
    problems: list[dict[str, str]]  # {"problem": stale|corrupt|model|missing, "message", "hint"}
    manifest: Manifest | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": str(self.index_dir),
            "ok": self.ok,
            "problems": self.problems,
            "manifest": self.manifest.to_dict() if self.manifest else None,
        }


def verify_index(index_dir: Path, corpus_path: Path | None = None, model: str | None = None) -> VerifyReport:
    """Check integrity, freshness against the corpus, and the model it was built with."""
    problems: list[dict[str, str]] = []

    def add(problem: str, message: str, hint: str) -> None:
        problems.append({"problem": problem, "message": message, "hint": hint})

    manifest: Manifest | None = None
    try:
        loaded = load_index(index_dir)
        manifest = loaded.manifest
    except IndexError_ as exc:
        add(exc.problem, exc.message, exc.hint)
        try:
            manifest = read_manifest(index_dir)
        except IndexError_:
            pass
        return VerifyReport(Path(index_dir), False, problems, manifest)
    corpus_path = Path(corpus_path) if corpus_path else corpus_root(manifest)
    try:
        corpus = open_corpus(corpus_path)
        if corpus.content_hash != manifest.corpus_hash:
            add("stale", f"the index is stale: the corpus at {corpus_path} changed since it was built", "rebuild with `tutor index build`")
    except TutorError as exc:
        add("stale", f"cannot check the corpus the index was built from: {exc.message}", "pass --corpus PATH")
    except (OSError, ValueError) as exc:  # a corpus_path no file system takes (too long, NUL)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "an impossible path"
        add("stale", f"cannot check the corpus the index was built from: {reason}", "pass --corpus PATH")
    from tutor.embedding import resolve_model, weights_hash

    try:
        spec = resolve_model(model)
        # The weights decide what vectors mean; a renamed copy of the same model is the same model.
        if weights_hash(spec) != manifest.weights_sha256:
            add(
                "model",
                f"the index was built with model {manifest.model} ({manifest.weights_sha256[:12]}…), "
                f"not the current {spec.name}",
                "rebuild with `tutor index build`, or choose that model with --model / TUTOR_MODEL",
            )
    except TutorError as exc:
        add("model", exc.message, exc.hint)
    return VerifyReport(Path(index_dir), not problems, problems, manifest)


def corpus_root(manifest: Manifest) -> Path:
    """Where the corpus an index was built from lives (relative paths: to the project)."""
    from tutor.paths import PROJECT_ROOT

    path = Path(manifest.corpus_path)
    return path if path.is_absolute() else PROJECT_ROOT / path


def check_compatible(loaded: LoadedIndex, embedder: Any) -> None:
    """Refuse to search an index with vectors from another model."""
    if loaded.manifest.weights_sha256 != embedder.weights_sha256 or loaded.manifest.dimension != embedder.dimension:
        raise IndexError_(
            f"the index at {loaded.directory} was built with model {loaded.manifest.model}, not {embedder.name}",
            "rebuild it with `tutor index build`, or choose its model with --model / TUTOR_MODEL",
            problem="model",
        )
