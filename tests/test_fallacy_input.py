"""Hostile input: spans stay valid offsets into the original text, never a traceback."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from test_fallacy import FakeEmbedder, rules_only_classifier  # tests/ is on sys.path (no __init__.py)
from tutor.fallacy.checker import FallacyChecker

CHECKER = FallacyChecker(embedder=FakeEmbedder(), classifier=rules_only_classifier(), check_model_name=False)

HOSTILE = [
    "", " ", "\n\n\t", ".", "?!?!", "[@click=app.quit]x[/]", "[red]Either you obey or you die[/red]",
    "\x1b[31mYou idiot, either leave or stay.\x1b[0m", "\x00\x01\x02 what about \x7f them?",
    "你这个白痴。要么战争，要么什么都不做。", "Ｗｈａｔ ａｂｏｕｔ ｔｈｅｍ？", "مرحبا بالعالم. إما هذا أو ذاك.",
    "<script>alert('x')</script> Either this or that.", "\ud800 lone surrogate? Either a or b.",
    "e\u0301 combining: Either café or thé.", "👍🏽 What about emojis? 👨‍👩‍👧", "\r\nEither a\r\nor b.\r\n",
]


def _assert_valid(text: str, findings) -> None:
    for f in findings:
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start:f.end] == f.quote
        if f.marker:
            assert text[f.marker["start"]:f.marker["end"]] == f.marker["quote"]
        if f.other:
            assert text[f.other["start"]:f.other["end"]] == f.other["quote"]
        assert 0.0 <= f.confidence <= 1.0
        f.to_dict()


def test_hostile_examples():
    for text in HOSTILE:
        _assert_valid(text, CHECKER.check(text))
        for u in CHECKER.units(text):
            assert 0 <= u.start < u.end <= len(text)


def test_hundred_thousand_characters():
    text = ("Either we ban phones or pupils fail. What about the adults? " * 2000)[:100_000]
    assert len(text) == 100_000
    findings = CHECKER.check(text)
    assert findings
    _assert_valid(text, findings)


SOUP = st.text(
    alphabet=st.sampled_from(list("ab yes Either or What about you idiot [@]=/.!?\n\t\x1b\x00é你。😀\u200b\r")),
    max_size=400,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=300), SOUP))
def test_any_text_gives_valid_spans(text):
    _assert_valid(text, CHECKER.check(text))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=100), SOUP), max_size=4))
def test_debate_spans_index_into_their_own_text(turns):
    for f in CHECKER.check_debate(turns):
        own = turns[f.text_index]
        assert own[f.start:f.end] == f.quote
        other = turns[f.other["text_index"]]
        assert other[f.other["start"]:f.other["end"]] == f.other["quote"]
