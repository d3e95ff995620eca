"""The index in the repository matches corpus/ and the bundled model."""

from __future__ import annotations

import pytest

from tutor.index import verify_index

from conftest import SHIPPED_CORPUS, SHIPPED_INDEX


@pytest.mark.e2e
def test_shipped_index_is_fresh_intact_and_built_with_the_bundled_model():
    report = verify_index(SHIPPED_INDEX, SHIPPED_CORPUS)
    assert report.ok, "rebuild with `tutor index build`: " + "; ".join(p["message"] for p in report.problems)


@pytest.mark.e2e
def test_shipped_index_holds_every_passage_and_the_motions(shipped_index):
    from tutor.corpus import open_corpus

    ids = [p.id for p in open_corpus(SHIPPED_CORPUS).iter_passages()]
    assert [p.id for p in shipped_index.passages] == ids
    assert {m["id"] for m in shipped_index.manifest.motions} >= {"soft_power_real", "entertainment_soft_power", "state_approval"}
