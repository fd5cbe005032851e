"""Ontology normalisation on a tiny hand-made ontology (tests/data/ontology/tiny)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geoscribe.ontology import (
    OntologyDataError,
    OntologyIndex,
    TermMapper,
    build_index,
    coverage,
    iter_terms,
    matching_key,
    normalise_records,
)
from geoscribe.schema import ENCODE, Record

TINY = Path(__file__).parents[1] / "data" / "ontology" / "tiny"


def tiny_sources() -> dict[str, Path]:
    return {p.name.split("-ontology-")[0]: p for p in sorted(TINY.glob("*.json"))}


@pytest.fixture(scope="session")
def tiny_index_path(tmp_path_factory) -> Path:
    return build_index(tmp_path_factory.mktemp("onto") / "index.sqlite", sources=tiny_sources())


@pytest.fixture
def mapper(tiny_index_path) -> TermMapper:
    return TermMapper(OntologyIndex(tiny_index_path), genes=False)  # the UniProt path; gene terms: test_genes.py


@pytest.mark.parametrize(
    ("a", "b"),
    [("K562", "K-562"), ("HCT-116", "HCT 116"), ("T cells", "T cell"), ("TNF-α", "TNF alpha"),
     ("Lymphocytes", "lymphocyte"), ("Bodies", "body"), ("Café", "cafe")],
)  # fmt: skip
def test_matching_key_equates_variants(a, b):
    assert matching_key(a) == matching_key(b)


def test_matching_key_keeps_distinct_things_apart():
    assert matching_key("HEK293") != matching_key("HEK293T")
    assert matching_key("testis") == "testis"  # not a plural


def test_iter_terms_keeps_only_direct_parents():
    terms = dict(iter_terms(TINY / "NCBITaxon-ontology-vtest.json"))
    assert terms["NCBITaxon:9606"]["ancestors"] == {"NCBITaxon:9605": 1}
    assert terms["NCBITaxon:9606"]["synonyms"] == ["human"]
    assert len(terms) == 4


def test_iter_terms_reads_zstd_in_small_chunks(tmp_path, monkeypatch):
    zstandard = pytest.importorskip("zstandard")
    raw = (TINY / "CL-ontology-vtest.json").read_bytes()
    path = tmp_path / "CL-ontology-vtest.json.zst"
    path.write_bytes(zstandard.ZstdCompressor().compress(raw))
    monkeypatch.setattr("geoscribe.ontology._source._CHUNK", 7)  # terms cut across chunks
    assert dict(iter_terms(path)).keys() == json.loads(raw).keys()


def test_iter_terms_rejects_non_object(tmp_path):
    bad = tmp_path / "X-ontology-v1.json"
    bad.write_text("[1, 2]")
    with pytest.raises(OntologyDataError, match="JSON object"):
        list(iter_terms(bad))


def test_index_hierarchy_and_versions(tiny_index_path):
    index = OntologyIndex(tiny_index_path)
    assert index.versions["CL"] == "vtest"
    assert index.is_a("CL:0000084", "CL:0000000")  # T cell -> lymphocyte -> cell
    assert index.is_a("CL:0000084", "CL:0000084")
    assert not index.is_a("CL:0000057", "CL:0000542")  # fibroblast is not a lymphocyte
    assert index.ancestors("NCBITaxon:9606") == {"NCBITaxon:9605", "NCBITaxon:1"}
    # UniProt keeps model organisms only
    assert index.term("uniprot:Q99999") is None and index.term("uniprot:P49711") is not None


def test_index_missing_file_is_user_error(tmp_path):
    with pytest.raises(OntologyDataError, match="geoscribe ontology build"):
        OntologyIndex(tmp_path / "nope.sqlite")


def test_map_exact_normalised_synonym(mapper):
    m = mapper.map("Cell Line", "K562")
    assert (m.curie, m.match, m.score) == ("EFO:0002067", "exact", 1.0)
    m = mapper.map("Cell Line", "HCT-116")
    assert (m.curie, m.ontology, m.match, m.matched) == ("CVCL_0291", "CVCL", "normalised", "HCT 116")
    m = mapper.map("Cell Type", "T Lymphocytes")
    assert (m.curie, m.label, m.match, m.matched) == ("CL:0000084", "T cell", "synonym", "T lymphocyte")
    m = mapper.map("Health status", "breast tumor")
    assert (m.curie, m.matched) == ("MONDO:0007254", "breast tumor")


def test_map_prefers_exact_over_normalised_and_older_ids(mapper):
    assert mapper.map("Cell Line", "MCF7").curie == "CVCL_B0A1"  # exact label beats MCF-7
    assert mapper.map("Cell Line", "MCF 7").curie == "CVCL_0031"  # both normalised: older id


def test_map_fuzzy_reports_lower_score(mapper):
    m = mapper.map("Health status", "Osteomylitis")
    assert m.curie == "MONDO:0005246" and m.match == "fuzzy" and 0.75 < m.score < 0.9
    assert TermMapper(mapper.index, fuzzy=False).map("Health status", "Osteomylitis") is None
    assert mapper.map("Cell Line", "K5620") is None  # no fuzzy for cell lines


@pytest.mark.parametrize("value", [None, "None", "unknown", "  ", "N/A"])
def test_map_unknown_stays_unmapped(mapper, value):
    assert mapper.map("Cell Type", value) is None


def test_map_attribute_without_ontology(mapper):
    assert mapper.map("Genome assembly", "GRCh38") is None
    assert mapper.ontologies_for("Genome assembly") == ()


def test_map_species_from_context(mapper):
    assert mapper.map("Factor", "CTCF").label == "CTCF_HUMAN"
    assert mapper.map("Factor", "Ctcf", "Mus musculus, liver").label == "CTCF_MOUSE"
    assert mapper.map("Target of assay", "CTCF", "Drosophila melanogaster") is None


def test_map_respects_roots_and_aliases(mapper):
    # "AR" is a synonym of an EFO term outside the assay branch: not a Factor
    assert mapper.map("Factor", "AR") is None
    assert mapper.map("Factor", "ATAC-seq").curie == "EFO:0007045"
    assert mapper.map("Sex", "mixed").curie == "PATO:0001338"
    assert mapper.map("Health status", "healthy").curie == "PATO:0000461"
    assert mapper.map("Life stage", "adult").curie == "UBERON:0000113"  # a stage, not "adult organism"


def test_map_follows_replaced_by(mapper):
    m = mapper.map("Cell Type", "lymph cell")
    assert m.curie == "CL:0000542" and m.label == "lymphocyte"


def test_mapper_is_a_accepts_matches(mapper):
    t = mapper.map("Cell Type", "NK cell")
    assert mapper.is_a(t, "CL:0000542") and not mapper.is_a(t, "CL:0000057")


def test_normalise_records_fills_terms_without_mutating(mapper):
    rec = Record(ENCODE, {"Biosample term name": "K562", "Organism": "Homo sapiens", "Sex": "male,female",
                          "Genome assembly": "GRCh38", "Health status": "unknown"})  # fmt: skip
    (out,) = normalise_records([rec], mapper=mapper)
    assert rec.terms == {}
    assert out.terms["Biosample term name"]["curie"] == "EFO:0002067"
    assert out.terms["Organism"] == {"curie": "NCBITaxon:9606", "label": "Homo sapiens", "ontology": "NCBITaxon",
                                     "matched": "Homo sapiens", "match": "exact", "score": 1.0}  # fmt: skip
    assert out.terms["Sex"]["curie"] == "PATO:0000384,PATO:0000383"
    assert [p["label"] for p in out.terms["Sex"]["parts"]] == ["male", "female"]
    assert "Genome assembly" not in out.terms and "Health status" not in out.terms
    assert Record.from_dict(out.to_dict()).terms == out.terms


def test_coverage_counts_distinct_values(mapper):
    recs = [Record(ENCODE, {"Organism": "Homo sapiens", "Sex": "male"}),
            Record(ENCODE, {"Organism": "Homo sapiens", "Sex": "robot"}),
            Record(ENCODE, {"Organism": "Mus musculus", "Sex": "unknown"})]  # fmt: skip
    cov = {c.attribute: c for c in coverage(recs, mapper=mapper)}
    assert (cov["Organism"].distinct, cov["Organism"].mapped) == (2, 2)
    assert (cov["Sex"].distinct, cov["Sex"].mapped, cov["Sex"].share) == (2, 1, 0.5)
    assert cov["Project"].share is None
