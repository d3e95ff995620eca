"""What the core API does with hostile input: one input limit, no claim, other scripts, control characters.

Fast: a small index of hand-made passages and the fake embedder (no model).
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FakeEmbedder
from fallacy_fakes import FakeEmbedder as Fake384
from fallacy_fakes import rules_only_classifier
from tutor.api import Tutor
from tutor.counter import CounterEngine
from tutor.counter import MAX_CLAIM, main_claim
from tutor.errors import UsageError
from tutor.index import build_index, load_index
from tutor.motions import Motion
from tutor.text import MAX_CHARS, has_words, language_note, limit_input, printable, printable_with_offsets

LIMIT_NOTE = f"only the first {MAX_CHARS:,} characters were read"


MOTION = Motion(id="uniforms", statement="School uniforms should be compulsory.", pro="Uniforms help pupils.",
                con="Uniforms harm pupils.", pro_claims=("uniforms reduce bullying",), con_claims=("uniforms cost money",))
ROWS = [
    {"id": "pro1", "text": "Uniforms reduce bullying about clothes because everyone wears the same thing.", "stance": {"uniforms": "pro"}},
    {"id": "con1", "text": "Uniforms do not reduce bullying; bullies pick on shoes and phones instead.", "stance": {"uniforms": "con"}},
    {"id": "con2", "text": "Uniforms cost poor families money they do not have.", "stance": {"uniforms": "con"}},
]


def index_of(folder, embedder):
    corpus = folder / "uniforms.jsonl"
    corpus.write_text("\n".join(json.dumps(r) for r in ROWS) + "\n", encoding="utf-8")
    build_index(corpus, folder / "idx", embedder=embedder)
    return load_index(folder / "idx")


@pytest.fixture
def tutor(tmp_path) -> Tutor:
    api = Tutor(index_of(tmp_path, FakeEmbedder()), FakeEmbedder())
    api._engine = CounterEngine(api.index, api.embedder, [MOTION])  # an engine that knows the test motion
    api._checker_note = "no fallacy check in these tests"  # the fine-tuned checker is tested on its own
    return api


def test_one_limit_noted_by_every_call(tutor):
    text = "Uniforms reduce bullying about clothes " * 30_000  # no sentence punctuation, 1.17 MB
    assert len(text) > 10 * MAX_CHARS
    analysis = tutor.analyze(text, "uniforms")
    counters = tutor.counter(text, "uniforms", "pro", k=2)
    search = tutor.search(text, k=2)
    check = tutor.check(text)
    turn = tutor.respond(text, "uniforms", "pro", k=2)
    for notes in (analysis["notes"], counters.notes, search["notes"], check.notes, turn.counter.notes,
                  turn.check.notes):
        assert notes.count(LIMIT_NOTE) == 1, notes  # applied once: never a second note from a deeper layer
    assert counters.argument == text[:MAX_CHARS] and check.text == text[:MAX_CHARS]
    claim = analysis["main_claim"]
    assert 0 < len(claim["text"]) <= MAX_CLAIM and text[claim["start"] : claim["end"]] == claim["text"]
    assert text[claim["end"]] == " "  # cut at a word boundary


def test_short_text_gets_no_limit_note(tutor):
    assert not any("characters were read" in n for n in tutor.analyze("Uniforms reduce bullying.", "uniforms")["notes"])


@pytest.mark.parametrize("text", ["👍🏽🎉", "!!! ??? ...", "→ ★ ✓", "2010 42", "🙂 :) 🙃", "\u200b\u200b"])
def test_no_words_is_no_argument(tutor, text):
    for call in (lambda: tutor.counter(text, "uniforms", "pro"), lambda: tutor.analyze(text, "uniforms"),
                 lambda: tutor.respond(text, "uniforms", "pro")):
        with pytest.raises(UsageError) as caught:
            call()
        assert caught.value.message.startswith(("no argument found", "the argument is empty"))
    assert tutor.check(text).findings == []  # a check of symbols finds nothing; no error needed


@pytest.mark.parametrize("text, name", [
    ("الزي المدرسي يقلل التنمر بين الطلاب.", "Arabic"),
    ("Школьная форма уменьшает травлю.", "Cyrillic"),
    ("תלבושת אחידה מפחיתה בריונות.", "Hebrew"),
    ("校服可以减少欺凌。", "zh"),
])
def test_other_scripts_get_the_language_note(tutor, text, name):
    notes = tutor.counter(text, "uniforms", "pro").notes
    assert f"the text looks like {name}; the model and corpus are English, so results may be weak" in notes


def test_english_and_mixed_text_get_no_language_note():
    assert language_note("Uniforms reduce bullying, as the 2019 survey (Ärzte Zeitung) showed.") is None
    assert language_note("Uniforms reduce bullying — مرحبا.") is None
    assert language_note("🙂 2010") is None


def test_main_claim_is_a_sentence_not_the_whole_text():
    long_sentence = "word " * 1000
    claim = main_claim(long_sentence)
    assert len(claim["text"]) <= MAX_CLAIM and claim["text"].startswith("word word")
    no_spaces = "x" * 5000
    assert main_claim(no_spaces) == {"text": "x" * MAX_CLAIM, "start": 0, "end": MAX_CLAIM}
    padded = "   Uniforms help.   "
    claim = main_claim(padded)
    assert padded[claim["start"] : claim["end"]] == claim["text"] == "Uniforms help."


def test_limit_input_keeps_a_prefix():
    head, notes = limit_input("a" * (MAX_CHARS + 1))
    assert head == "a" * MAX_CHARS and notes == [LIMIT_NOTE]
    assert limit_input("short") == ("short", [])


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .\n\t\x00\x07\x1b[]0;m\u202e\u200bé你")), max_size=80))
def test_printable_with_offsets_maps_every_kept_character(text):
    clean, offsets = printable_with_offsets(text)
    assert clean == printable(text)
    assert len(offsets) == len(clean) and offsets == sorted(set(offsets))
    assert all(text[i] == ch for i, ch in zip(offsets, clean))


def test_findings_on_text_with_control_characters_point_into_the_text_as_given(tmp_path):
    from tutor.fallacy.checker import FallacyChecker

    tutor = Tutor(index_of(tmp_path, Fake384()), Fake384())  # the rules-only classifier reads 384 dimensions
    tutor._checker = FallacyChecker(embedder=tutor.embedder, classifier=rules_only_classifier(), check_model_name=False)
    clean = "I read it. So your analogy is broken like your literacy. Either we ban cars or the city dies."
    hostile = ("\x00I read it. So your analogy is broken like your literacy.\x1b[31m "
               "\x1b]0;title\x07Either we ban cars or the city dies.\u202e")
    expected = {f.type for f in tutor.check(clean).findings}
    assert expected == {"ad_hominem", "false_dilemma"}
    for result in (tutor.check(hostile), tutor.respond(hostile, k=1).check):
        assert {f.type for f in result.findings} == expected
        for f in result.findings:
            assert hostile[f.start : f.end] == f.quote
            assert printable(f.quote).strip() in clean


def test_has_words_in_any_script():
    assert has_words("abc") and has_words("مرحبا") and has_words("你好")
    assert not has_words("👍 42 !?")
