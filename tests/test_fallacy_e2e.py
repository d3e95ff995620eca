"""The real model and the shipped weights on the shipped corpus (slow: marked e2e)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def checker():
    from tutor.fallacy.checker import FallacyChecker

    return FallacyChecker()


def test_essay_draws_few_findings(checker):
    essay = (ROOT / "corpus" / "soft-power-essay.txt").read_text(encoding="utf-8")
    units = checker.units(essay)
    findings = checker.check(essay)
    assert len(findings) <= max(2, len(units) // 20), [(f.type, f.quote) for f in findings]


@pytest.mark.parametrize(
    "line",
    [
        "So your analogy is broken like your literacy.",
        "No, not at all, but I do see your illiteracy again.",
    ],
)
def test_known_thread_lines_draw_ad_hominem(checker, line):
    findings = checker.check(line)
    assert [f.type for f in findings] == ["ad_hominem"]
    assert findings[0].confidence >= 0.5
    assert "literacy" in findings[0].explanation


def test_thread_draws_many_findings(checker):
    thread = (ROOT / "corpus" / "soft-power-thread.txt").read_text(encoding="utf-8")
    findings = checker.check(thread)
    types = {f.type for f in findings}
    assert len(findings) >= 10
    assert {"ad_hominem", "equivocation"} <= types
    for f in findings:
        assert thread[f.start:f.end] == f.quote


def test_force_shift_across_the_thread_turns(checker):
    turns = [
        'Your original sentence "So you\'re saying they don\'t have enough force AKA hard power yet". '
        "You are the one equal hard power to force",
        'Force is a type of hard power but not the only type. Also, "force" doesn\'t mean military force. '
        "Economic force, technological force are all forces.",
    ]
    findings = checker.check_debate(turns)
    assert any(f.type == "equivocation" and "force" in f.explanation for f in findings)


def test_batched_and_single_agree(checker):
    texts = ["Either we ban cars or the city dies.", "Trams carry more people than buses, according to counts."]
    many = checker.check_many(texts)
    single = [checker.check(t) for t in texts]
    assert [[f.type for f in fs] for fs in many] == [[f.type for f in fs] for fs in single]


def test_held_out_targets(checker):
    """The issue's targets on the held-out split (reported honestly by `python -m tutor.fallacy.evaluate`)."""
    from tutor.fallacy.evaluate import evaluate

    report = evaluate("test", checker)
    assert report["overall_precision"] >= 0.85
    assert report["per_type"]["ad_hominem"]["recall"] >= 0.8
    assert report["none_fp_rate"] <= 0.05
