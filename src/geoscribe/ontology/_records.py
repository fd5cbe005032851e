"""Normalise whole records, and measure how much of a pairs file maps to terms."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..schema import NONE, Record, Schema
from ._mapper import Match, TermMapper
from ._normalise import is_unknown


def _term(match: Match) -> dict:
    return {"curie": match.curie, "label": match.label, "ontology": match.ontology,
            "matched": match.matched, "match": match.match, "score": match.score}  # fmt: skip


def _context(record: Record, extra: str | None) -> str:
    parts = [record["Organism"]] if "Organism" in record.schema else []
    return " ".join(p for p in (*parts, extra or "") if p)


def normalise_record(record: Record, *, mapper: TermMapper, context: str | None = None) -> Record:
    """A copy of ``record`` whose ``terms`` hold a term per mapped attribute.

    A value listing several values (``male,female``) gets ``"parts"``: one term
    per mapped part; the top-level fields then join the parts' fields with commas
    and ``score`` is the lowest part score. Unmapped attributes get no entry.
    """
    terms: dict[str, dict] = {}
    ctx = _context(record, context)
    for attr, value in record.values.items():
        if is_unknown(value) or not mapper.ontologies_for(attr):
            continue
        whole = mapper.map(attr, value, ctx)
        if whole is not None or "," not in value:
            if whole is not None:
                terms[attr] = _term(whole)
            continue
        parts = [m for v in record.split(attr) if (m := mapper.map(attr, v, ctx)) is not None]
        if parts:
            joined = {k: ",".join(str(getattr(m, k)) for m in parts) for k in ("curie", "label", "ontology", "matched", "match")}
            terms[attr] = {**joined, "score": min(m.score for m in parts), "parts": [_term(m) for m in parts]}
    return replace(record, terms={**record.terms, **terms})


def normalise_records(
    records: Iterable[Record], *, mapper: TermMapper | None = None, contexts: Iterable[str] | None = None
) -> list[Record]:
    """Copies of ``records`` with ``Record.terms`` filled (see :func:`normalise_record`).

    Parameters
    ----------
    records
        Records of any attribute set; attributes without an ontology are left alone.
    mapper
        Default: a :class:`TermMapper` on the cached index (built on first use).
    contexts
        Optional input text per record (the sample description), used to pick the
        species (``MOUSE`` UniProt entries, mouse stage ontology).
    """
    mapper = mapper if mapper is not None else TermMapper()
    records = list(records)
    ctxs = list(contexts) if contexts is not None else [None] * len(records)
    if len(ctxs) != len(records):
        raise InputError(f"normalise_records: {len(records)} records but {len(ctxs)} contexts; pass one per record.")
    return [normalise_record(r, mapper=mapper, context=c) for r, c in zip(records, ctxs)]


def normalise_translations(
    translations: Iterable[tuple[Any, str, Record]], *, mapper: TermMapper | None = None
) -> Iterator[tuple[Any, str, Record]]:
    """``(sample, line, record)`` triples (as ``translate_stream`` yields them) with the
    record's terms filled, lazily, one at a time."""
    mapper = mapper if mapper is not None else TermMapper()
    for sample, line, record in translations:
        yield sample, line, normalise_record(record, mapper=mapper)


@dataclass
class Coverage:
    """Distinct gold values per attribute and how many of them map to a term."""

    attribute: str
    ontologies: tuple[str, ...]
    distinct: int
    mapped: int
    by_match: dict[str, int]

    @property
    def share(self) -> float | None:
        return self.mapped / self.distinct if self.distinct and self.ontologies else None


def read_pairs_records(path: str | Path, schema: str | Schema) -> list[Record]:
    """The gold records (``output`` column, parsed leniently) of a pairs file such as
    ``shared/data/cistrome/pairs.csv``."""
    from ..io.records import read_pairs

    return read_pairs(path, schema, strict=False).records


def coverage(records: Iterable[Record], *, mapper: TermMapper | None = None) -> list[Coverage]:
    """Share of distinct non-None, non-``unknown`` values per attribute that map to a term.

    A value listing several values counts once per part. Each distinct value is
    mapped with the most common organism it appears with as context.
    """
    mapper = mapper if mapper is not None else TermMapper()
    records = list(records)
    if not records:
        raise InputError("coverage: no records; pass a non-empty pairs file.")
    schema = records[0].schema
    contexts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for r in records:
        for attr in schema.attributes:
            for v in r.split(attr):
                if not is_unknown(v) and v != NONE:
                    contexts[attr, v][_context(r, None)] += 1
    out = []
    for attr in schema.attributes:
        values = [(v, c.most_common(1)[0][0]) for (a, v), c in contexts.items() if a == attr]
        matches = [mapper.map(attr, v, ctx) for v, ctx in values]
        by_match = Counter(m.match for m in matches if m is not None)
        out.append(Coverage(attr, mapper.ontologies_for(attr), len(values), sum(by_match.values()), dict(by_match)))
    return out
