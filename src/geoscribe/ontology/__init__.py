"""Ontology normalisation: values to standard terms (CL, UBERON, EFO, Cellosaurus,
MONDO, NCBITaxon, PATO, HANCESTRO, stage ontologies, UniProt), offline.

Term data come from the ``cellxgene-ontology-guide`` package; :func:`build_index`
turns them into a cached SQLite index once, and :class:`TermMapper` maps
``(attribute, value, context)`` to a :class:`Match`.
"""

from ._index import OntologyIndex, build_index, cache_dir, default_index_path
from ._mapper import ATTRIBUTE_ONTOLOGIES, Match, TermMapper
from ._normalise import fold, is_unknown, matching_key
from ._records import Coverage, coverage, normalise_record, normalise_records, normalise_translations, read_pairs_records
from ._source import OntologyDataError, iter_terms, package_sources

__all__ = [
    "ATTRIBUTE_ONTOLOGIES",
    "Coverage",
    "Match",
    "OntologyDataError",
    "OntologyIndex",
    "TermMapper",
    "build_index",
    "cache_dir",
    "coverage",
    "default_index_path",
    "fold",
    "is_unknown",
    "iter_terms",
    "matching_key",
    "normalise_record",
    "normalise_records",
    "normalise_translations",
    "package_sources",
    "read_pairs_records",
]
