"""Grounding: sources, evidence spans, entity facts and abstention on hand-made records."""

import pytest

from geoscribe.schema import CISTROME, ENCODE, NONE, Record
from geoscribe.text import Sample
from geoscribe.translate.grounding import Grounding, find_span


def _encode(**values):
    base = {a: NONE for a in ENCODE.attributes}
    base.update({k.replace("_", " "): v for k, v in values.items()})
    return Record(ENCODE, base, {a: 0.99 for a in ENCODE.attributes})


def _cistrome(**values):
    base = {a: NONE for a in CISTROME.attributes}
    base.update({k.replace("_", " "): v for k, v in values.items()})
    return Record(CISTROME, base, {a: 0.99 for a in CISTROME.attributes})


TRAIN_ENCODE = [
    _encode(Assay_name="ChIP-seq", Assay_type="DNA binding", Target_of_assay="CTCF", Biosample_term_name="K562",
            Organism="Homo sapiens", Sex="female", Age="53", Age_units="year",
            Health_status="chronic myelogenous leukemia (CML)", Classification="cell line"),
    _encode(Assay_name="RNA-seq", Assay_type="Transcription", Biosample_term_name="K562",
            Organism="Homo sapiens", Sex="female", Age="53", Age_units="year",
            Health_status="chronic myelogenous leukemia (CML)", Classification="cell line"),
    _encode(Assay_name="RNA-seq", Assay_type="Transcription", Biosample_term_name="liver",
            Organism="Homo sapiens", Sex="male", Age="unknown", Classification="tissue"),
    _encode(Assay_name="RNA-seq", Assay_type="Transcription", Biosample_term_name="liver",
            Organism="Homo sapiens", Sex="female", Age="unknown", Classification="tissue"),
]


@pytest.fixture
def encode_grounding():
    return Grounding(schema="encode").fit(TRAIN_ENCODE)


def test_find_span_is_whole_word_and_case_blind():
    assert find_span("cell line: A375; x", "a375") == (11, 15)
    assert find_span("A3751 cells", "A375") is None


def test_fit_learns_entity_facts_only_where_all_pairs_agree(encode_grounding):
    facts = encode_grounding.facts_
    assert facts["k562"]["Sex"] == "female" and facts["k562"]["Age"] == "53"
    assert "Sex" not in facts.get("liver", {})  # the liver pairs disagree: no fact


def test_known_fact_fills_an_unstated_donor_attribute_with_its_basis(encode_grounding):
    model = _encode(Assay_name="ChIP-seq", Assay_type="DNA binding", Target_of_assay="CTCF",
                    Biosample_term_name="K562", Sex="male", Age="41", Age_units="year")
    rec = encode_grounding.ground(model, "CTCF ChIP-seq in K562 cells")
    assert rec.values["Sex"] == "female" and rec.source["Sex"] == "known"
    assert "K562" in rec.evidence["Sex"]["basis"]
    assert rec.source["Biosample term name"] == "copied"
    assert rec.evidence["Biosample term name"]["span"] == [17, 21]


def test_donor_attribute_from_the_model_alone_is_abstained(encode_grounding):
    model = _encode(Biosample_term_name="liver", Sex="male", Organism="Homo sapiens")
    rec = encode_grounding.ground(model, "total RNA from liver")
    assert rec.values["Sex"] in (NONE, "unknown") and "Sex" not in rec.source
    assert rec.source["Biosample term name"] == "copied"


def test_broken_value_never_comes_out(encode_grounding):
    model = _encode(Biosample_term_name="MDA MDA MDA", Health_status="Normal Normal Normal")
    rec = encode_grounding.ground(model, "some array sample")
    assert rec.values["Biosample term name"] in (NONE, "unknown")
    assert rec.values["Health status"] in (NONE, "unknown")
    assert not rec.source


def test_stated_sex_beats_the_model_and_points_at_its_span(encode_grounding):
    text = "Title: liver biopsy 12 - Characteristics: gender: F; age: 41"
    model = _encode(Biosample_term_name="liver", Sex="male", Age="53", Age_units="year")
    rec = encode_grounding.ground(model, text)
    assert rec.values["Sex"] == "female" and rec.source["Sex"] == "stated"
    start, end = rec.evidence["Sex"]["span"]
    assert text[start:end] in ("F", "gender: F")
    assert rec.values["Age"] == "41" and rec.source["Age"] == "stated"


def test_expression_sample_has_no_target_and_a_transcription_assay(encode_grounding):
    sample = Sample(gsm="GSM1", title="A375 rep1", characteristics="cell line: A375",
                    sample_type="RNA", platform="GPL6244")
    model = _encode(Assay_name="ChIP-seq", Assay_type="DNA binding", Target_of_assay="CTCF",
                    Investigated_as="transcription factor", Genome_assembly="GRCh38,hg19")
    rec = encode_grounding.ground(model, sample)
    assert rec.values["Assay type"] == "Transcription" and rec.source["Assay type"] == "stated"
    assert rec.values["Target of assay"] == NONE and rec.values["Investigated as"] == NONE
    assert rec.values["Genome assembly"] == NONE


def test_cistrome_factor_without_chip_evidence_needs_the_strict_threshold():
    g = Grounding(schema="cistrome").fit([_cistrome(Cell_Line="MCF-7", Factor="ESR1"),
                                          _cistrome(Cell_Line="MCF-7", Factor="FOXA1")])
    unsure = _cistrome(Cell_Line="MCF-7", Factor="ESR1")
    unsure.confidence["Factor"] = 0.8
    assert g.ground(unsure, "MCF-7 cells, untreated").values["Factor"] == NONE
    assert g.ground(unsure, "MCF-7 cells, chip antibody: none given").values["Factor"] == "ESR1"  # ChIP shown
    sure = _cistrome(Cell_Line="MCF-7", Factor="ESR1")
    assert g.ground(sure, "MCF-7 cells, untreated").source["Factor"] == "model"
    expression = Sample(title="MCF-7 untreated", characteristics="cell line: MCF-7", sample_type="RNA")
    assert g.ground(sure, expression).values["Factor"] == NONE  # an expression sample has no factor
    rec = g.ground(_cistrome(Cell_Line="MCF-7", Factor="ESR1"), "MCF-7 ESR1 ChIP-seq")
    assert rec.values["Factor"] == "ESR1" and rec.source["Factor"] == "copied"


def test_round_trip_through_dict(encode_grounding):
    back = Grounding.from_dict(encode_grounding.to_dict())
    assert back.facts_ == encode_grounding.facts_ and back.abstain_ == encode_grounding.abstain_
    model = _encode(Biosample_term_name="K562", Sex="male")
    assert back.ground(model, "K562").to_dict() == encode_grounding.ground(model, "K562").to_dict()


def test_platform_names_the_organism_and_a_stated_age_the_life_stage(encode_grounding):
    sample = Sample(gsm="GSM9", title="tumour 12", characteristics="age: 41 years; gender: male", platform="GPL1261")
    rec = encode_grounding.ground(_encode(Organism="Homo sapiens"), sample)
    assert rec.values["Organism"] == "Mus musculus" and rec.source["Organism"] == "known"
    assert "GPL1261" in rec.evidence["Organism"]["basis"]
    assert rec.values["Life stage"] == "adult" and rec.source["Life stage"] == "known"
    child = encode_grounding.ground(_encode(), Sample(characteristics="age: 9 years"))
    assert child.values["Life stage"] == "child"
    unknown_platform = encode_grounding.ground(_encode(), Sample(title="x", platform="GPL99999999"))
    assert "Organism" not in unknown_platform.source


def test_a_common_name_in_the_text_states_the_organism(encode_grounding):
    rec = encode_grounding.ground(_encode(Organism="Homo sapiens"), "liver of adult mice, replicate 2")
    assert rec.values["Organism"] == "Mus musculus" and rec.source["Organism"] == "stated"
    assert rec.evidence["Organism"]["text"].lower() == "mice"


def test_ages_are_taken_as_read_and_copied_only_with_an_age_cue(encode_grounding):
    encode_grounding.values_["Age"]["4-7"] = "4-7"  # a training range whose letters and digits read 47
    rec = encode_grounding.ground(_encode(), "Title: HSAEC49 - Characteristics: age: 47; race: white")
    assert rec.values["Age"] == "47"
    day0 = encode_grounding.ground(_encode(Age="0"), "iPSC harvested from the differentiation plate on day 0")
    assert day0.values["Age"] in (NONE, "unknown")
    embryo = encode_grounding.ground(_encode(Age="53"), "liver from a donor, 53 years old")
    assert embryo.values["Age"] == "53" and embryo.source["Age"] == "copied"


def test_a_runaway_repeat_is_collapsed_to_its_word():
    g = Grounding(schema="cistrome").fit([_cistrome(Cell_Line="K562", Factor="CTCF")] * 2)
    rec = g.ground(_cistrome(Cell_Line="K562 K562 K562 K562", Factor="CTCF"), "K562 CTCF")
    assert rec.values["Cell Line"] == "K562" and rec.source["Cell Line"] == "copied"


def test_a_refit_reads_its_own_training_values_not_the_last_fit_s():
    g = Grounding(schema="cistrome").fit([_cistrome(Cell_Line="MCF-7")] * 2)
    assert g._in_vocabulary("Cell Line", "MCF7") == "MCF-7"
    g.fit([_cistrome(Cell_Line="HeLa")] * 2)
    assert g._in_vocabulary("Cell Line", "MCF7") is None and g._in_vocabulary("Cell Line", "HELA") == "HeLa"
