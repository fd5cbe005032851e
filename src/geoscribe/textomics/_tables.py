"""Streaming readers of GEO *expression tables* (not metadata) for the Textomics builder.

The metadata readers live in :mod:`geoscribe.io`; these read only what Textomics
needs from each series: its accession, platform(s), summary and the numeric
feature-by-sample table. Both GEO formats are handled line by line, so a
full-size series is never held as text in memory:

* series matrix: ``!Series_*`` header lines, then the table between
  ``!series_matrix_table_begin`` and ``!series_matrix_table_end``;
* SOFT family: one ``^SAMPLE`` block per sample, each with its own
  ``!sample_table_begin`` .. ``!sample_table_end`` table (``ID_REF``/``VALUE``).
"""

from __future__ import annotations

import gzip
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import InputError

_MISSING = {"", "null", "na", "nan", "n/a", "none", "--", "-"}


@dataclass
class SeriesTable:
    """One series on one platform: features (rows) by samples (columns), NaN = missing."""

    gse: str
    platform: str
    summary: str
    features: list[str]
    samples: list[str]
    values: np.ndarray  # (n_features, n_samples) float32
    source: str = ""
    title: str = ""
    reference: str = ""  # for a GDS: the series it was made from


def _open(path: Path):
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return open(path, encoding="utf-8", errors="replace")


def _unquote(s: str) -> str:
    s = s.strip()
    if len(s) >= 2 and s[0] == '"' and s[-1] == '"':
        return s[1:-1]
    return s


def _num(s: str) -> float:
    s = _unquote(s)
    if s.lower() in _MISSING:
        return math.nan
    try:
        return float(s)
    except ValueError:
        return math.nan


def read_series_matrix(path: str | Path) -> SeriesTable:
    """Read a ``GSE*_series_matrix.txt[.gz]`` file's summary and data table."""
    path = Path(path)
    gse, title, platform, summary = "", "", "", []
    features: list[str] = []
    rows: list[list[float]] = []
    samples: list[str] = []
    in_table = False
    with _open(path) as fh:
        for line in fh:
            line = line.rstrip("\r\n")
            if in_table:
                if line.startswith("!series_matrix_table_end"):
                    in_table = False
                    continue
                parts = line.split("\t")
                if not samples:
                    samples = [_unquote(p) for p in parts[1:]]
                    continue
                if not parts[0].strip():
                    continue
                features.append(_unquote(parts[0]))
                vals = [_num(p) for p in parts[1 : len(samples) + 1]]
                vals += [math.nan] * (len(samples) - len(vals))
                rows.append(vals)
            elif line.startswith("!series_matrix_table_begin"):
                in_table = True
            elif line.startswith("!Series_geo_accession"):
                gse = _unquote(line.split("\t", 1)[-1])
            elif line.startswith("!Series_title"):
                title = _unquote(line.split("\t", 1)[-1])
            elif line.startswith("!Series_platform_id"):
                platform = platform or _unquote(line.split("\t", 1)[-1])
            elif line.startswith("!Series_summary"):
                summary.append(_unquote(line.split("\t", 1)[-1]))
    if not gse or not samples:
        raise InputError(f"{path}: not a GEO series matrix with a data table; expected '!series_matrix_table_begin'.")
    values = np.asarray(rows, dtype=np.float32).reshape(len(features), len(samples))
    return SeriesTable(gse, platform, _join_summary(summary), features, samples, values, str(path), title)


_KEYWORDS = re.compile(r"^\s*key\s*words?\s*[:=]", re.IGNORECASE)


def _join_summary(parts: list[str]) -> str:
    """SOFT and series matrix files split the summary over lines; ``Keywords = x`` lines
    (``!Series_summary = Keywords = kidney`` in SOFT, GSE781) are not prose and name the answer."""
    return " ".join(p.strip() for p in parts if p.strip() and not _KEYWORDS.match(p)).strip()


@dataclass
class _Sample:
    gsm: str
    platform: str = ""
    table: dict[str, float] = field(default_factory=dict)


def read_soft_family(path: str | Path) -> list[SeriesTable]:
    """Read a ``GSE*_family.soft[.gz]`` file: one :class:`SeriesTable` per platform."""
    path = Path(path)
    gse, title, summary = "", "", []
    samples: list[_Sample] = []
    cur: _Sample | None = None
    in_table = False
    value_col = -1
    with _open(path) as fh:
        for line in fh:
            line = line.rstrip("\r\n")
            if in_table:
                if line.startswith("!sample_table_end"):
                    in_table = False
                    continue
                parts = line.split("\t")
                if value_col < 0:  # header line
                    value_col = parts.index("VALUE") if "VALUE" in parts else 1
                    continue
                if cur is not None and len(parts) > value_col:
                    cur.table[parts[0]] = _num(parts[value_col])
            elif line.startswith("!sample_table_begin"):
                in_table, value_col = True, -1
            elif line.startswith("^SERIES"):
                gse = line.split("=", 1)[-1].strip()
                cur = None
            elif line.startswith("^SAMPLE"):
                cur = _Sample(line.split("=", 1)[-1].strip())
                samples.append(cur)
            elif line.startswith("^"):
                cur = None
            elif cur is None and line.startswith("!Series_summary"):
                summary.append(line.split("=", 1)[-1])
            elif cur is None and line.startswith("!Series_title"):
                title = line.split("=", 1)[-1].strip()
            elif cur is not None and line.startswith("!Sample_platform_id"):
                cur.platform = line.split("=", 1)[-1].strip()
    if not gse:
        raise InputError(f"{path}: not a SOFT family file; expected a '^SERIES = GSE...' line.")
    out = []
    for platform in sorted({s.platform for s in samples if s.table}):
        group = [s for s in samples if s.platform == platform and s.table]
        features = list(dict.fromkeys(k for s in group for k in s.table))
        index = {f: i for i, f in enumerate(features)}
        values = np.full((len(features), len(group)), np.nan, dtype=np.float32)
        for j, s in enumerate(group):
            for k, v in s.table.items():
                values[index[k], j] = v
        out.append(
            SeriesTable(gse, platform, _join_summary(summary), features, [s.gsm for s in group], values, str(path), title)
        )
    return out


def read_gds(path: str | Path) -> SeriesTable:
    """Read a ``GDS*.soft[.gz]`` DataSet file: its description stands for the summary and its
    ``!dataset_reference_series`` is recorded (a GDS is a curated copy of that series)."""
    path = Path(path)
    gds, title, platform, reference, summary = "", "", "", "", []
    features: list[str] = []
    rows: list[list[float]] = []
    samples: list[str] = []
    first = 2
    in_table = False
    with _open(path) as fh:
        for line in fh:
            line = line.rstrip("\r\n")
            if in_table:
                if line.startswith("!dataset_table_end"):
                    break
                parts = line.split("\t")
                if not samples:
                    first = 2 if len(parts) > 1 and parts[1] == "IDENTIFIER" else 1
                    samples = parts[first:]
                    continue
                features.append(parts[0])
                vals = [_num(p) for p in parts[first : first + len(samples)]]
                rows.append(vals + [math.nan] * (len(samples) - len(vals)))
            elif line.startswith("!dataset_table_begin"):
                in_table = True
            elif line.startswith("^DATASET"):
                gds = line.split("=", 1)[-1].strip()
            elif line.startswith("!dataset_title"):
                title = line.split("=", 1)[-1].strip()
            elif line.startswith("!dataset_description"):
                summary.append(line.split("=", 1)[-1])
            elif line.startswith("!dataset_platform ") or line.startswith("!dataset_platform="):
                platform = line.split("=", 1)[-1].strip()
            elif line.startswith("!dataset_reference_series"):
                reference = reference or line.split("=", 1)[-1].strip()
    if not gds or not samples:
        raise InputError(f"{path}: not a GDS file with a data table; expected '^DATASET' and '!dataset_table_begin'.")
    values = np.asarray(rows, dtype=np.float32).reshape(len(features), len(samples))
    return SeriesTable(gds, platform, _join_summary(summary), features, samples, values, str(path), title, reference)


def series_kind(path: Path) -> str:
    """``matrix``, ``soft`` (GSE family or plain GSE SOFT), ``gds`` or ``""`` (not a series table), by name."""
    name = path.name
    if name.startswith("GSE") and "_series_matrix" in name and ".txt" in name:
        return "matrix"
    if name.startswith("GSE") and ".soft" in name:
        return "soft"
    if name.startswith("GDS") and ".soft" in name:
        return "gds"
    return ""


def read_series_file(path: str | Path) -> list[SeriesTable]:
    """The series tables of one GEO file (a series matrix, a SOFT family or GSE SOFT file, a GDS)."""
    path = Path(path)
    kind = series_kind(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file.")
    try:
        if kind == "matrix":
            return [read_series_matrix(path)]
        if kind == "soft":
            return read_soft_family(path)
        if kind == "gds":
            return [read_gds(path)]
    except (ValueError, OSError, EOFError) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(f"{path}: unreadable ({type(exc).__name__}: {exc}).") from None
    raise InputError(f"{path}: not a GEO series file; expected GSE*_series_matrix.txt[.gz], "
                     "GSE*[_family].soft[.gz] or GDS*.soft[.gz].")


@dataclass
class FileReport:
    """What happened to one file: ``read`` (with the tables it gave) or ``skipped`` (with why)."""

    path: str
    status: str
    reason: str = ""
    tables: list[str] = field(default_factory=list)  # "GSE1/GPL1" of each table used


def iter_series_tables(folder: str | Path, report: list[FileReport] | None = None) -> Iterator[SeriesTable]:
    """Every series table in ``folder`` (recursively): series matrices, SOFT and GDS files.

    A series present in several files is read once (series matrix first, then SOFT,
    then a GDS, which is skipped when its reference series was read). Every file
    gets one :class:`FileReport` in ``report`` (when given): read, or skipped and why.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder} is not a folder; pass the folder holding GSE*_series_matrix / GSE*_family.soft files.")
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    rank = {"matrix": 0, "soft": 1, "gds": 2}
    ordered = sorted((p for p in files if series_kind(p)), key=lambda p: (rank[series_kind(p)], str(p)))
    note = report.append if report is not None else (lambda r: None)
    for p in files:
        if not series_kind(p):
            note(FileReport(str(p), "skipped", "not a series matrix, SOFT or GDS file name"))
    seen: set[tuple[str, str]] = set()
    for p in ordered:
        try:
            tables = read_series_file(p)
        except InputError as exc:
            note(FileReport(str(p), "skipped", str(exc).removeprefix(f"{p}: ")))
            continue
        used, why = [], []
        for t in tables:
            key = (t.reference or t.gse, t.platform)
            if t.values.size == 0:
                why.append(f"{t.gse}/{t.platform}: empty data table")
            elif key in seen or (t.gse, t.platform) in seen:
                why.append(f"{t.gse}/{t.platform}: {key[0]} on {t.platform} already read from another file")
            else:
                seen.add(key)
                used.append(f"{t.gse}/{t.platform}")
                yield t
        if not tables:
            why.append("no sample data tables")
        note(FileReport(str(p), "read" if used else "skipped", "; ".join(why), used))
