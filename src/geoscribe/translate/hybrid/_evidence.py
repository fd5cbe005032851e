"""Named evidence: a training value written in the title or in a field named for its attribute.

Submitters often spell the answer out - ``chip antibody: TEAD4``, a title
``H1_PHF8`` - and yet both parts of the hybrid can miss it (the seq2seq wrote
``POLR2A``, the linear part ``CHD1``). When the two parts disagree and the
chosen value is nowhere in the text, a value of that attribute seen in
training that *is* written in the title, or in a characteristic whose key
names the attribute (:data:`EVIDENCE_KEYS`), is the better guess.
:func:`named_evidence` makes exactly that correction and nothing else: it
never replaces a value the two parts agree on, a value found in the text,
or ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ...schema import NONE
from ._snap import in_text

#: attribute -> words of a characteristic's key that say the value names it (``chip antibody``, ``cell line``)
EVIDENCE_KEYS: dict[str, tuple[str, ...]] = {
    "Factor": ("antibody", "target", "chip", "factor", "ip", "mark"),
    "Target of assay": ("antibody", "target", "chip", "factor", "ip", "mark"),
    "Cell Line": ("line", "cell", "cells"),
}

_SECTION = re.compile(r"(?:^|\s-\s)(Title|Description|Characteristics):\s?")
_FIELD = re.compile(r"\s*([^:]{1,60}):\s*(.*)", re.S)
_SPLIT = re.compile(r"[\s\[\](){};:,/_\"'=+*]+")
_ANTI = re.compile(r"^(?:anti-?|α-?)", re.I)


def fields(text: str) -> list[tuple[str, str]]:
    """``(key, value)`` pairs of a formatted input: ``("title", ...)``, then one pair per
    ``key: value`` characteristic of the description and characteristics (key lower-cased;
    ``""`` for free text)."""
    out: list[tuple[str, str]] = []
    parts = _SECTION.split(text)
    # parts = [before, name, body, name, body, ...]
    for name, body in zip(parts[1::2], parts[2::2]):
        if name == "Title":
            out.append(("title", body))
            continue
        for piece in body.split(";"):
            m = _FIELD.match(piece)
            out.append((m.group(1).strip().lower(), m.group(2)) if m else ("", piece))
    return out


def _words(value: str) -> list[str]:
    """Candidate names in one field: its words, each also without an ``anti-`` prefix and split at hyphens."""
    out = []
    for word in _SPLIT.split(value):
        word = word.strip(".-")
        if not word:
            continue
        variants = [word, _ANTI.sub("", word), *word.split("-")]
        out.extend(v.strip(".-") for v in variants if v.strip(".-"))
    return out


def named_values(text: str, attribute: str, known: Mapping[str, str]) -> list[str]:
    """Training values of ``attribute`` (``known``: lower-cased -> value) written in a field whose
    key names the attribute, then in the title; in that order, each once."""
    words = EVIDENCE_KEYS.get(attribute)
    if not words:
        return []
    keyed, titled = [], []
    for key, value in fields(text):
        key_words = set(re.findall(r"[a-z]+", key))
        if key == "title":
            target = titled
        elif key_words & set(words):
            target = keyed
        else:
            continue
        for word in _words(value):
            hit = known.get(word.lower())
            if hit is not None and hit != NONE and hit not in target:
                target.append(hit)
    return keyed + [v for v in titled if v not in keyed]


def named_evidence(text: str, attribute: str, value: str, known: Mapping[str, str], *, agreed: bool) -> str:
    """``value``, or a training value named in the text when ``value`` has no support (module docstring).

    ``agreed`` says both parts of the hybrid produced ``value``. A named value that ``value``
    starts with (``H3`` for ``H3.2``) is no evidence against it.
    """
    if agreed or value == NONE or in_text(text, value):
        return value
    found = [v for v in named_values(text, attribute, known) if not value.lower().startswith(v.lower())]
    if not found or any(v.lower() == value.lower() for v in found):
        return value
    return found[0]
