"""Motions a corpus can be argued on, read from its `motions.toml`."""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tutor.errors import CorpusError, UsageError

SIDES = ("pro", "con")


@dataclass(frozen=True)
class Motion:
    id: str
    statement: str
    pro: str = ""
    con: str = ""
    pro_claims: tuple[str, ...] = field(default_factory=tuple)
    con_claims: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["pro_claims"] = list(self.pro_claims)
        data["con_claims"] = list(self.con_claims)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Motion":
        return cls(
            id=str(data["id"]),
            statement=str(data["statement"]),
            pro=str(data.get("pro", "")),
            con=str(data.get("con", "")),
            pro_claims=tuple(data.get("pro_claims", ())),
            con_claims=tuple(data.get("con_claims", ())),
        )

    def prototypes(self, side: str) -> list[str]:
        """Texts typical of one side, for the stance estimator."""
        if side == "pro":
            return [self.statement, self.pro, *self.pro_claims] if self.pro else [self.statement, *self.pro_claims]
        return [self.con, *self.con_claims] if self.con else list(self.con_claims)


def ad_hoc_motion(statement: str) -> Motion:
    """A motion typed by the user: its statement is the only pro prototype."""
    statement = " ".join(statement.split())
    if not statement:
        raise UsageError("the motion statement is empty", "pass --motion-text 'a statement to argue about'")
    return Motion(id="custom", statement=statement)


def load_motions(path: Path) -> list[Motion]:
    if not path.is_file():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CorpusError(f"cannot parse {path}: {exc}", "fix the TOML syntax") from None
    motions = []
    for entry in data.get("motions", []):
        if not entry.get("id") or not entry.get("statement"):
            raise CorpusError(f"{path}: every motion needs an id and a statement")
        motions.append(Motion.from_dict(entry))
    return motions


def find_motion(motions: list[Motion], motion_id: str) -> Motion:
    for motion in motions:
        if motion.id == motion_id:
            return motion
    known = ", ".join(m.id for m in motions) or "none (this index has no motions)"
    raise UsageError(f"unknown motion {motion_id!r}", f"known motions: {known}; see `tutor motions`")
