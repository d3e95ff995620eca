"""The file store: one JSON file per session in `data_dir()/sessions`.

Written atomically, with a header (format, format_version, tool_version)
checked on load.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from tutor import __version__
from tutor.errors import UsageError
from tutor.files import write_json_atomic
from tutor.session.records import Session, SessionError, now_iso

FORMAT = "tutor-session"
FORMAT_VERSION = 1
DATA_ENV = "TUTOR_DATA_DIR"


def data_dir() -> Path:
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("tutor", appauthor=False))


def sessions_dir(base: Path | str | None = None) -> Path:
    return (Path(base) if base else data_dir()) / "sessions"


def session_path(session_id: str, base: Path | str | None = None) -> Path:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.\-]*", session_id or ""):
        raise UsageError(f"not a session id: {session_id!r}", "see the saved sessions on the start screen")
    return sessions_dir(base) / f"{session_id}.json"


def save(session: Session, base: Path | str | None = None) -> Path:
    session.updated = now_iso()
    path = session_path(session.id, base)
    try:
        write_json_atomic(path, {"format": FORMAT, "format_version": FORMAT_VERSION, "tool_version": __version__,
                                 "session": session.to_dict()})
    except OSError as exc:
        raise SessionError(f"cannot save the session to {path}: {exc.strerror}",
                           f"make {path.parent} writable, or set {DATA_ENV} to a writable directory") from None
    return path


def load_path(path: Path) -> Session:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SessionError(f"no saved session at {path}", "start a new session") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SessionError(f"the session file {path} is corrupt ({exc})", "delete it or start a new session") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SessionError(f"{path} is not a tutor session file", "delete it or start a new session")
    version = data.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise SessionError(
            f"the session file {path} has format {version!r}, written by tutor {data.get('tool_version', '?')}; "
            f"this tutor reads format {FORMAT_VERSION}",
            "upgrade tutor to resume it",
        )
    try:
        session = Session.from_dict(data["session"])
        if not isinstance(session.id, str) or not all(isinstance(t.text, str) for t in session.turns):
            raise TypeError("bad field types")
    except (KeyError, TypeError, AttributeError) as exc:
        raise SessionError(f"the session file {path} is corrupt ({exc})", "delete it or start a new session") from None
    return session


def load(session_id: str, base: Path | str | None = None) -> Session:
    return load_path(session_path(session_id, base))


def list_sessions(base: Path | str | None = None) -> list[dict[str, Any]]:
    """Saved sessions, newest first: {"id","path","motion_statement","side","turns","updated","error"}."""
    folder = sessions_dir(base)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob("*.json"):
        try:
            s = load_path(path)
            found.append({"id": s.id, "path": str(path), "motion": s.motion, "motion_statement": s.motion_statement,
                          "side": s.side, "turns": len(s.turns), "updated": s.updated or s.created,
                          "finished": s.finished, "error": None})
        except SessionError as exc:
            found.append({"id": path.stem, "path": str(path), "motion": None, "motion_statement": None, "side": None,
                          "turns": 0, "updated": "", "finished": False, "error": exc.one_line()})
    found.sort(key=lambda s: (s["updated"], s["id"]), reverse=True)
    return found


def latest(base: Path | str | None = None) -> Session:
    for entry in list_sessions(base):
        if entry["error"] is None:
            return load(entry["id"], base)
    raise SessionError("no saved session to resume", "start one with `tutor play`")


def resolve(resume: str | None, base: Path | str | None = None) -> Session:
    """`--resume` (latest) or `--resume ID`."""
    if resume in (None, "", "latest"):
        return latest(base)
    path = session_path(resume, base)
    if not path.is_file():
        raise SessionError(f"no saved session {resume!r}", "run `tutor play --resume` for the latest, or start a new one")
    return load_path(path)
