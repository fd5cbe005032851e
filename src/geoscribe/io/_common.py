"""Plumbing shared by the readers: opening (plain or gzipped), decoding lines with a
latin-1 fallback, sniffing a file's first bytes, and turning low-level failures
into one-line :class:`~geoscribe.errors.InputError` messages.

GEO files are mostly UTF-8, but older records hold latin-1 bytes (``10 \\xb5g``),
so each line is decoded as UTF-8 first and as latin-1 when that fails: nothing is
lost and nothing raises. Binary garbage is caught earlier, by :func:`sniff`.
"""

from __future__ import annotations

import csv
import gzip
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO
from xml.etree.ElementTree import ParseError as XMLParseError

from ..errors import InputError
from ..text import Sample, sanitise_sample

GZIP_MAGIC = b"\x1f\x8b"
SQLITE_MAGIC = b"SQLite format 3\x00"
SNIFF_BYTES = 8192

# Failures that mean "this file is damaged", as opposed to a bug in a reader.
_DAMAGE = (
    EOFError,
    gzip.BadGzipFile,
    zlib.error,
    OSError,
    XMLParseError,
    sqlite3.Error,
    UnicodeError,
    csv.Error,  # e.g. a bare carriage return inside a series-matrix line
)


def open_binary(path: Path) -> BinaryIO:
    """``path`` opened for reading bytes, transparently gunzipped when it starts with
    the gzip magic bytes (whatever its name says)."""
    with open(path, "rb") as fh:
        magic = fh.read(2)
    if magic == GZIP_MAGIC:
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def decode(line: bytes) -> str:
    """One line as text: UTF-8, else latin-1 (which never fails)."""
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("latin-1")


def text_lines(fh: BinaryIO) -> Iterator[str]:
    """Decoded lines of a binary stream, without their line ends (``\\r\\n`` too)."""
    for raw in fh:
        yield decode(raw).rstrip("\r\n")


def head(path: Path, n: int = SNIFF_BYTES) -> tuple[bytes, bool]:
    """The first ``n`` bytes of the (gunzipped) content and whether the file is gzipped."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(n)
        if raw[:2] != GZIP_MAGIC:
            return raw, False
        with gzip.open(path, "rb") as gz:
            try:
                return gz.read(n), True
            except EOFError:  # a tiny truncated gzip: keep what was decompressed
                return b"", True
    except (gzip.BadGzipFile, zlib.error) as exc:
        raise InputError(f"{path}: not a valid gzip file ({exc}); re-download it") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def looks_binary(data: bytes) -> bool:
    """True for bytes no GEO text file holds: NULs, or many control characters."""
    if b"\x00" in data:
        return True
    if not data:
        return False
    controls = sum(1 for b in data if b < 32 and b not in (9, 10, 13, 12))
    return controls / len(data) > 0.05


def reason(exc: BaseException) -> str:
    """A short, human reason for a low-level failure."""
    if isinstance(exc, EOFError):
        return "truncated gzip stream (the file ends early)"
    if isinstance(exc, (gzip.BadGzipFile, zlib.error)):
        return f"corrupt gzip data ({exc})"
    if isinstance(exc, XMLParseError):
        return f"malformed XML ({exc})"
    if isinstance(exc, sqlite3.Error):
        return f"SQLite error ({exc})"
    if isinstance(exc, OSError):
        return f"read error ({exc.strerror or exc})"
    if isinstance(exc, csv.Error):
        return f"malformed line ({exc})"
    return str(exc) or type(exc).__name__


def guarded(
    path: Path, samples: Iterable[Sample], *, what: str, allow_empty: bool = False
) -> Iterator[Sample]:
    """Yield from a reader, turning damage into one-line InputErrors that name the file
    and say how many samples came before; an empty result is an error too, unless the
    format can hold no samples on purpose (``allow_empty``). Every sample passes the
    text sanitiser here (:func:`~geoscribe.text.sanitise_sample`), whatever its reader."""
    n = 0
    try:
        for sample in samples:
            n += 1
            yield sanitise_sample(sample)
    except InputError:
        raise
    except _DAMAGE as exc:
        raise InputError(
            f"{path}: {reason(exc)} after {n} sample{'s' if n != 1 else ''}; "
            "re-download or repair the file"
        ) from None
    if n == 0 and not allow_empty:
        raise InputError(f"{path}: no samples found in this {what}")


def sample_or_none(**fields: str | None) -> Sample:
    """A :class:`Sample` from possibly-missing fields (None becomes "")."""
    return Sample(**{k: (v or "").strip() for k, v in fields.items()})


def has_text(sample: Sample) -> bool:
    return bool(
        sample.title
        or sample.characteristics
        or sample.description
        or sample.source_name
        or sample.text
    )
