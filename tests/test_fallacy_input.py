"""Hostile input: spans stay valid offsets into the original text, never a traceback."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fallacy_fakes import FakeEmbedder, rules_only_classifier  # tests/ is on sys.path (no __init__.py)
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


# Sentences the rules-only checker flags, and hostile pieces to cut them with: a text drawn from these
# gives findings often, so the span assertions run (a soup of single characters never gave one).
TRIGGERS = [
    "Either we ban phones or pupils fail.", "What about the adults?", "No true fan would leave early.",
    "I read it. So your analogy is broken like your literacy.", "You idiot, either leave or stay.",
    "Everyone knows K-pop is power.", "Soft power is real power: people are attracted to Korean culture.",
    "Power means the ability to coerce others with sanctions and armies.",
]
NOISE = [" ", "\n", "\t", "\r\n", "\x1b[31m", "\x1b]0;t\x07", "\x00", "\u200b", "\u202e", "é", "你。", "😀", "[@click=app.quit]x[/]",
         "Either", " or ", "?", ".", "!"]
PHRASES = st.lists(st.one_of(st.sampled_from(TRIGGERS), st.sampled_from(NOISE)), max_size=12).map("".join)
# A debate where "power" is used in both senses, in noise and among other turns: an equivocation to find.
WRAP = ["", " ", "\n", "\x1b[31m ", "\x00 ", "\u200b", "😀 ", "[@click=app.quit]x[/] ", "\r\n"]


@st.composite
def shifting_debates(draw):
    turns = [draw(st.sampled_from(WRAP)) + sentence + draw(st.sampled_from(WRAP)) for sentence in TRIGGERS[-2:]]
    turns += draw(st.lists(st.one_of(PHRASES, st.text(max_size=100), SOUP), max_size=2))
    return draw(st.permutations(turns))


SOUP = st.text(alphabet=st.sampled_from(list("ab yes Either or What about you idiot [@]=/.!?\n\t\x1b\x00é你。😀\u200b\r")),
               max_size=400)


def test_any_text_gives_valid_spans():
    produced: list[bool] = []

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.one_of(PHRASES, PHRASES, st.text(max_size=300), SOUP))
    def check(text):
        findings = CHECKER.check(text)
        _assert_valid(text, findings)
        produced.append(bool(findings))

    check()
    assert sum(produced) >= len(produced) // 4, f"only {sum(produced)} of {len(produced)} texts gave findings"


def test_debate_spans_index_into_their_own_text():
    produced: list[bool] = []

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.one_of(shifting_debates(), st.lists(st.one_of(PHRASES, st.text(max_size=100), SOUP), max_size=4)))
    def check(turns):
        findings = CHECKER.check_debate(turns)
        for f in findings:
            own = turns[f.text_index]
            assert own[f.start:f.end] == f.quote
            other = turns[f.other["text_index"]]
            assert other[f.other["start"]:f.other["end"]] == f.other["quote"]
        produced.append(bool(findings))

    check()
    assert sum(produced) >= len(produced) // 4, f"only {sum(produced)} of {len(produced)} debates gave findings"
