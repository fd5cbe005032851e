"""Attribute sets of the Genomic Conceptual Model, the Record type, and the
``Key: value - Key: value`` grammar of the seed paper.

Parsing is anchored on the attribute names of the set, in order, so values that
themselves contain `` - `` or ``:`` survive a round trip. ``None`` is a real value
(the attribute does not apply); a comma separates several values (``male,female``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from .errors import ParseError, UnknownSchemaError

NONE = "None"
SEPARATOR = " - "
#: where a value comes from, best first (docs/translator.md, "Where a value comes from"):
#: ``stated`` read from the record as written by a deterministic reader, ``copied`` a span of
#: the input a model chose, ``known`` a fact recorded about a named entity (training pairs or an
#: ontology), ``model`` an inference. A ``None`` value has no source.
SOURCES = ("stated", "copied", "known", "model")
MULTI_SEPARATOR = ","


@dataclass(frozen=True)
class Schema:
    """A named, ordered set of attributes.

    ``properties`` maps an attribute to the attribute whose value it describes
    (ENCODE: "Investigated as" is a property of the "Target of assay"; Cistrome: a
    cell line comes from one tissue and is of one cell type); the hybrid
    translator reads such values off a table learned in training.
    """

    name: str
    attributes: tuple[str, ...]
    properties: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    def __contains__(self, attribute: str) -> bool:
        return attribute in self.attributes

    def __len__(self) -> int:
        return len(self.attributes)

    @cached_property
    def _key_pattern(self) -> re.Pattern[str]:
        names = sorted(self.attributes, key=len, reverse=True)
        alternation = "|".join(re.escape(n) for n in names)
        return re.compile(rf"(?:^|(?<= - ))({alternation}): ?", re.IGNORECASE)


CISTROME = Schema("cistrome", ("Cell Line", "Cell Type", "Tissue Type", "Factor"),
                  properties={"Cell Type": "Cell Line", "Tissue Type": "Cell Line"})
ENCODE = Schema(
    "encode",
    (
        "Assay name",
        "Assay type",
        "Target of assay",
        "Genome assembly",
        "Biosample term name",
        "Project",
        "Organism",
        "Life stage",
        "Age",
        "Age units",
        "Sex",
        "Ethnicity",
        "Health status",
        "Classification",
        "Investigated as",
    ),
    properties={"Investigated as": "Target of assay"},
)
SCHEMAS: dict[str, Schema] = {s.name: s for s in (CISTROME, ENCODE)}


def get_schema(schema: str | Schema) -> Schema:
    """Return the attribute set called ``schema`` (case-insensitive)."""
    if isinstance(schema, Schema):
        return schema
    try:
        return SCHEMAS[str(schema).strip().lower()]
    except KeyError:
        raise UnknownSchemaError(
            f"Unknown attribute set {schema!r}. Valid names: {', '.join(SCHEMAS)}."
        ) from None


@dataclass
class Record:
    """One sample's structured metadata: attribute -> value string.

    ``values`` keeps the value exactly as written (``"GRCh38,hg19"``, ``"None"``);
    :meth:`split` gives the list form. ``confidence`` maps attributes to [0, 1].
    ``terms`` holds ontology matches added by normalisation (attribute -> dict).
    ``source`` says where each value came from (one of :data:`SOURCES`); ``evidence``
    backs it: ``{"span": [start, end], "text": ...}`` for a stated or copied value
    (character offsets into the input line the translator read), ``"key"`` the field it
    was read from, ``"basis"`` what a known fact was recorded in.
    """

    schema: Schema
    values: dict[str, str]
    confidence: dict[str, float] = field(default_factory=dict)
    terms: dict[str, dict] = field(default_factory=dict)
    source: dict[str, str] = field(default_factory=dict)
    evidence: dict[str, dict] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = [a for a in self.values if a not in self.schema]
        if unknown:
            raise ParseError(
                f"Attributes {unknown} are not in the {self.schema.name} set "
                f"({', '.join(self.schema.attributes)})."
            )
        bad = {a: s for a, s in self.source.items() if s not in SOURCES}
        if bad:
            raise ParseError(f"Unknown value sources {bad}; valid: {', '.join(SOURCES)}.")

    def __getitem__(self, attribute: str) -> str:
        return self.values.get(attribute, "")

    def split(self, attribute: str) -> list[str]:
        """The attribute's values as a list; ``[]`` for ``None`` or a missing value."""
        value = self[attribute]
        if value in ("", NONE):
            return []
        return [v.strip() for v in value.split(MULTI_SEPARATOR) if v.strip()]

    def is_none(self, attribute: str) -> bool:
        return self[attribute] == NONE

    def render(self) -> str:
        """The paper's text form, keys in schema order."""
        return render(self.values, self.schema)

    def to_dict(self) -> dict:
        out: dict = {"schema": self.schema.name, "values": dict(self.values)}
        if self.confidence:
            out["confidence"] = dict(self.confidence)
        if self.terms:
            out["terms"] = dict(self.terms)
        if self.source:
            out["source"] = dict(self.source)
        if self.evidence:
            out["evidence"] = dict(self.evidence)
        return out

    @classmethod
    def from_dict(cls, data: dict) -> Record:
        return cls(
            get_schema(data["schema"]),
            dict(data["values"]),
            dict(data.get("confidence", {})),
            dict(data.get("terms", {})),
            dict(data.get("source", {})),
            dict(data.get("evidence", {})),
        )


def render(values: dict[str, str] | Record, schema: str | Schema) -> str:
    """``Key: value - Key: value`` in the order of ``schema``; missing values render empty."""
    schema = get_schema(schema)
    if isinstance(values, Record):
        values = values.values
    return SEPARATOR.join(f"{a}: {values.get(a, '')}" for a in schema.attributes)


def parse(text: str, schema: str | Schema, *, strict: bool = True) -> Record:
    """Parse a ``Key: value - ...`` line of ``schema``.

    Keys are looked for in schema order, each at the start of the line or after
    `` - ``; a value runs up to the next key. With ``strict=False``, keys may be
    missing (their value is ``""``), differ in case, or come out of order, which
    is what a generative model can produce; extra text before the first key is
    ignored. With ``strict=True`` every key must appear once, in order.
    """
    schema = get_schema(schema)
    text = (text or "").strip()
    if strict:
        return _parse_strict(text, schema)
    return _parse_lenient(text, schema)


def _parse_strict(text: str, schema: Schema) -> Record:
    values: dict[str, str] = {}
    attrs = schema.attributes
    first = f"{attrs[0]}: "
    if not text.startswith(first) and text != f"{attrs[0]}:":
        raise ParseError(
            f"Line does not start with {first.strip()!r} ({schema.name} set): {text[:80]!r}."
        )
    pos = len(first) if text.startswith(first) else len(text)
    for i, attr in enumerate(attrs):
        if i + 1 < len(attrs):
            marker = f"{SEPARATOR}{attrs[i + 1]}:"
            nxt = text.find(marker, pos)
            if nxt < 0:
                raise ParseError(
                    f"Key {attrs[i + 1]!r} missing after {attr!r} ({schema.name} set): {text[:80]!r}."
                )
            values[attr] = text[pos:nxt]
            pos = nxt + len(marker)
            if text.startswith(" ", pos):
                pos += 1
        else:
            values[attr] = text[pos:]
    return Record(schema, values)


def _parse_lenient(text: str, schema: Schema) -> Record:
    canonical = {a.lower(): a for a in schema.attributes}
    matches = list(schema._key_pattern.finditer(text))
    values = {a: "" for a in schema.attributes}
    seen: set[str] = set()
    for i, m in enumerate(matches):
        attr = canonical[m.group(1).lower()]
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        value = text[m.end() : end]
        if value.endswith(SEPARATOR):
            value = value[: -len(SEPARATOR)]
        elif value.endswith(SEPARATOR.rstrip()):
            value = value[: -len(SEPARATOR.rstrip())]
        if attr not in seen:  # first occurrence wins
            values[attr] = value.strip()
            seen.add(attr)
    return Record(schema, values)
