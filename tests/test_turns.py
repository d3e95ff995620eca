"""Turn orchestration through the core API: `Tutor.run_turn` (fake embedder: fast)."""

from __future__ import annotations

import pytest

from conftest import FakeEmbedder
from tutor import session as S
from tutor.api import Tutor
from tutor.index import build_index, load_index
from tutor.results import CheckResult, Counter, CounterResult, Scores, Source, Why
from tutor.strength import Strength


@pytest.fixture
def tutor(small_corpus, tmp_path) -> Tutor:
    embedder = FakeEmbedder()
    build_index(small_corpus, tmp_path / "idx", embedder=embedder)
    return Tutor(load_index(tmp_path / "idx"), embedder)


def test_run_turn_gives_counters_check_and_rubric_without_changing_the_session(tutor):
    session = S.Session.new(session_id="t1")
    turn = session.submit("Free public transport cuts car traffic because fares keep people driving.")
    feedback = tutor.run_turn(session, turn, k=2)
    assert isinstance(feedback, S.TurnFeedback)
    assert 1 <= len(feedback.counter.counters) <= 2
    assert feedback.check.debate_findings == []  # one text: nothing to compare across the debate
    # The fine-tuned checker reads the text itself, whatever model the index was built with.
    assert not any("no fallacy check" in note for note in feedback.check.notes)
    assert all(turn.text[f.start : f.end] == f.quote for f in feedback.check.findings)
    assert feedback.rubric.answered is None and feedback.rubric.reasons.reasons
    assert turn.status == "pending" and turn.counter is None  # recording it is the caller's step


def test_a_rebuttal_turn_is_scored_against_the_counter_it_answers(tutor):
    session = S.Session.new(session_id="t2")
    first = session.submit("Free public transport cuts car traffic because fares keep people driving.")
    feedback = tutor.run_turn(session, first, k=2)
    session.complete(first, feedback.counter, feedback.check, feedback.rubric)
    target = feedback.counter.counters[0]
    rebuttal = session.submit("Maintenance can be funded from taxes, so service quality need not fall.", target.id)
    answered = tutor.run_turn(session, rebuttal, k=2).rubric.answered
    assert answered.counter == target.id
    assert "similarity to the counter" in answered.detail


def test_the_debate_context_names_earlier_turns_this_turn_and_the_rebutted_source():
    session = S.Session.new(session_id="t3")
    card = Counter("doc:1", "A counter.", Source("doc", "Doc", 1, 0, 10), "con", 0.5, Scores(0.5, 1.0, 0.4),
                   Strength(0.4), Why("First.", "rebuts", "Rebuts your claim."))
    first = session.submit("First.")
    session.complete(first, CounterResult("First.", counters=[card]), CheckResult("First."), None)  # type: ignore[arg-type]
    second = session.submit("Second.", "doc:1")
    texts, labels = S.debate_context(session, second, S.answered_counter(session, second))
    assert texts == ["First.", "Second.", "A counter."]
    assert labels == ["your turn 1", "this turn", "source doc:1"]


def test_a_session_on_a_statement_of_its_own_is_countered_on_that_statement(tutor):
    session = S.Session.new(None, "Public transport should be free.", "pro", session_id="t4")
    turn = session.submit("Free public transport cuts car traffic because fares keep people driving.")
    feedback = tutor.run_turn(session, turn, k=2)
    assert feedback.counter.motion_statement == "Public transport should be free."
    free = S.Session.new(session_id="t5")
    assert tutor.run_turn(free, free.submit(turn.text), k=2).counter.motion_statement is None
