"""The corpus loader: exact offsets, reply links, merged repeats, user corpora."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tutor.corpus import open_corpus
from tutor.corpus.segment import sentence_spans, word_count
from tutor.errors import CorpusError

from conftest import SHIPPED_CORPUS


@pytest.fixture(scope="module")
def shipped():
    corpus = open_corpus(SHIPPED_CORPUS)
    return corpus, list(corpus.iter_passages())


def test_shipped_sources_are_verbatim():
    shared = SHIPPED_CORPUS.parent.parent / "shared" / "sources"
    if not shared.is_dir():
        pytest.skip("../shared/sources is not beside this checkout")
    assert (SHIPPED_CORPUS / "soft-power-essay.txt").read_bytes() == (shared / "003_ad002373658e3ed3.txt").read_bytes()
    assert (SHIPPED_CORPUS / "soft-power-thread.txt").read_bytes() == (shared / "000_e8d82e0c0194bc78.txt").read_bytes()


def test_offsets_map_back_to_the_source_exactly(shipped):
    corpus, passages = shipped
    texts = {d.id: corpus.document_text(d.id) for d in corpus.documents}
    for passage in passages:
        text = texts[passage.doc]
        assert text[passage.start : passage.end] == passage.text
        line_start = text.rfind("\n", 0, passage.start) + 1
        assert text.count("\n", 0, line_start) + 1 == passage.line
        for occurrence in passage.occurrences:
            repeated = text[occurrence.start : occurrence.end]
            assert " ".join(repeated.split()).lower() in " ".join(passage.text.split()).lower()


def test_ids_are_stable_and_unique(shipped):
    _, passages = shipped
    again = [p.id for p in open_corpus(SHIPPED_CORPUS).iter_passages()]
    ids = [p.id for p in passages]
    assert ids == again
    assert len(ids) == len(set(ids))


def test_metadata_of_the_shipped_documents(shipped):
    corpus, _ = shipped
    essay, thread = corpus.document("essay"), corpus.document("thread")
    assert essay.kind == "essay" and essay.author == "Martha Garcia Torres Landa"
    assert thread.kind == "forum_thread" and thread.author == ""
    assert "teaching material" in thread.attribution


def test_title_headings_and_bio_are_not_passages(shipped):
    _, passages = shipped
    essay = [p for p in passages if p.doc == "essay"]
    lines = {p.line for p in essay}
    assert not lines & {1, 7, 13, 19, 25, 29, 37, 38, 39}
    assert not any("Tecnologico de Monterrey" in p.text for p in essay)
    assert {p.section for p in essay if p.line == 9} == {"Kpop industry from Korea"}


def test_passages_are_argument_sized_not_fragments(shipped):
    _, passages = shipped
    for passage in passages:
        if passage.lang != "en":
            continue
        sentences = sentence_spans(passage.text)
        assert len(sentences) <= 6, passage.id
        assert word_count(passage.text) <= 90, passage.id
        assert passage.text.strip() != "Once again:"
    once_again = next(p for p in passages if p.text.startswith("Once again:"))
    assert "Chinese people need better etiquette" in once_again.text


def test_repeated_paragraphs_become_one_passage_knowing_both_places(shipped):
    _, passages = shipped
    by_id = {p.id: p for p in passages}
    assert [o.line for o in by_id["thread:115.1"].occurrences] == [120]
    assert [o.line for o in by_id["thread:117.1"].occurrences] == [122]
    assert not any(p.line in (120, 122) for p in passages if p.doc == "thread")
    # The essay's standfirst repeats its first sentence.
    assert [o.line for o in by_id["essay:5.1"].occurrences] == [3]
    # A question quoted again later in the thread.
    assert [o.line for o in by_id["thread:10.1"].occurrences] == [22]


def test_reply_links_resolve_and_follow_the_thread(shipped):
    _, passages = shipped
    by_id = {p.id: p for p in passages}
    for passage in passages:
        for target in passage.reply_to:
            assert target in by_id, (passage.id, target)
    # "So your analogy is broken like your literacy" answers the PR analogy.
    assert set(by_id["thread:32.1"].reply_to) == {"thread:31.1", "thread:31.2"}
    assert by_id["thread:31.1"].role == "quote" and by_id["thread:32.1"].role == "reply"
    # The answer to the quoted question "What would be the ideal process" (line 22).
    assert by_id["thread:23.1"].reply_to == ["thread:10.1"]
    assert by_id["thread:105.1"].reply_to == ["thread:94.1"]


def test_non_english_lines_are_kept_and_tagged(shipped):
    _, passages = shipped
    chinese = [p for p in passages if p.lang == "zh"]
    assert len(chinese) == 1
    assert "大力提升国家文化软实力" in chinese[0].text and "中共中央办公厅" in chinese[0].text


def test_user_corpus_with_front_matter(small_corpus: Path):
    corpus = open_corpus(small_corpus)
    school = corpus.document("school")
    assert school.title == "School uniforms" and school.author == "A. Teacher"
    passages = list(corpus.iter_passages())
    text = (small_corpus / "school.md").read_text()
    for passage in passages:
        if passage.doc == "school":
            assert text[passage.start : passage.end] == passage.text
            assert not passage.text.startswith(("---", "#"))
    assert {p.doc for p in passages} == {"school", "transport"}


def test_binary_and_non_utf8_files_are_skipped_with_a_warning(small_corpus: Path):
    (small_corpus / "scan.txt").write_bytes(b"\x89PNG\x00\x00\x01binary")
    (small_corpus / "latin1.md").write_bytes("Caf\xe9 cr\xe8me is an argument.".encode("latin-1"))
    heard: list[str] = []
    corpus = open_corpus(small_corpus, warn=heard.append)
    assert {d.id for d in corpus.documents} == {"school", "transport"}
    assert any("scan.txt" in w and "binary" in w for w in heard)
    assert any("latin1.md" in w and "UTF-8" in w for w in heard)


def test_empty_corpus_is_a_clear_error(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match="no readable"):
        open_corpus(tmp_path / "empty")
    (tmp_path / "only-binary").mkdir()
    (tmp_path / "only-binary" / "x.txt").write_bytes(b"\x00\x01\x02")
    with pytest.raises(CorpusError, match="no readable"):
        open_corpus(tmp_path / "only-binary", warn=lambda _m: None)


def test_missing_path_is_a_clear_error(tmp_path: Path):
    with pytest.raises(CorpusError, match="does not exist"):
        open_corpus(tmp_path / "nowhere")


def test_jsonl_passages(tmp_path: Path):
    path = tmp_path / "passages.jsonl"
    rows = [
        {"id": "p1", "text": "Homework improves recall through spaced practice.", "stance": "pro", "doc": "hw"},
        {"id": "p2", "text": "Homework widens gaps because not every home has a quiet desk.", "reply_to": "p1", "title": "Homework"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    corpus = open_corpus(path)
    passages = list(corpus.iter_passages())
    assert [p.id for p in passages] == ["p1", "p2"]
    assert passages[0].stance == {"*": "pro"} and passages[1].reply_to == ["p1"]
    assert passages[1].text[passages[1].start : passages[1].end] == rows[1]["text"]


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"id": "a", "text": "x"}\n{"id": "a", "text": "y"}\n', "appears twice"),
        ('{"id": "a"}\n', "missing 'text'"),
        ('{"id": "a", "text": "fine"}\n{"id": "b", "text": 42}\n', r"bad.jsonl:2: `text` must be a string"),
        ('{"id": "a", "text": ["x"]}\n', "`text` must be a string"),
        ('{"id": true, "text": "x"}\n', "`id` must be"),
        ("not json\n", "invalid JSON"),
        ('{"id": "a", "text": "x", "stance": "maybe"}\n', "stance must be"),
        ('{"id": "a", "text": "x", "attacks": [{"claim": "y", "how": "insults"}]}\n', "each attack needs"),
        ('{"id": "a", "text": "x", "attacks": "y"}\n', "must be a list"),
        ("\n\n", "holds no passages"),
    ],
)
def test_bad_jsonl_is_a_one_line_error(tmp_path: Path, content: str, message: str):
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CorpusError, match=message) as info:
        open_corpus(path)
    assert "\n" not in info.value.one_line()


def test_corpus_hash_changes_with_content(corpus_copy: Path):
    before = open_corpus(corpus_copy).content_hash
    essay = corpus_copy / "soft-power-essay.txt"
    essay.write_text(essay.read_text(encoding="utf-8") + "\nA new paragraph.\n", encoding="utf-8")
    assert open_corpus(corpus_copy).content_hash != before


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PIECES = list("abc XYZ.?!:,;\n\t'\"#-—中文。") + ["\r\n", "\n\n", "1. ", "U.S. ", "e.g. ", "word "]
_DOC_TEXT = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=200).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_DOC_TEXT, st.sampled_from(["document", "forum_thread", "essay"]))
def test_any_text_gives_exact_offsets_and_unique_ids(text, kind):
    from tutor.corpus.loader import document_passages
    from tutor.corpus.model import Document

    doc = Document(id="d", title="t", kind=kind, path="d.txt")
    passages = document_passages(doc, text)
    assert len({p.id for p in passages}) == len(passages)
    for passage in passages:
        assert passage.text and passage.text == text[passage.start : passage.end]
        assert passage.text == passage.text.strip()
        for occurrence in passage.occurrences:
            assert 0 <= occurrence.start < occurrence.end <= len(text)


def test_hand_labels_name_real_passages_and_motions(shipped):
    import tomllib

    from tutor.motions import load_motions

    _, passages = shipped
    ids = {p.id for p in passages}
    motions = {m.id for m in load_motions(SHIPPED_CORPUS / "motions.toml")}
    table = tomllib.loads((SHIPPED_CORPUS / "stances.toml").read_text(encoding="utf-8"))["stances"]
    assert set(table) <= ids, "stances.toml names passages the loader no longer makes"
    assert {m for labels in table.values() for m in labels} <= motions
    assert sum(1 for p in passages if p.stance) == len(table)


def test_jsonl_corpus_hash_covers_its_motions(tmp_path: Path):
    path = tmp_path / "p.jsonl"
    path.write_text('{"id": "a", "text": "Buses should be free."}\n', encoding="utf-8")
    before = open_corpus(path).content_hash
    (tmp_path / "motions.toml").write_text('[[motions]]\nid = "buses"\nstatement = "Buses should be free."\n', encoding="utf-8")
    assert open_corpus(path).content_hash != before


def test_the_argument_map_attaches_to_passages_and_is_hashed(small_corpus: Path):
    before = open_corpus(small_corpus).content_hash
    first = next(p for p in open_corpus(small_corpus).iter_passages() if p.doc == "school")
    (small_corpus / "claims.toml").write_text(
        f'[passages."{first.id}"]\nclaim = "Uniforms   stop teasing about clothes."\n'
        'attacks = [{ claim = "Uniforms make no difference to bullying.", how = "rebuts" }, "Clothes never matter."]\n',
        encoding="utf-8",
    )
    corpus = open_corpus(small_corpus)
    assert corpus.content_hash != before
    mapped = next(p for p in corpus.iter_passages() if p.id == first.id)
    assert mapped.claim == "Uniforms stop teasing about clothes."  # whitespace folded
    assert mapped.attacks == [
        {"claim": "Uniforms make no difference to bullying.", "how": "rebuts"},
        {"claim": "Clothes never matter.", "how": "rebuts"},
    ]
    assert mapped.map_sentences()[0] == mapped.claim and len(mapped.map_sentences()) == 3


@pytest.mark.parametrize(
    "content, message",
    [
        ('[passages."x"]\nattacks = [{ claim = "y", how = "mocks" }]\n', "each attack needs"),
        ('[passages."x"]\nclaim = 3\n', "a claim must be text"),
        ('[passages]\nx = 3\n', "must be a table"),
        ("[passages\n", "cannot parse"),
    ],
)
def test_a_bad_argument_map_is_a_one_line_error(small_corpus: Path, content: str, message: str):
    (small_corpus / "claims.toml").write_text(content, encoding="utf-8")
    with pytest.raises(CorpusError, match=message) as info:
        open_corpus(small_corpus)
    assert "\n" not in info.value.one_line()


def test_the_shipped_argument_map_names_real_passages(shipped):
    import tomllib

    _, passages = shipped
    ids = {p.id for p in passages}
    table = tomllib.loads((SHIPPED_CORPUS / "claims.toml").read_text(encoding="utf-8"))["passages"]
    assert set(table) <= ids, "claims.toml names passages the loader no longer makes"
    assert sum(1 for p in passages if p.claim or p.attacks) == len(table)


def _prose(paragraphs: int, seed: int = 0) -> list[str]:
    import random

    rng = random.Random(seed)
    words = "soft power culture state army money film music policy trade export nation brand image market youth".split()
    return [
        " ".join(" ".join(rng.choice(words) for _ in range(rng.randint(8, 16))).capitalize() + "." for _ in range(rng.randint(1, 3)))
        for _ in range(paragraphs)
    ]


def test_a_paragraph_repeated_inside_a_longer_passage_merges_in_a_large_document():
    import time

    from tutor.corpus.loader import document_passages
    from tutor.corpus.model import Document

    paragraphs = _prose(3000)  # about 400 KB; splitting was quadratic and took seconds here
    standfirst = "Culture wins friends that armies cannot buy, and every nation knows it."
    paragraphs[1500] = standfirst + " " + paragraphs[1500]
    paragraphs.insert(0, standfirst)
    text = "\n\n".join(paragraphs) + "\n"
    started = time.perf_counter()
    passages = document_passages(Document(id="d", title="t", kind="document", path="d.txt"), text)
    assert time.perf_counter() - started < 5.0  # well under a second on a laptop
    host = next(p for p in passages if p.text.startswith(standfirst + " "))
    assert [o.line for o in host.occurrences] == [1]
    assert not any(p.text == standfirst for p in passages)


def test_repeats_of_a_merged_paragraph_follow_it_into_its_host():
    from tutor.corpus.loader import document_passages
    from tutor.corpus.model import Document

    short = "Culture wins friends that armies cannot buy, and every nation knows it."
    longer = short + " Films and songs carry a country's image further than any embassy ever could."
    text = f"{short}\n\n{short}\n\n{longer}\n"
    passages = document_passages(Document(id="d", title="t", kind="document", path="d.txt"), text)
    assert [p.text for p in passages] == [longer]
    assert [o.line for o in passages[0].occurrences] == [1, 3]  # both places the short paragraph stands


def test_dangling_and_looping_symlinks_are_skipped_with_a_warning(small_corpus: Path):
    (small_corpus / "gone.txt").symlink_to(small_corpus / "nowhere.txt")
    (small_corpus / "loop1.md").symlink_to(small_corpus / "loop2.md")
    (small_corpus / "loop2.md").symlink_to(small_corpus / "loop1.md")
    heard: list[str] = []
    corpus = open_corpus(small_corpus, warn=heard.append)
    assert {d.id for d in corpus.documents} == {"school", "transport"}
    for name in ("gone.txt", "loop1.md", "loop2.md"):
        assert any(name in w and "symbolic link" in w for w in heard), heard


def test_paragraphs_that_share_boilerplate_split_in_linear_time():
    """Every paragraph opens with the same boilerplate: the anchor must be a rare n-gram, not a shared one
    (a shared anchor made every paragraph a candidate host for every other: 0.5 MB took 18 s)."""
    import random
    import time

    from tutor.corpus.loader import document_passages
    from tutor.corpus.model import Document

    rng = random.Random(3)
    words = [f"w{i}" for i in range(5000)]
    boilerplate = "Posted in the public forum archive by a registered member of the discussion board who wrote"
    paragraphs = [f"{boilerplate} {' '.join(rng.choice(words) for _ in range(10))}." for _ in range(4000)]
    standfirst = paragraphs[100]
    paragraphs[2000] = standfirst + " " + paragraphs[2000]  # one paragraph stands again inside a later one
    text = "\n\n".join(paragraphs) + "\n"
    started = time.perf_counter()
    passages = document_passages(Document(id="d", title="t", kind="document", path="d.txt"), text)
    assert time.perf_counter() - started < 5.0
    host = next(p for p in passages if p.text.startswith(standfirst + " "))
    assert 101 * 2 - 1 in [o.line for o in host.occurrences]  # paragraph 100 stands on line 201
    assert not any(p.text == standfirst for p in passages)
