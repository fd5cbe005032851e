"""Property tables (an attribute that describes another's value) and the hybrid's rule 7."""

from geoscribe.schema import ENCODE, Record
from geoscribe.translate.hybrid import HybridTranslator
from geoscribe.translate.hybrid._properties import PropertyTable
from geoscribe.translate.hybrid._snap import known_index


def enc(target, investigated, conf=0.5):
    values = {a: "None" for a in ENCODE.attributes}
    values.update({"Target of assay": target, "Investigated as": investigated})
    return Record(ENCODE, values, {a: conf for a in ENCODE.attributes})


TRAIN = [enc("TOE1", "RNA binding protein"), enc("H3K27me3", "histone,broad histone mark"),
         enc("H3K27me3", "histone,broad histone mark"), enc("SIN3A", "chromatin remodeler"),
         enc("SIN3A", "transcription factor"), enc("CTCF", "transcription factor"), enc("None", "None")]


def test_only_unanimous_antecedent_values_are_kept():
    table = PropertyTable().fit(TRAIN, ENCODE)
    assert table.lookup("Investigated as", "toe1") == "RNA binding protein"
    assert table.lookup("Investigated as", "H3K27me3") == "histone,broad histone mark"
    assert table.lookup("Investigated as", "SIN3A") is None  # its pairs disagree
    assert table.lookup("Investigated as", "None") is None and table.lookup("Investigated as", "EZH2") is None
    assert PropertyTable(min_support=2).fit(TRAIN, ENCODE).lookup("Investigated as", "TOE1") is None
    again = PropertyTable.from_dict(table.to_dict())
    assert again.to_dict() == table.to_dict()


def test_hybrid_takes_the_property_of_a_target_written_in_the_text():
    model = HybridTranslator(schema="encode")
    model.patterns_, model.properties_ = None, PropertyTable().fit(TRAIN, ENCODE)
    known = {a: known_index(sorted({r.values[a] for r in TRAIN})) for a in ENCODE.attributes}
    both = enc("TOE1", "transcription factor", conf=0.9)
    out = model.combine("TOE1 ChIP-seq on human K562", both, both, known=known)
    assert out["Investigated as"] == "RNA binding protein" and out["Target of assay"] == "TOE1"
    # the target is not in the text: no evidence that it is right, nothing changes
    assert model.combine("ChIP-seq on human K562", both, both, known=known)["Investigated as"] == "transcription factor"
    model.properties = False
    assert model.combine("TOE1 ChIP-seq", both, both, known=known)["Investigated as"] == "transcription factor"
