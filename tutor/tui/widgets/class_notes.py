"""The live class view's side panel: most common fallacies, counters most often dropped, who needs help, skipped files."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from tutor.exercise.report import ClassReport
from tutor.text import shorten
from tutor.tui.widgets.literal import literal


def notes_content(report: ClassReport) -> Content:
    lines: list[Content] = [Content.styled("Most common fallacies", "bold")]
    lines += [Content.assemble(f"{f.count:>3}  ", literal(f.label), (" focus" if f.focus else "", "bold red"),
                               (f"  ({f.students} student{'s' if f.students != 1 else ''})", "dim"))
              for f in report.fallacies[:8]] or [Content.styled("  none found", "dim")]
    lines += [Content(""), Content.styled("Counters most often dropped", "bold")]
    lines += [Content.assemble(f"{d.dropped:>3}/{d.shown:<3} ", literal(shorten(d.text, 60)))
              for d in report.dropped[:5]] or [Content.styled("  none dropped", "dim")]
    lines += [Content(""), Content.styled("Who needs help with what", "bold")]
    lines += [Content.assemble(literal(h.topic), ": ", literal(", ".join(h.students))) for h in report.help] or \
        [Content.styled("  nobody stands out", "dim")]
    lines += [Content(""), Content.styled(f"Skipped files ({len(report.skipped)})", "bold")]
    lines += [Content.assemble(literal(s.file), (": ", "dim"), literal(shorten(s.reason, 120)))
              for s in report.skipped] or [Content.styled("  none", "dim")]
    return Content("\n").join(lines)


class ClassNotes(Static):
    def show(self, report: ClassReport) -> None:
        self.update(notes_content(report))
