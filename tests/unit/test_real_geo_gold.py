"""The hand-curated real-GEO gold set (issue 19, docs/curation.md) is well formed and held out."""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "benchmarks" / "data"
GOLD = DATA / "real_geo_gold.jsonl"
HELDOUT = DATA / "real_geo_heldout_gsms.txt"

CISTROME = ("Cell Line", "Cell Type", "Tissue Type", "Factor")
ENCODE = (
    "Assay name", "Assay type", "Target of assay", "Genome assembly", "Biosample term name", "Project",
    "Organism", "Life stage", "Age", "Age units", "Sex", "Ethnicity", "Health status", "Classification",
    "Investigated as",
)
STATUSES = {"stated", "inferable", "unknown", "not_applicable"}
SOURCES = ("geometadb", "random_geo_200", "geo_sample_desc", "geo_files:")


@pytest.fixture(scope="module")
def gold() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines()]


def test_at_least_300_unique_samples(gold):
    gsms = [g["gsm"] for g in gold]
    assert len(gold) >= 300
    assert len(set(gsms)) == len(gsms)
    assert all(g.startswith("GSM") and g[3:].isdigit() for g in gsms)


def test_every_sample_has_its_text_and_source(gold):
    for g in gold:
        assert g["source"].startswith(SOURCES), g["gsm"]
        assert any(v.strip() for v in g["fields"].values()), g["gsm"]
        if g["source"] in ("random_geo_200", "geo_sample_desc"):
            assert g["fields"]["text"].strip(), g["gsm"]


def test_both_schemas_with_every_attribute_and_a_valid_label(gold):
    for g in gold:
        for schema, names in (("cistrome", CISTROME), ("encode", ENCODE)):
            assert set(g[schema]) == set(names), (g["gsm"], schema)
            for name, label in g[schema].items():
                where = (g["gsm"], schema, name)
                assert label["status"] in STATUSES, where
                value = label["value"]
                if label["status"] == "unknown":
                    assert value == "unknown", where
                elif label["status"] == "not_applicable":
                    assert value == "None", where
                else:
                    values = value if isinstance(value, list) else [value]
                    assert values and all(isinstance(v, str) and v.strip() for v in values), where
                    assert not {"unknown", "None"} & set(values), where


def test_labels_follow_the_curation_rules(gold):
    """A few rules of docs/curation.md that hold for every sample, whoever labelled it."""
    for g in gold:
        enc, cis = g["encode"], g["cistrome"]
        known = ("stated", "inferable")
        if enc["Age"]["status"] in known:
            assert enc["Age units"]["status"] in known, g["gsm"]
        else:
            assert enc["Age units"]["status"] == "not_applicable", g["gsm"]
        if enc["Target of assay"]["status"] == "not_applicable":
            assert enc["Investigated as"]["status"] == "not_applicable", g["gsm"]
        if enc["Assay type"]["value"] == "Transcription":
            assert cis["Factor"]["status"] == "not_applicable", g["gsm"]
            assert enc["Target of assay"]["status"] == "not_applicable", g["gsm"]
        if "array" in json.dumps(enc["Assay name"]["value"]):
            assert enc["Genome assembly"]["status"] == "not_applicable", g["gsm"]
        if enc["Organism"]["value"] not in ("Homo sapiens", "unknown"):
            assert enc["Ethnicity"]["status"] == "not_applicable", g["gsm"]


def test_heldout_list_is_exactly_the_gold_samples(gold):
    lines = HELDOUT.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("#")
    assert set(lines[1:]) == {g["gsm"] for g in gold}


def test_gold_file_is_built_from_the_hand_labels(gold):
    """The JSONL is the expansion of real_geo_gold_labels.txt: nobody edited one without the other."""
    spec = importlib.util.spec_from_file_location("real_geo_gold_build", ROOT / "benchmarks" / "real_geo_gold_build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    assert build.build() == gold


def test_no_gold_sample_is_in_the_training_pairs(gold, shared_data):
    training = set()
    for name in ("cistrome/pairs.csv", "encode/pairs.csv"):
        with open(shared_data / name, newline="", encoding="utf-8") as handle:
            training.update(row["gsm"].strip() for row in csv.DictReader(handle))
    assert not training & {g["gsm"] for g in gold}
