"""The fallacy findings on the student's own text: spans highlighted, explanation, repair."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from tutor.results import CheckResult
from tutor.tui.widgets.literal import highlighted, literal

SPAN_STYLE = "bold underline reverse"


class FindingsView(Vertical):
    """Shows one turn's text with its findings; `show(text, check)` replaces the content."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._text = ""
        self._check: CheckResult | None = None

    def compose(self) -> ComposeResult:
        yield from self._parts()

    def _parts(self) -> list[Static]:
        if self._check is None:
            return [Static("Submit an argument to see it checked for fallacies.", classes="muted")]
        findings = self._check.findings
        spans = [(f.start, f.end, SPAN_STYLE) for f in findings]
        parts = [Static(Content.styled("Your text", "bold"), classes="section-title"),
                 Static(highlighted(self._text, spans), classes="own-text")]
        if not findings:
            note = "; ".join(self._check.notes)
            parts.append(Static(literal("No fallacies found." + (f" ({note})" if note else "")), classes="no-findings"))
        for number, f in enumerate(findings, start=1):
            head = Content.assemble(
                (f" {number} ", "reverse"), " ", literal(f.label or f.type, "bold"),
                (f"  {f.confidence:.0%} confident", "dim"),
            )
            body = [head, Content("\n"), Content.styled("“", "dim"), literal(f.quote, "italic"),
                    Content.styled("”", "dim")]
            if f.explanation:
                body += [Content("\n"), literal(f.explanation)]
            if f.suggestion:
                body += [Content("\n"), Content.styled("Repair: ", "bold"), literal(f.suggestion)]
            parts.append(Static(Content("").join(body), classes="finding"))
        debate = self._check.debate_findings or []
        if debate:
            parts.append(Static(Content.styled("Across the debate", "bold"), classes="section-title"))
        for f in debate:
            other = f.other or {}
            body = [literal(f.label or "Equivocation", "bold"), Content("\n"),
                    literal(f"{f.where or ''}: “{f.quote}”   {f.other_where or ''}: “{other.get('quote', '')}”",
                            "italic"),
                    Content("\n"), literal(f.explanation)]
            if f.suggestion:
                body += [Content("\n"), Content.styled("Repair: ", "bold"), literal(f.suggestion)]
            parts.append(Static(Content("").join(body), classes="finding"))
        return parts

    async def show(self, text: str, check: CheckResult | None) -> None:
        """Replace the content, reusing the Statics already mounted (mounting is the slow part)."""
        self._text, self._check = text, check
        wanted = self._parts()
        children = [c for c in self.children if isinstance(c, Static)]
        extra: list[Static] = []
        for i, part in enumerate(wanted):
            if i < len(children):
                child = children[i]
                if child.classes != part.classes:
                    child.set_classes(part.classes)
                child.update(part.content)
                if not child.display:
                    child.display = True
            else:
                extra.append(part)
        for child in children[len(wanted) :]:
            if child.display:
                child.display = False
        if extra:
            await self.mount_all(extra)
