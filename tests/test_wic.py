"""Equivocation by word in context: the pair model, its weights file, and shifts found in debates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tutor.errors import ModelError
from tutor.fallacy import wic

SHIFTED = ("right", "Everyone has a right to a fair trial, whatever they are accused of.",
           "You are right that the bill is badly drafted.")
SAME = ("free", "The college offers free tuition to every student from a poor family.",
        "If the government makes healthcare free, someone still pays for it through taxes.")


def test_weights_were_retrained_after_the_pairs_changed():
    manifest = json.loads(wic.MODEL_PATH.read_text(encoding="utf-8"))["manifest"]
    files = wic.data_files()
    assert [p.name for p in files] == manifest["data_files"]
    assert wic.data_sha256(files) == manifest["data_sha256"], "the pairs changed: run python -m tutor.fallacy.wic"


def test_weights_match_the_bundled_base_model():
    from tutor.embedding import BUNDLED_WEIGHTS_SHA256

    assert json.loads(wic.MODEL_PATH.read_text(encoding="utf-8"))["manifest"]["base_weights_sha256"] == BUNDLED_WEIGHTS_SHA256


def test_data_hash_changes_with_any_pair(tmp_path: Path):
    path = tmp_path / "p.jsonl"
    path.write_text('{"term": "free", "text_a": "a free lunch", "text_b": "a free press", "same_sense": false}\n')
    before = wic.data_sha256([path])
    path.write_text('{"term": "free", "text_a": "a free lunch", "text_b": "a free press", "same_sense": true}\n')
    assert wic.data_sha256([path]) != before


@pytest.mark.parametrize("term, text, found", [
    ("theory", "Two theories compete here.", "theories"),
    ("law", "Laws are made by people.", "Laws"),
    ("free", "Freedom is not free.", "free"),
    ("fair", "An unfair rule.", None),
])
def test_term_span_finds_whole_words_and_their_forms(term, text, found):
    span = wic.term_span(term, text)
    assert (text[span[0]:span[1]] if span else None) == found


def test_damaged_or_missing_model_is_a_model_error(tmp_path: Path):
    with pytest.raises(ModelError, match="missing"):
        wic.load(tmp_path / "absent.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"manifest": {"format": "tutor-wic"}}')
    with pytest.raises(ModelError, match="damaged"):
        wic.load(bad)


def test_model_trained_on_another_base_is_refused():
    with pytest.raises(ModelError, match="another base model"):
        wic.load(base_weights_sha256="0" * 64)


def test_logistic_fit_is_deterministic_and_learns():
    import numpy as np

    x = np.linspace(-1, 1, 40)[:, None]
    y = (x[:, 0] > 0).astype(float)
    first, second = wic.fit_logistic(x, y), wic.fit_logistic(x, y)
    assert first == second
    p = wic.predict_logistic(first, np.array([[-0.9], [0.9]]))
    assert p[0] < 0.2 and p[1] > 0.8


@pytest.mark.e2e
def test_shifted_pair_reads_as_different_and_same_sense_pair_as_same():
    assert wic.same_sense_probability(*SHIFTED) < wic.SAME_SENSE_THRESHOLD
    assert wic.same_sense_probability(*SAME) >= wic.SAME_SENSE_THRESHOLD


@pytest.fixture(scope="module")
def checker():
    from fallacy_fakes import FakeEmbedder, rules_only_classifier

    from tutor.fallacy.checker import FallacyChecker

    return FallacyChecker(embedder=FakeEmbedder(), classifier=rules_only_classifier(), thresholds={},
                          check_model_name=False, wic=wic.load())


@pytest.mark.e2e
def test_debate_finding_names_both_uses_and_both_senses(checker):
    turns = list(SHIFTED[1:])
    findings = checker.check_debate(turns)
    assert len(findings) == 1
    f = findings[0]
    assert f.type == "equivocation" and {f.text_index, f.other["text_index"]} == {0, 1}
    assert turns[f.text_index][f.start:f.end] == f.quote and f.quote.lower() == "right"
    assert turns[f.other["text_index"]][f.other["start"]:f.other["end"]] == f.other["quote"]
    assert len(set(f.senses)) == 2 and all(s.startswith("as in ") for s in f.senses)
    assert 'as in "Everyone has a right to' in f.explanation and 'as in "You are right that' in f.explanation


@pytest.mark.e2e
def test_same_sense_debate_is_not_flagged(checker):
    assert checker.check_debate(list(SAME[1:])) == []


@pytest.mark.e2e
def test_lexicon_senses_name_a_shift_the_lexicon_sees(checker):
    turns = ["A free press keeps governments honest.", "Nothing is free: somebody pays for every free lunch."]
    (f,) = checker.check_debate(turns)
    assert any("liberty" in s for s in f.senses) and any("cost" in s for s in f.senses)


@pytest.mark.e2e
@settings(max_examples=25, deadline=None)
@given(st.text(max_size=80), st.text(max_size=80))
def test_any_pair_of_texts_gives_a_probability(text_a, text_b):
    p = wic.same_sense_probability("free", text_a, text_b)
    assert 0.0 <= p <= 1.0
