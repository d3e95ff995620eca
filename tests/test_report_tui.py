"""The live class view (`tutor exercise report --watch DIR`), driven by Pilot: it shows what arrives."""

from __future__ import annotations

from click.testing import CliRunner

from report_helpers import AD_HOMINEM, Plan, build_class, play
from tui_helpers import screen_text, static_text, sync, wait_until
from tutor.commands.exercise_cmds import exercise_group
from tutor.tui.report_app import ReportApp
from tutor.tui.screens.class_report import ClassReportScreen
from tutor.tui.widgets.class_chart import ClassChart
from tutor.tui.widgets.class_notes import ClassNotes
from tutor.tui.widgets.class_table import ClassTable


@sync
async def test_the_watch_view_shows_a_submission_as_it_arrives(tmp_path):
    exercise, folder, _ = build_class(tmp_path)
    app = ReportApp(folder, interval=0.05)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = app.screen
        assert isinstance(screen, ClassReportScreen)
        await wait_until(pilot, lambda: screen.updates >= 1)
        table = screen.query_one(ClassTable)
        assert table.names() == ["Ann Lee", "Ben", "Cleo", "Dev <b>&amp;"]  # shown as typed, never as markup
        first = screen.updates
        notes = static_text(screen.query_one(ClassNotes))
        assert "Skipped files (4)" in notes and "newer.json" in notes and "Ad hominem" in notes
        assert "Fallacies by type" in static_text(screen.query_one(ClassChart))

        # A new student's first turn lands in the folder, written by the exercise code.
        play(folder.parent, exercise, "[red]Zoe[/red]", [Plan("My rival is a fool, so soft power is real.",
                                                             [AD_HOMINEM])], start=30)
        await wait_until(pilot, lambda: len(table.names()) == 5)
        assert screen.updates > first
        assert "[red]Zoe[/red]" in table.names()
        assert "[red]Zoe[/red]" in screen_text(app)
        assert "5 students (2 finished), 4 skipped" in static_text(screen.query_one("#class-title"))
        ad_hominem = next(f for f in screen.report.fallacies if f.type == "ad_hominem")
        assert ad_hominem.count == 3 and ad_hominem.students == 2

        # Nothing changed: the report is not rebuilt; r rebuilds it at once.
        settled = screen.updates
        await pilot.pause(0.3)
        assert screen.updates == settled
        await pilot.press("r")
        await wait_until(pilot, lambda: screen.updates == settled + 1)
        await pilot.press("q")
    assert app.return_code == 0


@sync
async def test_the_watch_view_of_an_empty_folder_that_disappears(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    app = ReportApp(folder, interval=0.05)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        await wait_until(pilot, lambda: screen.updates >= 1)
        assert "no submissions yet" in static_text(screen.query_one("#class-title"))
        folder.rmdir()
        await wait_until(pilot, lambda: "cannot read the folder" in static_text(screen.query_one("#class-title")))
        assert "no such folder" in static_text(screen.query_one("#class-title"))


def test_watch_takes_no_format_and_needs_a_folder(tmp_path):
    runner = CliRunner()
    both = runner.invoke(exercise_group, ["report", str(tmp_path), "--watch", "--format", "csv"])
    assert both.exit_code == 2 and both.stderr.startswith("error: ") and "--watch" in both.stderr
    missing = runner.invoke(exercise_group, ["report", str(tmp_path / "nowhere"), "--watch"])
    assert missing.exit_code == 2 and "no such folder" in missing.stderr and "Traceback" not in missing.output
