"""The counter evaluation set is well formed, and its scoring does what README says."""

from __future__ import annotations

import math
import sys

import pytest

from conftest import ROOT, SHIPPED_CORPUS
from tutor.corpus import open_corpus

sys.path.insert(0, str(ROOT / "tests" / "eval"))
from counter_eval import completed, load_set, metrics  # noqa: E402


@pytest.fixture(scope="module")
def passage_ids() -> set[str]:
    return {p.id for p in open_corpus(SHIPPED_CORPUS).iter_passages()}


def test_the_set_names_real_passages_with_valid_grades(passage_ids):
    items = load_set("all")
    assert len(items) >= 40 and len({it["id"] for it in items}) == len(items)
    for item in items:
        assert set(item["counters"]) <= passage_ids, item["id"]
        assert set(item["same_side"]) <= passage_ids, item["id"]
        assert set(item.get("second_judge", {})) <= passage_ids, item["id"]
        assert set(item["counters"].values()) <= {1, 2} and item["counters"], item["id"]
        assert set(item.get("second_judge", {}).values()) <= {0, 1, 2}, item["id"]
        assert not set(item["counters"]) & set(item["same_side"]), item["id"]


def test_a_third_of_the_set_is_the_test_split():
    items = load_set("all")
    assert [it["split"] for it in items] == ["test" if i % 3 == 2 else "dev" for i in range(len(items))]


def test_metrics_on_a_known_ranking():
    item = {"counters": {"a": 2, "b": 1}, "same_side": ["s"]}
    scores = metrics(["x", "a", "s", "b"], item)
    dcg = 3 / math.log2(3) + 1 / math.log2(5)
    assert scores["ndcg@5"] == pytest.approx(dcg / (3 + 1 / math.log2(3)))
    assert scores["hit@1"] == 0.0 and scores["hit@3"] == 1.0 and scores["same_side@3"] == 1.0


def test_completed_grades_fill_gaps_but_never_override_the_original():
    item = {"counters": {"a": 2}, "same_side": ["s"], "second_judge": {"a": 1, "b": 1, "c": 0, "s": 2}}
    assert completed(item)["counters"] == {"a": 2, "b": 1}
