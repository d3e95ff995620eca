"""Debate sessions: turns, the clash tracker, the rubric, autosave and export.

Core code: imports nothing from Textual or click. The TUI shows what this
module computes; the rubric and the clash tracker are plain functions of the
core API's results, so their every number can be explained to a student.

On disk: one JSON file per session in `data_dir()/sessions`, written
atomically, with a header (format, format_version, tool_version) checked on
load. A turn is saved as "pending" the moment it is submitted and again as
"done" when its feedback arrives, so a crash loses no submitted turn; a
pending turn found on resume is run again.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import secrets
from collections import Counter as _Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tutor import __version__
from tutor.errors import TutorError, UsageError
from tutor.files import write_json_atomic
from tutor.text import printable

FORMAT = "tutor-session"
FORMAT_VERSION = 1
DATA_ENV = "TUTOR_DATA_DIR"

# Rubric thresholds (all shown to the student next to the numbers).
RELEVANCE_ON = 0.45  # similarity to the motion's claims: on the motion
RELEVANCE_PARTLY = 0.3
ENGAGED = 0.4  # similarity between a rebuttal and the counter it answers
SHARED_WORDS = 3  # or this many content words in common

_STOPWORDS = frozenset(
    "a an the and or but if so of to in on at by for with from as is are was were be been being it its this that "
    "these those there their they them he she his her we our you your i me my not no do does did have has had "
    "will would can could should may might must just than then also very more most less much many such into "
    "about over only what which who whom why how when where all any some each other because since".split()
)


class SessionError(TutorError):
    """A session file that cannot be read, or a session that does not exist."""

    exit_code = 2


# --- records ---------------------------------------------------------------------------


def now_iso() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def new_session_id() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(2)


@dataclass
class Turn:
    number: int
    text: str
    submitted_at: str
    replying_to: str | None = None  # the id of the counter this turn rebuts
    status: str = "pending"  # pending | done | failed
    counter: dict[str, Any] | None = None  # tutor.counter(...) as returned
    check: dict[str, Any] | None = None  # tutor.check(...) as returned
    rubric: dict[str, Any] | None = None
    error: str | None = None

    @property
    def counters(self) -> list[dict[str, Any]]:
        return list((self.counter or {}).get("counters") or [])

    @property
    def findings(self) -> list[dict[str, Any]]:
        check = self.check or {}
        return list(check.get("findings") or []) + list(check.get("debate_findings") or [])

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Turn":
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class Session:
    id: str
    created: str
    motion: str | None = None  # a motion id, or None for a free argument
    motion_statement: str | None = None
    side: str | None = None  # pro | con | None (estimated per turn)
    turns: list[Turn] = field(default_factory=list)
    updated: str = ""
    finished: bool = False

    @classmethod
    def new(cls, motion: str | None = None, motion_statement: str | None = None, side: str | None = None,
            session_id: str | None = None, created: str | None = None) -> "Session":
        if side is not None and side not in ("pro", "con"):
            raise UsageError(f"side must be pro or con (got {side!r})")
        created = created or now_iso()
        return cls(session_id or new_session_id(), created, motion, motion_statement, side, [], created)

    # --- turns

    def submit(self, text: str, replying_to: str | None = None, submitted_at: str | None = None) -> Turn:
        """Record a turn as pending (save right after: the text is then safe)."""
        if not printable(text).strip():
            raise UsageError("the argument is empty", "type an argument first")
        if replying_to is not None and self.find_counter(replying_to) is None:
            raise UsageError(f"no counter {replying_to!r} in this session")
        turn = Turn(len(self.turns) + 1, text, submitted_at or now_iso(), replying_to)
        self.turns.append(turn)
        return turn

    def complete(self, turn: Turn, counter: dict[str, Any], check: dict[str, Any], rubric: dict[str, Any]) -> None:
        turn.counter, turn.check, turn.rubric = counter, check, rubric
        turn.status, turn.error = "done", None

    def fail(self, turn: Turn, message: str) -> None:
        turn.status, turn.error = "failed", message

    @property
    def pending(self) -> list[Turn]:
        return [t for t in self.turns if t.status == "pending"]

    @property
    def done_turns(self) -> list[Turn]:
        return [t for t in self.turns if t.status == "done"]

    def find_counter(self, counter_id: str) -> dict[str, Any] | None:
        for turn in self.turns:
            for card in turn.counters:
                if card.get("id") == counter_id:
                    return card
        return None

    # --- serialisation

    def to_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in asdict(self).items() if k != "turns"}
        data["turns"] = [t.to_dict() for t in self.turns]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Session":
        turns = [Turn.from_dict(t) for t in data.get("turns", [])]
        known = cls.__dataclass_fields__
        session = cls(**{k: v for k, v in data.items() if k in known and k != "turns"})
        session.turns = turns
        return session


# --- the clash tracker ---------------------------------------------------------------


def clash(session: Session) -> list[dict[str, Any]]:
    """Every counter shown so far, like a debater's flow sheet.

    status: "answered" (a later turn replied to it), "open" (shown by the latest
    turn, can still be answered) or "dropped" (an earlier turn moved on without
    answering it, or the session is finished).
    """
    done = session.done_turns
    latest = done[-1].number if done else 0
    answers: dict[str, Turn] = {}
    for turn in session.turns:
        if turn.replying_to and turn.replying_to not in answers:
            answers[turn.replying_to] = turn
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for turn in done:
        for rank, card in enumerate(turn.counters, start=1):
            cid = card.get("id")
            if not cid or cid in seen:
                continue
            seen.add(cid)
            answer = answers.get(cid)
            engaged = None
            if answer is not None:
                status = "answered"
                engaged = ((answer.rubric or {}).get("answered") or {}).get("engaged")
            elif turn.number < latest or session.finished:
                status = "dropped"
            else:
                status = "open"
            source = card.get("source") or {}
            rows.append({
                "id": cid,
                "shown_in": turn.number,
                "rank": rank,
                "text": card.get("text", ""),
                "source": f"{source.get('title', source.get('doc', ''))}, line {source.get('line', '?')}",
                "stance": card.get("stance"),
                "status": status,
                "answered_by": answer.number if answer is not None else None,
                "engaged": engaged,
            })
    return rows


# --- the rubric ---------------------------------------------------------------------


def content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z][a-z'\-]+", text.lower()) if w not in _STOPWORDS and len(w) > 2}


def rubric(
    text: str,
    counter: dict[str, Any],
    check: dict[str, Any],
    strength: dict[str, Any],
    motion_relevance: float | None,
    answered_counter: dict[str, Any] | None = None,
    engagement: float | None = None,
) -> dict[str, Any]:
    """A short rubric for one turn; every score carries the evidence for it.

    - relevance: the argument's similarity to the motion's claims (the stance
      estimator's relevance); without a motion, the best counter's relevance;
    - reasons: the core's strength score (reasons, evidence, penalties);
    - fallacies: how many findings the checker reported on the turn;
    - answered: for a rebuttal, whether it engages the counter it answers
      (embedding similarity, or shared content words).
    """
    counters = counter.get("counters") or []
    if motion_relevance is not None:
        rel = float(motion_relevance)
        rel_basis = f"similarity to the motion's claims {rel:.2f}"
    else:
        rel = max((float(c.get("scores", {}).get("relevance", 0.0)) for c in counters), default=0.0)
        rel_basis = f"no motion; best counter's relevance {rel:.2f}"
    rel_label = "on the motion" if rel >= RELEVANCE_ON else "partly on the motion" if rel >= RELEVANCE_PARTLY else "off the motion"
    findings = (check.get("findings") or []) + (check.get("debate_findings") or [])
    n = len(findings)
    labels = sorted({str(f.get("label") or f.get("type")) for f in findings})
    fallacy_detail = ", ".join(labels) if labels else "none found"
    if check.get("notes") and not findings:
        fallacy_detail += f" ({'; '.join(check['notes'])})"
    result: dict[str, Any] = {
        "relevance": {"score": round(max(0.0, min(1.0, rel)), 3), "label": rel_label, "detail": rel_basis},
        "reasons": {
            "score": round(float(strength.get("score", 0.0)), 3),
            "label": _strength_label(float(strength.get("score", 0.0))),
            "detail": "; ".join(strength.get("reasons") or ["no reason or evidence given"])
            + ("; minus: " + "; ".join(strength["penalties"]) if strength.get("penalties") else ""),
            "reasons": list(strength.get("reasons") or []),
            "penalties": list(strength.get("penalties") or []),
        },
        "fallacies": {
            "count": n,
            "score": round(max(0.0, 1.0 - 0.34 * n), 3),
            "label": "none" if n == 0 else f"{n} found",
            "detail": fallacy_detail,
        },
        "answered": None,
    }
    if answered_counter is not None:
        shared = sorted(content_words(text) & content_words(answered_counter.get("text", "")))
        sim = float(engagement) if engagement is not None else 0.0
        engaged = sim >= ENGAGED or len(shared) >= SHARED_WORDS
        detail = f"similarity to the counter {sim:.2f} (engages at {ENGAGED})"
        if shared:
            detail += f"; shared words: {', '.join(shared[:6])}"
        result["answered"] = {
            "counter": answered_counter.get("id"),
            "score": round(max(0.0, min(1.0, sim)), 3),
            "engaged": engaged,
            "label": "engages the counter" if engaged else "misses the counter",
            "detail": detail,
        }
    return result


def _strength_label(score: float) -> str:
    return "well supported" if score >= 0.6 else "some support" if score >= 0.45 else "bare assertion"


def debate_findings(tutor: Any, session: Session, turn: Turn, answered: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Equivocations between this turn and the debate so far: the student's
    earlier turns and the source passage it rebuts. Only shifts that involve
    this turn are reported, so each surfaces once, when it happens."""
    earlier = [t for t in session.done_turns if t is not turn]
    texts = [t.text for t in earlier] + [turn.text]
    labels = [f"your turn {t.number}" for t in earlier] + ["this turn"]
    if answered is not None:
        texts.append(answered.get("text", ""))
        labels.append(f"source {answered.get('id')}")
    if len(texts) < 2 or not hasattr(tutor, "check_debate"):
        return []
    found = tutor.check_debate(texts, labels)["findings"]
    return [f for f in found if "this turn" in (f.get("where"), f.get("other_where"))]


def run_turn(tutor: Any, session: Session, turn: Turn, k: int = 5) -> dict[str, Any]:
    """Everything the feedback for one turn needs, from the core API (blocking).

    Returns {"counter", "check", "rubric"}; raises TutorError on bad input.
    """
    from tutor.strength import argument_strength

    answered = session.find_counter(turn.replying_to) if turn.replying_to else None
    result = tutor.respond(turn.text, motion=session.motion, side=session.side, k=k,
                           rebutting=answered["id"] if answered else None)
    counter, check, measures = result["counter"], result["check"], result["measures"]
    check["debate_findings"] = debate_findings(tutor, session, turn, answered)
    strength = argument_strength(turn.text, check.get("findings") or None).to_dict()
    return {
        "counter": counter,
        "check": check,
        "rubric": rubric(turn.text, counter, check, strength, measures["motion_relevance"], answered,
                         measures["rebuttal_similarity"]),
    }


# --- the summary --------------------------------------------------------------------


def summary(session: Session) -> dict[str, Any]:
    done = session.done_turns
    by_type: _Counter[str] = _Counter()
    for turn in done:
        for finding in turn.findings:
            by_type[str(finding.get("label") or finding.get("type"))] += 1
    rows = clash(session)
    return {
        "id": session.id,
        "motion": session.motion,
        "motion_statement": session.motion_statement,
        "side": session.side,
        "turns": len(done),
        "rubric": [
            {
                "turn": t.number,
                "relevance": (t.rubric or {}).get("relevance", {}).get("score"),
                "reasons": (t.rubric or {}).get("reasons", {}).get("score"),
                "fallacies": (t.rubric or {}).get("fallacies", {}).get("count"),
                "answered": ((t.rubric or {}).get("answered") or {}).get("engaged"),
            }
            for t in done
        ],
        "fallacies_by_type": dict(sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0]))),
        "answered": [r for r in rows if r["status"] == "answered"],
        "dropped": [r for r in rows if r["status"] == "dropped"],
        "open": [r for r in rows if r["status"] == "open"],
    }


# --- Markdown export -----------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#{}])")
_MD_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+)([.)]?)", re.M)


def md_escape(text: str) -> str:
    """User or corpus text for Markdown: shown literally, never as markup or HTML."""
    text = printable(text).replace("\r\n", "\n").replace("\r", "\n")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    def line_start(m: re.Match[str]) -> str:
        if m.group(2)[0].isdigit():
            return m.group(0) if not m.group(3) else m.group(1) + m.group(2) + "\\" + m.group(3)
        return m.group(1) + "\\" + m.group(2) + m.group(3)

    return _MD_LINE_START.sub(line_start, text)


def _quote(text: str) -> str:
    return "\n".join("> " + line if line.strip() else ">" for line in md_escape(text).split("\n"))


def to_markdown(session: Session) -> str:
    data = summary(session)
    motion = session.motion_statement or "free argument"
    out = [f"# Debate transcript: {md_escape(motion)}", ""]
    out.append(f"- Session: `{session.id}`")
    out.append(f"- Started: {session.created}")
    out.append(f"- Side: {session.side or 'estimated per turn'}")
    out.append(f"- Turns: {data['turns']}")
    out.append("")
    for turn in session.turns:
        head = f"## Turn {turn.number}"
        if turn.replying_to:
            head += f" (rebutting {md_escape(turn.replying_to)})"
        out += [head, "", _quote(turn.text), ""]
        if turn.status != "done":
            out += [f"*{turn.status}{': ' + md_escape(turn.error) if turn.error else ''}*", ""]
            continue
        r = turn.rubric or {}
        out.append("**Rubric**")
        out.append("")
        for key, name in (("relevance", "Relevance"), ("reasons", "Reasons and evidence"), ("fallacies", "Fallacies"),
                          ("answered", "Answered the counter")):
            item = r.get(key)
            if item:
                out.append(f"- {name}: {md_escape(str(item.get('label')))} ({md_escape(str(item.get('detail')))})")
        out.append("")
        if turn.findings:
            out.append("**Fallacies in this turn**")
            out.append("")
            for f in turn.findings:
                out.append(f"- {md_escape(str(f.get('label') or f.get('type')))}: \u201c{md_escape(str(f.get('quote', '')))}\u201d "
                           f"- {md_escape(str(f.get('explanation', '')))} Repair: {md_escape(str(f.get('suggestion', '')))}")
            out.append("")
        if turn.counters:
            out.append("**Counter-arguments**")
            out.append("")
            for i, card in enumerate(turn.counters, start=1):
                src = card.get("source") or {}
                out.append(f"{i}\\. `{md_escape(card.get('id', ''))}` {md_escape(str(src.get('title', '')))}, "
                           f"line {src.get('line', '?')} ({card.get('stance', '?')}, strength {card.get('strength', {}).get('score', 0):.2f})")
                out.append("")
                out.append(_quote(card.get("text", "")))
                out.append("")
                why = (card.get("why") or {}).get("text")
                if why:
                    out.append(f"   *Why:* {md_escape(why)}")
                    out.append("")
    out += ["## Summary", ""]
    out.append("| Turn | Relevance | Reasons | Fallacies | Answered |")
    out.append("|---|---|---|---|---|")
    for row in data["rubric"]:
        answered = "-" if row["answered"] is None else ("yes" if row["answered"] else "no")
        out.append(f"| {row['turn']} | {_num(row['relevance'])} | {_num(row['reasons'])} | {row['fallacies']} | {answered} |")
    out.append("")
    if data["fallacies_by_type"]:
        out.append("Fallacies by type: " + ", ".join(f"{md_escape(k)} {v}" for k, v in data["fallacies_by_type"].items()))
    else:
        out.append("Fallacies by type: none found")
    out.append("")
    out.append(f"Counters answered: {len(data['answered'])}; dropped: {len(data['dropped'])}; open: {len(data['open'])}")
    out.append("")
    for row in data["answered"] + data["dropped"] + data["open"]:
        out.append(f"- {row['status']}: `{md_escape(row['id'])}` (turn {row['shown_in']}"
                   + (f", answered in turn {row['answered_by']}" if row["answered_by"] else "") + ")")
    out.append("")
    return "\n".join(out)


def _num(value: Any) -> str:
    return "-" if value is None else f"{float(value):.2f}"


def export_markdown(session: Session, path: Path | str | None = None) -> Path:
    from tutor.files import atomic_writer

    path = Path(path) if path else sessions_dir() / f"{session.id}.md"
    with atomic_writer(path) as handle:
        handle.write(to_markdown(session))
    return path


# --- files ----------------------------------------------------------------------------


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
