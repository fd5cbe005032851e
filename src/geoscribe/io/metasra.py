"""Reader for the MetaSRA pipeline's per-platform GEO sample files (``gpl_files/N.json``).

The MetaSRA repository ships 144k real GEO sample records as one JSON file per
platform: ``{GPL: [{KEY: [{field: value}, ...]}, ...]}``, sometimes wrapped once
more as a JSON *string* holding that document. KEY is the GSM id, or the sample
title with the id in a ``gsm`` field. Fields: ``title``, ``type``,
``source_name_ch1``, ``characteristics_ch1`` (GEOmetadb style, ``key: value;\\tkey:
value``); they come out as the GEOmetadb reader gives them. A whole file is one
JSON document, so it is parsed at once (the largest such file is a few MB).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from ..text import Sample
from ._common import decode, guarded, open_binary
from .geometadb import COLUMNS, KIND_COLUMNS, field_value

# MetaSRA field -> Sample field: GEOmetadb's column names (the platform comes from the key;
# ``type`` is the sample type, RNA/genomic/SRA/...)
FIELDS = {column: field for field, column in {**COLUMNS, **KIND_COLUMNS}.items() if field != "platform"}


def read_metasra(path: str | Path) -> Iterator[Sample]:
    """Samples of one MetaSRA ``gpl_files/N.json`` file (plain or gzipped), in file order.

    A platform with no samples (``{"GPL20635": []}``, 35 of the 286 shipped files)
    yields nothing; that is not an error.

    Raises
    ------
    InputError
        Not JSON, or JSON of another shape.
    """
    path = Path(path)
    return guarded(path, _samples(path), what="MetaSRA platform file", allow_empty=True)


# {"PLATFORM": []} or {"PLATFORM": [{"KEY": [{ ...
_START = re.compile(r'\{\s*"[^"]+"\s*:\s*\[\s*(\]|\{\s*"[^"]+"\s*:\s*\[\s*\{)')


def looks_like_metasra(text: str) -> bool:
    """True for the start of a MetaSRA platform file, ``{"GPL96": [{"GSM1": [{...``
    (platforms may also be ArrayExpress ids such as ``A-AFFY-44``), or for that
    document wrapped as a JSON string."""
    head = text.lstrip()[:400]
    if head.startswith('"'):
        head = head[1:].replace('\\"', '"')
    return bool(_START.match(head))


def _load(path: Path) -> object:
    with open_binary(path) as fh:
        raw = decode(fh.read())
    try:
        doc = json.loads(raw)
        if isinstance(doc, str):  # the document wrapped as a JSON string
            doc = json.loads(doc)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
    return doc


def _shape_error(path: Path, what: str) -> InputError:
    return InputError(f"{path}: not a MetaSRA platform file ({what}); expected {{GPL: [{{GSM: [{{field: value}}]}}]}}")


def _samples(path: Path) -> Iterator[Sample]:
    doc = _load(path)
    if not isinstance(doc, dict):
        raise _shape_error(path, f"top level is a JSON {type(doc).__name__}")
    for platform, entries in doc.items():
        if not isinstance(entries, list):
            raise _shape_error(path, f"{platform!r} does not hold a list")
        for entry in entries:
            if not isinstance(entry, dict):
                raise _shape_error(path, f"an entry of {platform!r} is not an object")
            for key, fields in entry.items():
                yield _sample(path, str(platform), str(key), fields)


def _sample(path: Path, platform: str, key: str, fields: object) -> Sample:
    if isinstance(fields, dict):
        fields = [fields]
    if not isinstance(fields, list):
        raise _shape_error(path, f"sample {key!r} does not hold a list of fields")
    values = {"platform": platform}
    for item in fields:
        if not isinstance(item, dict):
            raise _shape_error(path, f"a field of sample {key!r} is not an object")
        for name, value in item.items():
            target = FIELDS.get(name)
            if target and value is not None:
                values[target] = field_value(value)
    if "gsm" not in values:
        if key.upper().startswith("GSM"):
            values["gsm"] = key
        else:  # keyed by title, no id: keep the key as the title
            values.setdefault("title", key)
    return Sample(**values)
