"""Reading a corpus: a directory of .txt/.md documents, or a .jsonl file of passages.

A document's metadata comes from YAML-style front matter or, so that shipped
sources stay byte-for-byte verbatim, from a sidecar `NAME.meta.toml`. A sidecar
may also declare structure checked by hand: the title and heading lines, bio
lines, and for a forum thread its turns and reply-to links. Hand-reviewed stance
labels live in `stances.toml` beside the documents.

Passages stream one document at a time, so a large corpus is never held whole.
"""

from __future__ import annotations

import bisect
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from tutor.corpus.model import ATTACK_KINDS, STANCES, Document, Occurrence, Passage
from tutor.corpus.segment import (
    MIN_WORDS,
    ScriptCounts,
    Span,
    chunk_sentences,
    detect_language,
    is_lead_in,
    language_of,
    normalize,
    script_counts,
    sentence_spans,
    tokens,
    word_count,
)
from tutor.errors import CorpusError
from tutor.files import sha256_file

DOCUMENT_SUFFIXES = (".txt", ".md")
ANNOTATION_FILES = ("stances.toml", "motions.toml", "claims.toml")
WILDCARD_MOTION = "*"  # a stance given without naming a motion (user .jsonl corpora)

Warn = Callable[[str], None]


@dataclass
class _Paragraph:
    line: int
    span: Span
    section: str


@dataclass
class Corpus:
    root: Path
    documents: list[Document]
    content_hash: str
    warnings: list[str] = field(default_factory=list)
    stances: dict[str, dict[str, str]] = field(default_factory=dict)
    claims: dict[str, dict[str, Any]] = field(default_factory=dict)
    _jsonl: bool = False
    _jsonl_count: int = 0

    def document(self, doc_id: str) -> Document:
        for doc in self.documents:
            if doc.id == doc_id:
                return doc
        raise CorpusError(f"no document {doc_id!r} in {self.root}")

    def document_text(self, doc_id: str) -> str:
        doc = self.document(doc_id)
        return _read_text(self._path(doc))

    def _path(self, doc: Document) -> Path:
        return self.root if self._jsonl else self.root / doc.path

    def iter_passages(self, on_total: Callable[[int], None] | None = None) -> Iterator[Passage]:
        """Every passage, each document split once, as it is split.

        on_total(n), if given, hears how many passages there will be: exact for
        a .jsonl file, else estimated from the sizes of the documents not yet
        split and exact once the last one is.
        """
        if self._jsonl:
            if on_total:
                on_total(self._jsonl_count)
            yield from _jsonl_passages(self.root)
            return
        sizes = [_size(self._path(doc)) for doc in self.documents]
        split_bytes = split = 0
        for number, doc in enumerate(self.documents):
            text = _read_text(self._path(doc))
            passages = document_passages(doc, text)
            split_bytes, split = split_bytes + sizes[number], split + len(passages)
            if on_total:
                remaining = sum(sizes[number + 1 :])
                on_total(split + (round(remaining * split / split_bytes) if split_bytes else 0))
            for passage in passages:
                passage.stance = dict(self.stances.get(passage.id, {}))
                mapped = self.claims.get(passage.id, {})
                passage.claim = mapped.get("claim", "")
                passage.attacks = [dict(a) for a in mapped.get("attacks", [])]
                yield passage


def open_corpus(path: Path | str, warn: Warn | None = None) -> Corpus:
    """Open a corpus directory or .jsonl file; metadata only, texts stay on disk."""
    root = Path(path).expanduser()
    warnings: list[str] = []

    def _warn(message: str) -> None:
        warnings.append(message)
        if warn:
            warn(message)

    if not root.exists():
        raise CorpusError(f"corpus path {root} does not exist", "pass an existing directory or .jsonl file with --corpus")
    if root.is_file():
        if root.suffix.lower() != ".jsonl":
            raise CorpusError(
                f"{root} is a file but not a .jsonl passage file",
                "pass a directory of .txt/.md documents or a .jsonl file",
            )
        return _open_jsonl(root, _warn, warnings)
    if not root.is_dir():
        raise CorpusError(f"corpus path {root} is neither a file nor a directory")
    return _open_directory(root, _warn, warnings)


# --- directories of documents -------------------------------------------------


def _open_directory(root: Path, warn: Warn, warnings: list[str]) -> Corpus:
    try:
        found = sorted(
            p for p in root.rglob("*")
            if p.suffix.lower() in DOCUMENT_SUFFIXES
            and not any(part.startswith(".") for part in p.relative_to(root).parts)
        )
    except PermissionError as exc:
        raise CorpusError(f"cannot read corpus directory {root}: permission denied ({exc.filename})") from None
    candidates = []
    for path in found:
        if path.is_file():
            candidates.append(path)
        elif path.is_symlink() and not path.exists():  # exists() follows the link: dangling or a loop
            warn(f"skipping {path}: it is a symbolic link to nothing (dangling, or a loop)")
    documents: list[Document] = []
    hashed: list[tuple[str, str]] = []
    seen_ids: dict[str, str] = {}
    for path in candidates:
        rel = path.relative_to(root).as_posix()
        text = _read_document(path, warn)
        if text is None:
            continue
        if not text.strip():
            warn(f"skipping {rel}: the file is empty")
            continue
        meta, sidecar = _document_meta(path, text)
        doc = _make_document(path, rel, text, meta)
        if doc.id in seen_ids:
            raise CorpusError(
                f"documents {seen_ids[doc.id]} and {rel} share the id {doc.id!r}",
                "give one of them another `id` in its front matter or .meta.toml",
            )
        seen_ids[doc.id] = rel
        documents.append(doc)
        hashed.append((rel, doc.sha256))
        if sidecar is not None:
            hashed.append((sidecar.relative_to(root).as_posix(), sha256_file(sidecar)))
    if not documents:
        raise CorpusError(
            f"the corpus at {root} has no readable .txt or .md documents",
            "add UTF-8 text documents, or pass a .jsonl passage file",
        )
    stances = {}
    for name in ANNOTATION_FILES:
        extra = root / name
        if extra.is_file():
            hashed.append((name, sha256_file(extra)))
    if (root / "stances.toml").is_file():
        stances = _load_stances(root / "stances.toml")
    claims = _load_claims(root / "claims.toml") if (root / "claims.toml").is_file() else {}
    corpus = Corpus(root, documents, _combine_hashes(hashed), warnings, stances, claims)
    return corpus


def _read_document(path: Path, warn: Warn) -> str | None:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        warn(f"skipping {path}: cannot read it ({exc.strerror})")
        return None
    if b"\x00" in raw[:8192]:
        warn(f"skipping {path}: it looks binary, not text")
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        warn(f"skipping {path}: it is not UTF-8 text (re-save it as UTF-8)")
        return None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # reading it will say what is wrong


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError(f"cannot read {path} any more: {exc}", "the corpus changed while in use; run again") from None


_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(\r?\n|\Z)", re.S)


def _document_meta(path: Path, text: str) -> tuple[dict[str, Any], Path | None]:
    sidecar = path.with_name(path.stem + ".meta.toml")
    meta: dict[str, Any] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        for raw_line in match.group(1).splitlines():
            if ":" in raw_line and not raw_line.lstrip().startswith("#"):
                key, value = raw_line.split(":", 1)
                meta[key.strip().lower()] = value.strip().strip("\"'")
        meta["_body_start"] = match.end()
    if sidecar.is_file():
        try:
            meta.update(tomllib.loads(sidecar.read_text(encoding="utf-8")))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise CorpusError(f"cannot parse {sidecar}: {exc}", "fix the TOML syntax") from None
        return meta, sidecar
    return meta, None


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "doc"


def _make_document(path: Path, rel: str, text: str, meta: dict[str, Any]) -> Document:
    title = str(meta.get("title") or "")
    if not title:
        heading = re.search(r"^#\s+(.+)$", text[meta.get("_body_start", 0):], re.M)
        title = heading.group(1).strip() if heading else path.stem
    return Document(
        id=str(meta.get("id") or _slug(Path(rel).with_suffix("").as_posix())),
        title=title,
        kind=str(meta.get("kind") or "document"),
        path=rel,
        author=str(meta.get("author") or ""),
        attribution=str(meta.get("attribution") or ""),
        sha256=sha256_file(path),
        meta={k: v for k, v in meta.items() if not k.startswith("_")} | {"_body_start": meta.get("_body_start", 0)},
    )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CorpusError(f"cannot parse {path}: {exc}", "fix the TOML syntax") from None


def _load_claims(path: Path) -> dict[str, dict[str, Any]]:
    """The hand-written argument map: per passage id, its claim and the claims it answers."""
    table = _read_toml(path).get("passages", {})
    claims: dict[str, dict[str, Any]] = {}
    for passage_id, entry in table.items():
        where = f"{path}: passage {passage_id}"
        if not isinstance(entry, dict):
            raise CorpusError(f"{where} must be a table with `claim` and `attacks`")
        claims[passage_id] = {"claim": _claim_text(entry.get("claim", ""), where),
                              "attacks": _attacks(entry.get("attacks", []), where)}
    return claims


def _claim_text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise CorpusError(f"{where}: a claim must be text")
    return " ".join(value.split())


def _attacks(value: Any, where: str) -> list[dict[str, str]]:
    """A list of {claim, how}; a bare string is a claim it rebuts."""
    if not isinstance(value, list):
        raise CorpusError(f"{where}: `attacks` must be a list")
    attacks = []
    for item in value:
        item = {"claim": item, "how": "rebuts"} if isinstance(item, str) else item
        if not isinstance(item, dict) or item.get("how", "rebuts") not in ATTACK_KINDS:
            raise CorpusError(f"{where}: each attack needs a `claim` and a `how` of {', '.join(ATTACK_KINDS)}")
        claim = _claim_text(item.get("claim", ""), where)
        if claim:
            attacks.append({"claim": claim, "how": item.get("how", "rebuts")})
    return attacks


def _load_stances(path: Path) -> dict[str, dict[str, str]]:
    data = _read_toml(path)
    table = data.get("stances", data)
    stances: dict[str, dict[str, str]] = {}
    for passage_id, labels in table.items():
        if not isinstance(labels, dict):
            continue
        for motion, label in labels.items():
            if label not in STANCES:
                raise CorpusError(f"{path}: stance {label!r} for {passage_id} is not one of {', '.join(STANCES)}")
        stances[passage_id] = dict(labels)
    return stances


# --- passages of one document ----------------------------------------------------


def document_passages(doc: Document, text: str) -> list[Passage]:
    """Cut one document into passages, merge repeats, resolve reply links."""
    meta = doc.meta
    turn_of_line = _turns_by_line(meta)
    paragraphs = _merge_thin_paragraphs(text, _paragraphs(text, meta, doc.kind), turn_of_line)
    starts = _line_starts(text)
    passages: list[Passage] = []
    for paragraph in paragraphs:
        sentences = sentence_spans(text, paragraph.span.start, paragraph.span.end)
        chunks = chunk_sentences(text, sentences)
        for k, chunk in enumerate(chunks, start=1):
            body = text[chunk.start : chunk.end]
            turn = turn_of_line.get(paragraph.line, {})
            passages.append(
                Passage(
                    id=f"{doc.id}:{paragraph.line}.{k}",
                    doc=doc.id,
                    text=body,
                    line=bisect.bisect_right(starts, chunk.start),
                    start=chunk.start,
                    end=chunk.end,
                    lang=detect_language(body),
                    section=paragraph.section,
                    turn=turn.get("n"),
                    speaker=str(turn.get("speaker", "")),
                    role=str(turn.get("role", "")),
                )
            )
    passages, alias = _merge_repeats(passages, text)
    _link_replies(passages, alias, meta, doc, text)
    return passages


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for match in re.finditer(r"\n", text):
        starts.append(match.end())
    return starts


def _paragraphs(text: str, meta: dict[str, Any], kind: str) -> list[_Paragraph]:
    """Paragraph spans with their 1-based first line; structure lines are left out.

    Title, bio and skipped lines are dropped; headings close a paragraph and
    name the section of what follows. A forum thread is one paragraph a line,
    other documents one paragraph a block of lines between blank lines.
    """
    body_start = int(meta.get("_body_start", 0))
    starts = _line_starts(text)
    by_lines = meta.get("paragraphs", "lines" if kind == "forum_thread" else "blocks") == "lines"
    dropped = {meta.get("title_line")} | set(meta.get("skip_lines", [])) | set(meta.get("bio_lines", []))
    headings = set(meta.get("heading_lines", []))
    guess_headings = "heading_lines" not in meta and "title_line" not in meta and kind != "forum_thread"

    out: list[_Paragraph] = []
    block: list[tuple[int, int, int]] = []  # (line number, start, end) of the open paragraph
    section = ""
    lead_in: _Paragraph | None = None

    def close() -> None:
        nonlocal block, lead_in
        if not block:
            return
        first, last = block[0], block[-1]
        paragraph = _Paragraph(first[0], Span(first[1], last[2]), section)
        if lead_in is not None:  # "Once again:" joins the paragraph it introduces
            out.pop()  # the lead-in is always the paragraph closed last
            paragraph = _Paragraph(lead_in.line, Span(lead_in.span.start, paragraph.span.end), section)
        out.append(paragraph)
        lead_in = paragraph if is_lead_in(text[first[1] : last[2]]) else None
        block = []

    for index, start in enumerate(starts):
        number, end = index + 1, _line_end(text, start)
        line = text[start:end]
        if start < body_start or not line.strip() or number in dropped:
            close()
            continue
        if number in headings or line.lstrip().startswith("#") or (
            guess_headings and _looks_like_heading(text, starts, number, start, end)
        ):
            close()
            section, lead_in = line.lstrip("#").strip(), None
            continue
        block.append((number, start, end))
        if by_lines:
            close()
    close()
    return out


def _merge_thin_paragraphs(
    text: str, paragraphs: list[_Paragraph], turn_of_line: dict[int, dict[str, Any]]
) -> list[_Paragraph]:
    """A paragraph too short to be a claim joins a neighbour of the same turn.

    "Don't have any expectations." opens a post and "What about Japanese anime
    vs Islam?" closes one; alone they are fragments. They join the previous
    paragraph (else the next) of the same turn, section and language.

    A merged paragraph's language is that of its whole text; script counts add
    up, so a paragraph that keeps growing is not read again for every join.
    """

    counted: dict[tuple[int, int], ScriptCounts] = {}

    def counts(p: _Paragraph) -> ScriptCounts:
        key = (p.span.start, p.span.end)
        if key not in counted:
            counted[key] = script_counts(text[p.span.start : p.span.end])
        return counted[key]

    def joined(a: _Paragraph, b: _Paragraph, section: str) -> _Paragraph:
        merged = _Paragraph(a.line, Span(a.span.start, b.span.end), section)
        gap = script_counts(text[a.span.end : b.span.start])
        counted[(merged.span.start, merged.span.end)] = counts(a) + gap + counts(b)
        return merged

    def turn(p: _Paragraph) -> Any:
        return turn_of_line.get(p.line, {}).get("n")

    def compatible(a: _Paragraph, b: _Paragraph) -> bool:
        return turn(a) == turn(b) and a.section == b.section and language_of(counts(a)) == language_of(counts(b))

    def thin(p: _Paragraph) -> bool:
        return word_count(text[p.span.start : p.span.end]) < MIN_WORDS

    merged: list[_Paragraph] = []
    carry: _Paragraph | None = None  # a thin paragraph waiting to join the next one
    for paragraph in paragraphs:
        if carry is not None:
            if compatible(carry, paragraph):
                paragraph = joined(carry, paragraph, paragraph.section)
            else:
                merged.append(carry)
            carry = None
        if thin(paragraph) and merged and compatible(merged[-1], paragraph):
            last = merged[-1]
            merged[-1] = joined(last, paragraph, last.section)
        elif thin(paragraph):
            carry = paragraph
        else:
            merged.append(paragraph)
    if carry is not None:
        merged.append(carry)
    return merged


def _line_end(text: str, start: int) -> int:
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    return end - 1 if end > start and text[end - 1] == "\r" else end


def _looks_like_heading(text: str, starts: list[int], number: int, start: int, end: int) -> bool:
    """A short line standing alone, without closing punctuation, in Latin script."""
    line = text[start:end].strip()
    if word_count(line) > 10 or line[-1] in '.!?:;,"”’)' or detect_language(line) != "en":
        return False
    before = text[starts[number - 2] : start].strip() if number >= 2 else ""
    after_start = starts[number] if number < len(starts) else len(text)
    after = text[after_start : _line_end(text, after_start)].strip() if number < len(starts) else ""
    return not before and not after


def _turns_by_line(meta: dict[str, Any]) -> dict[int, dict[str, Any]]:
    table: dict[int, dict[str, Any]] = {}
    for turn in meta.get("turns", []):
        for line in turn.get("lines", []):
            table[int(line)] = turn
    return table


def _merge_repeats(passages: list[Passage], text: str) -> tuple[list[Passage], dict[str, str]]:
    """One passage per repeated text, knowing every place it stands.

    Exact repeats merge; so does a whole paragraph repeated inside a longer
    passage (the essay's standfirst is its first paragraph's first sentence).

    Linear in the document: exact repeats meet in a dict of normalised texts;
    a contained paragraph is looked for only in the passages that hold the
    rarest of its inner token trigrams (a substring keeps all but its first and
    last token whole), and the containment is then checked on the text itself.
    Only paragraphs whose inner tokens all stand in most other passages (they
    differ in their first and last word alone) still cost a look in each.
    """
    kept: list[Passage] = []
    alias: dict[str, str] = {}
    normal: dict[str, str] = {}  # passage id -> normalised text
    first_by_text: dict[str, Passage] = {}
    for passage in passages:
        key = normalize(passage.text)
        twin = first_by_text.get(key)
        if twin is not None:
            twin.occurrences.append(Occurrence(passage.line, passage.start, passage.end))
            alias[passage.id] = twin.id
            continue
        first_by_text[key] = passage
        normal[passage.id] = key
        kept.append(passage)

    # A paragraph of 8+ words has 8+ tokens, so it has inner trigrams; the one
    # held by the fewest passages stands for it (any would do: the check is
    # exact), so boilerplate every paragraph shares never makes every paragraph
    # a host to look in. Normalising can join tokens ("e\u0301x"); with fewer
    # inner tokens a shorter n-gram stands for it, and with none at all every
    # passage is a candidate.
    words = {p.id: tokens(normal[p.id]) for p in kept}
    inner: dict[str, list[int]] = {}
    sizes: set[int] = set()
    for passage in kept:
        if word_count(passage.text) < 8 or not passage.id.endswith(".1"):
            continue
        n = min(3, len(words[passage.id]) - 2)
        inner[passage.id] = _ngrams(words[passage.id], n, inner=True) if n > 0 else []
        sizes.add(n)
    wanted = {h for grams in inner.values() for h in grams}
    holders: dict[int, list[int]] = {}  # n-gram -> positions in kept of the passages holding it
    if wanted:
        for position, passage in enumerate(kept):
            found = {h for n in sizes if n > 0 for h in _ngrams(words[passage.id], n) if h in wanted}
            for gram in found:
                holders.setdefault(gram, []).append(position)
    anchor_of: dict[str, int | None] = {
        pid: min(grams, key=lambda h: len(holders[h])) if grams else None for pid, grams in inner.items()
    }
    everyone = range(len(kept))

    removed: set[int] = set()
    merged_into: dict[str, Passage] = {}
    for position, passage in enumerate(kept):
        if passage.id not in anchor_of:
            continue
        anchor = anchor_of[passage.id]
        candidates = everyone if anchor is None else holders.get(anchor, ())
        key = normal[passage.id]
        host = next(
            (kept[i] for i in candidates if i != position and i not in removed
             and len(kept[i].text) > len(passage.text) and key in normal[kept[i].id]),
            None,
        )
        if host is None:
            continue
        # Whatever had merged into this passage now stands inside the host too.
        host.occurrences.append(Occurrence(passage.line, passage.start, passage.end))
        host.occurrences.extend(passage.occurrences)
        passage.occurrences = []
        alias[passage.id] = host.id
        merged_into[passage.id] = host
        removed.add(position)
    for pid, target in alias.items():
        while target in merged_into:  # hosts are strictly longer: no cycles
            target = merged_into[target].id
        alias[pid] = target
    kept = [p for i, p in enumerate(kept) if i not in removed]
    for passage in kept:
        passage.occurrences.sort(key=lambda o: o.line)
    return kept, alias


def _ngrams(words: list[str], n: int, inner: bool = False) -> list[int]:
    """Hashes of the n-grams of words; inner: only those without the first and last word."""
    if inner:
        return [hash(tuple(words[i : i + n])) for i in range(1, len(words) - n)]
    return [hash(tuple(words[i : i + n])) for i in range(len(words) - n + 1)]


def _link_replies(
    passages: list[Passage], alias: dict[str, str], meta: dict[str, Any], doc: Document, text: str
) -> None:
    turns = {int(t["n"]): t for t in meta.get("turns", []) if "n" in t}
    if not turns:
        return
    starts = _line_starts(text)
    ids_by_line: dict[int, list[str]] = {}
    for passage in passages:
        spans = [(passage.start, passage.end)] + [(o.start, o.end) for o in passage.occurrences]
        for start, end in spans:
            first, last = bisect.bisect_right(starts, start), bisect.bisect_right(starts, end - 1)
            for line in range(first, last + 1):
                ids_by_line.setdefault(line, []).append(passage.id)
    turn_of_line: dict[int, dict[str, Any]] = {}
    for turn in turns.values():
        for line in turn.get("lines", []):
            turn_of_line.setdefault(line, turn)  # a line in two turns belongs to the first
    for passage in passages:
        turn = turn_of_line.get(passage.line)
        if turn is None or "reply_to" not in turn:
            continue
        target = turns.get(int(turn["reply_to"]))
        if target is None:
            raise CorpusError(f"{doc.path}: turn {turn.get('n')} replies to unknown turn {turn['reply_to']}")
        target_lines = turn.get("reply_to_lines") or target.get("lines", [])
        linked: list[str] = []
        for line in target_lines:
            if int(line) not in ids_by_line:
                raise CorpusError(f"{doc.path}: turn {turn.get('n')} replies to line {line}, which holds no passage")
            for pid in ids_by_line[int(line)]:
                pid = alias.get(pid, pid)
                if pid not in linked and pid != passage.id:
                    linked.append(pid)
        passage.reply_to = linked


# --- .jsonl passage files ---------------------------------------------------------


def _open_jsonl(path: Path, warn: Warn, warnings: list[str]) -> Corpus:
    docs: dict[str, Document] = {}
    count = 0
    for passage, title in _jsonl_records(path):
        count += 1
        if passage.doc not in docs:
            docs[passage.doc] = Document(id=passage.doc, title=title or passage.doc, kind="passages", path=path.name)
    if count == 0:
        raise CorpusError(f"{path} holds no passages", "add one JSON object per line with at least `id` and `text`")
    digest = sha256_file(path)
    for doc in docs.values():
        doc.sha256 = digest
    hashed = [(path.name, digest)]
    motions = path.with_name("motions.toml")  # the index build reads it too
    if motions.is_file():
        hashed.append((motions.name, sha256_file(motions)))
    return Corpus(path, list(docs.values()), _combine_hashes(hashed), warnings, _jsonl=True, _jsonl_count=count)


def _jsonl_passages(path: Path) -> Iterator[Passage]:
    for passage, _title in _jsonl_records(path):
        yield passage


def _jsonl_records(path: Path) -> Iterator[tuple[Passage, str]]:
    seen: set[str] = set()
    try:
        handle = open(path, "rb")
    except OSError as exc:
        raise CorpusError(f"cannot read {path}: {exc.strerror}") from None
    with handle:
        for number, raw in enumerate(handle, start=1):
            if b"\x00" in raw:
                raise CorpusError(f"{path} looks binary (line {number})", "pass a UTF-8 .jsonl file")
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                raise CorpusError(f"{path}:{number} is not UTF-8", "re-save the file as UTF-8") from None
            if not line.strip():
                continue
            record = _parse_record(path, number, line)
            pid = record["id"]
            if pid in seen:
                raise CorpusError(f"{path}:{number}: passage id {pid!r} appears twice", "give every passage its own id")
            seen.add(pid)
            yield _record_passage(path, number, record), str(record.get("title") or "")


def _parse_record(path: Path, number: int, line: str) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise CorpusError(f"{path}:{number}: invalid JSON ({exc.msg})", "one JSON object per line") from None
    if not isinstance(record, dict):
        raise CorpusError(f"{path}:{number}: expected a JSON object", "one JSON object per line")
    for key in ("id", "text"):
        if key not in record or record[key] is None or (isinstance(record[key], str) and not record[key].strip()):
            raise CorpusError(f"{path}:{number}: missing {key!r}", "every passage needs `id` and `text`")
    if not isinstance(record["text"], str):
        raise CorpusError(f"{path}:{number}: `text` must be a string, not {type(record['text']).__name__}",
                          "write the passage's text in quotes")
    if not isinstance(record["id"], (str, int)) or isinstance(record["id"], bool):
        raise CorpusError(f"{path}:{number}: `id` must be a string or a whole number", "give every passage an id")
    record["id"] = str(record["id"])
    return record


def _record_passage(path: Path, number: int, record: dict[str, Any]) -> Passage:
    text = str(record["text"])
    stance = record.get("stance") or {}
    if isinstance(stance, str):
        stance = {WILDCARD_MOTION: stance}
    if not isinstance(stance, dict) or any(v not in STANCES for v in stance.values()):
        raise CorpusError(f"{path}:{number}: stance must be one of {', '.join(STANCES)} (or a motion -> stance object)")
    reply_to = record.get("reply_to") or []
    if isinstance(reply_to, (str, int)):
        reply_to = [reply_to]
    where = f"{path}:{number}"
    return Passage(
        id=record["id"],
        doc=str(record.get("doc") or path.stem),
        text=text,
        line=number,
        start=0,
        end=len(text),
        lang=detect_language(text),
        reply_to=[str(r) for r in reply_to],
        stance=dict(stance),
        claim=_claim_text(record.get("claim") or "", where),
        attacks=_attacks(record.get("attacks") or [], where),
    )


def _combine_hashes(items: list[tuple[str, str]]) -> str:
    import hashlib

    digest = hashlib.sha256()
    for name, file_hash in sorted(items):
        digest.update(f"{name}\0{file_hash}\n".encode())
    return digest.hexdigest()
