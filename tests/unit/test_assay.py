"""Assay and applicability from the record's own evidence (real GEO record shapes)."""

from __future__ import annotations

from geoscribe.assay import (
    assay_evidence,
    is_array,
    is_chip,
    is_encode_record,
    not_applicable,
    platform_technology,
)
from geoscribe.text import Sample

# GSE42872 (series matrix): A375 cells on the HuGene 1.0 ST array
A375 = Sample(gsm="GSM1052615", title="A375 cells 24h Control rep1", characteristics="cell line: A375",
              organism="Homo sapiens", platform="GPL6244", sample_type="RNA", molecule="total RNA")
RNASEQ = Sample(gsm="GSM5", title="Patient 3 PBMC", characteristics="tissue: PBMC", platform="GPL16791",
                sample_type="SRA", library_strategy="RNA-Seq")
CHIPSEQ = Sample(gsm="GSM9", title="K562 H3K27ac ChIP-seq", characteristics="chip antibody: H3K27ac",
                 platform="GPL11154", sample_type="SRA", library_strategy="ChIP-Seq")
# an expression sample whose title says "chip" (the array), not ChIP
ARRAY_CHIP_WORD = Sample(title="liver_chip_07", characteristics="tissue: liver; chip id: 4828753029",
                         platform="GPL570", sample_type="RNA")
MIRNA = Sample(title="11-1733_(miRNA-2_0)", characteristics="batch: 18; status: case; age: 67",
               platform="GPL14613", sample_type="RNA")


def test_rna_sample_on_an_array_is_transcription_profiling():
    a = assay_evidence(A375)
    assert (a.name, a.type, a.field) == ("transcription profiling by array assay", "Transcription", "sample_type")
    assert a.is_array and not a.is_chip
    assert is_array(A375) and not is_chip(A375)


def test_library_strategy_decides():
    a = assay_evidence(RNASEQ)
    assert (a.name, a.type, a.evidence, a.field) == ("RNA-seq", "Transcription", "RNA-Seq", "library_strategy")
    c = assay_evidence(CHIPSEQ)
    assert (c.name, c.type) == ("ChIP-seq", "DNA binding") and c.is_chip and not c.is_array


def test_chip_word_needs_chip_evidence_and_rna_samples_are_never_chip():
    assert not is_chip(ARRAY_CHIP_WORD)
    assert assay_evidence(ARRAY_CHIP_WORD).name == "transcription profiling by array assay"
    assert assay_evidence(MIRNA).type == "Transcription"


def test_words_in_unlabelled_text():
    snp = assay_evidence("Godfrey_UR_627_GenomeWideSNP6 tissue type: Composite; gender: M; "
                         "Hybridized to SNP 6.0 arrays")
    assert (snp.name, snp.type, snp.field) == ("genotyping array", "Genotyping", "text")
    assert snp.evidence == "GenomeWideSNP" and snp.span == (15, 28)
    meth = assay_evidence("Title: PBMC 12 - Description: Illumina HumanMethylation450 BeadChip")
    assert (meth.name, meth.type) == ("DNA methylation profiling by array assay", "DNA methylation")
    assert assay_evidence("Title: ctrl_1 - Description: RNA-seq of sorted T cells").name == "RNA-seq"
    chip = assay_evidence("Title: MCF7 ER ChIP - Characteristics: chip antibody: ER")
    assert chip.is_chip and chip.evidence == "ChIP"
    assert assay_evidence("Title: sample 4 - Characteristics: tissue: liver") is None
    assert assay_evidence("") is None


def test_platform_table():
    assert platform_technology("GPL570") == "array" and platform_technology("gpl16791") == "sequencing"
    assert platform_technology("GPL99999") is None
    meth = assay_evidence(Sample(title="x", platform="GPL13534", sample_type="genomic"))
    assert meth.name == "DNA methylation profiling by array assay" and meth.field == "platform"


def test_encode_record_and_not_applicable():
    assert is_encode_record("Title: wgEncodeBroadHistoneK562H3k27ac - Characteristics: cell line: K562")
    assert is_encode_record(Sample(title="x", description="ENCODE Tier 1 cell line"))
    assert not is_encode_record(A375)
    na = not_applicable(A375, "encode")
    assert set(na) == {"Target of assay", "Investigated as", "Genome assembly", "Project"}
    assert set(not_applicable(A375, "cistrome")) == {"Factor"}
    assert set(not_applicable(CHIPSEQ, "cistrome")) == set()
    assert set(not_applicable(RNASEQ, "encode")) == {"Target of assay", "Investigated as", "Project"}
    # no assay evidence: the target is unknown, not ruled out
    assert set(not_applicable("Title: sample 4", "encode")) == {"Project"}
