"""Write a file so that only a complete one ever appears under its name.

Everything goes to a temporary file beside the target, which replaces the target
when the writing succeeded; on any failure (an exception, Ctrl-C) the temporary
file is removed and the target is left as it was. The final file gets the mode
an ordinary ``open(path, "w")`` would give it (``0o666`` less the umask), not
the private ``0o600`` of a temporary file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path``; whatever is written there replaces ``path``
    when the block ends without an error (for writers that want a file name, e.g. sqlite3)."""
    path = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


@contextmanager
def atomic_write(path: str | Path, mode: str = "w", *, encoding: str | None = "utf-8",
                 newline: str | None = "") -> Iterator[IO]:
    """``open(path, mode)`` that writes all or nothing (see the module docstring).

    ``mode`` is ``"w"`` (text; ``newline=""`` keeps csv's line ends as written) or ``"wb"``.
    """
    binary = "b" in mode
    with atomic_path(path) as tmp:
        with open(tmp, mode, encoding=None if binary else encoding,
                  newline=None if binary else newline) as handle:
            yield handle


__all__ = ["atomic_path", "atomic_write"]
