"""The assay a GEO record describes, from evidence in the record, and which attributes apply.

GEO says what a sample is in fields the paper's input line leaves out: the sample
type (``RNA`` is a hybridised RNA sample, i.e. an expression array; sequencing
samples are ``SRA``), the library strategy of a sequencing sample (``RNA-Seq``,
``ChIP-Seq``) and the platform (``GPL570`` is an Affymetrix array). The text adds
words (``RNA-seq``, ``ChIP``, ``HumanMethylation450``, ``SNP 6.0 arrays``).
:func:`assay_evidence` reads them, best evidence first:

1. the library strategy;
2. assay words in the text that name a specific technology (methylation or SNP
   arrays, ChIP, RNA-seq, miRNA, ...), except ChIP words on an ``RNA`` sample;
3. the sample type ``RNA`` (with an array platform, or no platform): an
   expression array; on a known sequencer, RNA-seq;
4. a known array platform with expression words; a GPL name (``HG-U133_Plus_2``).

No evidence, no assay (``None``): ChIP-seq is never the default. :func:`not_applicable`
names the attributes a record's evidence rules out (docs/stated.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .schema import Schema, get_schema
from .text import Sample, format_sample

TRANSCRIPTION_ARRAY = ("transcription profiling by array assay", "Transcription")
METHYLATION_ARRAY = ("DNA methylation profiling by array assay", "DNA methylation")
GENOTYPING_ARRAY = ("genotyping array", "Genotyping")
CGH_ARRAY = ("comparative genomic hybridization by array", "Genotyping")
RNA_SEQ = ("RNA-seq", "Transcription")
MIRNA_SEQ = ("microRNA-seq", "Transcription")
CHIP_SEQ = ("ChIP-seq", "DNA binding")
CHIP_CHIP = ("ChIP-chip", "DNA binding")
ATAC_SEQ = ("ATAC-seq", "DNA accessibility")
DNASE_SEQ = ("DNase-seq", "DNA accessibility")

#: GEO library strategy (lower case) -> (ENCODE Assay name, Assay type)
LIBRARY_STRATEGIES = {
    "rna-seq": RNA_SEQ,
    "mirna-seq": MIRNA_SEQ,
    "chip-seq": CHIP_SEQ,
    "dnase-hypersensitivity": DNASE_SEQ,
    "atac-seq": ATAC_SEQ,
    "faire-seq": ("FAIRE-seq", "DNA accessibility"),
    "mnase-seq": ("MNase-seq", "DNA accessibility"),
    "bisulfite-seq": ("whole-genome shotgun bisulfite sequencing", "DNA methylation"),
    "medip-seq": ("MeDIP-seq", "DNA methylation"),
    "mre-seq": ("MRE-seq", "DNA methylation"),
    "chia-pet": ("ChIA-PET", "3D chromatin structure"),
    "hi-c": ("HiC", "3D chromatin structure"),
    "rip-seq": ("RIP-seq", "RNA binding"),
    "wgs": ("whole genome sequencing assay", "DNA sequencing"),
}

#: platforms whose technology is known: arrays and sequencers (a small table of common ones)
ARRAY_PLATFORMS = frozenset(
    "GPL570 GPL96 GPL97 GPL571 GPL6244 GPL6246 GPL10558 GPL6947 GPL6883 GPL6884 GPL6102 GPL6104 "
    "GPL6106 GPL1261 GPL339 GPL8300 GPL91 GPL3921 GPL4133 GPL6480 GPL13158 GPL13667 GPL17586 "
    "GPL17585 GPL16686 GPL11532 GPL11180 GPL10904 GPL8759 GPL14604 GPL17692 GPL2507 GPL4557 "
    "GPL6255 GPL15308 GPL17027 GPL16311 GPL16977 GPL22286 GPL13916 GPL9101 GPL5175 GPL5188 "
    "GPL13534 GPL8490 GPL16304 GPL21145 GPL6801 GPL3718 GPL3720 GPL6985 GPL1708 GPL4134".split()
)
SEQUENCING_PLATFORMS = frozenset(
    "GPL11154 GPL16791 GPL18573 GPL9052 GPL9115 GPL13112 GPL17021 GPL20301 GPL10999 GPL15520 "
    "GPL15433 GPL19057 GPL21290 GPL21697 GPL24676 GPL24247 GPL19415 GPL9250 GPL10287 GPL15103 "
    "GPL18480 GPL17303 GPL16417".split()
)
METHYLATION_PLATFORMS = frozenset("GPL13534 GPL8490 GPL16304 GPL21145".split())
SNP_PLATFORMS = frozenset("GPL6801 GPL3718 GPL3720 GPL6985".split())


def _words(pattern: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    return re.compile(pattern, flags)


#: (words, assay) in the order they are tried; the first found wins
WORDS: tuple[tuple[re.Pattern[str], tuple[str, str]], ...] = (
    (_words(r"HumanMethylation\s?(?:450|27|EPIC)|Methylation\s?(?:450|27|EPIC)|Infinium\s+\w*\s*methylation"
            r"|methylation\s+(?:bead\s?chip|array|profiling by array)"), METHYLATION_ARRAY),
    (_words(r"GenomeWideSNP|SNP\s?6(?:\.0)?\b|SNP\s+arrays?|Mapping\s?(?:250K|500K|100K|50K)|genotyping array"
            r"|Human(?:Omni|610|660W|1M|CytoSNP)\w*"), GENOTYPING_ARRAY),
    (_words(r"\barray\s?CGH\b|\baCGH\b|comparative genomic hybridi[sz]ation"), CGH_ARRAY),
    (_words(r"\bChIP-?chip\b|ChIP-on-chip"), CHIP_CHIP),
    (_words(r"\bChIP[- ]?seq\b|chromatin immunoprecipitation|\bChIP\b", 0), CHIP_SEQ),
    (_words(r"\bChIP[- ]?seq\b|chromatin immunoprecipitation|chip[ _-]?(?:seq )?antibody|\bChIP[_-]"
            r"|(?:^|[;\-] )antibody: "), CHIP_SEQ),
    (_words(r"\bATAC[- _]?seq\b|(?<![A-Za-z])ATAC(?![a-z])"), ATAC_SEQ),
    (_words(r"\bDNase[- ]?(?:I[- ]?)?(?:seq\b|hypersensitiv)|\bDHS[- ]?seq\b"), DNASE_SEQ),
    (_words(r"\b(?:mi|micro|small\s?)RNA[- ]?seq|small RNA sequencing"), MIRNA_SEQ),
    (_words(r"\b(?:m|total\s?)?RNA[- ]?seq\b|RNA sequencing|transcriptome sequencing"), RNA_SEQ),
    (_words(r"expression profiling by array|expression (?:micro)?array|GeneChip|HG-U133|HG-U95|HuGene|"
            r"HuEx|MoGene|Mouse430|MG-U74|HumanHT-12|HumanWG-6|HumanRef-8|MouseWG-6|MouseRef-8|"
            r"Whole Human Genome (?:Oligo )?Microarray|miRNA[- ](?:\d|array)|\bmiRNA_|PrimeView"),
     TRANSCRIPTION_ARRAY),
)
_SEQUENCER_WORDS = _words(r"Illumina (?:HiSeq|NextSeq|NovaSeq|MiSeq|Genome Analyzer)|Ion Torrent|"
                          r"SOLiD|\bHiSeq\b|NextSeq|NovaSeq|Genome Analyzer")
_EXPRESSION_WORDS = _words(r"expression|transcript|mRNA|RNA")
_PROJECT_WORDS = _words(
    r"\b(?:mod)?ENCODE\b|\bRoadmap\b|\bmodERN\b|\bREMC\b|wgEncode|\bENC(?:SR|BS|DO|LB|FF)\d{3}", 0
)


@dataclass(frozen=True)
class Assay:
    """An ENCODE assay read from a record, with the evidence for it.

    ``evidence`` is the text that decided (``RNA-Seq``, ``GPL570``, ``HumanMethylation450``);
    ``field`` says where it was (``library_strategy``, ``sample_type``, ``platform``, or
    ``text`` for the input line, then ``span`` gives its offsets into that line).
    """

    name: str
    type: str
    evidence: str
    field: str
    span: tuple[int, int] | None = None

    @property
    def is_chip(self) -> bool:
        return self.type == "DNA binding"

    @property
    def is_array(self) -> bool:
        return self.name.endswith("by array assay") or self.name in (
            GENOTYPING_ARRAY[0], CGH_ARRAY[0], CHIP_CHIP[0])


def _line(sample_or_text: Sample | str) -> str:
    if isinstance(sample_or_text, Sample):
        return format_sample(sample_or_text)
    return str(sample_or_text or "")


def _gpl(sample_or_text: Sample | str) -> str:
    if isinstance(sample_or_text, Sample) and sample_or_text.platform:
        return sample_or_text.platform.strip().upper()
    return ""


def platform_technology(gpl: str) -> str | None:
    """``array``, ``sequencing``, or None for a platform not in the table."""
    gpl = (gpl or "").strip().upper()
    if gpl in ARRAY_PLATFORMS:
        return "array"
    if gpl in SEQUENCING_PLATFORMS:
        return "sequencing"
    return None


def _from_words(line: str, *, chip: bool = True) -> Assay | None:
    for pattern, (name, kind) in WORDS:
        if not chip and kind == "DNA binding":
            continue
        m = pattern.search(line)
        if m:
            return Assay(name, kind, m.group(0), "text", (m.start(), m.end()))
    return None


def assay_evidence(sample_or_text: Sample | str) -> Assay | None:
    """The record's assay (ENCODE Assay name and type) and its evidence, or None."""
    line = _line(sample_or_text)
    sample = sample_or_text if isinstance(sample_or_text, Sample) else Sample()
    strategy = sample.library_strategy.strip()
    if strategy.lower() in LIBRARY_STRATEGIES:
        name, kind = LIBRARY_STRATEGIES[strategy.lower()]
        if name == "RNA-seq":  # a small-RNA library is still RNA-Seq in GEO's vocabulary
            words = _from_words(line)
            if words and words.name == MIRNA_SEQ[0]:
                return Assay(*MIRNA_SEQ, strategy, "library_strategy")
        return Assay(name, kind, strategy, "library_strategy")
    gpl = _gpl(sample_or_text)
    tech = platform_technology(gpl)
    if gpl in METHYLATION_PLATFORMS:
        return Assay(*METHYLATION_ARRAY, gpl, "platform")
    if gpl in SNP_PLATFORMS:
        return Assay(*GENOTYPING_ARRAY, gpl, "platform")
    kind = sample.sample_type.strip().lower()
    words = _from_words(line, chip=kind != "rna")
    if kind == "rna":
        if tech == "sequencing":
            if words and words.name == MIRNA_SEQ[0]:
                return words
            return Assay(*RNA_SEQ, f"{sample.sample_type} on {gpl}", "sample_type")
        if words and words.type == "Transcription" and words.name != RNA_SEQ[0]:
            return words  # a miRNA array is still a transcription array
        return Assay(*TRANSCRIPTION_ARRAY, f"{sample.sample_type}" + (f" on {gpl}" if gpl else ""),
                     "sample_type")
    if words:
        if tech == "array" and words.name in (RNA_SEQ[0], MIRNA_SEQ[0], CHIP_SEQ[0]):
            if words.name == CHIP_SEQ[0]:
                return Assay(*CHIP_CHIP, words.evidence, "text", words.span)
            return Assay(*TRANSCRIPTION_ARRAY, gpl, "platform")
        return words
    if tech == "array" and kind in ("", "rna") and _EXPRESSION_WORDS.search(line):
        return Assay(*TRANSCRIPTION_ARRAY, gpl, "platform")
    return None


def is_chip(sample_or_text: Sample | str) -> bool:
    """True when the record shows ChIP evidence (library strategy, words); only then do
    Cistrome Factor and ENCODE Target of assay / Investigated as apply."""
    assay = assay_evidence(sample_or_text)
    return bool(assay and assay.is_chip)


def is_array(sample_or_text: Sample | str) -> bool:
    """True for a hybridisation array record; then Genome assembly does not apply."""
    assay = assay_evidence(sample_or_text)
    return bool(assay and assay.is_array)


def is_encode_record(sample_or_text: Sample | str) -> bool:
    """True when the record names ENCODE, modENCODE, modERN or Roadmap (REMC), or carries an
    ENCODE file name (``wgEncode...``) or accession (``ENCSR...``); then Project applies."""
    line = _line(sample_or_text)
    if isinstance(sample_or_text, Sample):
        line = " ".join((line, sample_or_text.source_name, sample_or_text.series))
    return bool(_PROJECT_WORDS.search(line))


def not_applicable(sample_or_text: Sample | str, schema: str | Schema, *, assay: Assay | None = None) -> dict[str, str]:
    """Attributes the record's evidence rules out, each with the reason.

    Only positive evidence rules one out: a record with no assay evidence keeps its
    Factor and Target (the assay is unknown, not absent). ENCODE Target of assay
    also applies to knockdown and binding assays, so it is ruled out only for plain
    expression, methylation, genotyping and accessibility assays.
    """
    schema = get_schema(schema)
    assay = assay if assay is not None else assay_evidence(sample_or_text)
    out: dict[str, str] = {}
    targetless = assay is not None and not assay.is_chip and assay.type not in ("RNA binding",)
    if targetless:
        why = f"{assay.name} ({assay.field}: {assay.evidence}) has no target"
        for attribute in ("Factor", "Target of assay", "Investigated as"):
            if attribute in schema:
                out[attribute] = why
    if assay is not None and assay.is_array and "Genome assembly" in schema:
        out["Genome assembly"] = f"{assay.name} is an array ({assay.field}: {assay.evidence})"
    if "Project" in schema and not is_encode_record(sample_or_text):
        out["Project"] = "the record names no ENCODE, modENCODE, modERN or Roadmap project"
    return out
