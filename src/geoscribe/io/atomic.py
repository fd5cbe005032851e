"""Write a file so that only a complete one ever appears under its name.

Everything goes to a temporary file beside the target, which replaces the target
when the writing succeeded; on any failure (an exception, Ctrl-C, SIGTERM through
the CLI's handler) the temporary file is removed and the target is left as it was.
The final file gets the mode an ordinary ``open(path, "w")`` would give it
(``0o666`` less the umask), not the private ``0o600`` of a temporary file.

A failure to write (no such folder, a folder in the way, permission denied, disk
full) is an :class:`~geoscribe.errors.OutputError` naming the path, never a bare
``OSError``; :func:`check_output` finds most of them before any work is done.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

from ..errors import OutputError

#: errno values that mean "the write itself failed" (not "reading an input failed")
WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO})


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_failure(path: str | Path, exc: OSError) -> OutputError:
    """``exc`` as one line that names ``path``: ``cannot write out.csv: No space left on device``."""
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        reason += " (free some space and run again)"
    return OutputError(f"cannot write {path}: {reason}")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def refuse_input_as_output(path: str | Path, inputs: Iterable[str | Path | None]) -> None:
    """:class:`OutputError` when ``path`` is one of ``inputs`` (the same file, by any name)
    or lies inside an input folder, where it would be read back as an input."""
    path = Path(path)
    for given in inputs:
        if given is None:
            continue
        source = Path(given)
        if _same_file(path, source):
            raise OutputError(f"output {path} is the input {source}; write to another file")
        if source.is_dir() and path.resolve().is_relative_to(source.resolve()):
            raise OutputError(f"output {path} is inside the input folder {source}, where it would be "
                              "read as an input; write it elsewhere")


def check_output(path: str | Path, *, inputs: Iterable[str | Path | None] = (), make_parent: bool = False) -> Path:
    """``path`` if it can be written as an output of a command reading ``inputs``.

    Refused (:class:`OutputError`) before any work: an output that is one of the inputs
    (or lies inside an input folder), an output that is a folder, and a folder that is
    missing (created when ``make_parent``), not a folder, or not writable.
    """
    path = Path(path)
    refuse_input_as_output(path, inputs)
    if path.is_dir():
        raise OutputError(f"cannot write {path}: it is a folder; give a file name")
    parent = path.parent
    if make_parent and not parent.exists():
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise write_failure(path, exc) from None
    if not parent.is_dir():
        what = "does not exist" if not parent.exists() else "is not a folder"
        raise OutputError(f"cannot write {path}: {parent} {what}")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write {path}: permission denied in {parent}")
    return path


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path``; whatever is written there replaces ``path``
    when the block ends without an error (for writers that want a file name, e.g. sqlite3).

    An ``OSError`` of the block whose errno says the write failed (disk full, read-only
    file system ...) becomes an :class:`OutputError` too.
    """
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"cannot write {path}: it is a folder; give a file name")
    tmp: Path | None = None
    try:  # the temporary file is created inside the try, so a signal right after it still cleans up
        try:
            fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        except OSError as exc:
            raise write_failure(path, exc) from None
        tmp = Path(tmp_name)
        os.close(fd)
        try:
            yield tmp
        except OSError as exc:
            if exc.errno in WRITE_ERRNOS:
                raise write_failure(path, exc) from None
            raise
        try:
            os.chmod(tmp, 0o666 & ~_umask())
            os.replace(tmp, path)
        except OSError as exc:
            raise write_failure(path, exc) from None
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)


@contextmanager
def atomic_write(path: str | Path, mode: str = "w", *, encoding: str | None = "utf-8",
                 newline: str | None = "") -> Iterator[IO]:
    """``open(path, mode)`` that writes all or nothing (see the module docstring).

    ``mode`` is ``"w"`` (text; ``newline=""`` keeps csv's line ends as written) or ``"wb"``.
    """
    binary = "b" in mode
    with atomic_path(path) as tmp:
        handle = open(tmp, mode, encoding=None if binary else encoding, newline=None if binary else newline)
        try:
            yield handle
        except BaseException:
            with suppress(OSError):
                handle.close()
            raise
        try:
            handle.close()  # the last buffered bytes: a full disk shows here
        except OSError as exc:
            raise write_failure(path, exc) from None


__all__ = ["WRITE_ERRNOS", "atomic_path", "atomic_write", "check_output", "refuse_input_as_output", "write_failure"]
