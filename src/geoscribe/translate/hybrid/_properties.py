"""Property tables: attributes that are properties of another attribute's value.

In ENCODE's data model "Investigated as" is a property of the *target*: every
experiment on TOE1 is investigated as an RNA binding protein, every one on
H3K27me3 as a broad histone mark (99.6% of the training pairs follow their
target's majority category). A per-attribute classifier does not know this and
drifts to the frequent class (``transcription factor``). :class:`PropertyTable`
records, for each pair the schema declares (:attr:`geoscribe.schema.Schema.properties`),
the property value of every antecedent value whose training pairs all agree, and
:meth:`PropertyTable.lookup` reads it back.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from ...schema import NONE, Record, Schema


class PropertyTable:
    """``{property attribute: {antecedent value (lower-cased): property value}}`` from training records.

    An antecedent value is kept only if all its training pairs (at least
    ``min_support``) give the same property value; ``None`` antecedents are skipped.
    """

    def __init__(self, *, min_support: int = 1) -> None:
        self.min_support = min_support

    def fit(self, records: Sequence[Record], schema: Schema) -> PropertyTable:
        self.tables_: dict[str, dict[str, str]] = {}
        self.antecedents_: dict[str, str] = dict(schema.properties)
        for prop, ante in schema.properties.items():
            seen: dict[str, Counter] = defaultdict(Counter)
            for r in records:
                if r.values[ante] != NONE:
                    seen[r.values[ante].lower()][r.values[prop]] += 1
            self.tables_[prop] = {a: next(iter(c)) for a, c in seen.items()
                                  if len(c) == 1 and sum(c.values()) >= self.min_support}
        return self

    def lookup(self, prop: str, antecedent_value: str) -> str | None:
        """The property value the training pairs give ``antecedent_value``, or None if they do not agree."""
        return self.tables_.get(prop, {}).get(antecedent_value.lower())

    def to_dict(self) -> dict[str, Any]:
        return {"min_support": self.min_support, "antecedents": self.antecedents_, "tables": self.tables_}

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, schema: Schema | None = None) -> PropertyTable:
        """The table :meth:`to_dict` wrote; with ``schema``, a ValueError if it names other attributes."""
        obj = cls(min_support=int(data["min_support"]))
        obj.antecedents_ = {str(k): str(v) for k, v in data["antecedents"].items()}
        obj.tables_ = {str(p): {str(a): str(v) for a, v in t.items()} for p, t in data["tables"].items()}
        named = {name for pair in obj.antecedents_.items() for name in pair}
        if schema is not None and not named <= set(schema.attributes):
            raise ValueError(f"attributes not in the {schema.name} set: {sorted(named - set(schema.attributes))}")
        return obj
