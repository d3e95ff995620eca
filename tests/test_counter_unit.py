"""Counter engine rules on a small hand-made index (fake embedder: fast)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tutor.api import Tutor
from tutor.counter import CounterEngine, main_claim
from tutor.errors import UsageError
from tutor.index import build_index, load_index
from tutor.motions import Motion

from conftest import FakeEmbedder

MOTION = Motion(
    id="uniforms",
    statement="School uniforms should be compulsory.",
    pro="Uniforms help pupils.",
    con="Uniforms harm pupils.",
    pro_claims=("uniforms reduce bullying about clothes",),
    con_claims=("uniforms suppress self expression",),
)

ROWS = [
    {"id": "pro1", "text": "Uniforms reduce bullying about clothes because everyone wears the same thing.", "stance": {"uniforms": "pro"}},
    {"id": "pro2", "text": "Uniforms reduce bullying about clothes and save time every morning.", "stance": {"uniforms": "pro"}},
    {"id": "con1", "text": "Uniforms do not reduce bullying; bullies simply pick on shoes and phones instead.", "stance": {"uniforms": "con"}, "reply_to": "pro1"},
    {"id": "con2", "text": "Uniforms do not reduce bullying; bullies simply pick on shoes and phones instead!", "stance": {"uniforms": "con"}},
    {"id": "con3", "text": "Uniforms cost poor families money they do not have, in 2019 about 200 dollars.", "stance": {"uniforms": "con"}},
    {"id": "neu1", "text": "Bullying about clothes is studied in many schools across Europe.", "stance": {"uniforms": "neutral"}},
    {"id": "off1", "text": "The city bus timetable changes in winter.", "stance": {}},
]


def engine_over(rows: list[dict], folder: Path) -> CounterEngine:
    """A counter engine over an index built from `rows` (a passages .jsonl corpus)."""
    corpus = folder / "uniforms.jsonl"
    corpus.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    build_index(corpus, folder / "idx", embedder=FakeEmbedder())
    return CounterEngine(load_index(folder / "idx"), FakeEmbedder(), [MOTION])


@pytest.fixture
def engine(tmp_path: Path) -> CounterEngine:
    return engine_over(ROWS, tmp_path)


def ids(result) -> list[str]:
    return [c.id for c in result.counters]


def test_never_the_same_side_nor_the_students_own_claim(engine):
    result = engine.counter("Uniforms reduce bullying about clothes.", "uniforms", "pro", k=5)
    assert not {"pro1", "pro2"} & set(ids(result))
    assert ids(result)[0] in {"con1", "con2"}
    own = engine.counter(ROWS[2]["text"], "uniforms", "pro", k=5)  # typing a passage's exact text
    assert "con1" not in ids(own)


def test_near_duplicates_never_both(engine):
    result = engine.counter("Uniforms reduce bullying about clothes.", "uniforms", "pro", k=5)
    assert len({"con1", "con2"} & set(ids(result))) == 1


def test_reply_structure_raises_a_direct_answer(engine):
    result = engine.counter("Uniforms reduce bullying about clothes because everyone dresses alike.", "uniforms", "pro", k=5)
    first = result.counters[0]
    assert first.id == "con1"  # it answers pro1, which makes the student's claim
    assert "answering a post" in first.why.text


def test_json_shape(engine):
    result = engine.counter("Uniforms reduce bullying about clothes.", "uniforms", "pro", k=2).to_dict()
    assert set(result) >= {"argument", "motion", "side", "counters", "notes", "main_claim"}
    card = result["counters"][0]
    assert set(card) >= {"id", "text", "source", "stance", "score", "scores", "why", "fallacies"}
    assert set(card["source"]) >= {"doc", "title", "line", "start", "end"}
    assert set(card["scores"]) == {"relevance", "opposition", "strength"}
    assert card["stance"] == "con" and card["why"]["how"] in {"rebuts", "undercuts", "counter-example"}
    scores = [c["score"] for c in result["counters"]]
    assert len(scores) == 2


@pytest.mark.parametrize("k, message", [(0, "at least 1"), (-3, "at least 1"), (2.5, "whole number"), (True, "whole number")])
def test_k_is_checked_at_the_api_without_naming_a_cli_flag(engine, k, message):
    tutor = Tutor(engine.index, engine.embedder)
    for call in (lambda: tutor.counter("Uniforms reduce bullying.", "uniforms", "pro", k=k),
                 lambda: tutor.respond("Uniforms reduce bullying.", "uniforms", "pro", k=k)):
        with pytest.raises(UsageError, match=message) as info:
            call()
        assert "the number of counters" in info.value.message and "-k" not in info.value.one_line()


@pytest.mark.parametrize("text", ["", "   \n\t", "\x1b[31m\x1b[0m"])
def test_empty_arguments_are_refused(engine, text):
    with pytest.raises(UsageError, match="empty"):
        engine.counter(text, "uniforms", "pro")


def test_unknown_motion_and_bad_side(engine):
    with pytest.raises(UsageError, match="unknown motion 'nope'"):
        engine.counter("Uniforms reduce bullying.", "nope", "pro")
    tutor = Tutor(engine.index, engine.embedder)
    for side in ("maybe", "PRO", 1):
        with pytest.raises(UsageError, match="the side must be pro or con") as info:
            tutor.counter("Uniforms reduce bullying.", "uniforms", side)
        assert "--" not in info.value.one_line()  # the TUI and other callers see it too


def test_hostile_text_gets_notes_not_errors(engine):
    long_text = "Uniforms reduce bullying. " * 5000  # 130,000 characters
    result = engine.counter(long_text, "uniforms", "pro")
    assert any("first 100,000 characters" in n for n in result.notes)
    escaped = engine.counter("Uniforms \x1b[2J\x07reduce [red]bullying[/] [@click=app.quit]x[/]", "uniforms", "pro")
    assert any("escape sequences" in n for n in escaped.notes)
    assert escaped.argument.startswith("Uniforms \x1b[2J")  # the argument is echoed as given
    other = engine.counter("校服可以减少欺凌。", "uniforms", "pro")
    assert any("looks like zh" in n for n in other.notes)


def test_large_k_is_capped_with_a_note(engine):
    result = engine.counter("Uniforms reduce bullying about clothes.", "uniforms", "pro", k=500)
    assert any("at most 50" in n for n in result.notes) or len(result.counters) <= 50
    assert any("only" in n and "passages counter" in n for n in result.notes)
    assert not any("-k" in n for n in result.notes)


def test_main_claim_prefers_the_conclusion():
    text = "Everyone wears the same clothes. So uniforms reduce bullying. Isn't that obvious?"
    claim = main_claim(text)
    assert claim["text"] == "So uniforms reduce bullying."
    assert text[claim["start"] : claim["end"]] == claim["text"]
    assert main_claim("Why do we even have rules?")["text"] == "Why do we even have rules?"


# --- the argument map (claims.toml on a directory corpus; `claim`/`attacks` fields in .jsonl) ---

MAPPED = [
    dict(ROWS[0], claim="Uniforms reduce bullying about clothes."),
    *ROWS[1:4],
    dict(ROWS[4], claim="Uniforms are too expensive for poor families.",
         attacks=[{"claim": "Such outfits are cheap for every household.", "how": "counter-example"}]),
    *ROWS[5:],
]


@pytest.fixture
def mapped_engine(tmp_path: Path) -> CounterEngine:
    (tmp_path / "mapped").mkdir()
    return engine_over(MAPPED, tmp_path / "mapped")


def test_the_argument_map_finds_an_answer_that_shares_no_words(mapped_engine, engine):
    argument = "Such outfits are cheap for every household."
    assert ids(engine.counter(argument, "uniforms", "pro", k=1)) != ["con3"]  # without the map
    card = mapped_engine.counter(argument, "uniforms", "pro", k=1).counters[0]
    assert card.id == "con3"
    assert card.why.how == "counter-example"
    assert card.why.answers == "Such outfits are cheap for every household."
    assert "it answers the claim" in card.why.text


def test_a_passage_whose_claim_the_student_repeats_is_never_returned(mapped_engine):
    result = mapped_engine.counter("Uniforms reduce bullying about clothes.", "uniforms", "con", k=5)
    assert "pro1" not in ids(result)  # the student's own claim (and the same side)
    answered = mapped_engine.counter("Uniforms are too expensive for poor families.", "uniforms", "pro", k=5)
    assert "con3" not in ids(answered)  # its map claim is the argument itself: handing it back teaches nothing


def test_an_unrelated_map_claim_is_not_named_in_why(mapped_engine):
    result = mapped_engine.counter("Uniforms reduce bullying about clothes.", "uniforms", "pro", k=5)
    for card in result.counters:
        assert "answers" not in card.why.to_dict()
