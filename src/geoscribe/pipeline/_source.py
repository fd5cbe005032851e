"""Cut a source (a file, a folder of files, a GEOmetadb database) into partitions.

A partition is a range of sample positions in one file: the unit a Dask worker
translates and the client writes in one transaction, and the unit whose resume
point is stored. Positions are the order in which the file's reader yields
samples, so a partition can always be read again and gives the same samples.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from ..errors import InputError
from ..io import detect_format, read_samples, supported_files
from ..io.geometadb import COLUMNS, KIND_COLUMNS, field_value
from ..text import Sample, sanitise_sample


@dataclass(frozen=True)
class Partition:
    """Samples ``start`` (inclusive) to ``stop`` (exclusive) of one file."""

    path: str  # the file to read (a decompressed copy for a .sqlite.gz)
    name: str  # the file relative to the source: part of hash keys and partition ids
    source_file: str  # the original file, as recorded in ``samples.source_file``
    format: str
    start: int
    stop: int
    fingerprint: str  # size and mtime of the original: a changed file is read again

    @property
    def id(self) -> str:
        return f"{self.name}@{self.fingerprint}#{self.start}-{self.stop}"

    def __len__(self) -> int:
        return self.stop - self.start


@dataclass
class Plan:
    """The partitions of a source and the files that could not be read."""

    partitions: list[Partition]
    unreadable: dict[str, str] = field(default_factory=dict)  # file -> reason
    workdir: Path | None = None  # temporary copies; removed by :meth:`cleanup`

    def cleanup(self) -> None:
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None


def sample_key(sample: Sample, name: str, position: int) -> str:
    """The GSM id, or a stable hash of the file name and position when it is empty."""
    gsm = sample.gsm.strip()
    if gsm:
        return gsm
    digest = hashlib.sha1(f"{name}\x00{position}".encode("utf-8", "surrogatepass")).hexdigest()
    return f"h:{digest[:20]}"


def _fingerprint(path: Path) -> str:
    st = path.stat()
    return f"{st.st_size}-{st.st_mtime_ns}"


def _gunzipped(path: Path, workdir: Path) -> Path:
    out = workdir / path.name.removesuffix(".gz")
    try:
        with gzip.open(path, "rb") as src, open(out, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    except (OSError, EOFError) as exc:
        raise InputError(f"{path}: cannot decompress ({exc}); gunzip it yourself and ingest the .sqlite file") from None
    return out


def _count_db(path: Path, table: str = "gsm") -> int:
    con = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return int(con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])
    finally:
        con.close()


def _count_file(path: Path, fmt: str) -> tuple[int, str | None]:
    """Samples the reader yields, and why it stopped early (None: it did not)."""
    n = 0
    try:
        for _ in read_samples(path, format=fmt):
            n += 1
    except InputError as exc:
        return n, str(exc)
    return n, None


def plan_partitions(
    source: str | Path,
    *,
    partition_size: int = 2000,
    format: str | None = None,
    recursive: bool = False,
    workdir: Path | None = None,
) -> Plan:
    """Partitions of ``source`` of at most ``partition_size`` samples each.

    Each file is counted first (readers run at 20-60 k samples/s, translation at
    hundreds); a gzipped GEOmetadb database is decompressed once into ``workdir``.
    """
    source = Path(source)
    if not source.exists():
        raise InputError(f"{source}: no such file or folder")
    if source.is_dir():
        files = supported_files(source, recursive=recursive)
        if not files:
            raise InputError(f"{source}: no GEO or sample table files in this folder")
        root = source
    else:
        files, root = [source], source.parent
    plan = Plan([])
    for f in files:
        name = f.relative_to(root).as_posix()
        try:
            fmt = format if format not in (None, "auto") else detect_format(f)
            readable = f
            if fmt == "geometadb":
                with open(f, "rb") as fh:
                    if fh.read(2) == b"\x1f\x8b":
                        if plan.workdir is None:
                            import tempfile

                            plan.workdir = Path(tempfile.mkdtemp(prefix="geoscribe-ingest-", dir=workdir))
                        readable = _gunzipped(f, plan.workdir)
                list(islice(read_samples(readable, format="geometadb"), 1))  # validates the table
                n, broken = _count_db(readable), None
            else:
                n, broken = _count_file(f, fmt)
        except (InputError, sqlite3.Error) as exc:
            plan.unreadable[str(f)] = str(exc)
            continue
        if broken:
            plan.unreadable[str(f)] = broken
        fp = _fingerprint(f)
        for start in range(0, n, partition_size):
            stop = min(start + partition_size, n)
            plan.partitions.append(Partition(str(readable), name, str(f.resolve()), fmt, start, stop, fp))
    return plan


def read_partition(part: Partition, *, start: int | None = None) -> Iterator[tuple[int, Sample]]:
    """``(position, sample)`` for the partition's samples from ``start`` (default its own)."""
    first = part.start if start is None else max(start, part.start)
    if part.format == "geometadb":
        yield from _db_range(Path(part.path), first, part.stop)
        return
    try:
        stream = read_samples(part.path, format=part.format)
        yield from enumerate(islice(stream, first, part.stop), start=first)
    except InputError:  # a damaged file: the planner recorded why; keep what was read
        return


def _db_range(path: Path, start: int, stop: int, table: str = "gsm") -> Iterator[tuple[int, Sample]]:
    """Rows ``start:stop`` of the ``gsm`` table in rowid order, as the GEOmetadb reader maps them."""
    con = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        present = {r[1].lower() for r in con.execute(f'PRAGMA table_info("{table}")')}
        columns = {**COLUMNS, **KIND_COLUMNS}  # the sample type is the translator's evidence for the assay
        select = ", ".join(f'"{c}"' if c in present else "NULL" for c in columns.values())
        rows = con.execute(
            f'SELECT {select} FROM "{table}" ORDER BY rowid LIMIT ? OFFSET ?', (stop - start, start)
        )
        for pos, row in enumerate(rows, start=start):
            yield pos, sanitise_sample(Sample(**{f: field_value(v) for f, v in zip(columns, row)}))
    finally:
        con.close()
