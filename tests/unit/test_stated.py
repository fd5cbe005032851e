"""The stated-value reader on short real GEO texts (copied from GEOmetadb / geo_unlabelled)."""

from __future__ import annotations

import pytest

from geoscribe.stated import read_concepts, read_stated
from geoscribe.text import Sample, format_sample

# Unlabelled pre-formatted texts (geo_unlabelled/random_geo_200.csv): title, source,
# characteristics and description run together.
SNP6 = ("Godfrey_UR_627_GenomeWideSNP6 tissue type: Composite; patient id: 104; gender: M; "
        "advanced disease state: HGD Hybridized to SNP 6.0 arrays")
BLOOD = ("genomic DNA from whole blood 436 gender: male; age: 21; diseasestatus: 1; control; "
         "tissue: whole blood; used_in_analysis: yes; dataset: 2; plate: PLATE F")
THYROID = ("Thyroid - 101186 Quality metric : 28S to 18S: 1.5; Patient Age: 40-50; Gender: Male; "
           "Ethnic Background: Caucasian; Tobacco Use : Yes; Primary Site: Thyroid")
LCL = ("LCL, control, GM12042 repeat normal. disease state: control; treatment: normal glucose; "
       "cell line: GM12042")
CODES = "11-1733_(miRNA-2_0) batch: 18; chip_lot_ab: A; pair_index: 84; status: case; age: 67; race: 1"


def sample(title: str, characteristics: str, **kw) -> Sample:
    return Sample(gsm="GSM1", title=title, characteristics=characteristics, **kw)


# GEOmetadb records (characteristics joined by "; " as the reader gives them)
IPF = sample("IPF_1092, Timepoint 0", "tissue: whole blood; disease state: Idiopathic Pulmonary Fibrosis; "
             "gender: female; survival (months): 16; age (years): 66; fvc: 106")
MICE = sample("Early injury 3 HT_MG-430B", "strain: C57BL/6J; gender: male; age: 8 week old; agent: LPS; "
              "timepoint (hrs): t=18; tissue: whole kidney", organism="Mus musculus")
GM = sample("Control GM0316B cell line, sample 2, B chip",
            "Cell Line: GM0316B, Gender: Male, Age: 12 years")
TCGA = sample("meyer-00180: 5500024024987031607949.H12",
              "diseasestate: GLIOBLASTOMA MULTIFORME; organismpart: Brain; clinicaldiagnosis: --; Sex: --; "
              "cancersite: --; age: --; clinical diagnosis: GBM")
BREAST = sample("BP96", "tissue: Breast tissue; tissue type: DCIS-S")
H1993 = sample("H1993", "cell type: lung cancer cell line; cell line: H1993; atcc alias: CRL-5909; "
               "histology: Adenocarcinoma; age: 47; race: Caucasian; gender: F", organism="Homo sapiens")
EMBRYO = sample("E14.5 forebrain rep1", "developmental stage: embryo; age: E14.5; Sex: pooled male and female")
SLE = sample("SUBJ.0587, SLE, baseline", "race: white; Sex: Female; age_at_baseline: 53.158904109589")


def values(found: dict) -> dict[str, str]:
    return {k: v.value for k, v in found.items()}


def test_unlabelled_text_reads_the_first_key_after_the_title_and_not_modified_keys():
    got = values(read_concepts(SNP6))
    assert got == {"tissue": "Composite", "sex": "male"}  # "advanced disease state" is another key


def test_codes_and_bare_words_are_not_stated():
    got = values(read_concepts(BLOOD))
    assert got == {"sex": "male", "age": "21", "tissue": "whole blood"}  # diseasestatus: 1 is a code
    assert values(read_concepts(CODES)) == {"age": "67"}  # race: 1 is a code; no unit is written


def test_age_range_ethnicity_and_healthy_control():
    assert values(read_concepts(THYROID)) == {"age": "40-50", "sex": "male", "ethnicity": "Caucasian"}
    assert values(read_concepts(LCL)) == {"disease": "healthy", "cell_line": "GM12042"}


@pytest.mark.parametrize("text, expected", [
    ("age (yrs): 41", {"age": "41", "age_unit": "year"}),
    ("age: 41 years", {"age": "41", "age_unit": "year"}),
    ("age: 8 wk", {"age": "8", "age_unit": "week"}),
    ("age (weeks): 8", {"age": "8", "age_unit": "week"}),
    ("age: 8-week-old", {"age": "8", "age_unit": "week"}),
    ("age: 70y", {"age": "70", "age_unit": "year"}),
    ("age: E14.5", {"age": "14.5", "age_unit": "day", "life_stage": "embryonic"}),
    ("age: 41.0", {"age": "41"}),
    ("age: adult", {"life_stage": "adult"}),
    ("age (years): 8 months", {}),  # key and value disagree
    ("age: 41 m", {}),  # months or male?
    ("age: NA", {}),
    ("age: >50 y.o.", {}),
    ("maternal age: 30", {}),
    ("gestational age (weeks): 38", {}),
    ("aged: 45", {}),
])
def test_age_and_units(text, expected):
    assert values(read_concepts("Characteristics: " + text)) == expected


@pytest.mark.parametrize("text, expected", [
    ("sex (m/f): F", "female"),
    ("gender (m/f): m", "male"),
    ("donor_sex: Male", "male"),
    ("Sex: w", "female"),
    ("Sex: pooled", "mixed"),
    ("gender: mixed", "mixed"),
    ("sex: 1", None),
    ("gender: unknown", None),
    ("Sex: --", None),
])
def test_sex_values(text, expected):
    got = read_concepts("Characteristics: " + text).get("sex")
    assert (got.value if got else None) == expected


def test_sample_spans_point_into_the_formatted_line():
    line = format_sample(IPF)
    found = read_concepts(IPF)
    assert values(found) == {"tissue": "whole blood", "disease": "Idiopathic Pulmonary Fibrosis",
                             "sex": "female", "age": "66", "age_unit": "year"}
    for stated in found.values():
        start, end = stated.span
        assert line[start:end] == stated.text
        assert stated.field == "characteristics"
    assert found["age"].key == "age (years)"


def test_organism_comes_from_its_field_without_a_span():
    found = read_concepts(MICE)
    assert found["organism"].value == "Mus musculus"
    assert (found["organism"].span, found["organism"].field) == (None, "organism")
    assert values(found) == {"strain": "C57BL/6J", "sex": "male", "age": "8", "age_unit": "week",
                             "tissue": "whole kidney", "organism": "Mus musculus"}


def test_comma_separated_characteristics():
    assert values(read_concepts(GM)) == {"cell_line": "GM0316B", "sex": "male", "age": "12", "age_unit": "year"}


def test_main_keys_win_over_secondary_ones_and_dashes_say_nothing():
    assert values(read_concepts(TCGA)) == {"disease": "GLIOBLASTOMA MULTIFORME", "tissue": "Brain"}
    assert values(read_concepts(BREAST)) == {"tissue": "Breast tissue"}


def test_conflicting_main_values_are_not_stated():
    text = "Characteristics: gender: male; Sex: female; tissue: liver"
    assert values(read_concepts(text)) == {"tissue": "liver"}


def test_read_stated_maps_to_encode_and_cistrome():
    enc = read_stated(H1993, "encode")
    assert {a: s.value for a, s in enc.items()} == {
        "Biosample term name": "H1993", "Organism": "Homo sapiens", "Age": "47", "Sex": "female",
        "Ethnicity": "Caucasian", "Classification": "cell line"}
    cis = read_stated(H1993, "cistrome")
    assert {a: s.value for a, s in cis.items()} == {"Cell Line": "H1993", "Cell Type": "lung cancer cell line"}
    emb = read_stated(EMBRYO, "encode")
    assert {a: s.value for a, s in emb.items()} == {
        "Life stage": "embryonic", "Age": "14.5", "Age units": "day", "Sex": "mixed"}
    assert read_stated(SLE, "encode")["Age"].value == "53.158904109589"
    assert read_stated(SLE, "encode")["Ethnicity"].value == "Caucasian"


def test_paper_line_target_and_evidence_dict():
    line = ("Title: MCF7 ER ChIP - Characteristics: cell line: MCF-7; chip antibody: anti-ER alpha "
            "(Santa Cruz sc-543) - Description: ChIP-seq of ER")
    got = read_stated(line, "cistrome")
    assert {a: s.value for a, s in got.items()} == {"Cell Line": "MCF-7", "Factor": "ER alpha"}
    ev = got["Cell Line"].evidence()
    assert ev["span"] == [line.index("MCF-7;"), line.index("MCF-7;") + 5] and ev["key"] == "cell line"
    assert read_stated("Characteristics: chip antibody: Abcam ab8580", "cistrome") == {}
    assert read_stated("Characteristics: siRNA target: TP53", "encode") == {}


def test_long_open_ended_value_is_not_read():
    text = "RNA from liver 5 tissue: liver RNA was extracted with Trizol and hybridized"
    assert "tissue" not in read_concepts(text)
    assert read_concepts("sample 5 tissue: liver")["tissue"].value == "liver"


def test_empty_input():
    assert read_concepts("") == {}
    assert read_stated(Sample(), "encode") == {}


def test_encode_placeholders_and_healthy_synonyms():
    # ENCODE's mouse ES records write "age: E0": not an embryonic day
    assert values(read_concepts("lab: LICR-m; cell: ES-Bruce4; age: E0; sex: M")) == {"sex": "male"}
    assert values(read_concepts("Characteristics: disease: Disease Free; donor_sex: Female")) == {
        "disease": "healthy", "sex": "female"}
