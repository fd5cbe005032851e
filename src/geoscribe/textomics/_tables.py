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


def iter_series_tables(folder: str | Path) -> Iterator[SeriesTable]:
    """Every series table in ``folder`` (recursively): series matrices and SOFT family files.

    A series present in both formats is read once (series matrix preferred);
    files that cannot be read are skipped by the caller via :class:`InputError`.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder} is not a folder; pass the folder holding GSE*_series_matrix / GSE*_family.soft files.")
    matrices = sorted(folder.rglob("GSE*_series_matrix.txt*"))
    softs = sorted(folder.rglob("GSE*_family.soft*"))
    seen: set[tuple[str, str]] = set()
    for p in matrices + softs:
        try:
            tables = [read_series_matrix(p)] if p in matrices else read_soft_family(p)
        except (InputError, ValueError, OSError, EOFError):
            continue  # not a readable expression table (truncated or metadata only)
        for t in tables:
            if (t.gse, t.platform) in seen or t.values.size == 0:
                continue
            seen.add((t.gse, t.platform))
            yield t
