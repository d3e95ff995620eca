"""The file store: one JSON file per session in `data_dir()/sessions`.

Written atomically, with a header (format, format_version, tool_version)
checked on load.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from pathlib import Path
from typing import Any, Callable

from tutor import __version__
from tutor.errors import TutorError, UsageError
from tutor.files import write_json_atomic
from tutor.schema import SchemaError, shown
from tutor.session.records import SESSION_ID, Session, SessionError, now_iso

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
    if not SESSION_ID.fullmatch(session_id or ""):
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
    """Read and check a session file; every problem is a one-line SessionError
    naming the file and, for a field that does not fit, the field."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SessionError(f"no saved session at {path}", "start a new session") from None
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        detail = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise SessionError(f"the session file {path} is corrupt ({detail})", "delete it or start a new session") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SessionError(f"{path} is not a tutor session file", "delete it or start a new session")
    version = data.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SessionError(f"the session file {path} is corrupt (`format_version` must be a whole number of 1 "
                           f"or more, not {shown(version)})", "delete it or start a new session")
    if version > FORMAT_VERSION:
        tool = data.get("tool_version")
        raise SessionError(
            f"the session file {path} has format {version}, written by tutor {tool if isinstance(tool, str) else '?'}"
            f"; this tutor reads format {FORMAT_VERSION}",
            "upgrade tutor to resume it",
        )
    if "session" not in data:
        raise SessionError(f"the session file {path} is corrupt (session: missing)", "delete it or start a new session")
    try:
        session = Session.from_dict(data["session"], str(path), "session")
    except SchemaError as exc:
        raise SessionError(f"the session file is corrupt: {exc.message}", "delete it or start a new session") from None
    try:  # free-form parts (a finding's marker, a side estimate) must be writable back too
        json.dumps(session.to_dict(), ensure_ascii=False).encode("utf-8")
    except (UnicodeEncodeError, ValueError) as exc:
        raise SessionError(f"the session file {path} is corrupt ({type(exc).__name__})",
                           "delete it or start a new session") from None
    return session


def load(session_id: str, base: Path | str | None = None) -> Session:
    return load_path(session_path(session_id, base))


def _modified(path: Path) -> str:
    try:
        stamp = path.stat().st_mtime
    except OSError:
        return ""
    return _dt.datetime.fromtimestamp(stamp, _dt.timezone.utc).isoformat(timespec="seconds")


def list_sessions(base: Path | str | None = None) -> list[dict[str, Any]]:
    """Saved sessions, newest first: {"id","path","session_id","motion","motion_statement","side","turns",
    "updated","finished","error"}.

    `id` is the file's name (what `resolve` and `load` take; unique in the folder);
    `session_id` the id inside it. A damaged file is listed with its `error` and
    sorted by its modification time.
    """
    folder = sessions_dir(base)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob("*.json"):
        entry: dict[str, Any] = {"id": path.stem, "path": str(path), "session_id": None, "motion": None,
                                 "motion_statement": None, "side": None, "turns": 0, "updated": _modified(path),
                                 "finished": False, "error": None}
        try:
            session_path(path.stem, base)  # a name `resolve` can take
            s = load_path(path)
        except TutorError as exc:
            entry["error"] = exc.one_line()
        else:
            entry.update(session_id=s.id, motion=s.motion, motion_statement=s.motion_statement, side=s.side,
                         turns=len(s.turns), updated=s.updated or s.created, finished=s.finished)
        found.append(entry)
    found.sort(key=lambda s: (s["updated"], s["id"]), reverse=True)
    return found


def latest(base: Path | str | None = None, warn: Callable[[str], None] | None = None) -> Session:
    """The newest session that loads; each damaged one newer than it is skipped
    with a one-line warning (file and reason) through `warn`."""
    skipped = 0
    for entry in list_sessions(base):
        if entry["error"] is None:
            try:
                return load_path(Path(entry["path"]))
            except SessionError as exc:  # changed since it was listed
                entry["error"] = exc.one_line()
        skipped += 1
        if warn is not None:
            warn(f"skipped {entry['path']}: {entry['error']}")
    raise SessionError("no saved session to resume" + (f" ({skipped} damaged, skipped)" if skipped else ""),
                       "start one with `tutor play`")


def resolve(resume: str | None, base: Path | str | None = None, warn: Callable[[str], None] | None = None) -> Session:
    """`--resume` (latest; damaged sessions are skipped with a warning) or `--resume ID`."""
    if resume in (None, "", "latest"):
        return latest(base, warn)
    path = session_path(resume, base)
    if not path.is_file():
        raise SessionError(f"no saved session {resume!r}", "run `tutor play --resume` for the latest, or start a new one")
    return load_path(path)
