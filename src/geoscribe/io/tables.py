"""Samples in and out of plain tables: CSV, TSV and JSON Lines.

Reading maps column names (case-insensitive, GEOmetadb names accepted) onto
:class:`~geoscribe.text.Sample` fields. An ``input`` (or ``text``) column holds
text that is already formatted, as in the shared ``pairs.csv`` files and in
``geo_unlabelled/*.csv`` (``gsm,input``); it becomes ``Sample.text`` and is used
as is. Other columns (``output``, ``gse`` ...) are ignored.

Writing puts the formatted ``input`` line next to the fields
(``gsm,input,title,characteristics,...``), so an exported file feeds
``geoscribe translate --input`` and reads back into the same Samples.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from ..errors import InputError
from ..schema import Record
from ..text import FIELDS, PAPER_FORMAT, Sample, TextFormat
from .atomic import atomic_write, check_output
from ._common import guarded, has_text, open_binary, text_lines

ALIASES = {
    "gsm": ("gsm", "geo_accession", "accession", "sample_id", "sample"),
    "title": ("title",),
    "characteristics": ("characteristics", "characteristics_ch1"),
    "description": ("description",),
    "source_name": ("source_name", "source_name_ch1", "source"),
    "organism": ("organism", "organism_ch1"),
    "series": ("series", "series_id", "gse"),
    "platform": ("platform", "platform_id", "gpl"),
    "text": ("input", "text"),
}
# every Sample field is read under its own name too (a field added to Sample needs no alias)
_LOOKUP = {**{f: f for f in FIELDS if f != "text"},
           **{alias: field for field, names in ALIASES.items() for alias in names}}
#: the export header: ``gsm``, the formatted ``input`` line, then every other Sample field
EXPORT_COLUMNS = ("gsm", "input", *(f for f in FIELDS if f not in ("gsm", "text")))
TABLE_FORMATS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


def read_table(path: str | Path, *, delimiter: str = ",") -> Iterator[Sample]:
    """Samples from a CSV (``delimiter=","``) or TSV (``"\\t"``) file with a header row.

    Raises
    ------
    InputError
        Empty file, or no column that maps onto a Sample field.
    """
    path = Path(path)
    what = "TSV file" if delimiter == "\t" else "CSV file"
    return guarded(path, _table_samples(path, delimiter), what=what)


def read_jsonl(path: str | Path) -> Iterator[Sample]:
    """Samples from a JSON Lines file: one object per line, keys as for :func:`read_table`."""
    path = Path(path)
    return guarded(path, _jsonl_samples(path), what="JSON Lines file")


def _mapping(path: Path, names: Iterable[str]) -> dict[str, str]:
    names = list(names)
    found = {n: _LOOKUP[n.strip().lower()] for n in names if n and n.strip().lower() in _LOOKUP}
    if not set(found.values()) - {"gsm", "series", "platform", "organism"}:
        shown = ", ".join(repr(n) for n in names[:8]) or "none"
        raise InputError(
            f"{path}: no sample text column (columns: {shown}); "
            "expected 'input', or 'title'/'characteristics'/'description'"
        )
    return found


def _sample(row: dict, mapping: dict[str, str]) -> Sample:
    values: dict[str, str] = {}
    for col, field in mapping.items():
        v = row.get(col)
        if isinstance(v, list):
            v = "; ".join(str(x) for x in v if x is not None)
        elif v is not None and not isinstance(v, str):
            v = str(v)
        if v and not values.get(field):
            values[field] = v.strip()
    return Sample(**values)


def _table_samples(path: Path, delimiter: str) -> Iterator[Sample]:
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 27))  # long GEO descriptions
    with open_binary(path) as fh:
        # line ends put back: a quoted cell that spans lines keeps its line break
        # ("line one\nline two", not "line oneline two")
        lines = ((line.lstrip("\ufeff") if i == 0 else line) + "\n" for i, line in enumerate(text_lines(fh)))
        reader = csv.DictReader(lines, delimiter=delimiter)
        try:
            header = reader.fieldnames
        except csv.Error as exc:
            raise InputError(f"{path}: unreadable header ({exc})") from None
        if not header:
            raise InputError(f"{path}: empty file, no header row")
        mapping = _mapping(path, header)
        try:
            for row in reader:
                sample = _sample(row, mapping)
                if has_text(sample) or sample.gsm:
                    yield sample
        except csv.Error as exc:
            raise InputError(f"{path}:{reader.line_num}: malformed row ({exc})") from None


def _jsonl_samples(path: Path) -> Iterator[Sample]:
    mappings: dict[tuple, dict[str, str]] = {}  # one per distinct key set
    with open_binary(path) as fh:
        for lineno, line in enumerate(text_lines(fh), 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{lineno}: invalid JSON ({exc.msg})") from None
            if not isinstance(obj, dict):
                raise InputError(f"{path}:{lineno}: expected a JSON object per line")
            keys = tuple(obj)
            if keys not in mappings:
                mappings[keys] = _mapping(path, keys)
            yield _sample(obj, mappings[keys])


# -- writing ------------------------------------------------------------------------


def export_row(sample: Sample, text_format: TextFormat = PAPER_FORMAT) -> dict[str, str]:
    """One sample as an export row: its formatted ``input`` line plus its fields."""
    row = {"gsm": sample.gsm, "input": text_format.format(sample)}
    row.update({c: getattr(sample, c) for c in EXPORT_COLUMNS[2:]})
    return row


def write_samples(
    samples: Iterable[Sample], path: str | Path, *, text_format: TextFormat = PAPER_FORMAT
) -> int:
    """Write samples to ``path`` (.csv, .tsv or .jsonl, from its suffix); returns the count.

    The file appears only when writing succeeded (:func:`~geoscribe.io.atomic.atomic_write`),
    so a failed read leaves no half-written output.
    """
    path = Path(path)
    kind = TABLE_FORMATS.get(path.suffix.lower())
    if kind is None:
        raise InputError(
            f"{path}: unknown output format {path.suffix or '(no suffix)'!r}; "
            "use .csv, .tsv or .jsonl"
        )
    check_output(path)
    n = 0
    with atomic_write(path) as out:
        if kind == "jsonl":
            for s in samples:
                out.write(json.dumps(export_row(s, text_format), ensure_ascii=False) + "\n")
                n += 1
        else:
            writer = csv.DictWriter(out, EXPORT_COLUMNS, delimiter="\t" if kind == "tsv" else ",")
            writer.writeheader()
            for s in samples:
                writer.writerow(export_row(s, text_format))
                n += 1
    return n


# -- translations -------------------------------------------------------------------

#: output formats of :func:`write_records`
RECORD_FORMATS = ("line", "jsonl", "csv")


def record_format(path: str | Path | None) -> str:
    """The :func:`write_records` format a path's suffix asks for: csv, jsonl, else line."""
    suffix = Path(path).suffix.lower() if path is not None else ""
    return "csv" if suffix == ".csv" else "jsonl" if suffix in (".jsonl", ".ndjson") else "line"


def _record_row(fmt: str, sample: Sample, line: str, record: Record) -> str | list[str]:
    # a pre-formatted input (a table's 'input' column) is echoed as given, so that the output
    # joins back to it; the model read it with its whitespace collapsed
    line = sample.text or line
    if fmt == "csv":
        return [line, record.render()]
    if fmt == "jsonl":
        out = {"gsm": sample.gsm, "input": line, "output": record.render(), **record.to_dict()}
        return json.dumps(out, ensure_ascii=False)
    return record.render()


def write_records(
    records: Iterable[tuple[Sample, str, Record]], path: str | Path | None, *, format: str | None = None
) -> int:
    """Write translations (``(sample, input line, record)``, as ``translate_stream`` yields
    them) to ``path``, or to stdout when it is None; returns the count.

    ``format``: ``csv`` (columns ``input,output``), ``jsonl`` (gsm, input, output and the
    record's fields) or ``line`` (the rendered record); default from the suffix of ``path``.
    A file appears only complete; its folder is created if needed.
    """
    fmt = format or record_format(path)
    if fmt not in RECORD_FORMATS:
        raise InputError(f"unknown output format {fmt!r}; use one of {', '.join(RECORD_FORMATS)}")
    if path is None:
        return _write_records(records, sys.stdout, fmt)
    path = check_output(path, make_parent=True)
    with atomic_write(path) as out:
        return _write_records(records, out, fmt)


def _write_records(records: Iterable[tuple[Sample, str, Record]], out: IO[str], fmt: str) -> int:
    writer = csv.writer(out) if fmt == "csv" else None
    if writer:
        writer.writerow(["input", "output"])
    n = 0
    for sample, line, record in records:
        row = _record_row(fmt, sample, line, record)
        if writer:
            writer.writerow(row)
        else:
            out.write(row + "\n")
        n += 1
    return n
