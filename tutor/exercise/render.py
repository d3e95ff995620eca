"""The class report as Markdown, CSV and HTML: thin views of `ClassReport`.

Student names, argument and counter text are untrusted: Markdown escapes
them (tutor.session.markdown.md_escape, one line per table cell), HTML
escapes them (html.escape, quotes included) and CSV guards cells that a
spreadsheet would run as a formula. Charts are PNG: linked from Markdown
(files beside it), embedded as base64 in HTML (one self-contained file).
"""

from __future__ import annotations

import base64
import csv
import html
import io
from typing import Any, Mapping

from tutor.exercise.report import ClassReport, StudentReport
from tutor.session.markdown import md_escape as _session_md_escape
from tutor.text import printable, shorten


def md_escape(text: str) -> str:
    """tutor.session's Markdown escape, and `&` too, so `&amp;` in a name shows as typed, not as `&`."""
    return _session_md_escape(text).replace("&", "\\&")


def _num(value: Any, digits: int = 2) -> str:
    return "-" if value is None else f"{float(value):.{digits}f}"


def _minutes(seconds: float) -> str:
    seconds = int(round(seconds or 0))
    return f"{seconds // 60}:{seconds % 60:02d}"


def _cell(text: Any, limit: int = 200) -> str:
    """Untrusted text as one Markdown table cell: one line, escaped (pipes included)."""
    return md_escape(shorten(str(text), limit)) or " "


def _fallacies_text(student: StudentReport, labels: Mapping[str, str]) -> str:
    return ", ".join(f"{labels.get(k, k)} {n}" for k, n in student.fallacies_by_type.items()) or "none"


def _title(report: ClassReport) -> str:
    return report.exercise.title if report.exercise else "no submissions"


# --- Markdown -----------------------------------------------------------------------------------


def to_markdown(report: ClassReport, charts: Mapping[str, str] | None = None) -> str:
    """The report as Markdown; `charts` maps a chart's name to the (relative) path of its PNG."""
    ex, labels = report.exercise, report.labels
    out = [f"# Class report: {md_escape(_title(report))}", ""]
    if ex:
        out.append(f"- Exercise: `{md_escape(ex.id)}`, content hash `{ex.sha256[:12]}`")
        out.append(f"- Motion: {md_escape(ex.motion_statement)}")
        out.append(f"- Side: {ex.side}; {ex.rounds} round{'s' if ex.rounds != 1 else ''}, "
                   f"{ex.min_words}-{ex.max_words} words"
                   + (f", {ex.time_limit_seconds} s per turn" if ex.time_limit_seconds else ""))
        out.append(f"- Focus: {', '.join(md_escape(labels.get(f, f)) for f in ex.focus) or 'none'}")
    finished = sum(1 for s in report.students if s.status == "finished")
    out.append(f"- Students: {len(report.students)} ({finished} finished); files skipped: {len(report.skipped)}")
    out.append(f"- Folder: {md_escape(report.folder)}; generated {report.generated}")
    out += ["", "## The class", ""]
    if report.fallacies:
        out += ["Most common fallacies (* a focus fallacy of this exercise):", "",
                "| fallacy | findings | students |", "|---|---:|---:|"]
        star = " \\*"  # an escaped asterisk: a literal star, not emphasis
        out += [f"| {_cell(f.label)}{star if f.focus else ''} | {f.count} | {f.students} |" for f in report.fallacies]
    else:
        out.append("No fallacies found.")
    out.append("")
    if report.dropped:
        out += ["Counters most often dropped:", "", "| counter | source | dropped by | shown to |", "|---|---|---:|---:|"]
        out += [f"| {_cell(d.text, 120)} | {_cell(d.source, 60)} | {d.dropped} | {d.shown} |" for d in report.dropped[:10]]
    else:
        out.append("No counter dropped.")
    out.append("")
    if report.help:
        out += ["Who needs help with what:", ""]
        out += [f"- {md_escape(h.topic)}: {', '.join(md_escape(n) for n in h.students)}" for h in report.help]
    else:
        out.append("Nobody stands out as needing help.")
    out.append("")
    if report.rubric_by_turn:
        out += ["Rubric over turns (class mean, 0-1):", "",
                "| turn | students | score | relevance | reasons | free of fallacies | answered |",
                "|---:|---:|---:|---:|---:|---:|---:|"]
        out += [f"| {p.turn} | {p.students} | {_num(p.score)} | {_num(p.relevance)} | {_num(p.reasons)} | "
                f"{_num(p.fallacies)} | {_num(p.answered)} |" for p in report.rubric_by_turn]
        out.append("")
    if charts:
        out += [f"![{md_escape(name)} chart]({path.replace(' ', '%20').replace('(', '%28').replace(')', '%29')})"
                for name, path in charts.items()]
        out.append("")
    out += ["## Students", "",
            "| student | side | status | rounds | grade | words | time | fallacies | answered | dropped | needs help with |",
            "|---|---|---|---:|---:|---:|---:|---|---:|---:|---|"]
    for s in report.students:
        out.append(f"| {_cell(s.name)} | {s.side or '-'} | {s.status} | {s.rounds_done}/{s.rounds} | {s.grade:.1f} | "
                   f"{s.words} | {_minutes(s.time_used_seconds)} | {_cell(_fallacies_text(s, labels))} | "
                   f"{s.answered} | {s.dropped} | {_cell('; '.join(s.help) or '-')} |")
    out.append("")
    for s in report.students:
        out += [f"### {md_escape(' '.join(printable(s.name).split()))} (`{s.key}`)", ""]
        if not s.turns:
            out += ["No turn done yet.", ""]
            continue
        out += ["| turn | words | score | relevance | reasons | free of fallacies | answered | findings | time |",
                "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        out += [f"| {t.turn} | {t.words} | {_num(t.score)} | {_num(t.relevance)} | {_num(t.reasons)} | "
                f"{_num(t.fallacies)} | {_num(t.answered)} | {t.findings} | "
                f"{_minutes(t.writing_seconds or 0)}{' late' if t.over_time else ''} |" for t in s.turns]
        out.append("")
    out += ["## Skipped files", ""]
    out += [f"- `{md_escape(k.file).replace('`', '')}`: {md_escape(k.reason)}" for k in report.skipped] or ["None."]
    return "\n".join(out) + "\n"


# --- CSV ----------------------------------------------------------------------------------------

CSV_COLUMNS = ["student", "key", "file", "side", "status", "rounds_done", "rounds", "grade", "words",
               "time_used_seconds", "late_turns", "turn_scores", "fallacies", "counters_answered",
               "counters_dropped", "counters_open", "needs_help"]


def _csv_safe(value: Any) -> Any:
    """A cell a spreadsheet shows as text: a leading = + - @ (or tab, CR) would start a formula."""
    if isinstance(value, str):
        value = printable(value).replace("\n", " ")
        if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
            return "'" + value
    return value


def to_csv(report: ClassReport) -> str:
    """One row per student; skipped files are not rows (the CLI lists them on stderr)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for s in report.students:
        row = [s.name, s.key, s.file, s.side or "", s.status, s.rounds_done, s.rounds, f"{s.grade:.1f}", s.words,
               f"{s.time_used_seconds:.1f}", " ".join(map(str, s.late_turns)),
               " ".join(f"{t.score:.3f}" for t in s.turns),
               "; ".join(f"{k}:{n}" for k, n in s.fallacies_by_type.items()),
               s.answered, s.dropped, s.open, "; ".join(s.help)]
        writer.writerow([_csv_safe(v) for v in row])
    return buffer.getvalue()


# --- HTML ---------------------------------------------------------------------------------------

_STYLE = """body{font-family:system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;
vertical-align:top}td.n{text-align:right}th{background:#f3f3f3}img{max-width:100%;margin:.5em 0}
.dim{color:#777}.late{color:#b00}"""


def _h(text: Any) -> str:
    return html.escape(printable(str(text)), quote=True)


def _table(head: list[str], rows: list[list[tuple[str, bool]]]) -> str:
    """`rows` of (already escaped HTML, is a number) cells."""
    out = ["<table><thead><tr>" + "".join(f"<th>{_h(c)}</th>" for c in head) + "</tr></thead><tbody>"]
    for row in rows:
        out.append("<tr>" + "".join(f"<td class=\"n\">{c}</td>" if n else f"<td>{c}</td>" for c, n in row) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def to_html(report: ClassReport, png: Mapping[str, bytes] | None = None) -> str:
    """One self-contained HTML page; `png` maps a chart's name to its PNG bytes (embedded as base64)."""
    ex, labels = report.exercise, report.labels
    out = ["<!DOCTYPE html>", "<html lang=\"en\"><head><meta charset=\"utf-8\">",
           f"<title>Class report: {_h(_title(report))}</title>", f"<style>{_STYLE}</style></head><body>",
           f"<h1>Class report: {_h(_title(report))}</h1>", "<ul>"]
    if ex:
        out.append(f"<li>Exercise <code>{_h(ex.id)}</code>, content hash <code>{_h(ex.sha256[:12])}</code></li>")
        out.append(f"<li>Motion: {_h(ex.motion_statement)}</li>")
        out.append(f"<li>Side: {_h(ex.side)}; {ex.rounds} rounds, {ex.min_words}-{ex.max_words} words"
                   + (f", {ex.time_limit_seconds} s per turn" if ex.time_limit_seconds else "") + "</li>")
        out.append(f"<li>Focus: {_h(', '.join(labels.get(f, f) for f in ex.focus) or 'none')}</li>")
    finished = sum(1 for s in report.students if s.status == "finished")
    out.append(f"<li>Students: {len(report.students)} ({finished} finished); files skipped: {len(report.skipped)}</li>")
    out.append(f"<li class=\"dim\">Folder {_h(report.folder)}; generated {_h(report.generated)}</li></ul>")
    out.append("<h2>The class</h2>")
    if report.fallacies:
        out.append("<p>Most common fallacies (* a focus fallacy of this exercise):</p>")
        out.append(_table(["fallacy", "findings", "students"],
                          [[(_h(f.label + (" *" if f.focus else "")), False), (str(f.count), True),
                            (str(f.students), True)] for f in report.fallacies]))
    else:
        out.append("<p>No fallacies found.</p>")
    if report.dropped:
        out.append("<p>Counters most often dropped:</p>")
        out.append(_table(["counter", "source", "dropped by", "shown to"],
                          [[(_h(shorten(d.text, 300)), False), (_h(d.source), False), (str(d.dropped), True),
                            (str(d.shown), True)] for d in report.dropped[:10]]))
    else:
        out.append("<p>No counter dropped.</p>")
    if report.help:
        out.append("<p>Who needs help with what:</p><ul>")
        out += [f"<li>{_h(h.topic)}: {_h(', '.join(h.students))}</li>" for h in report.help]
        out.append("</ul>")
    else:
        out.append("<p>Nobody stands out as needing help.</p>")
    for name, data in (png or {}).items():
        encoded = base64.b64encode(data).decode("ascii")
        out.append(f"<img alt=\"{_h(name)} chart\" src=\"data:image/png;base64,{encoded}\">")
    if report.rubric_by_turn:
        out.append("<p>Rubric over turns (class mean, 0-1):</p>")
        out.append(_table(["turn", "students", "score", "relevance", "reasons", "free of fallacies", "answered"],
                          [[(str(p.turn), True), (str(p.students), True), (_num(p.score), True),
                            (_num(p.relevance), True), (_num(p.reasons), True), (_num(p.fallacies), True),
                            (_num(p.answered), True)] for p in report.rubric_by_turn]))
    out.append("<h2>Students</h2>")
    out.append(_table(["student", "side", "status", "rounds", "grade", "words", "time", "fallacies", "answered",
                       "dropped", "needs help with"],
                      [[(_h(s.name), False), (_h(s.side or "-"), False), (_h(s.status), False),
                        (f"{s.rounds_done}/{s.rounds}", True), (f"{s.grade:.1f}", True), (str(s.words), True),
                        (_minutes(s.time_used_seconds), True), (_h(_fallacies_text(s, labels)), False),
                        (str(s.answered), True), (str(s.dropped), True), (_h("; ".join(s.help) or "-"), False)]
                       for s in report.students]))
    for s in report.students:
        out.append(f"<h3>{_h(s.name)} <span class=\"dim\">({_h(s.key)})</span></h3>")
        if not s.turns:
            out.append("<p>No turn done yet.</p>")
            continue
        out.append(_table(["turn", "words", "score", "relevance", "reasons", "free of fallacies", "answered",
                           "findings", "time"],
                          [[(str(t.turn), True), (str(t.words), True), (_num(t.score), True),
                            (_num(t.relevance), True), (_num(t.reasons), True), (_num(t.fallacies), True),
                            (_num(t.answered), True), (str(t.findings), True),
                            (_minutes(t.writing_seconds or 0) + (" <span class=\"late\">late</span>"
                                                                 if t.over_time else ""), True)]
                           for t in s.turns]))
    out.append("<h2>Skipped files</h2>")
    if report.skipped:
        out.append("<ul>" + "".join(f"<li><code>{_h(k.file)}</code>: {_h(k.reason)}</li>" for k in report.skipped)
                   + "</ul>")
    else:
        out.append("<p>None.</p>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


__all__ = ["CSV_COLUMNS", "to_csv", "to_html", "to_markdown"]
