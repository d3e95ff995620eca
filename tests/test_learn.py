"""The shared machinery of the learned models: encoder, inputs, data, artefacts, training."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tutor.errors import ModelError
from tutor.learn import dataset
from tutor.learn.dataset import TrainingDataError


@pytest.fixture(scope="module")
def base():
    from tutor.learn.encoder import load_base

    return load_base(None)


@pytest.mark.e2e
def test_split_encoder_equals_sentence_transformers(base, real_embedder):
    """Our plain-torch MiniLM gives the same mean-pooled vectors as the library."""
    import torch

    from tutor.learn.encoder import pad

    texts = ["K-pop makes people love Korea.", "Either you have an army or you have nothing at all, my friend."]
    ids, mask = pad([[base.cls_id] + t + [base.sep_id] for t, _ in base.encode_tokens(texts)])
    states = base.bottom(ids, mask, base.config.layers)
    weights = mask.unsqueeze(-1).float()
    ours = torch.nn.functional.normalize((states * weights).sum(1) / weights.sum(1), dim=-1).numpy()
    assert np.abs(ours - real_embedder.encode(texts)).max() < 1e-4


words = st.text(alphabet=st.characters(whitelist_categories=("Ll", "Lu", "Nd")), min_size=1, max_size=12)
sentence = st.lists(words, min_size=1, max_size=40).map(lambda ws: " ".join(ws) + ".")


@settings(max_examples=25, deadline=None)
@given(st.lists(sentence, min_size=1, max_size=40), st.text(max_size=300))
def test_windows_classify_every_unit_once(base, sentences, reply):
    from tutor.learn.pieces import joined, windows

    text, units = joined(sentences)
    found = [u for w in windows(base, text, units, reply, limit=64) for u in w.units]
    assert found == list(range(len(units)))
    for w in windows(base, text, units, reply, limit=64):
        assert len(w.ids) <= 64
        assert all(0 < s < e <= len(w.ids) for s, e in w.positions)


def test_near_duplicates_are_dropped_and_distinct_texts_kept():
    texts = ["Only an idiot would believe that bus lanes reduce congestion in our city.",
             "only an idiot would believe that bus lanes reduce congestion in our city!!",
             "Only an idiot would believe that bus lanes reduce congestion in the city.",
             "Rent control lowers the supply of new flats over a decade, the council's own study says."]
    kept, dropped = dataset.deduplicate(texts, lambda t: t)
    assert kept == [texts[0], texts[3]]
    assert dropped == 2


def test_dev_split_is_stable_and_near_its_fraction():
    topics = [f"topic {i}" for i in range(2000)]
    first = [dataset.is_dev(t) for t in topics]
    assert first == [dataset.is_dev(t) for t in topics]
    assert 0.12 < sum(first) / len(first) < 0.18


def test_data_hash_changes_with_any_example(tmp_path: Path):
    (tmp_path / "a.jsonl").write_text('{"x": 1}\n')
    before = dataset.data_sha256(dataset.data_files(tmp_path))
    (tmp_path / "a.jsonl").write_text('{"x": 2}\n')
    assert dataset.data_sha256(dataset.data_files(tmp_path)) != before


def test_bad_training_line_names_file_and_line(tmp_path: Path):
    (tmp_path / "w.jsonl").write_text('{"ok": 1}\n{not json\n')
    with pytest.raises(TrainingDataError, match=r"w.jsonl:2"):
        dataset.read_jsonl(tmp_path / "w.jsonl")


def _tiny_artefact(base, directory: Path) -> None:
    import torch

    from tutor.learn import artefact

    artefact.save(directory, "tiny", {"w": torch.ones(2, 2)}, {"base_weights_sha256": base.weights_sha256})


def test_artefact_loads_and_rejects_damage(base, tmp_path: Path):
    from tutor.learn import artefact

    _tiny_artefact(base, tmp_path)
    loaded = artefact.load(tmp_path, "tiny", base.weights_sha256)
    assert loaded.weights()["w"].sum().item() == 4.0
    with pytest.raises(ModelError, match="another base model"):
        artefact.load(tmp_path, "tiny", "0" * 64)
    (tmp_path / "tiny.safetensors").write_bytes(b"garbage")
    with pytest.raises(ModelError, match="do not match their manifest"):
        artefact.load(tmp_path, "tiny", base.weights_sha256)
    (tmp_path / "tiny.json").write_text("{broken")
    with pytest.raises(ModelError, match="unreadable"):
        artefact.load(tmp_path, "tiny", base.weights_sha256)
    with pytest.raises(ModelError, match="missing"):
        artefact.load(tmp_path, "absent", base.weights_sha256)


def test_training_is_deterministic(base, tmp_path: Path):
    """Two runs on the same data and seed give the same weights."""
    from tutor.fallacy import train as ftrain
    from tutor.learn.training import TrainConfig

    data = tmp_path / "data"
    data.mkdir()
    rows = []
    for i, topic in enumerate(f"topic {n}" for n in range(24)):  # 15% of topics are dev: some of these
        rows.append({"id": f"t-{i}", "writer": "t", "register": "forum", "topic": topic, "reply_to": "",
                     "sentences": [{"text": f"You are an idiot if you like {topic}.", "labels": ["ad_hominem"]},
                                   {"text": f"The study of {topic} counted {i} cases.", "labels": []}]})
    (data / "t.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    config = TrainConfig(layers=1, epochs=1, batch_size=4)
    weights = []
    for run in ("one", "two"):
        ftrain.train(tmp_path / run, data, config=config)
        weights.append((tmp_path / run / "fallacy.safetensors").read_bytes())
    assert weights[0] == weights[1]
