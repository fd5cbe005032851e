"""One entry point over every reader: format sniffing, single files and folders."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import InputError
from ..text import Sample
from ._common import SQLITE_MAGIC, decode, head, looks_binary
from .geo_soft import read_series_matrix, read_soft
from .geometadb import read_geometadb
from .metasra import looks_like_metasra, read_metasra
from .miniml import read_miniml
from .tables import read_jsonl, read_table

READERS: dict[str, Callable[[Path], Iterator[Sample]]] = {
    "soft": read_soft,
    "matrix": read_series_matrix,
    "miniml": read_miniml,
    "geometadb": read_geometadb,
    "csv": lambda p: read_table(p, delimiter=","),
    "tsv": lambda p: read_table(p, delimiter="\t"),
    "jsonl": read_jsonl,
    "metasra": read_metasra,
}
FORMATS = tuple(READERS)

# Suffixes (before an optional .gz) of the files a folder read picks up.
SUFFIXES = (
    ".soft", ".txt", ".xml", ".sqlite", ".sqlite3", ".db",
    ".csv", ".tsv", ".tab", ".jsonl", ".ndjson", ".json",
)  # fmt: skip

ErrorHandler = Callable[[Path, InputError], None]


def _check_file(path: Path) -> None:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a file")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if size == 0:
        raise InputError(f"{path}: empty file")


def _stem_suffix(path: Path) -> str:
    """``.soft`` for ``x.soft.gz``; the suffix that tells a file's kind."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def detect_format(path: str | Path) -> str:
    """The format of a sample file, one of :data:`FORMATS`, from its content first
    (gzip and SQLite magic bytes, first line) and its name second.

    Raises
    ------
    InputError
        Missing, empty, binary, or of no supported format.
    """
    path = Path(path)
    _check_file(path)
    data, gzipped = head(path)
    if data.startswith(SQLITE_MAGIC):
        return "geometadb"
    if not data.strip():
        raise InputError(f"{path}: empty {'after gunzip' if gzipped else 'file'}")
    if looks_binary(data):
        raise InputError(f"{path}: binary data, not a GEO text, XML or SQLite file")
    text = decode(data).lstrip("\ufeff")
    first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    suffix = _stem_suffix(path)
    if first.startswith("<"):
        if "<MINiML" in text:
            return "miniml"
        raise InputError(f"{path}: XML or HTML but not GEO MINiML (no <MINiML> element)")
    if first.startswith("^"):
        return "soft"
    if first.startswith("!"):
        key = first.split("=", 1)[0]
        return "matrix" if "\t" in key else "soft"
    if looks_like_metasra(first):
        return "metasra"
    if first.startswith("{"):
        return "jsonl"
    if suffix in (".csv", ".tsv", ".tab", ".jsonl", ".ndjson"):
        return {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}.get(suffix, "tsv")
    if "\t" in first:
        return "tsv"
    if "," in first:
        return "csv"
    raise InputError(
        f"{path}: unrecognised format (first line {first[:40]!r}); "
        f"give the format explicitly (one of {', '.join(FORMATS)})"
    )


def supported_files(folder: str | Path, *, recursive: bool = False) -> list[Path]:
    """The files of ``folder`` that :func:`read_samples` would read, sorted; hidden
    files and unrelated suffixes are left out."""
    folder = Path(folder)
    candidates = folder.rglob("*") if recursive else folder.iterdir()
    return sorted(
        p
        for p in candidates
        if p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        and _stem_suffix(p) in SUFFIXES
    )


def _open_one(path: Path, fmt: str | None) -> Iterator[Sample]:
    _check_file(path)
    if fmt is None:
        fmt = detect_format(path)
    elif fmt != "geometadb":
        data, _ = head(path)
        if looks_binary(data):
            raise InputError(f"{path}: binary data, not a {fmt} file")
    return READERS[fmt](path)


def _read_many(
    paths: list[Path], fmt: str | None, on_error: ErrorHandler | None
) -> Iterator[Sample]:
    for p in paths:
        try:
            yield from _open_one(p, fmt)
        except InputError as exc:
            if on_error is None:
                raise
            on_error(p, exc)


def read_samples(
    path: str | Path,
    *,
    format: str | None = None,
    recursive: bool = False,
    on_error: ErrorHandler | None = None,
) -> Iterator[Sample]:
    """Stream the samples of a GEO file, a sample table, a GEOmetadb database, or a
    folder of them.

    Parameters
    ----------
    path
        A file in any of :data:`FORMATS` (gzipped or not), or a folder: its
        supported files are read in sorted order.
    format
        One of :data:`FORMATS`; ``None`` or ``"auto"`` sniffs each file.
    recursive
        For a folder, also read its subfolders.
    on_error
        Called as ``on_error(file, error)`` for a file that is rejected (or breaks
        part-way, after its first samples were yielded); reading then goes on with
        the next file. ``None`` raises the :class:`InputError` instead.

    Examples
    --------
    >>> for s in read_samples("GSE781_family.soft.gz"):  # doctest: +SKIP
    ...     print(s.gsm, s.title)
    """
    path = Path(path)
    fmt = None if format in (None, "auto") else format
    if fmt is not None and fmt not in READERS:
        raise InputError(f"unknown format {format!r}; choose one of auto, {', '.join(FORMATS)}")
    if path.is_dir():
        files = supported_files(path, recursive=recursive)
        if not files:
            hint = "" if recursive else " (subfolders are read with recursive=True)"
            raise InputError(f"{path}: no GEO or sample table files in this folder{hint}")
        return _read_many(files, fmt, on_error)
    if on_error is not None:
        return _read_many([path], fmt, on_error)
    return _open_one(path, fmt)
