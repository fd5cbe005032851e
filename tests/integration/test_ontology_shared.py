"""Ontology normalisation on the real package data and the shared pairs.

Builds the cached index on first use (1-3 minutes, NCBITaxon is most of it).
"""

from __future__ import annotations

import csv
import socket
from pathlib import Path

import pytest

from geoscribe.ontology import OntologyIndex, TermMapper, coverage, read_pairs_records

pytest.importorskip("cellxgene_ontology_guide")
FIXTURE = Path(__file__).parents[1] / "data" / "ontology" / "precision_hand_checked.csv"


@pytest.fixture(scope="module")
def mapper() -> TermMapper:
    return TermMapper(OntologyIndex.default())


def test_index_loads_and_maps_without_network(mapper, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("ontology code tried to open a network connection")

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    fresh = TermMapper(OntologyIndex.default(build=False))
    assert fresh.map("Organism", "Homo sapiens").curie == "NCBITaxon:9606"
    assert fresh.map("Cell Line", "K562").curie == "EFO:0002067"


def test_hand_checked_precision_holds(mapper):
    rows = list(csv.DictReader(open(FIXTURE, encoding="utf-8")))
    assert len({(r["attribute"], r["value"]) for r in rows}) >= 100
    same = [r for r in rows if (m := mapper.map(r["attribute"], r["value"], r["context"] or None)) and m.curie == r["curie"]]
    assert len(same) >= 0.95 * len(rows), "mappings drifted from the hand-checked fixture; re-check it"
    correct = sum(r["judgement"] == "correct" for r in same)
    wrong = sum(r["judgement"] == "wrong" for r in same)
    assert correct / (correct + wrong) >= 0.95


@pytest.mark.parametrize(
    ("schema", "attribute", "floor"),
    [("cistrome", "Cell Line", 0.7), ("cistrome", "Tissue Type", 0.45), ("encode", "Biosample term name", 0.9),
     ("encode", "Organism", 1.0), ("encode", "Sex", 1.0)],
)  # fmt: skip
def test_coverage_of_shared_gold_values(mapper, shared_data, schema, attribute, floor):
    records = read_pairs_records(shared_data / schema / "pairs.csv", schema)
    cov = {c.attribute: c for c in coverage(records, mapper=mapper)}
    assert cov[attribute].share >= floor
