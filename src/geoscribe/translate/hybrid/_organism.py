"""Organism named in the text: ``transgenic worms`` is C. elegans, whatever the model says.

ENCODE records carry an Organism and a Genome assembly. Both parts of the hybrid
learn them from wording that is mostly human, so a short worm or fly text
(``ChIP-seq of transgenic worms expressing C38D4.7-eGFP``) came out as ``Homo
sapiens`` with ``GRCh38,hg19``. The common names below settle it when exactly one
organism is named. On the shared ENCODE pairs a single named organism agrees
with the gold record in 1,748 of 1,754 texts; the six others are other
Drosophila species (kept: a ``Drosophila`` prediction is never replaced by a
fly cue) and one human text that names a mouse antibody (the antibody phrasings
are not cues).

:func:`named_organism` is rule 8 of :mod:`geoscribe.translate.hybrid`; it only
applies to attribute sets with an ``Organism`` attribute.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Organism:
    """One organism: its ENCODE name, the words that name it, and its genome assemblies."""

    name: str
    cue: re.Pattern
    assembly_prefixes: tuple[str, ...]  # an assembly value starting with one of these belongs to it
    default_assembly: str  # the most frequent value in the shared ENCODE pairs


_ANTIBODY = r"(?!\s*(?:monoclonal|polyclonal|anti|igg|igm|antibod|serum|primary|secondary))"
ORGANISMS: tuple[Organism, ...] = (
    Organism("Homo sapiens", re.compile(r"\bhumans?\b" + _ANTIBODY + r"|\bhomo sapiens\b", re.I),
             ("grch", "hg"), "GRCh38,hg19"),
    Organism("Mus musculus", re.compile(r"(?<!anti-)\b(?:mouse|mice|murine)\b" + _ANTIBODY + r"|\bmus musculus\b",
                                        re.I), ("mm",), "mm10"),
    Organism("Drosophila melanogaster", re.compile(r"\b(?:flies|fly|drosophila|d\. ?melanogaster)\b", re.I),
             ("dm",), "dm6,dm3"),
    Organism("Caenorhabditis elegans", re.compile(r"\b(?:worms?|c\. ?elegans|caenorhabditis)\b", re.I),
             ("ce",), "ce11,ce10"),
)


def organism_named(text: str) -> Organism | None:
    """The one organism ``text`` names, or None when it names none or several."""
    found = [o for o in ORGANISMS if o.cue.search(text)]
    return found[0] if len(found) == 1 else None


def _genus(name: str) -> str:
    return name.split()[0].lower()


def named_organism(text: str, organism: str, assembly: str | None) -> tuple[str, str | None]:
    """``(organism, assembly)`` made consistent with the organism the text names.

    A predicted organism of the named one's genus is kept (``Drosophila simulans``
    for ``whole flies``); otherwise the named organism replaces it, and an assembly
    of another organism (``GRCh38,hg19`` for a worm) becomes the named one's usual
    assembly. ``None`` assemblies stay ``None``: many assays have none.
    """
    named = organism_named(text)
    if named is None or _genus(organism) == _genus(named.name):
        return organism, assembly
    if assembly is not None and assembly != "None" and not assembly.lower().startswith(named.assembly_prefixes):
        assembly = named.default_assembly
    return named.name, assembly
