"""Fallacy checker: rules, spans, thresholds, equivocation, model files (fast, fake embedder)."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

from tutor.errors import UsageError
from tutor.fallacy import model as fmodel
from tutor.fallacy.catalog import FALLACY_TYPES, TYPE_IDS, get_type
from tutor.fallacy.checker import FallacyChecker
from fallacy_fakes import FakeEmbedder, rules_only_classifier  # tests/ is on sys.path
from tutor.fallacy.rules import SENTENCE_TYPES, rule_flags

REQUIRED = {
    "ad_hominem", "equivocation", "straw_man", "false_dilemma", "hasty_generalization", "appeal_to_authority",
    "appeal_to_popularity", "appeal_to_tradition", "appeal_to_nature", "appeal_to_emotion", "slippery_slope",
    "tu_quoque", "whataboutism", "circular_reasoning", "no_true_scotsman", "false_cause", "false_analogy",
    "loaded_question", "red_herring", "burden_shifting",
}


@pytest.fixture()
def checker():
    return FallacyChecker(embedder=FakeEmbedder(), classifier=rules_only_classifier(), thresholds={}, check_model_name=False)


def test_catalog_has_all_types_with_content():
    assert REQUIRED <= set(TYPE_IDS)
    for t in FALLACY_TYPES:
        assert t.id == t.id.lower() and " " not in t.id
        assert t.label and len(t.definition) > 40 and len(t.why) > 30 and len(t.repair) > 30
        assert len(t.examples) >= 3
    assert get_type("ad_hominem").subtypes == ("abusive", "circumstantial")
    with pytest.raises(UsageError):
        get_type("not_a_type")


@pytest.mark.parametrize(
    "sentence, type_id",
    [
        ("Your point about tariffs is worthless, you ignorant fool.", "ad_hominem"),
        ("Either we close the road or the town dies.", "false_dilemma"),
        ("What about the pollution in their country?", "whataboutism"),
        ("No real scientist would ever doubt it.", "no_true_scotsman"),
        ("Have you stopped cheating at cards?", "loaded_question"),
        ("You can't prove the ghost isn't there, so it is.", "burden_shifting"),
        ("Once we allow one food truck, soon the square will be full of them.", "slippery_slope"),
    ],
)
def test_rules_mark_typical_sentences(sentence, type_id):
    assert type_id in rule_flags(sentence)


def test_rule_spans_point_at_the_phrase(checker):
    text = "I read your post. So your analogy is broken like your literacy."
    findings = checker.check(text)
    ad = [f for f in findings if f.type == "ad_hominem"]
    assert len(ad) == 1
    f = ad[0]
    assert text[f.start : f.end] == f.quote == "So your analogy is broken like your literacy."
    assert f.marker and text[f.marker["start"] : f.marker["end"]] == f.marker["quote"]
    assert "literacy" in f.marker["quote"]
    assert f.subtype == "abusive"
    assert "literacy" in f.explanation and "your analogy" in f.explanation
    d = f.to_dict()
    assert set(d) >= {"type", "label", "start", "end", "quote", "confidence", "explanation", "suggestion"}
    assert 0.0 <= d["confidence"] <= 1.0


def test_circumstantial_subtype(checker):
    findings = checker.check("Of course the landlord opposes rent control; he gets paid to say that.")
    ad = [f for f in findings if f.type == "ad_hominem"]
    assert ad and ad[0].subtype == "circumstantial"


def test_threshold_makes_checker_abstain():
    text = "Either we close the road or the town dies."
    quiet = FallacyChecker(embedder=FakeEmbedder(), classifier=rules_only_classifier(bonus=4.0),
                           thresholds={t: 0.99 for t in SENTENCE_TYPES}, check_model_name=False)
    assert quiet.check(text) == []
    loud = FallacyChecker(embedder=FakeEmbedder(), classifier=rules_only_classifier(bonus=4.0),
                          thresholds={t: 0.3 for t in SENTENCE_TYPES}, check_model_name=False)
    assert [f.type for f in loud.check(text)] == ["false_dilemma"]


def test_clean_text_draws_nothing(checker):
    text = ("Separated bike lanes in Copenhagen cut serious injuries, according to the city's crash records. "
            "A similar design on our ring road would cost less than the planned car park.")
    assert checker.check(text) == []


def test_unit_vectors_are_used_and_checked(checker):
    text = "Either we close the road or the town dies. Trams are quiet."
    units = checker.units(text)
    assert [text[u.start:u.end] for u in units] == ["Either we close the road or the town dies.", "Trams are quiet."]
    vectors = FakeEmbedder().encode([text[u.start:u.end] for u in units])
    calls = checker.embedder.calls
    findings = checker.check(text, unit_vectors=vectors)
    assert checker.embedder.calls == calls  # no second encoding
    assert [f.type for f in findings] == ["false_dilemma"]
    with pytest.raises(UsageError):
        checker.check(text, unit_vectors=vectors[:1])


def test_check_many_matches_check(checker):
    texts = ["Either we close the road or the town dies.", "", "What about their pollution?", "Trams are quiet."]
    many = checker.check_many(texts)
    assert [[f.to_dict() for f in fs] for fs in many] == [[f.to_dict() for f in checker.check(t)] for t in texts]


def test_non_text_is_a_usage_error(checker):
    with pytest.raises(UsageError):
        checker.check(None)  # type: ignore[arg-type]


def test_long_unpunctuated_text_is_cut_into_valid_units(checker):
    text = ("word " * 3000).strip()
    units = checker.units(text)
    assert len(units) > 1
    assert all(0 <= u.start < u.end <= len(text) and u.end - u.start <= 400 for u in units)


def test_equivocation_within_one_text(checker):
    text = ("Soft power means the power to attract. But power is the ability to force others to obey. "
            "Attraction forces no one, so soft power is no power at all.")
    eqs = [f for f in checker.check(text) if f.type == "equivocation"]
    assert len(eqs) == 1
    f = eqs[0]
    assert text[f.start:f.end] == f.quote
    assert text[f.other["start"]:f.other["end"]] == f.other["quote"]
    assert len(set(f.senses)) == 2
    assert any("attract" in s for s in f.senses) and any("coercion" in s for s in f.senses)
    assert "power" in f.explanation


def test_equivocation_across_a_debate(checker):
    turns = [
        "So you admit they lack force, that is, hard power with armies and troops.",
        "Sanctions are a tool. Economic force is force too, and tariffs are part of it.",
    ]
    findings = checker.check_debate(turns)
    assert len(findings) == 1
    f = findings[0]
    assert f.type == "equivocation" and f.text_index != f.other["text_index"]
    first, other = turns[f.text_index], turns[f.other["text_index"]]
    assert first[f.start:f.end] == f.quote and other[f.other["start"]:f.other["end"]] == f.other["quote"]
    assert any("military" in s for s in f.senses) and any("economic" in s for s in f.senses)


def test_no_equivocation_for_two_fixed_compounds(checker):
    text = "Hard power wins wars. Soft power wins friends. Both matter to a foreign ministry."
    assert [f for f in checker.check(text) if f.type == "equivocation"] == []


# -- the shipped data and weights ----------------------------------------------------------

def test_examples_are_enough_and_well_formed():
    rows = fmodel.read_examples()
    counts: dict[tuple[str, str], int] = {}
    for row in rows:
        assert row["label"] in set(TYPE_IDS) | {"none"}
        assert row["split"] in ("train", "test")
        counts[(row["label"], row["split"])] = counts.get((row["label"], row["split"]), 0) + 1
    for type_id in TYPE_IDS:
        total = counts.get((type_id, "train"), 0) + counts.get((type_id, "test"), 0)
        assert total >= 40 and counts.get((type_id, "test"), 0) >= 10, type_id
    assert counts[("none", "train")] + counts[("none", "test")] >= 300
    texts = [r["text"] for r in rows]
    assert len(texts) == len(set(texts))


def test_examples_do_not_copy_the_evaluation_corpus():
    from pathlib import Path

    corpus = Path(__file__).resolve().parents[1] / "corpus"
    shipped = " ".join(p.read_text(encoding="utf-8") for p in corpus.glob("*.txt"))
    copied = [r["text"] for r in fmodel.read_examples() if r["text"] in shipped]
    assert copied == []


def test_shipped_model_matches_the_data():
    """Fails when examples.jsonl changed but `python -m tutor.fallacy.baseline_train` was not rerun."""
    manifest = json.loads(fmodel.MANIFEST_PATH.read_text(encoding="utf-8"))
    assert manifest["data_sha256"] == fmodel.data_sha256(), "retrain: python -m tutor.fallacy.baseline_train"
    assert manifest["weights_sha256"] == hashlib.sha256(fmodel.WEIGHTS_PATH.read_bytes()).hexdigest()
    assert manifest["format_version"] == fmodel.FORMAT_VERSION
    assert manifest["model"] == "all-MiniLM-L6-v2" and manifest["model_weights_sha256"]
    assert set(manifest["thresholds"]) == set(TYPE_IDS)
    classifier = fmodel.load()
    assert classifier.weights.shape == (384 + len(SENTENCE_TYPES), len(fmodel.CLASSES))
    with np.load(fmodel.WEIGHTS_PATH, allow_pickle=False) as data:  # no object arrays
        assert all(data[k].dtype != object for k in data.files)


def test_tampered_weights_are_refused(tmp_path):
    from tutor.errors import ModelError

    npz, js = tmp_path / "m.npz", tmp_path / "m.json"
    npz.write_bytes(fmodel.WEIGHTS_PATH.read_bytes() + b"x")
    js.write_text(fmodel.MANIFEST_PATH.read_text())
    with pytest.raises(ModelError):
        fmodel.load(npz, js)


def test_training_is_deterministic():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((60, 10)).astype(np.float32)
    y = (x[:, 0] > 0).astype(int)
    a = fmodel.fit_softmax(x, y, 2, steps=200)
    b = fmodel.fit_softmax(x, y, 2, steps=200)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    p = fmodel.Classifier(a[0], a[1], ("none", "x"), {}, {}).predict_proba(x)
    assert ((p[:, 1] > 0.5) == (y == 1)).mean() > 0.9


def test_domain_core_imports_no_ui():
    import ast
    from pathlib import Path

    package = Path(fmodel.__file__).parent
    for path in package.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                root = name.split(".")[0]
                assert root not in {"textual", "rich", "click", "pickle", "sklearn"}, (path.name, name)
                if root in {"torch", "sentence_transformers"}:
                    assert node.col_offset > 0, f"{path.name}: heavy import at module level"
