"""Debate sessions: turns, the clash tracker, the rubric, autosave and export.

Core code: imports nothing from Textual or click. One module per concern:

- `records`: `Session` and `Turn` (and `SessionError`), checked on read by `tutor.schema`;
- `clash`: the clash tracker (counters answered, open, dropped);
- `rubric`: the per-turn `Rubric`, every score with its evidence;
- `turns`: what one turn's feedback is made of (`Tutor.run_turn` in the core API runs it);
- `summary`: the end-of-session summary;
- `markdown`: the Markdown transcript;
- `store`: files on disk (save, load, list, resume).

The names below are re-exported so callers write `from tutor import session`
and `session.save(...)`.
"""

from __future__ import annotations

from tutor.session.clash import clash
from tutor.session.markdown import export_markdown, md_escape, to_markdown
from tutor.session.records import Session, SessionError, Turn, new_session_id, now_iso
from tutor.session.rubric import (
    ENGAGED,
    RELEVANCE_ON,
    RELEVANCE_PARTLY,
    SHARED_WORDS,
    AnsweredScore,
    FallaciesScore,
    ReasonsScore,
    Rubric,
    Score,
    content_words,
    rubric,
)
from tutor.session.store import (
    DATA_ENV,
    FORMAT,
    FORMAT_VERSION,
    data_dir,
    latest,
    list_sessions,
    load,
    load_path,
    resolve,
    save,
    session_path,
    sessions_dir,
)
from tutor.session.summary import summary
from tutor.session.turns import TurnFeedback, answered_counter, debate_context, turn_feedback

__all__ = [
    "AnsweredScore", "DATA_ENV", "ENGAGED", "FallaciesScore", "ReasonsScore", "Rubric", "Score", "FORMAT", "FORMAT_VERSION", "RELEVANCE_ON", "RELEVANCE_PARTLY", "SHARED_WORDS",
    "Session", "SessionError", "Turn", "TurnFeedback", "answered_counter", "clash", "content_words", "data_dir",
    "debate_context", "export_markdown",
    "latest", "list_sessions", "load", "load_path", "md_escape", "new_session_id", "now_iso", "resolve", "rubric",
    "save", "session_path", "sessions_dir", "summary", "to_markdown", "turn_feedback",
]
