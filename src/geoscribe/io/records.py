"""Reading records and text pairs from CSV / TSV / JSONL files: the one reader of
``input,output`` pairs files, record files and ``summary,text`` pairs.

Gold outputs must follow the grammar (a gold file that does not parse is the
wrong file or the wrong attribute set); predicted outputs are parsed leniently,
so malformed model output scores as wrong instead of stopping the evaluation.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import GeoscribeError, InputError
from ..schema import Record, Schema, get_schema, parse

csv.field_size_limit(1 << 24)  # GEO descriptions can be long


@dataclass
class PairsFile:
    """Rows of one file: optional ids and input texts, and the records."""

    path: Path
    records: list[Record]
    inputs: list[str] | None = None
    ids: list[str] | None = None

    def __len__(self) -> int:
        return len(self.records)


def read_pairs(path: str | Path, schema: str | Schema, *, strict: bool = True) -> PairsFile:
    """Read a CSV (``[gsm,]input,output`` columns) or JSONL file of records.

    JSONL lines are ``Record.to_dict()`` objects or ``{"input": ..., "output": ...}``,
    each optionally with ``gsm``. ``strict=True`` (gold) requires every output to
    follow the grammar; ``strict=False`` (predictions) parses leniently.
    """
    path = Path(path)
    schema = get_schema(schema)
    if not path.is_file():
        raise InputError(f"{path}: file not found; check the path.")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"{path}: cannot read the file ({exc.__class__.__name__}); expected UTF-8 CSV or JSONL."
        ) from None
    rows = _jsonl_rows(path, text) if _is_jsonl(path) else _csv_rows(path, text)
    if not rows:
        raise InputError(f"{path}: no rows; expected a header line and one row per sample.")
    records, inputs, ids = [], [], []
    for lineno, row in rows:
        try:
            if isinstance(row.get("values"), dict):
                record = _record_from_dict(row, schema)
            else:
                record = parse(str(row.get("output") or ""), schema, strict=strict)
        except GeoscribeError as exc:
            raise InputError(f"{path}:{lineno}: {exc}") from None
        records.append(record)
        inputs.append(row.get("input"))
        ids.append(str(row.get("gsm") or "").strip())
    return PairsFile(
        path,
        records,
        inputs=[str(t or "") for t in inputs] if any(t is not None for t in inputs) else None,
        ids=ids if all(ids) else None,
    )


def _csv_rows(path: Path, text: str) -> list[tuple[int, dict]]:
    reader = csv.DictReader(text.splitlines(keepends=True), delimiter=_delimiter(path))
    fields = reader.fieldnames or []
    if "output" not in fields:
        raise InputError(
            f"{path}: no 'output' column (columns: {', '.join(fields) or 'none'}); "
            "expected a CSV with input,output or gsm,input,output columns."
        )
    try:
        return [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise InputError(f"{path}:{reader.line_num}: malformed CSV ({exc}).") from None


def _json_objects(path: Path, text: str) -> list[tuple[int, dict]]:
    """``(line number, object)`` of each non-blank line of a JSON Lines text."""
    rows = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            raise InputError(f"{path}:{lineno}: not valid JSON; expected one object per line.") from None
        if not isinstance(row, dict):
            raise InputError(f"{path}:{lineno}: expected a JSON object per line.")
        rows.append((lineno, row))
    return rows


def _jsonl_rows(path: Path, text: str) -> list[tuple[int, dict]]:
    rows = _json_objects(path, text)
    for lineno, row in rows:
        if "output" not in row and "values" not in row:
            raise InputError(
                f"{path}:{lineno}: expected an object with 'output' or 'values' "
                "(Record.to_dict() form)."
            )
    return rows


def _record_from_dict(row: dict, schema: Schema) -> Record:
    name = row.get("schema", schema.name)
    if get_schema(name) != schema:
        raise InputError(f"record is of the {name!r} set, not {schema.name!r}; pass --schema {name}.")
    values = {str(k): str(v) for k, v in row["values"].items()}
    return Record(schema, values)


def _is_jsonl(path: Path) -> bool:
    return path.suffix.lower() in (".jsonl", ".ndjson")


def _delimiter(path: Path) -> str:
    return "\t" if path.suffix.lower() in (".tsv", ".tab") else ","


def read_records(path: str | Path, schema: str | Schema) -> tuple[list[Record], list[dict]]:
    """Records, and each row's ``gsm``/``id``, from a records file.

    JSONL: ``Record.to_dict()`` objects or flat ``{attribute: value}`` ones. CSV/TSV:
    an ``output`` column (parsed leniently) or one column per attribute.
    """
    path, schema = Path(path), get_schema(schema)
    if not path.is_file():
        raise InputError(f"{path}: no such file; pass a .csv or .jsonl records file.")
    suffix = path.suffix.lower()
    if suffix not in (".jsonl", ".json", ".csv", ".tsv"):
        raise InputError(f"{path}: unknown records format {path.suffix!r}; use .csv, .tsv or .jsonl.")
    records, extras = [], []
    if suffix in (".jsonl", ".json"):
        for _, row in _json_objects(path, path.read_text(encoding="utf-8")):
            values = row.get("values", {a: row[a] for a in schema.attributes if a in row})
            records.append(Record(schema, dict(values), dict(row.get("confidence", {}))))
            extras.append({k: row[k] for k in ("gsm", "id") if k in row})
        return records, extras
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f, delimiter=_delimiter(path))
        cols = reader.fieldnames or []
        if "output" not in cols and not any(a in cols for a in schema.attributes):
            raise InputError(f"{path}: needs an 'output' column or {schema.name} attribute columns; found {cols}.")
        for row in reader:
            if "output" in cols:
                records.append(parse(row["output"], schema, strict=False))
            else:
                records.append(Record(schema, {a: row[a] for a in schema.attributes if a in row}))
            extras.append({k: row[k] for k in ("gsm", "id") if k in row})
    return records, extras


def read_text_pairs(path: str | Path, *, columns: tuple[str, str] = ("summary", "text")) -> tuple[list[str], list[str]]:
    """The two text columns of a CSV/TSV (Textomics ``summary,text`` pairs)."""
    path = Path(path)
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh, delimiter=_delimiter(path)))
        return [r[columns[0]] for r in rows], [r[columns[1]] for r in rows]
    except (OSError, KeyError) as exc:
        raise InputError(
            f"{path}: expected a CSV/TSV with '{columns[0]}' and '{columns[1]}' columns ({exc})."
        ) from None


__all__ = ["PairsFile", "read_pairs", "read_records", "read_text_pairs"]
