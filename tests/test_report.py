"""The class report: a folder of real submissions (built through the exercise code) in all four formats."""

from __future__ import annotations

import base64
import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from report_helpers import AD_HOMINEM, Plan, build_class, parse_html, play, write_exercise
from tutor.commands.exercise_cmds import exercise_group
from tutor.exercise import render
from tutor.exercise.charts import png_bytes, terminal_charts
from tutor.exercise.report import build_report, folder_signature

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    return build_class(tmp_path_factory.mktemp("class"))


def report_cli(*args: str):
    return CliRunner().invoke(exercise_group, ["report", *args])


def by_name(report):
    return {s.name: s for s in report.students}


def test_the_report_reads_every_student_and_skips_bad_files_with_the_reason(klass):
    exercise, folder, files = klass
    report = build_report(folder)
    assert report.exercise.id == "class-demo" and report.exercise.sha256 == exercise.sha256
    students = by_name(report)
    assert set(students) == {"Ann Lee", "Ben", "Cleo", "Dev <b>&amp;"}
    skipped = {s.file: s.reason for s in report.skipped}
    assert set(skipped) == {"corrupt.json", "truncated.json", "eve-other.json", "newer.json"}
    assert "not UTF-8" in skipped["corrupt.json"]
    assert "truncated or corrupt" in skipped["truncated.json"]
    assert "another exercise" in skipped["eve-other.json"] and exercise.sha256[:12] in skipped["eve-other.json"]
    assert "format_version 2 is newer" in skipped["newer.json"]
    assert not any(str(folder) in reason for reason in skipped.values())  # the file is named once, in `file`


def test_per_student_figures(klass):
    _, folder, _ = klass
    s = by_name(build_report(folder))
    ann, ben, cleo, dev = s["Ann Lee"], s["Ben"], s["Cleo"], s["Dev <b>&amp;"]
    assert [t.turn for t in ann.turns] == [1, 2, 3] and ann.status == "finished" and ann.rounds_done == 3
    assert ann.words == 11 + 13 + 9 and [t.words for t in ann.turns] == [11, 13, 9]
    assert ann.time_used_seconds == 35 + 40 + 40 and ann.late_turns == []
    assert ann.answered == 2 and ann.dropped == 4 and ann.fallacies_by_type == {}
    assert ann.turns[1].answered == 1.0 and ann.turns[0].answered is None
    assert ann.help == []  # answered a counter in every later turn: the dropped second cards are expected
    assert ben.fallacies_by_type == {"ad_hominem": 2, "hasty_generalization": 1, "straw_man": 1}
    assert ben.late_turns == [1, 3] and ben.turns[0].over_time and ben.turns[0].writing_seconds == 75
    assert ben.answered == 0 and ben.dropped == 6
    assert ben.turns[1].fallacies == 0.0 and ben.turns[1].findings == 2  # focus finding costs double
    assert [h.split(" (")[0] for h in ben.help] == ["Ad hominem", "staying on the motion",
                                                    "giving reasons and evidence", "answering counters", "time"]
    assert cleo.status == "in progress" and cleo.rounds_done == 2 and cleo.open == 2
    assert cleo.help == ["engaging the counter they answer (1 rebuttal missed it)"]
    assert dev.rounds_done == 1 and dev.grade < ann.grade and ben.grade < ann.grade


def test_class_figures(klass):
    _, folder, _ = klass
    report = build_report(folder)
    assert [(f.type, f.count, f.students, f.focus) for f in report.fallacies] == [
        ("hasty_generalization", 2, 2, False), ("straw_man", 2, 2, False), ("ad_hominem", 2, 1, True)]
    top = report.dropped[0]
    assert top.id == "essay:12" and top.dropped == 3 and top.shown == 4  # every student's turn-1 second card
    assert [(p.turn, p.students) for p in report.rubric_by_turn] == [(1, 4), (2, 3), (3, 2)]
    assert report.rubric_by_turn[0].answered is None and report.rubric_by_turn[1].answered == pytest.approx(0.6)
    assert report.rubric_by_turn[0].relevance == pytest.approx((0.6 + 0.35 + 0.6 + 0.6) / 4, abs=1e-3)
    helped = {h.topic: h.students for h in report.help}
    assert helped["Ad hominem"] == ["Ben"] and helped["engaging the counter they answer"] == ["Cleo"]


def test_json_is_the_core_data(klass):
    _, folder, _ = klass
    result = report_cli(str(folder), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["format"] == "tutor-class-report" and data["format_version"] == 1
    core = build_report(folder).to_dict()
    for key in ("exercise", "students", "skipped", "class"):
        assert data[key] == core[key]
    assert data["class"]["students"] == 4 and data["class"]["finished"] == 2
    ben = next(s for s in data["students"] if s["name"] == "Ben")
    assert ben["counters_dropped"] == 6 and len(ben["turns"]) == 3 and ben["turns"][0]["over_time"] is True
    assert result.stderr.count("warning: skipped ") == 4


def test_markdown_with_png_charts_beside_it(klass, tmp_path):
    _, folder, _ = klass
    out = tmp_path / "my report.md"
    result = report_cli(str(folder), "--out", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    for name in ("fallacies", "rubric"):
        png = tmp_path / f"my report-{name}.png"
        assert png.read_bytes().startswith(PNG) and png.stat().st_size > 5000
        assert f"(my%20report-{name}.png)" in text
    assert "| Ad hominem \\* | 2 | 1 |" in text
    assert "| Ben | con | finished | 3/3 |" in text
    assert "Dev \\<b\\>\\&amp;" in text and "<b>" not in text
    assert "## Skipped files" in text and "`newer.json`: format\\_version 2 is newer" in text
    assert f"wrote {out}" in result.stderr


def test_markdown_to_stdout_has_no_chart_links(klass):
    result = report_cli(str(klass[1]))
    assert result.exit_code == 0 and "# Class report: Class demo" in result.stdout and ".png" not in result.stdout


def test_csv_one_row_per_student(klass, tmp_path):
    out = tmp_path / "r.csv"
    result = report_cli(str(klass[1]), "--format", "csv", "--out", str(out))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["student"] for r in rows] == ["Ann Lee", "Ben", "Cleo", "Dev <b>&amp;"]
    ben = rows[1]
    assert ben["fallacies"] == "ad_hominem:2; hasty_generalization:1; straw_man:1" and ben["late_turns"] == "1 3"
    assert len(ben["turn_scores"].split()) == 3 and ben["counters_dropped"] == "6"


def test_html_embeds_both_charts_and_escapes_names(klass, tmp_path):
    out = tmp_path / "r.html"
    result = report_cli(str(klass[1]), "--format", "html", "--out", str(out))
    assert result.exit_code == 0, result.output
    page = parse_html(out.read_text(encoding="utf-8"))
    assert len(page.images) == 2
    for src in page.images:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1]).startswith(PNG)
    assert "b" not in page.tags  # the name "Dev <b>&amp;" is text, not a tag
    assert "Dev <b>&amp;" in "".join(page.text)
    assert "newer.json" in "".join(page.text)


def test_terminal_charts_show_both_charts(klass):
    report = build_report(klass[1])
    text = terminal_charts(report, width=70)
    assert "Fallacies by type" in text and "Rubric over turns" in text
    assert "Ad hominem *" in text and "Hasty generalization" in text
    assert "\x1b[" not in text and max(len(line) for line in text.splitlines()) <= 70
    assert "\x1b[" in terminal_charts(report, width=70, color=True)
    result = report_cli(str(klass[1]), "--format", "json", "--charts")
    assert result.exit_code == 0 and "Rubric over turns" in result.stderr and "Rubric" not in result.stdout


def test_an_empty_or_missing_folder(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = report_cli(str(empty), "--format", "html")
    assert result.exit_code == 0 and "no submission of the exercise" in result.stderr
    assert "No fallacies found." in result.stdout and "Students: 0 (0 finished)" in result.stdout
    assert len(parse_html(result.stdout).images) == 2  # the charts say there is nothing yet
    missing = report_cli(str(tmp_path / "nowhere"))
    assert missing.exit_code == 2 and missing.stderr.startswith("error: ") and "no such folder" in missing.stderr
    assert "Traceback" not in missing.output
    onto_folder = report_cli(str(empty), "--out", str(tmp_path))
    assert onto_folder.exit_code == 2 and "is a folder" in onto_folder.stderr


def test_the_exercise_file_decides_which_submissions_are_of_the_class(klass, tmp_path):
    exercise, folder, files = klass
    other_file = write_exercise(tmp_path, (Path(exercise.path).read_text() + "\n"), "changed.toml")
    result = report_cli(str(folder), "--format", "json", "--exercise", other_file.path)
    data = json.loads(result.stdout)
    assert data["students"] == [] and len(data["skipped"]) == 8  # every student wrote the other version
    same = json.loads(report_cli(str(folder), "--format", "json", "--exercise", exercise.path).stdout)
    assert len(same["students"]) == 4
    bad = report_cli(str(folder), "--exercise", str(tmp_path / "missing.toml"))
    assert bad.exit_code == 2 and bad.stderr.startswith("error: ") and "Traceback" not in bad.output


def test_without_an_exercise_file_the_most_common_exercise_wins(tmp_path):
    exercise = write_exercise(tmp_path / "ex")
    other = write_exercise(tmp_path / "ex2", (Path(exercise.path).read_text() + "# v2\n"), "v2.toml")
    out = tmp_path / "out"
    play(out, exercise, "A", [Plan("Soft power is real because people admire free countries.")])
    shutil.copy(play(tmp_path / "o", other, "B", [Plan("Soft power is real in many ways today.")]).path,
                out / exercise.id / "b.json")
    shutil.copy(play(tmp_path / "o", other, "C", [Plan("Soft power is real in many ways today.")]).path,
                out / exercise.id / "c.json")
    report = build_report(out / exercise.id)
    assert report.exercise.sha256 == other.sha256 and {s.name for s in report.students} == {"B", "C"}
    assert [s.file for s in report.skipped] == [f for f in (p.name for p in (out / exercise.id).glob("a-*.json"))]


def test_a_file_in_the_middle_of_a_write_never_crashes_a_report(klass, tmp_path):
    """Every prefix of a real submission is read or skipped; the report never raises."""
    _, folder, files = klass
    data = files["ben"].read_bytes()
    target = tmp_path / "cut"
    target.mkdir()
    for cut in range(0, len(data), max(1, len(data) // 60)):
        (target / "x.json").write_bytes(data[:cut])
        report = build_report(target)
        assert len(report.students) + len(report.skipped) == 1


def test_folder_signature_changes_when_a_submission_is_written(tmp_path):
    exercise = write_exercise(tmp_path / "ex")
    out = tmp_path / "out"
    claimed = play(out, exercise, "A", [Plan("Soft power is real because people admire free countries.")])
    before = folder_signature(claimed.path.parent)
    (claimed.path.parent / "notes.txt").write_text("x")
    assert folder_signature(claimed.path.parent) == before  # only submissions count
    play(out, exercise, "B", [Plan("Soft power is real because people admire free countries.")])
    assert len(folder_signature(claimed.path.parent)) == 2 and folder_signature(tmp_path / "nowhere") is None


# --- hostile names and text ---------------------------------------------------------------------

HOSTILE = st.one_of(
    st.sampled_from(["<script>alert(1)</script>", "</td></tr><img src=x onerror=alert(1)>", "[x](javascript:1)",
                     "| a | b |", "# Heading", "*bold* _it_ `code`", "=cmd|' /C calc'!A0", "&lt;b&gt;", "\x1b[31mred",
                     "<!-- c -->", "line\nbreak | pipe", "![i](http://x/y.png)"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=40),
)


HTML_TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "ul", "li", "code", "p", "table",
             "thead", "tbody", "tr", "th", "td", "span"}


def _hostile_report(root: Path, name: str, text: str):
    """A finished one-turn submission whose name, counter text and fallacy label are hostile."""
    from tutor import exercise as E
    from tutor.errors import UsageError

    exercise = write_exercise(root / "ex")
    try:
        E.clean_name(name)
    except UsageError:
        name = "x " + name  # a name the exercise code refuses never reaches a file; keep its hostile part
    label = dict(AD_HOMINEM, label=text)
    play(root / "out", exercise, name, [Plan("Soft power is real. " + text, [label], counter_text=text)],
         finish=True)
    return build_report(root / "out" / exercise.id)


@settings(max_examples=40, deadline=None)
@given(name=HOSTILE, text=HOSTILE)
def test_hostile_names_and_text_stay_text_in_html_and_markdown(tmp_path_factory, name, text):
    from tutor.text import printable

    report = _hostile_report(tmp_path_factory.mktemp("h"), name, text)
    assert len(report.students) == 1 and report.dropped and report.fallacies
    student = report.students[0]
    page = render.to_html(report, {})
    parsed = parse_html(page)
    assert set(parsed.tags) <= HTML_TAGS, set(parsed.tags) - HTML_TAGS
    shown = " ".join("".join(parsed.text).split())
    assert " ".join(printable(student.name).split()) in shown
    md = render.to_markdown(report)
    row = next(line for line in md.splitlines() if line.startswith("| ") and "| finished |" in line)
    assert len(re.split(r"(?<!\\)\|", row)) == 13  # 11 cells: the name's pipes and breaks add or split none
    for line in md.splitlines():
        if line.startswith("| ") and not line.startswith("| turn"):
            assert line.endswith(" |")  # every table row stays one line
    assert not re.search(r"(?<!\\)<[a-z!/]", md, re.I)  # no raw HTML
    assert not re.search(r"(?<!\\)\]\(", md)  # no link or image (this report has no chart links)
    for line in render.to_csv(report).splitlines()[1:]:
        assert line[:1] not in "=+-@"


def test_csv_cells_that_would_be_formulas_are_quoted_as_text():
    assert render._csv_safe("=SUM(A1)") == "'=SUM(A1)" and render._csv_safe("@x") == "'@x"
    assert render._csv_safe("Ann") == "Ann" and render._csv_safe(3) == 3


def test_png_charts_are_drawn_without_a_display(klass, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    charts = png_bytes(build_report(klass[1]))
    assert set(charts) == {"fallacies", "rubric"} and all(c.startswith(PNG) for c in charts.values())
