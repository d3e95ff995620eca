"""Display helpers for untrusted text."""

from tutor.text import embeddable, printable, shorten


def test_printable_drops_escapes_and_controls_but_keeps_markup_literally():
    assert printable("\x1b[31mred\x1b[0m \x07bell [red]x[/] [@click=app.quit]q[/]") == "red bell [red]x[/] [@click=app.quit]q[/]"
    assert printable("line\nnext\ttab") == "line\nnext\ttab"


def test_shorten_cuts_on_a_word_and_stays_one_line():
    assert shorten("one two three four", 100) == "one two three four"
    assert shorten("one two three four", 12) == "one two…"
    assert shorten("a\n\nb \x1b[2J c", 50) == "a b c"
    assert len(shorten("x" * 50, 10)) == 10


def test_embeddable_notes_what_it_changed():
    clean, notes = embeddable("a\x1b[2Jb")
    assert clean == "ab" and notes == ["control characters and escape sequences were ignored"]
    clean, notes = embeddable("y" * 100_001)
    assert len(clean) == 100_000 and "first 100,000 characters" in notes[0]
