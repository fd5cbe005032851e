"""Reader for GEOmetadb-style SQLite databases (the ``gsm`` table), opened read-only.

GEOmetadb is the source the seed paper took its inputs from. Only ``gsm`` is
required; the other columns (``title, characteristics_ch1, description,
source_name_ch1, organism_ch1, series_id, gpl``, and ``type``, ``molecule_ch1``
for the sample type) are read when present. GEOmetadb
joins multi-line fields with ``";\\t"``; they come out joined by ``"; "``, as the
SOFT reader joins them.

A gzipped database (``.sqlite.gz``) is decompressed to a temporary file, which is
deleted when reading ends: SQLite cannot read a compressed file, and the
alternative (asking the user to gunzip) only moves the same step to them. That
takes disk space the size of the database; gunzip it yourself to read it many times.
"""

from __future__ import annotations

import gzip
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from ..text import Sample
from ._common import GZIP_MAGIC, guarded, reason

# Sample field -> GEOmetadb column
COLUMNS = {
    "gsm": "gsm",
    "title": "title",
    "characteristics": "characteristics_ch1",
    "description": "description",
    "source_name": "source_name_ch1",
    "organism": "organism_ch1",
    "series": "series_id",
    "platform": "gpl",
}
# Further Sample fields -> GEOmetadb column (what the sample is, evidence for its assay)
KIND_COLUMNS = {"sample_type": "type", "molecule": "molecule_ch1"}
_TEXT_COLUMNS = ("title", "characteristics_ch1", "description", "source_name_ch1")


def field_value(value: object) -> str:
    """A GEOmetadb field as Sample text: ``None`` is empty, the ``";\t"`` joiner of
    multi-line fields becomes ``"; "`` (as the SOFT reader joins lines)."""
    return "" if value is None else str(value).replace(";\t", "; ").strip()


def read_geometadb(path: str | Path, *, table: str = "gsm") -> Iterator[Sample]:
    """Samples from the ``gsm`` table of a GEOmetadb-style SQLite file (or ``.gz``).

    Raises
    ------
    InputError
        Not an SQLite database, no ``table``, no ``gsm`` or no text column.
    """
    path = Path(path)
    return guarded(path, _db_samples(path, table), what="database")


def _connect(path: Path, shown: Path) -> sqlite3.Connection:
    try:
        con = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        con.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
    except sqlite3.Error as exc:
        raise InputError(f"{shown}: not a readable SQLite database ({exc})") from None
    return con


def _db_samples(path: Path, table: str) -> Iterator[Sample]:
    tmpdir = None
    try:
        db = path
        with open(path, "rb") as fh:
            gzipped = fh.read(2) == GZIP_MAGIC
        if gzipped:
            tmpdir = tempfile.mkdtemp(prefix="geoscribe-")
            db = Path(tmpdir) / (path.name.removesuffix(".gz") or "db.sqlite")
            try:
                with gzip.open(path, "rb") as src, open(db, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
            except (OSError, EOFError) as exc:
                raise InputError(
                    f"{path}: cannot decompress ({reason(exc)}); "
                    "gunzip it yourself and read the .sqlite file"
                ) from None
        con = _connect(db, path)
        try:
            yield from _rows(con, path, table)
        finally:
            con.close()
    finally:
        if tmpdir is not None:
            shutil.rmtree(tmpdir, ignore_errors=True)


def _rows(con: sqlite3.Connection, path: Path, table: str) -> Iterator[Sample]:
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    if table not in tables:
        raise InputError(
            f"{path}: no {table!r} table (tables: {', '.join(sorted(tables)) or 'none'}); "
            "expected a GEOmetadb-style database"
        )
    present = {r[1].lower() for r in con.execute(f'PRAGMA table_info("{table}")')}
    if "gsm" not in present or not present.intersection(_TEXT_COLUMNS):
        raise InputError(
            f"{path}: table {table!r} lacks a 'gsm' column or any of "
            f"{', '.join(_TEXT_COLUMNS)} (has: {', '.join(sorted(present))})"
        )
    columns = {**COLUMNS, **KIND_COLUMNS}
    select = ", ".join(f'"{col}"' if col in present else "NULL" for col in columns.values())
    for row in con.execute(f'SELECT {select} FROM "{table}"'):
        yield Sample(**{f: field_value(v) for f, v in zip(columns, row)})
