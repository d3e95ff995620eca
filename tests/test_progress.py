"""The build's progress line: rate and ETA on a terminal, nothing when piped."""

from tutor.commands.common import Progress


def test_progress_shows_rate_and_eta_on_a_terminal(capsys):
    progress = Progress("embedding", enabled=True)
    progress(0, 1000)
    progress(1000, 1000)
    progress.close()
    err = capsys.readouterr().err
    assert "1000/1000 passages" in err and "/s" in err
    progress = Progress("embedding", enabled=True)
    progress.started -= 2.0  # two seconds in, a tenth done
    progress(100, 1000)
    assert "ETA 0:" in capsys.readouterr().err


def test_progress_is_silent_when_piped(capsys):
    progress = Progress("embedding", enabled=False)
    progress(5, 10)
    progress.close()
    assert capsys.readouterr().err == ""
