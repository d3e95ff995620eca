"""The transparent strength score: each point has a readable reason."""

from tutor.strength import argument_strength


def test_reasons_and_evidence_raise_the_score():
    bare = argument_strength("Pop culture is soft power.")
    argued = argument_strength(
        "Pop culture is soft power because K-pop contributed billions to Korea and interest in Korean surged 14% in 2016."
    )
    assert argued.score > bare.score + 0.3
    assert any("reason" in r for r in argued.reasons) and any("figure" in r for r in argued.reasons)


def test_insults_and_bare_questions_lose():
    insult = argument_strength("Only stupid people are influenced by cartoons. LOL")
    assert "only an insult" in insult.penalties and insult.score < 0.2
    questions = argument_strength("Who has more soft power, BTS or Marx? How many divisions did BTS raise?")
    assert "only rhetorical questions, no stated claim" in questions.penalties


def test_fallacy_findings_cost_points_by_confidence():
    text = "Everyone knows anime is soft power because millions of fans watch it every single week."
    clean = argument_strength(text)
    flagged = argument_strength(text, [{"type": "appeal_to_popularity", "label": "Appeal to popularity", "confidence": 0.9}])
    assert flagged.score < clean.score
    assert flagged.penalties == ["Appeal to popularity (90%)"]


def test_score_stays_in_range():
    for text in ["", "?", "x " * 500, "because " * 50 + "1999 $5 50%"]:
        assert 0.0 <= argument_strength(text).score <= 1.0
