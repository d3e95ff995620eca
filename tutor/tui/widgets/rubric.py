"""The rubric of one turn: relevance, reasons and evidence, fallacies, answered the counter."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from tutor.session import Rubric
from tutor.tui.widgets.literal import bar, literal

ROWS = (("relevance", "Relevance"), ("reasons", "Reasons"), ("fallacies", "Fallacies"), ("answered", "Answered"))


def rubric_content(rubric: Rubric | None, number: int | None = None) -> Content:
    if not rubric:
        return Content.styled("The rubric for your turn appears here.", "dim")
    lines: list[Content] = [Content.styled(f"Rubric for turn {number}" if number else "Rubric", "bold")]
    for key, name in ROWS:
        item = getattr(rubric, key)
        if item is None:
            if key == "answered":
                lines.append(Content.assemble((f"{name:<10}", "bold"), ("not a rebuttal (pick a counter and press r)", "dim")))
            continue
        lines.append(Content.assemble(
            (f"{name:<10}", "bold"), (bar(item.score), "bold"), f" {item.score:.2f} ", literal(item.label),
        ))
        lines.append(Content.assemble(("          ", ""), literal(item.detail, "dim")))
    return Content("\n").join(lines)


class RubricView(Static):
    def show(self, rubric: Rubric | None, number: int | None = None) -> None:
        self.update(rubric_content(rubric, number))

    def on_mount(self) -> None:
        if not self.content:
            self.show(None)
