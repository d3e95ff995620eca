"""Keys and the flow of a session."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

HELP = """\
[b]tutor: argue a motion, meet the strongest counter-arguments[/b]

[b]Flow[/b]
 1. Start: pick a motion and a side (or a free argument), or resume a saved session.
 2. Argue: type in the editor and submit with [b]ctrl+s[/b].
 3. Feedback: counter-arguments strongest first, fallacies in your text, a rubric.
 4. Rebut: focus a counter card and press [b]r[/b] (or click Rebut), answer it, submit.
    The Clash tab is your flow sheet: answered, open and dropped counters.
 5. Finish with [b]ctrl+f[/b]: a summary; [b]e[/b] exports the transcript as Markdown.

[b]Keys[/b]
 ctrl+s    submit the turn             ctrl+r   rebut the focused counter
 r, enter  rebut this card             o        open this card's source
 ctrl+o    source browser              ctrl+f   finish and summarise
 escape    stop rebutting / go back    tab      next widget
 ctrl+p    command palette (every action)
 f1        this help                   ctrl+q   quit

Every turn is saved the moment you submit it; `tutor play --resume` continues.
Your text and the corpus are shown exactly as written; nothing in them is run.

[dim]escape closes this help[/dim]"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(HELP, id="help-text")
