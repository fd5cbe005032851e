"""Context patterns: the words around a value in the training inputs, learned and reused.

Curated values sit in fixed phrases of the archive's text: ENCODE writes
``transgenic worms expressing F52B5.7-eGFP fusion proteins``, ``eGFP-ZNF26
ChIP-seq``, ``shRNA knockdown against SRP68.``; GEO characteristics write
``chip_antibody: CTCF;``. A pointer decoder copying sub-word pieces sometimes
garbles exactly these names (``F5 F6.5``, ``ZNF2626``), values unseen in
training included. :class:`ContextPatterns` learns, per attribute, the
(left word, right word) contexts of the gold value in the training inputs and
keeps those that, wherever they match a training input with a value, extract
that value (precision >= ``min_precision``, at least ``min_support`` times).
:meth:`ContextPatterns.extract` applies them, most precise first.

Only attributes whose values are mostly written in the input are learned
(``min_copy_share`` of the non-``None`` training values, e.g. Factor, Target of
assay); the precision is measured over inputs that *have* a value, so a pattern
says what the value is when there is one, not whether there is one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ...schema import NONE, Record
from ._snap import in_text

#: a value a pattern can extract: one token, with inner dots, underscores and hyphens (F52B5.7, ahr-1, NKX3-1)
_VALUE = r"([A-Za-z0-9][A-Za-z0-9._]*(?:-[A-Za-z0-9._]+)*?)"


def value_contexts(text: str, value: str) -> set[tuple[str, str]]:
    """(left, right) contexts of each whole-word occurrence of ``value`` in ``text``, lower-cased:
    the word before it with the separator (``"expressing "``, ``"egfp-"``) and the word after it
    (``"-egfp"``, ``" chip-seq"``, ``";"``)."""
    low_text, low_value = text.lower(), value.lower()
    out = set()
    for m in re.finditer(re.escape(low_value), low_text):
        start, end = m.start(), m.end()
        if (start > 0 and low_text[start - 1].isalnum()) or (end < len(low_text) and low_text[end].isalnum()):
            continue
        left = re.search(r"(\S*\s*)$", low_text[max(0, start - 40) : start]).group(1)
        right = re.match(r"(\s*\S*)", low_text[end : end + 40]).group(1)
        if left.strip() or right.strip():
            out.add((left, right))
    return out


def _compile(left: str, right: str) -> re.Pattern:
    """The regex of a context: ``left``, a value, ``right``, each end on a word boundary."""
    head = r"(?<!\S)" if left and not left[0].isspace() else ""
    tail = r"(?!\S)" if right and not right[-1].isspace() else ""
    return re.compile(head + re.escape(left) + _VALUE + re.escape(right) + tail, re.I)


@dataclass
class Pattern:
    attribute: str
    left: str
    right: str
    precision: float
    support: int

    def __post_init__(self) -> None:
        self.regex = _compile(self.left, self.right)

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("attribute", "left", "right", "precision", "support")}


class ContextPatterns:
    """Per attribute, value contexts learned from training pairs (module docstring)."""

    def __init__(self, *, min_support: int = 3, min_precision: float = 0.8, min_copy_share: float = 0.5) -> None:
        self.min_support, self.min_precision, self.min_copy_share = min_support, min_precision, min_copy_share

    def get_params(self) -> dict[str, Any]:
        return {"min_support": self.min_support, "min_precision": self.min_precision,
                "min_copy_share": self.min_copy_share}

    def fit(self, texts: Sequence[str], records: Sequence[Record]) -> ContextPatterns:
        self.patterns_: dict[str, list[Pattern]] = {}
        if not records:
            return self
        for attr in records[0].schema.attributes:
            pairs = [(t, r.values[attr]) for t, r in zip(texts, records) if r.values[attr] != NONE]
            copied = sum(in_text(t, v) for t, v in pairs)
            if not pairs or copied < self.min_copy_share * len(pairs):
                continue
            self.patterns_[attr] = self._learn(attr, [(t, v) for t, v in pairs if " " not in v])
        return self

    def _learn(self, attr: str, pairs: list[tuple[str, str]]) -> list[Pattern]:
        counts = Counter(c for t, v in pairs for c in value_contexts(t, v))
        found = []
        for (left, right), n in counts.items():
            if n < self.min_support:
                continue
            regex = _compile(left, right)
            matches = [(m.group(1).lower() == v.lower()) for t, v in pairs if (m := regex.search(t))]
            hits = sum(matches)
            if hits >= self.min_support and hits >= self.min_precision * len(matches):
                found.append(Pattern(attr, left, right, round(hits / len(matches), 4), hits))
        return sorted(found, key=lambda p: (-p.precision, -p.support, p.left, p.right))

    def extract(self, text: str, attribute: str) -> str | None:
        """The value the most precise matching pattern of ``attribute`` finds in ``text``, if any."""
        for pattern in self.patterns_.get(attribute, ()):
            m = pattern.regex.search(text)
            if m:
                return m.group(1)
        return None

    def to_dict(self) -> dict[str, Any]:
        return {"params": self.get_params(),
                "patterns": [p.to_dict() for ps in self.patterns_.values() for p in ps]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ContextPatterns:
        obj = cls(**data.get("params", {}))
        obj.patterns_ = {}
        for p in data.get("patterns", []):
            obj.patterns_.setdefault(p["attribute"], []).append(Pattern(**p))
        return obj
