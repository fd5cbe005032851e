"""Rule 8: the organism named in the text settles Organism and Genome assembly."""

import pytest

from geoscribe.schema import Record, get_schema
from geoscribe.translate.hybrid import HybridTranslator
from geoscribe.translate.hybrid._organism import named_organism, organism_named


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("ChIP-seq of transgenic worms expressing C38D4.7-eGFP", "Caenorhabditis elegans"),
        ("RNA-seq of whole flies, 3 days", "Drosophila melanogaster"),
        ("mouse liver, 8 weeks", "Mus musculus"),
        ("primary human foreskin fibroblasts", "Homo sapiens"),
    ],
)
def test_a_common_name_names_its_organism(text, name):
    assert organism_named(text).name == name


def test_no_cue_or_several_cues_name_nothing():
    assert organism_named("CTCF ChIP-seq in K562") is None
    assert organism_named("human and mouse cells mixed") is None


def test_an_antibody_raised_in_an_animal_is_not_a_cue():
    assert organism_named("K562 cells, antibody: mouse monoclonal anti-FLAG") is None
    assert organism_named("stained with anti-mouse IgG") is None


def test_the_named_organism_replaces_another_genus_and_its_assembly():
    assert named_organism("transgenic worms", "Homo sapiens", "GRCh38,hg19") == ("Caenorhabditis elegans", "ce11,ce10")
    # an assembly already of the named organism, or none at all, is kept
    assert named_organism("transgenic worms", "Homo sapiens", "ce10") == ("Caenorhabditis elegans", "ce10")
    assert named_organism("transgenic worms", "Homo sapiens", "None") == ("Caenorhabditis elegans", "None")
    assert named_organism("transgenic worms", "Homo sapiens", None) == ("Caenorhabditis elegans", None)


def test_a_prediction_of_the_named_genus_is_kept():
    assert named_organism("whole flies", "Drosophila simulans", "dm6") == ("Drosophila simulans", "dm6")
    assert named_organism("CTCF ChIP-seq in K562", "Homo sapiens", "GRCh38") == ("Homo sapiens", "GRCh38")


def _encode_record(organism, assembly, conf=0.95):
    schema = get_schema("encode")
    values = {a: "None" for a in schema.attributes} | {"Organism": organism, "Genome assembly": assembly}
    return Record(schema, values, {a: conf for a in schema.attributes})


@pytest.mark.parametrize("on", [True, False])
def test_hybrid_applies_rule_8_unless_turned_off(on):
    model = HybridTranslator(schema="encode", organism=on)
    model.patterns_ = model.properties_ = None
    known = {a: {"none": "None", "homo sapiens": "Homo sapiens", "grch38,hg19": "GRCh38,hg19"}
             for a in model.record_schema.attributes}
    human = _encode_record("Homo sapiens", "GRCh38,hg19")
    out = model.combine("ChIP-seq of transgenic worms expressing C38D4.7-eGFP", human, human, known=known)
    if on:
        assert (out["Organism"], out["Genome assembly"]) == ("Caenorhabditis elegans", "ce11,ce10")
        assert out.confidence["Organism"] == 0.9 and out.confidence["Genome assembly"] == 0.5
    else:
        assert (out["Organism"], out["Genome assembly"]) == ("Homo sapiens", "GRCh38,hg19")
    assert model.combine("CTCF ChIP-seq in K562", human, human, known=known)["Organism"] == "Homo sapiens"
