"""The relation model's rerank: its rules (a fake model: fast), the real model (e2e),
the fallback when the artefact is missing or damaged, and stance through the model."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tutor.counter import CounterEngine
from tutor.index import build_index, load_index
from tutor.results import Counter, CounterResult, RelationInfo

from conftest import FakeEmbedder
from test_counter_unit import MOTION, ROWS


@dataclass(frozen=True)
class Rel:
    attacks: float
    supports: float
    unrelated: float
    kind: str = "rebuts"

    @property
    def label(self) -> str:
        probs = {"attacks": self.attacks, "supports": self.supports, "unrelated": self.unrelated}
        return max(probs, key=probs.get)


class FakeRelation:
    """Says which passages attack or support by their wording; counts its calls."""

    manifest: dict = {}

    def __init__(self, table: dict[str, Rel]) -> None:
        self.table = table
        self.calls: list[tuple[str, int]] = []

    def warm(self, texts) -> None:
        pass

    def score(self, claim, passages):
        self.calls.append((claim, len(passages)))
        return [next((r for key, r in self.table.items() if key in p), Rel(0.2, 0.1, 0.7)) for p in passages]


def fake_engine(tmp_path: Path, table: dict[str, Rel], n: int = 20) -> tuple[CounterEngine, FakeRelation]:
    corpus = tmp_path / "uniforms.jsonl"
    corpus.write_text("\n".join(json.dumps(r) for r in ROWS) + "\n", encoding="utf-8")
    build_index(corpus, tmp_path / "idx", embedder=FakeEmbedder())
    model = FakeRelation(table)
    return CounterEngine(load_index(tmp_path / "idx"), FakeEmbedder(), [MOTION], relation=model, rerank_n=n), model


ARGUMENT = "Uniforms reduce bullying about clothes."


def test_a_passage_that_supports_the_claim_is_never_returned(tmp_path):
    # con3 is on the other side of the motion, but the model says it supports this argument
    engine, model = fake_engine(tmp_path, {"cost poor families": Rel(0.1, 0.8, 0.1)})
    ids = [c.id for c in engine.counter(ARGUMENT, "uniforms", "pro", k=10).counters]
    assert ids and "con3" not in ids
    assert model.calls and model.calls[0][0] == ARGUMENT


def test_the_students_side_is_returned_only_when_it_attacks_the_claim(tmp_path):
    table = {"save time every morning": Rel(0.9, 0.05, 0.05, "undercuts")}  # pro2, on the student's side
    engine, _ = fake_engine(tmp_path, table)
    result = engine.counter(ARGUMENT, "uniforms", "pro", k=10)
    card = next(c for c in result.counters if c.id == "pro2")
    assert card.relation == RelationInfo("attacks", "undercuts", {"attacks": 0.9, "supports": 0.05, "unrelated": 0.05})
    assert card.why.how == "undercuts" and "your side" in card.why.text
    assert "pro1" not in [c.id for c in result.counters]  # same side, not an attack: out


def test_only_n_candidates_reach_the_model(tmp_path):
    engine, model = fake_engine(tmp_path, {}, n=3)
    engine.counter(ARGUMENT, "uniforms", "pro", k=5)
    assert model.calls == [(ARGUMENT, 3)]


def test_relation_field_round_trips_and_old_sessions_load(tmp_path):
    engine, _ = fake_engine(tmp_path, {"pick on shoes": Rel(0.7, 0.1, 0.2, "counter-example")})
    data = engine.counter(ARGUMENT, "uniforms", "pro", k=3).to_dict()
    first = data["counters"][0]
    assert first["relation"]["label"] in {"attacks", "unrelated"}
    assert set(first["relation"]["probabilities"]) == {"attacks", "supports", "unrelated"}
    assert CounterResult.from_dict(data).to_dict() == data
    old = dict(first)
    del old["relation"]  # a session saved before the relation model
    assert Counter.from_dict(old).relation is None
    bad = dict(first, relation={"label": "maybe", "kind": None, "probabilities": {}})
    with pytest.raises(Exception, match="label"):
        Counter.from_dict(bad)


def test_model_stance_for_an_unlabelled_corpus_is_cached_per_motion(tmp_path):
    rows = [{"id": r["id"], "text": r["text"]} for r in ROWS]  # no stance labels
    corpus = tmp_path / "plain.jsonl"
    corpus.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    build_index(corpus, tmp_path / "idx", embedder=FakeEmbedder())
    model = FakeRelation({"cost poor families": Rel(0.8, 0.1, 0.1), "save time": Rel(0.1, 0.8, 0.1)})
    engine = CounterEngine(load_index(tmp_path / "idx"), FakeEmbedder(), [MOTION], relation=model)
    stances = dict(zip((r["id"] for r in rows), engine.passage_stances(MOTION)))
    assert stances["con3"] == "con" and stances["pro2"] == "pro" and stances["off1"] == "neutral"
    calls = len(model.calls)
    engine.passage_stances(MOTION)
    assert len(model.calls) == calls


# --- the real relation model -------------------------------------------------------------------


@pytest.fixture(scope="module")
def relation_tutor(shipped_index, real_embedder):
    from tutor.api import Tutor

    return Tutor(shipped_index, real_embedder, relation="auto")


SHIPPED_ARGUMENTS = [
    ("K-pop makes millions of people love Korea, so it is real soft power.", "soft_power_real", "pro"),
    ("Only money and the military matter; being liked changes nothing.", "soft_power_real", "con"),
    ("Anime is just entertainment, nobody supports Japan because of cartoons.", "entertainment_soft_power", "con"),
]


@pytest.mark.e2e
def test_real_model_never_returns_a_passage_it_says_supports_the_argument(relation_tutor):
    engine = relation_tutor.engine
    model = engine.relation
    assert model is not None, engine.relation_note
    for text, motion_id, side in SHIPPED_ARGUMENTS:
        argument = engine.read_argument(text)
        motion = next(m for m in engine.motions if m.id == motion_id)
        rows, *_ = engine.candidates(argument, motion, side, engine.rerank_n)
        supporters = {engine.passages[r].id for r, rel in zip(rows, model.score(argument.clean, [engine.passages[r].text for r in rows]))
                      if rel.label == "supports"}
        result = relation_tutor.counter(text, motion_id, side, k=engine.rerank_n)  # every candidate kept
        returned = {c.id for c in result.counters}
        assert returned and returned <= {engine.passages[r].id for r in rows} - supporters
        for card in result.counters:
            assert isinstance(card.relation, RelationInfo) and card.relation.label != "supports"
            assert abs(sum(card.relation.probabilities.values()) - 1) < 0.01
            assert card.relation.kind in {"rebuts", "undercuts", "counter-example", None}
            assert card.why.attacks in text
    # (The provisional model rarely says "supports" here; test_a_passage_that_supports_... pins the rule.)


@pytest.fixture
def broken_artefact(tmp_path, monkeypatch):
    from tutor.relation import model as relation_model

    def use(kind: str) -> Path:
        folder = tmp_path / kind
        if kind == "damaged":
            shutil.copytree(relation_model.ARTEFACT_DIR, folder, ignore=shutil.ignore_patterns("train"))
            weights = folder / "relation.safetensors"
            weights.write_bytes(b"\0" * 100 + weights.read_bytes()[100:])
        else:
            folder.mkdir()
        monkeypatch.setattr(relation_model, "ARTEFACT_DIR", folder)
        return folder

    return use


@pytest.mark.e2e
@pytest.mark.parametrize("kind", ["missing", "damaged"])
def test_a_missing_or_damaged_artefact_falls_back_with_a_note(kind, broken_artefact, shipped_index, real_embedder):
    from tutor.api import Tutor

    broken_artefact(kind)
    tutor = Tutor(shipped_index, real_embedder, relation="auto")
    result = tutor.counter(*SHIPPED_ARGUMENTS[0][:1], motion="soft_power_real", side="pro")
    assert len(result.counters) == 5 and all(c.relation is None for c in result.counters)
    assert any(n.startswith("no relation model") for n in result.notes)
    plain = Tutor(shipped_index, real_embedder).counter(*SHIPPED_ARGUMENTS[0][:1], motion="soft_power_real", side="pro")
    assert [c.id for c in result.counters] == [c.id for c in plain.counters]  # exactly the engine without it


CLEAR_STANCES = [
    ("Cities should ban private cars from their centres.",
     "Banning cars from the centre would make the streets cleaner, quieter and safer, so cities should do it.", "pro"),
    ("Cities should ban private cars from their centres.",
     "A ban on cars in the centre is a terrible idea: shops lose customers and disabled people get stranded.", "con"),
    ("Homework should be abolished in primary schools.",
     "Homework in primary school should stay: practice at home helps young pupils remember what they learnt.", "con"),
    ("Homework should be abolished in primary schools.",
     "Young children gain nothing from homework and lose time to play, so primary schools should scrap it.", "pro"),
]


def _weak_stance() -> bool:
    from tutor.relation.model import ARTEFACT_DIR

    metrics = json.loads((ARTEFACT_DIR / "relation.json").read_text(encoding="utf-8")).get("metrics", {})
    return (metrics.get("dev_stance_accuracy") or 0.0) < 0.6


@pytest.mark.e2e
@pytest.mark.xfail(_weak_stance(), reason="the relation model's stance is weak (dev accuracy < 0.6; issue 20): "
                   "a known miss, strict so that it reports when a retrained model gets these right", strict=True)
def test_analyze_with_motion_text_gives_pro_and_con_for_clear_cases(relation_tutor):
    got = [relation_tutor.analyze(text, motion_text=motion)["stance"]["stance"] for motion, text, _ in CLEAR_STANCES]
    assert got == [side for _, _, side in CLEAR_STANCES]


@pytest.mark.parametrize("relation, stance", [(Rel(0.1, 0.8, 0.1), "pro"), (Rel(0.8, 0.1, 0.1), "con"),
                                              (Rel(0.1, 0.1, 0.8), "neutral")])
def test_motion_text_stance_comes_from_the_model(tmp_path, relation, stance):
    engine, model = fake_engine(tmp_path, {"Uniforms": relation})  # keyed on the argument's first word
    model.table = {}
    model.score = lambda claim, passages: [relation for _ in passages]  # (motion statement, argument)
    result = engine.analyze("Uniforms make mornings calmer for every family.", motion_text="Uniforms should be compulsory.")
    assert result["motion"]["id"] == "custom"
    assert result["stance"]["stance"] == stance
