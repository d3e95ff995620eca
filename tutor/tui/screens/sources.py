"""The source browser: the essay and the thread, passages marked with stance and fallacy findings."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static, Tab, Tabs

from tutor.tui.messages import DocumentLoaded, as_tutor_error
from tutor.tui.widgets.literal import literal
from tutor.tui.widgets.too_small import TooSmall


class PassageView(Static, can_focus=True):
    def __init__(self, chunk: dict[str, Any], target: bool) -> None:
        head = [Content.styled(f"line {chunk['line']}", "bold"), Content.styled(f"  {chunk['stance']}", "italic")]
        if chunk.get("speaker"):
            head.append(literal(f"  {chunk['speaker']}" + (f" ({chunk['role']})" if chunk.get("role") else ""), "dim"))
        for f in chunk.get("findings") or []:
            head += [Content(" "), literal(f" {f.get('label') or f.get('type')} ", "reverse")]
        body = Content("").join(head) + Content("\n") + literal(chunk["text"])
        stance = chunk["stance"] if chunk["stance"] in ("pro", "con", "neutral") else "unlabelled"
        super().__init__(body, classes=f"passage stance-{stance}" + (" -target" if target else ""),
                         id="p-" + "".join(ch if ch.isalnum() else "-" for ch in chunk["id"]))
        self.chunk = chunk


class SourcesScreen(Screen):
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back"),
        Binding("left", "previous_document", "Previous document", show=False),
        Binding("right", "next_document", "Next document", show=False),
        Binding("f1", "app.help", "Help"),
    ]

    def __init__(self, passage_id: str | None = None, motion: str | None = None) -> None:
        super().__init__()
        self.passage_id = passage_id
        self.motion = motion

    def compose(self) -> ComposeResult:
        app: Any = self.app
        yield TooSmall()
        yield Static(Content.assemble(("Sources", "bold"), ("  passages with their stance and fallacy findings; "
                                                           "escape to go back", "dim")), id="sources-title")
        documents = app.documents()
        tabs = [Tab(literal(d.get("title", d["id"])), id="doc-" + d["id"]) for d in documents]
        start_doc = self.passage_id.split(":", 1)[0] if self.passage_id else (documents[0]["id"] if documents else None)
        yield Tabs(*tabs, active=f"doc-{start_doc}" if start_doc else None, id="doc-tabs")
        yield VerticalScroll(Static("Loading…", classes="muted"), id="doc-view")
        yield Footer()

    @on(Tabs.TabActivated, "#doc-tabs")
    def _tab(self, event: Tabs.TabActivated) -> None:
        self.load_document(event.tab.id.removeprefix("doc-"))

    def action_previous_document(self) -> None:
        self.query_one(Tabs).action_previous_tab()

    def action_next_document(self) -> None:
        self.query_one(Tabs).action_next_tab()

    @work(thread=True, exclusive=True, exit_on_error=False, group="sources", description="read a document")
    def load_document(self, doc_id: str) -> None:
        app: Any = self.app
        tutor = app.wait_for_tutor()
        if tutor is None:
            return
        try:
            chunks = tutor.document_view(doc_id, self.motion)
        except Exception as exc:
            err = as_tutor_error(exc, "reading the source")
            self.post_message(DocumentLoaded(doc_id, [{"kind": "error", "text": err.one_line()}]))
            return
        self.post_message(DocumentLoaded(doc_id, chunks))

    async def on_document_loaded(self, message: DocumentLoaded) -> None:
        view = self.query_one("#doc-view", VerticalScroll)
        await view.remove_children()
        widgets: list[Static] = []
        target = None
        for chunk in message.chunks:
            if chunk["kind"] == "passage":
                widget = PassageView(chunk, chunk["id"] == self.passage_id)
                if chunk["id"] == self.passage_id:
                    target = widget
                widgets.append(widget)
            elif chunk["kind"] == "about":
                widgets.append(Static(literal(chunk["text"], "italic"), classes="gap"))
            else:
                widgets.append(Static(literal(chunk["text"], "dim"), classes="gap"))
        await view.mount_all(widgets)
        if target is not None:
            view.scroll_to_widget(target, animate=False, top=True)
            target.focus()
