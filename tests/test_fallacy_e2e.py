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
    "line,expected",
    [
        ("You clearly cannot read a graph, so why would anyone listen to you?", "ad_hominem"),
        ("Either we ban all cars from the centre or the city will die.", "false_dilemma"),
        ("If we allow phones in class today, tomorrow students will stop learning altogether and schools will close.",
         "slippery_slope"),
        ("Everyone is buying electric cars now, so they must be the right choice.", "appeal_to_popularity"),
    ],
)
def test_clear_fallacies_are_found_with_an_explanation(checker, line, expected):
    findings = checker.check(line)
    assert [f.type for f in findings] == [expected]
    assert findings[0].confidence >= checker.threshold(expected)
    assert findings[0].explanation and findings[0].suggestion


def test_a_sourced_figure_draws_no_finding(checker):
    assert checker.check("Bus ridership rose 12% after the fare cut, according to the city transport report.") == []


def test_reply_context_is_read(checker):
    """A reply is read with the text it answers: the model sees the pair, and findings index the reply."""
    reply = "This is you kicking your own ass this time."
    answered = "Soft power is nothing but hard power in disguise, as every empire shows."
    findings = checker.check(reply, reply_to=answered)
    for f in findings:
        assert reply[f.start:f.end] == f.quote


def test_min_confidence_trades_recall_for_precision():
    from tutor.fallacy.checker import FallacyChecker

    text = "Only an idiot would think that. Either we ban cars or the city dies. Everyone knows it."
    loose = FallacyChecker(min_confidence=0.05).check(text)
    strict = FallacyChecker(min_confidence=0.99).check(text)
    assert len(strict) <= len(loose)
    assert all(f.confidence >= 0.99 for f in strict)
    assert all(f.confidence >= 0.05 for f in loose)


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


def test_evaluation_reports_both_checkers_on_every_set():
    """`python -m tutor.fallacy.evaluate` scores the fine-tuned and the baseline checker alike."""
    from tutor.fallacy.evaluate import evaluate

    report = evaluate("test")
    for name in ("fine-tuned", "baseline"):
        result = report["checkers"][name]
        assert result["units"] >= 900
        assert set(result["shipped"]) == {"essay", "thread"}
        assert result["shipped"]["thread"]["per_type"]["ad_hominem"]["support"] == 25
    assert report["checkers"]["fine-tuned"]["ece"] is not None
