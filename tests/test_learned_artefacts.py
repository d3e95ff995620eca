"""The shipped learned models: fresh for their data, small, from the bundled base, and loadable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tutor.learn import dataset

FALLACY_DIR = Path("tutor/fallacy/data")
RELATION_DIR = Path("tutor/relation/data")


def _manifest(directory: Path, name: str) -> dict:
    return json.loads((Path(__file__).resolve().parents[1] / directory / f"{name}.json").read_text(encoding="utf-8"))


def test_fallacy_model_was_trained_on_the_current_data():
    """Fails when tutor/fallacy/data/train changed but `tutor train fallacy` was not rerun."""
    from tutor.fallacy.train import DATA_DIR

    manifest = _manifest(FALLACY_DIR, "fallacy")
    assert manifest["data_sha256"] == dataset.data_sha256(dataset.data_files(DATA_DIR)), "retrain: tutor train fallacy"


def test_relation_model_was_trained_on_the_current_data():
    """Fails when the topics or the shipped argument map changed but `tutor train relation` was not rerun."""
    from tutor.relation.train import data_hash

    assert _manifest(RELATION_DIR, "relation")["data_sha256"] == data_hash(), "retrain: tutor train relation"


@pytest.mark.parametrize("directory,name", [(FALLACY_DIR, "fallacy"), (RELATION_DIR, "relation")])
def test_artefact_is_small_and_from_the_bundled_base(directory: Path, name: str):
    from tutor.embedding import BUNDLED_WEIGHTS_SHA256

    manifest = _manifest(directory, name)
    weights = Path(__file__).resolve().parents[1] / directory / manifest["weights_file"]
    assert weights.stat().st_size <= 20 * 1024 * 1024
    assert manifest["base_weights_sha256"] == BUNDLED_WEIGHTS_SHA256
    assert {"seed", "metrics", "data_sha256", "libraries"} <= set(manifest)


def test_relation_manifest_credits_the_ibm_data():
    manifest = _manifest(RELATION_DIR, "relation")
    if manifest.get("sources", {}).get("ibm"):
        assert any("IBM Debater" in c and "CC BY-SA 3.0" in c for c in manifest["credits"])


def test_a_damaged_fallacy_model_leaves_counters_working(tmp_path: Path, monkeypatch, shipped_index, real_embedder):
    """The check says why it has no findings; counters still come."""
    import shutil

    from tutor.api import Tutor
    from tutor.fallacy import learned

    for f in ("fallacy.json", "fallacy.safetensors"):
        shutil.copy(Path(learned.ARTEFACT_DIR) / f, tmp_path / f)
    (tmp_path / "fallacy.safetensors").write_bytes(b"\0" * 100)
    monkeypatch.setenv(learned.MODEL_ENV, str(tmp_path))
    tutor = Tutor(shipped_index, real_embedder)
    result = tutor.check("Only an idiot would think that. Either we ban cars or the city dies.")
    assert result.findings == []
    assert any("do not match their manifest" in note for note in result.notes)
    assert tutor.counter("K-pop makes people love Korea, so it is real soft power.", k=2).counters
