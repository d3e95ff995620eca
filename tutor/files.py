"""Files we can trust: atomic writes, hashes and an exclusive lock."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterator

from tutor.errors import TutorError


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_writer(path: Path, mode: str = "w") -> Iterator[Any]:
    """Write to a temporary file beside `path`, then rename it into place.

    A crash or Ctrl-C before the rename leaves the old file untouched.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp's 0600 would surprise users sharing the file
        encoding = None if "b" in mode else "utf-8"
        with os.fdopen(fd, mode, encoding=encoding) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def write_json_atomic(path: Path, data: Any) -> None:
    with atomic_writer(path) as handle:
        json.dump(data, handle, ensure_ascii=False, indent=2, sort_keys=False)
        handle.write("\n")


def ensure_writable_dir(directory: Path) -> None:
    """Create `directory` if needed and prove we can write in it, or explain."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TutorError(
            f"cannot create output directory {directory}: {exc.strerror}",
            "choose a writable directory with --out",
        ) from None
    try:  # a real probe: os.access says yes to root even on a read-only mount
        with tempfile.TemporaryFile(dir=directory):
            pass
    except OSError:
        raise TutorError(
            f"output directory {directory} is not writable",
            "choose a writable directory with --out",
        ) from None


@contextlib.contextmanager
def exclusive_lock(lock_path: Path, what: str) -> Iterator[None]:
    """Hold an exclusive, non-blocking lock on `lock_path` (advisory, per-host)."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(lock_path, "a+")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                raise TutorError(
                    f"another {what} is already running ({lock_path} is locked)",
                    "wait for it to finish, then try again",
                ) from None
            raise
        yield
    finally:
        handle.close()
