"""``geoscribe normalise`` / ``geoscribe ontology`` on the tiny ontology."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from geoscribe.cli import app
from geoscribe.ontology import build_index
from geoscribe.ontology.genes import GeneIndex
from geoscribe.ontology.genes import build_index as build_gene_index

TINY = Path(__file__).parents[1] / "data" / "ontology" / "tiny"
GENES = Path(__file__).parents[1] / "data" / "genes"
runner = CliRunner()


@pytest.fixture(autouse=True)
def tiny_default_index(tmp_path, monkeypatch):
    sources = {p.name.split("-ontology-")[0]: p for p in TINY.glob("*.json")}
    path = build_index(tmp_path / "index.sqlite", sources=sources)
    monkeypatch.setattr("geoscribe.ontology._index.default_index_path", lambda: path)
    genes = GeneIndex(build_gene_index(tmp_path / "genes.sqlite", sources={p.stem: p for p in GENES.glob("*.tsv")}))
    monkeypatch.setattr("geoscribe.ontology.genes._default", genes)
    return path


def test_normalise_csv_to_jsonl(tmp_path):
    src = tmp_path / "records.csv"
    src.write_text("gsm,Cell Line,Cell Type,Tissue Type,Factor\nGSM1,K-562,T cells,Blood,CTCF\nGSM2,None,None,None,H3K27ac\n")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["normalise", "--schema", "cistrome", "--input", str(src), "--output", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows[0]["gsm"] == "GSM1"
    assert rows[0]["terms"]["Cell Line"]["curie"] == "EFO:0002067"
    assert rows[0]["terms"]["Cell Type"]["label"] == "T cell"
    assert rows[0]["terms"]["Factor"]["curie"] == "HGNC:13723"
    assert rows[1]["terms"] == {"Factor": {"curie": "geoscribe.target:H3K27ac", "label": "H3K27ac", "ontology": "geoscribe",
                                           "matched": "H3K27ac", "match": "exact", "score": 1.0}}


def test_normalise_coverage_prints_table(tmp_path):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        'gsm,input,output\nGSM1,x,"Cell Line: K562 - Cell Type: None - Tissue Type: Blood - Factor: CTCF"\n'
        'GSM2,y,"Cell Line: Zork - Cell Type: None - Tissue Type: Blood - Factor: H3K4me3"\n'
    )
    result = runner.invoke(app, ["normalise", "-s", "cistrome", "--coverage", str(pairs)])
    assert result.exit_code == 0, result.output
    line = next(ln for ln in result.output.splitlines() if ln.startswith("Cell Line"))
    assert line.split()[3:6] == ["2", "1", "50.0%"]


def test_normalise_needs_one_source():
    result = runner.invoke(app, ["normalise", "-s", "cistrome"])
    assert result.exit_code == 1
    assert "Error: normalise: pass exactly one of --input RECORDS or --coverage PAIRS.csv." in result.output


def test_normalise_bad_format(tmp_path):
    bad = tmp_path / "records.txt"
    bad.write_text("x")
    result = runner.invoke(app, ["normalise", "-s", "encode", "--input", str(bad)])
    assert result.exit_code == 1 and "unknown records format '.txt'" in result.output


def test_ontology_map_command():
    result = runner.invoke(app, ["ontology", "map", "Organism", "human"])
    assert result.exit_code == 0
    assert json.loads(result.output)["curie"] == "NCBITaxon:9606"


def test_ontology_build_builds_the_gene_index_too(tmp_path, monkeypatch):
    gene_path = tmp_path / "cache" / "genes.sqlite"
    monkeypatch.setattr("geoscribe.ontology.genes.default_index_path", lambda: gene_path)
    monkeypatch.setattr("geoscribe.ontology.genes.package_sources", lambda: {p.stem: p for p in GENES.glob("*.tsv")})
    result = runner.invoke(app, ["ontology", "build"])
    assert result.exit_code == 0, result.output
    assert str(gene_path) in result.output
    assert [g.symbol for g in GeneIndex(gene_path).lookup("LSD1", "human")] == ["KDM1A"]
