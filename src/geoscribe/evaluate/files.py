"""Reading gold and predicted records from CSV / JSONL files, and lining them up.

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
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        rows = _jsonl_rows(path, text)
    else:
        rows = _csv_rows(path, text)
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
    reader = csv.DictReader(text.splitlines(keepends=True))
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


def _jsonl_rows(path: Path, text: str) -> list[tuple[int, dict]]:
    rows = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            raise InputError(f"{path}:{lineno}: not valid JSON; expected one object per line.") from None
        if not isinstance(row, dict) or ("output" not in row and "values" not in row):
            raise InputError(
                f"{path}:{lineno}: expected an object with 'output' or 'values' "
                "(Record.to_dict() form)."
            )
        rows.append((lineno, row))
    return rows


def _record_from_dict(row: dict, schema: Schema) -> Record:
    name = row.get("schema", schema.name)
    if get_schema(name) != schema:
        raise InputError(f"record is of the {name!r} set, not {schema.name!r}; pass --schema {name}.")
    values = {str(k): str(v) for k, v in row["values"].items()}
    return Record(schema, values)


def align(gold: PairsFile, predicted: PairsFile) -> list[Record]:
    """Predicted records in the order of ``gold``: by ``gsm`` when both files have
    an id on every row, else by row order."""
    if gold.ids is not None and predicted.ids is not None:
        if len(set(gold.ids)) != len(gold.ids):
            dup = next(i for i in gold.ids if gold.ids.count(i) > 1)
            raise InputError(f"{gold.path}: gsm {dup} appears more than once; ids must be unique.")
        by_id = dict(zip(predicted.ids, predicted.records))
        missing = [i for i in gold.ids if i not in by_id]
        extra = sorted(set(predicted.ids) - set(gold.ids))
        if missing:
            raise InputError(
                f"{predicted.path}: {len(missing)} gold ids have no prediction (first: {missing[0]}); "
                "predict every gold sample."
            )
        if extra:
            raise InputError(
                f"{predicted.path}: {len(extra)} ids are not in the gold file (first: {extra[0]}); "
                "evaluate against the matching gold file."
            )
        if len(predicted.ids) != len(set(predicted.ids)):
            dup = next(i for i in predicted.ids if predicted.ids.count(i) > 1)
            raise InputError(f"{predicted.path}: gsm {dup} appears more than once; ids must be unique.")
        return [by_id[i] for i in gold.ids]
    if len(gold) != len(predicted):
        raise InputError(
            f"{predicted.path}: {len(predicted)} predictions for {len(gold)} gold rows; "
            "rows are matched by order (no gsm column in both), so the counts must agree."
        )
    return list(predicted.records)
