"""Turn samples into database rows: format, translate, normalise (on any worker).

Everything here is a plain function of picklable arguments so that a Dask
worker can run it; models and ontology mappers are loaded once per process.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..io.store import SAMPLE_FIELDS, encode_evidence
from ..io.store import utc_now as now
from ..schema import get_schema
from ..text import Sample, format_sample
from ..translate.base import Translator, read_metadata, read_model_config
from ._source import Partition, read_partition, sample_key

SKIP_NO_TEXT = "no text to translate"
SKIP_DUPLICATE = "duplicate sample (already in the database)"
SKIP_DUPLICATE_RUN = "duplicate sample (twice in this source)"


def model_identity(model: str | Path | Translator) -> tuple[str, str]:
    """``(name, version)`` recorded with each annotation: the model directory's name
    and kind, and its training-data hash and save date from ``metadata.json``."""
    if isinstance(model, Translator):
        return f"{type(model).__name__}:{model.kind}", str(getattr(model, "data_hash_", "") or "in-memory")
    path = Path(model)
    kind = read_model_config(path).get("kind", "?")
    meta = read_metadata(path)
    version = "@".join(str(meta[k]) for k in ("data_hash", "saved") if meta.get(k)) or "unknown"
    return f"{path.resolve().name}:{kind}", version


_MAPPERS: dict[str, Any] = {}


def get_mapper(ontology: str | Path | Any | None) -> Any:
    """A TermMapper on the index at ``ontology`` (default: the cached one), once per process."""
    from ..ontology import OntologyIndex, TermMapper

    if ontology is not None and not isinstance(ontology, (str, Path)):
        return ontology  # already a mapper
    key = str(ontology)
    if key not in _MAPPERS:
        index = OntologyIndex(ontology) if ontology is not None else OntologyIndex.default()
        _MAPPERS[key] = TermMapper(index)
    return _MAPPERS[key]


@dataclass
class Rows:
    """Rows for the ``samples`` and ``annotations`` tables, and what was left out."""

    samples: list[tuple] = field(default_factory=list)
    annotations: list[tuple] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)  # keys whose annotations are in ``annotations``
    read: int = 0
    translated: int = 0
    skipped: Counter = field(default_factory=Counter)
    next_position: int = 0
    replaced: int = 0  # invalid characters the readers' sanitiser replaced (geoscribe.text.sanitise)
    cut: int = 0  # fields cut at geoscribe.text.MAX_TEXT_CHARS

    def drop(self, keys: set[str], reason: str) -> None:
        """Leave out the annotations of ``keys`` (found in the database meanwhile)."""
        if not keys:
            return
        self.annotations = [a for a in self.annotations if a[0] not in keys]
        hit = [k for k in self.keys if k in keys]
        self.keys = [k for k in self.keys if k not in keys]
        self.translated -= len(hit)
        self.skipped[reason] += len(hit)


def build_rows(
    items: Sequence[tuple[int, Sample]],
    part: Partition,
    *,
    schema: str,
    translator: Translator,
    model_id: tuple[str, str],
    batch_size: int = 64,
    mapper: Any = None,
    exclude: set[str] | frozenset[str] = frozenset(),
) -> Rows:
    """Rows for ``items`` of ``part``; keys in ``exclude`` (already annotated) are not translated."""
    schema_ = get_schema(schema)
    out = Rows(read=len(items), next_position=(items[-1][0] + 1) if items else part.start)
    read_at = now()
    todo: list[tuple[str, str, Sample]] = []
    seen: set[str] = set()
    for pos, s in items:
        key = sample_key(s, part.name, pos)
        out.replaced, out.cut = out.replaced + s.replaced, out.cut + s.cut
        line = format_sample(s)
        if key in seen:  # a key twice in one statement trips up INSERT OR IGNORE
            out.skipped[SKIP_DUPLICATE_RUN] += 1
            continue
        out.samples.append((key, *(getattr(s, f) for f in SAMPLE_FIELDS), line, part.source_file, pos, read_at))
        if key in exclude:
            out.skipped[SKIP_DUPLICATE] += 1
        elif not line.strip():
            out.skipped[SKIP_NO_TEXT] += 1
        else:
            todo.append((key, line, s))
        seen.add(key)
    if not todo:
        return out
    lines = [line for _, line, _ in todo]
    # a model that reads Samples sees their fields (sample type, characteristics); its evidence
    # spans index format_sample(sample), which is ``line``, the ``input`` column
    inputs = [s for _, _, s in todo] if getattr(translator, "reads_samples", False) else lines
    records = translator.translate(inputs, batch_size=batch_size)
    if mapper is not None:
        from ..ontology import normalise_records

        records = normalise_records(records, mapper=mapper, contexts=lines)
    at = now()
    model, version = model_id
    for (key, _, _), rec in zip(todo, records):
        for attr in schema_.attributes:
            term = rec.terms.get(attr) or {}
            out.annotations.append((
                key, schema_.name, attr, rec.values.get(attr, ""), rec.confidence.get(attr),
                term.get("curie"), term.get("label"), rec.source.get(attr), encode_evidence(rec.evidence.get(attr)),
                model, version, at,
            ))  # fmt: skip
        out.keys.append(key)
    out.translated = len(todo)
    return out


def translate_partition(
    part: Partition,
    *,
    start: int,
    schema: str,
    model: str,
    batch_size: int = 64,
    ontology: str | None = None,
    normalise: bool = False,
) -> Rows:
    """Read and translate one whole partition from ``start`` (a Dask task)."""
    from ..translate import get_model

    translator = get_model(schema, model)
    mapper = get_mapper(ontology) if normalise else None
    items = list(read_partition(part, start=start))
    rows = build_rows(items, part, schema=schema, translator=translator, model_id=model_identity(model),
                      batch_size=batch_size, mapper=mapper)  # fmt: skip
    rows.next_position = part.stop
    return rows
