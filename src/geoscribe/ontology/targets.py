"""ChIP targets that are not (only) a gene: histone marks, RNA polymerase II phospho
forms, controls and epitope tags, with the spellings ENCODE and Cistrome use.

A histone mark (``H3K27ac``) has no gene and no term in the shipped ontologies;
``POLR2AphosphoS5`` is the POLR2A product in one state; ``IgG`` and ``input`` are
controls, ``GFP`` a tag on another protein. Gene lookup would miss or mangle all
of them, so they get a small vocabulary of their own: :func:`parse_target` reads
the usual spellings (``H3K27Ac``, ``H3-K4me3``, ``histone H3 lysine 27 acetyl``,
``Pol II Ser5P``, ``RNAPII pS2``, ``rabbit IgG``) and gives the canonical one.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Target:
    """A non-gene ChIP target, or a modified form of a gene product."""

    name: str  # the canonical spelling (ENCODE's where it has one): ``H3K27ac``, ``POLR2AphosphoS5``
    kind: str  # ``histone mark``, ``histone``, ``modified protein``, ``nucleic acid mark``, ``control``, ``tag``
    gene: str | None  # the human gene whose product it is (``POLR2A``), else None
    matched: str  # the text that was read

    @property
    def id(self) -> str:
        """A stable local identifier; no shipped ontology names these."""
        return f"geoscribe.target:{self.name}"

    def to_dict(self) -> dict:
        return {**asdict(self), "id": self.id}


#: modification words -> the suffix ENCODE and Cistrome write
_MODS = {
    "me1": "me1", "me2": "me2", "me3": "me3", "me": "me1", "mono": "me1", "di": "me2", "tri": "me3",
    "ac": "ac", "acetyl": "ac", "acetylation": "ac", "acetylated": "ac",
    "ub": "ub", "ub1": "ub1", "ubiquitin": "ub", "ubiquitinated": "ub", "ubiquitylation": "ub",
    "ph": "ph", "p": "ph", "phospho": "ph", "phosphorylation": "ph",
    "cr": "cr", "crotonyl": "cr", "cit": "Cit", "citrulline": "Cit", "bhb": "bhb", "la": "la",
}  # fmt: skip
_HISTONE = re.compile(
    r"(?:histone\s*)?H(?P<h>2A\.?Z|2A|2B|3|4|1)(?P<variant>\.[0-9X])?[\s_.-]*"
    r"(?P<sites>(?:(?:[KRST]|lys(?:ine)?|arg(?:inine)?|ser(?:ine)?|thr(?:eonine)?)?\s*\d{1,3}[\s,/_-]*)*)"
    r"(?P<mod>(?:mono|di|tri)[\s-]*methyl(?:ation|ated)?|me[123]?|ac(?:etyl(?:ation|ated)?)?|"
    r"ub1?|ubiquitin(?:ated)?|ubiquitylation|ph(?:ospho(?:rylation)?)?|cr(?:otonyl)?|cit(?:rulline)?|bhb|la)",
    re.IGNORECASE,
)
_RESIDUE = re.compile(r"(K|R|S|T|lys(?:ine)?|arg(?:inine)?|ser(?:ine)?|thr(?:eonine)?)?\s*(\d{1,3})", re.IGNORECASE)
_RESIDUE_LETTER = {"l": "K", "a": "R", "s": "S", "t": "T", "k": "K", "r": "R"}
_POL2 = (
    r"(?:rna\s*)?pol(?:ymerase)?[\s-]*(?:ii|2)|rnap(?:ol)?\s*(?:ii|2)|pol2|polii|rnapii|polr2a|rpb1"
)
_POL2_FORM = re.compile(
    rf"(?:(?:{_POL2})[\s_-]*(?:\(?\s*(?:phospho[\s-]*)?(?:p[\s-]*)?(?:ser|s)[\s-]*(?P<a>[257])\s*(?:p|ph|phospho|phosphorylated)?\s*\)?)"
    rf"|(?:p|phospho[\s-]*)?(?:ser|s)[\s-]*(?P<b>[257])\s*(?:p|ph)?[\s_-]*(?:{_POL2}))",
    re.IGNORECASE,
)
_PHOSPHO_FORM = re.compile(r"(?P<gene>[A-Z][A-Z0-9]{1,9})phospho(?P<site>[STY]\d{1,4})")
_CORE_HISTONE = re.compile(r"(?:histone\s*)?H(1|2A|2B|3|4)", re.IGNORECASE)  # pan-histone ChIP
_NUCLEIC = {  # DNA / RNA modifications and labels immunoprecipitated (MeDIP, BrdU-IP)
    "methylcytidine": "Methylcytidine", "5mc": "Methylcytidine", "5-methylcytosine": "Methylcytidine",
    "5-methylcytidine": "Methylcytidine", "methylcytosine": "Methylcytidine",
    "hydroxymethylcytidine": "Hydroxymethylcytidine", "5hmc": "Hydroxymethylcytidine",
    "5-hydroxymethylcytosine": "Hydroxymethylcytidine",
    "bromodeoxyuridine": "bromodeoxyuridine", "brdu": "bromodeoxyuridine",
}  # fmt: skip
_CONTROLS = {
    "igg": "IgG", "rabbit igg": "IgG", "mouse igg": "IgG", "normal igg": "IgG", "normal rabbit igg": "IgG",
    "normal mouse igg": "IgG", "goat igg": "IgG", "rat igg": "IgG", "control igg": "IgG", "igg control": "IgG",
    "input": "input", "input dna": "input", "chip input": "input", "whole cell extract": "input",
    "wce": "input", "genomic input": "input", "no antibody": "input", "no ab": "input",
}  # fmt: skip
_TAGS = {
    "gfp": "GFP", "egfp": "eGFP", "yfp": "YFP", "eyfp": "YFP", "flag": "FLAG", "3xflag": "FLAG",
    "ha": "HA", "3xha": "HA", "v5": "V5", "myc-tag": "MYC tag", "biotin": "biotin", "avi": "biotin", "bira": "BirA",
}  # fmt: skip
#: short aliases whose meaning as a ChIP target is settled by convention, where the gene
#: tables list several genes (``ER`` also names EREG; ``p65`` also SYT1 and GORASP1)
CHIP_CONVENTIONS = {
    "human": {
        "ER": "ESR1", "ERA": "ESR1", "ERALPHA": "ESR1", "GR": "NR3C1", "PR": "PGR", "P65": "RELA",
        "P300": "EP300", "CBP": "CREBBP", "P53": "TP53", "POLII": "POLR2A", "POL2": "POLR2A",
        "RNAPII": "POLR2A", "RNAPOLII": "POLR2A", "RNAPOLYMERASEII": "POLR2A", "POLYMERASEII": "POLR2A",
        "PU1": "SPI1", "AP2": "TFAP2A",
    },
}  # fmt: skip


def _key(text: str) -> str:
    return re.sub(r"[\s_.-]+", "", text).lower()


def _histone(text: str) -> Target | None:
    m = _HISTONE.fullmatch(text.strip())
    if not m:
        return None
    mod_word = _key(m.group("mod"))
    mod = _MODS.get(mod_word)
    if mod is None:
        for prefix, suffix in (("mono", "me1"), ("di", "me2"), ("tri", "me3")):
            if mod_word.startswith(prefix) and "methyl" in mod_word:
                mod = suffix
    if mod is None:
        return None
    sites, letter = "", None
    for word, number in _RESIDUE.findall(m.group("sites") or ""):
        letter = _RESIDUE_LETTER[word[0].lower()] if word else letter  # "K9/14": 14 is a lysine too
        if letter is None:
            return None
        sites += letter + number
    if not sites and mod.startswith("me"):
        return None  # "H3me3" names no site: not a mark anyone curates
    name = f"H{m.group('h').upper().replace('.', '')}{sites}{mod}"
    return Target(name, "histone mark", None, text)


def parse_target(text: str) -> Target | None:
    """The non-gene target ``text`` spells, or None (then it may be a gene: see genes.lookup)."""
    t = text.strip()
    if not t:
        return None
    k = " ".join(t.lower().replace("anti-", "").split())
    if k in _CONTROLS:
        return Target(_CONTROLS[k], "control", None, text)
    if _key(k) in _TAGS:
        return Target(_TAGS[_key(k)], "tag", None, text)
    if k in _NUCLEIC:
        return Target(_NUCLEIC[k], "nucleic acid mark", None, text)
    m = _CORE_HISTONE.fullmatch(t)
    if m:
        return Target(f"H{m.group(1).upper()}", "histone", None, text)
    found = _histone(t)
    if found:
        return found
    m = _POL2_FORM.fullmatch(t)
    if m:
        return Target(f"POLR2AphosphoS{m.group('a') or m.group('b')}", "modified protein", "POLR2A", text)
    m = _PHOSPHO_FORM.fullmatch(t)
    if m:
        return Target(t, "modified protein", m.group("gene"), text)
    return None


def convention(name: str, organism: str = "human") -> str | None:
    """The gene a short, ambiguous alias means as a ChIP target by convention (``ER`` -> ``ESR1``)."""
    from .genes import gene_key

    return CHIP_CONVENTIONS.get(organism, {}).get(gene_key(name).upper())
