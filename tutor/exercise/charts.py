"""The class report's two charts: fallacies by type, and the rubric over turns.

The same data drawn two ways, both imported lazily (only a report with
charts pays for them):

- `terminal_charts(report)`: plotext text for a terminal (plain, or with ANSI
  colours), shown by the CLI and, as text with markup off, in the live view;
- `png_charts(report, folder, stem)`: PNG files drawn by matplotlib's Agg
  backend (no display needed), linked from the Markdown report and embedded
  in the HTML one.

Only the class's own figures are drawn: fallacy labels come from the
catalogue and the axes are turns and scores, so no student's text is ever
in a chart.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from tutor.exercise.report import ClassReport
from tutor.files import atomic_writer
from tutor.text import printable

PARTS = (("score", "turn score"), ("relevance", "relevance"), ("reasons", "reasons"),
         ("fallacies", "free of fallacies"), ("answered", "answered"))
PLAIN_MARKERS = ("●", "+", "x", "o", "*")


def fallacy_series(report: ClassReport) -> tuple[list[str], list[int]]:
    rows = report.fallacies
    return [f.label + (" *" if f.focus else "") for f in rows], [f.count for f in rows]


def rubric_series(report: ClassReport) -> tuple[list[int], dict[str, list[float | None]]]:
    turns = [p.turn for p in report.rubric_by_turn]
    return turns, {label: [getattr(p, name) for p in report.rubric_by_turn] for name, label in PARTS}


def terminal_charts(report: ClassReport, width: int = 80, height: int = 14, color: bool = False) -> str:
    """Both charts as text (plotext), one under the other; lines of at most `width` characters."""
    import plotext as plt

    out: list[str] = []
    labels, counts = fallacy_series(report)
    plt.clear_figure()
    if not color:
        plt.theme("clear")
    if labels:
        plt.simple_bar(labels, counts, width=width - 1, title="Fallacies by type (* focus)")
        out.append(plt.build())
    else:
        out.append("Fallacies by type: none found")
    turns, series = rubric_series(report)
    plt.clear_figure()
    if not color:
        plt.theme("clear")
    if turns:
        for (label, values), glyph in zip(series.items(), PLAIN_MARKERS):
            points = [(t, v) for t, v in zip(turns, values) if v is not None]
            if points:  # without colour, a glyph of its own tells each line apart
                plt.plot([t for t, _ in points], [v for _, v in points], label=label,
                         marker=("braille" if len(points) > 1 else "dot") if color else glyph)
        plt.plotsize(width, height)
        plt.ylim(0, 1)
        plt.xticks(turns)
        plt.title("Rubric over turns (class mean, 0-1)")
        plt.xlabel("turn")
        out.append(plt.build())
    else:
        out.append("Rubric over turns: no turn done yet")
    plt.clear_figure()
    text = "\n".join(line.rstrip() for part in out for line in part.rstrip("\n").split("\n")) + "\n"
    return text if color else printable(text)  # plotext colours its bar charts whatever the theme


def _figures(report: ClassReport) -> dict[str, Any]:
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure  # a Figure not attached to pyplot: thread-safe, never shown

    figures: dict[str, Any] = {}
    labels, counts = fallacy_series(report)
    fig = Figure(figsize=(7, max(2.2, 0.45 * len(labels) + 1.2)), dpi=100)
    ax = fig.add_subplot()
    if labels:
        colours = ["#c0504d" if f.focus else "#4f81bd" for f in report.fallacies]  # focus types in red
        ax.barh(list(reversed(labels)), list(reversed(counts)), color=list(reversed(colours)))
        ax.set_xlabel("findings in the class")
        ax.xaxis.get_major_locator().set_params(integer=True)
    else:
        ax.text(0.5, 0.5, "no fallacies found", ha="center", va="center")
        ax.set_axis_off()
    ax.set_title("Fallacies by type (* focus)")
    fig.tight_layout()
    figures["fallacies"] = fig

    turns, series = rubric_series(report)
    fig = Figure(figsize=(7, 3.6), dpi=100)
    ax = fig.add_subplot()
    if turns:
        for label, values in series.items():
            points = [(t, v) for t, v in zip(turns, values) if v is not None]
            if points:
                ax.plot([t for t, _ in points], [v for _, v in points], marker="o", label=label)
        ax.set_xticks(turns)
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("turn")
        ax.set_ylabel("class mean")
        ax.legend(loc="lower left", fontsize="small")
        ax.grid(alpha=0.3)
    else:
        ax.text(0.5, 0.5, "no turn done yet", ha="center", va="center")
        ax.set_axis_off()
    ax.set_title("Rubric over turns")
    fig.tight_layout()
    figures["rubric"] = fig
    return figures


def png_bytes(report: ClassReport) -> dict[str, bytes]:
    """Each chart as PNG bytes, by name ("fallacies", "rubric")."""
    out: dict[str, bytes] = {}
    for name, fig in _figures(report).items():
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", metadata={"Software": None})
        out[name] = buffer.getvalue()
    return out


def png_charts(report: ClassReport, folder: Path | str, stem: str) -> dict[str, Path]:
    """Write `<stem>-fallacies.png` and `<stem>-rubric.png` into `folder` (atomically); their paths by name."""
    paths: dict[str, Path] = {}
    for name, data in png_bytes(report).items():
        path = Path(folder) / f"{stem}-{name}.png"
        with atomic_writer(path, "wb") as handle:
            handle.write(data)
        paths[name] = path
    return paths


__all__ = ["fallacy_series", "png_bytes", "png_charts", "rubric_series", "terminal_charts"]
