"""Start: pick a motion and a side (or a free argument), or resume a saved session.

Paints at once: the motions come from the index manifest (no torch), and the
model loads in the app's worker meanwhile.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, OptionList, RadioButton, RadioSet, Static
from textual.widgets.option_list import Option

from tutor.text import shorten
from tutor.tui.widgets.literal import literal
from tutor.tui.widgets.too_small import TooSmall
from tutor.tui.widgets.loading import LoadingProgress

FREE = "__free__"


class StartScreen(Screen):
    BINDINGS = [
        Binding("ctrl+s", "start", "Start", priority=True),
        Binding("ctrl+o", "app.sources", "Sources"),
        Binding("f1", "app.help", "Help"),
        Binding("ctrl+q", "app.quit", "Quit"),
    ]

    COMMANDS_FOR_PALETTE = (("Start debating", "Start a session on the chosen motion and side (ctrl+s)", "start"),)

    def compose(self) -> ComposeResult:
        app: Any = self.app
        yield TooSmall()
        yield Static(Content.assemble(("tutor", "bold"), ("  argue a motion, meet the strongest counter-arguments", "dim")),
                     id="start-title")
        with Horizontal(id="start-body"):
            with Vertical(id="start-new"):
                motions = OptionList(id="motions")
                motions.border_title = "1. Motion"
                yield motions
                with Horizontal(id="side-row"):
                    with RadioSet(id="side"):
                        yield RadioButton("Pro", value=app.initial_side != "con", id="side-pro")
                        yield RadioButton("Con", value=app.initial_side == "con", id="side-con")
                    yield Button("Start debating", variant="primary", id="start")
            sessions = OptionList(id="sessions")
            sessions.border_title = "or resume"
            yield sessions
        yield LoadingProgress()
        yield Footer()

    def on_mount(self) -> None:
        app: Any = self.app
        motions = self.query_one("#motions", OptionList)
        for motion in app.motions:
            motions.add_option(Option(Content.assemble(literal(motion.statement, "bold"), "\n", literal(motion.id, "dim")),
                                      id=motion.id))
        motions.add_option(Option(Content.assemble(("Free argument", "bold"), "\n",
                                                   ("no motion: the tutor finds the closest one each turn", "dim")), id=FREE))
        if app.initial_motion:
            index = next((i for i, m in enumerate(app.motions) if m.id == app.initial_motion), 0)
            motions.highlighted = index
        else:
            motions.highlighted = 0
        self.refresh_sessions()
        motions.focus()
        app.mark_first_paint()

    def refresh_sessions(self) -> None:
        app: Any = self.app
        sessions = self.query_one("#sessions", OptionList)
        sessions.clear_options()
        from tutor import session as sessions_mod

        found = sessions_mod.list_sessions(app.data_dir)
        if not found:
            sessions.add_option(Option(Content.styled("No saved sessions yet.", "dim"), id="none", disabled=True))
            return
        for entry in found[:50]:
            if entry["error"]:
                prompt = Content.assemble(literal(entry["id"], "dim"), "\n", literal(shorten(entry["error"], 70), "red"))
                sessions.add_option(Option(prompt, id=entry["id"], disabled=True))
                continue
            what = shorten(entry["motion_statement"] or "free argument", 60)
            status = "finished" if entry["finished"] else "in progress"
            prompt = Content.assemble(
                literal(what, "bold"), "\n",
                literal(f"{entry['side'] or 'any side'} · {entry['turns']} turns · {status} · {entry['updated'][:16]}", "dim"),
            )
            sessions.add_option(Option(prompt, id=entry["id"]))

    def selected_motion(self) -> str | None:
        motions = self.query_one("#motions", OptionList)
        if motions.highlighted is None:
            return None
        option = motions.get_option_at_index(motions.highlighted)
        return None if option.id == FREE else option.id

    def selected_side(self) -> str:
        return "con" if self.query_one("#side-con", RadioButton).value else "pro"

    def action_start(self) -> None:
        app: Any = self.app
        motion = self.selected_motion()
        app.start_session(motion, self.selected_side() if motion else None)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        app: Any = self.app
        if event.option_list.id == "motions":
            self.query_one("#side", RadioSet).focus()
        elif event.option_list.id == "sessions" and event.option.id not in (None, "none"):
            app.resume_session(event.option.id)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            event.stop()
            self.action_start()
