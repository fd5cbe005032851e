"""Gene and ChIP-target mentions in a GEO record's text, grounded to approved symbols.

The Factor / Target of assay a curator writes is usually in the text under another
spelling: an antibody field (``chip antibody: LSD1``), ``anti-Brg1``, ``Ikaros
antibody``, a title token (``ChIPseq_K562_GATA1_rep1``) or a tagged construct
(``JUND-eGFP``). :func:`gene_candidates` finds every such span whose text is a
known symbol, previous symbol or alias of the organism's genes (or a histone mark,
Pol II form, control or tag, :mod:`geoscribe.ontology.targets`), says which field
it sits in and which cue made it a candidate, and gives the approved symbol when
the name points to one gene. It ranks nothing: choosing among candidates is the
translator's job.

English words and lab jargon that are also gene aliases (``FOR``, ``CHIP``, ``WT``,
``ALL``) are stopped (:data:`STOPLIST`); names of 2-3 characters (``ER``, ``AR``,
``SP1``), words without a capital or a digit (``Ikaros``, ``Max``) and non-gene
targets outside a target field need a cue: a target key, ``anti-``, a following
``antibody`` / ``ChIP``, a title token, or a tag fusion.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from .ontology.genes import Gene, GeneIndex, best, chip_relevant, default_index, gene_key, organism_key
from .ontology.targets import Target, convention, parse_target
from .stated import _items, _regions

#: tokens never taken for a gene: words and lab jargon that are also aliases, cell lines
STOPLIST = frozenset(
    """
    a an as at be by do go he if in is it me my no of on or so to up us we
    all and are can for has his her its not one out she the was who why you yes
    cell cells line type tag chip seq chipseq rna dna cdna mrna input control ctrl total mock
    wt ko kd oe het hom null mut none na nd ip ab abs rep run lane read set
    mice mouse human rat fly worm gene genes protein tissue
    h1 h9 thp1 mel mef pc3 cal p19 es esc ips ipsc raw nb4 hl60 gap fat nov lamp sds cat
    hg19 hg38 mm9 mm10 geo sra bam bed pe se ngs gfp
    """.split()
)  # fmt: skip
#: keys (:func:`gene_key`) of replicate labels, doses and treatments that are also aliases
STOP_PATTERN = re.compile(r"(?:rep|replicate|batch|run|lane|sample|set|input|chip|dmso|e|br|tr)\d*")
#: antibody catalogue numbers (``sc-17824``, ``ab17721``, ``HC-20``, ``C-20``): not names
_CATALOGUE = re.compile(r"(?:sc|ab|cs|hc|[a-oq-z])-?\d{2,}", re.IGNORECASE)
SHORT = 3  # names this short (as keys) need a cue
_CHUNK = re.compile(r"[^\s,;:=|\"'\[\]{}<>]+")
_ANTI = re.compile(r"^anti[-_ ]?", re.IGNORECASE)
_TAG_PARTS = r"e?gfp|e?yfp|3?x?flag|3?x?ha|v5|myc[-_]?tag|avi|bio(?:tin)?"
_TAG_FUSION = re.compile(rf"^(?:(?P<pre>{_TAG_PARTS})[-_:]+(?P<g1>.+)|(?P<g2>.+?)[-_:]+(?P<post>{_TAG_PARTS}))$", re.IGNORECASE)
_AFTER_CUE = re.compile(r"^(?:antibody|antibodies|antiserum|ab|abs|chip(?:[-_]?seq)?s?|chip-chip|binding|occupancy|peaks?)\b", re.IGNORECASE)
_BEFORE_CUE = re.compile(r"^(?:anti|against|chip(?:[-_]?seq)?s?)$", re.IGNORECASE)
_POL2_TEXT = re.compile(
    r"\b(?:rna\s+pol(?:ymerase)?\s*(?:ii|2)|pol(?:ymerase)?\s+(?:ii|2)|rnap\s*ii|rnapii|rnapol\s*ii|pol\s*ii|polii|pol2)"
    r"(?:[\s_-]*\(?\s*(?:phospho[\s-]*)?p?(?:ser|s)[\s-]*[257](?:[\s-]*(?:p|ph))?\)?)?\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Candidate:
    """One span of the text that names a gene (or a non-gene ChIP target)."""

    text: str  # the span as written (``LSD1``)
    span: tuple[int, int]  # offsets into the text given
    field: str  # ``antibody``, ``target``, ``title``, ``description``, ``characteristics``, ``source`` or ``other``
    key: str | None  # the ``key:`` the span is the value of (``chip antibody``, ``cell line``), if any
    cue: str  # ``key``, ``anti``, ``word``, ``title``, ``tag`` or ``plain``
    symbol: str | None  # approved symbol, or the target's canonical name; None when ambiguous
    id: str | None  # ``HGNC:29079``, ``MGI:...``, ``geoscribe.target:H3K27ac``
    kind: str  # how the name matched: ``approved``, ``previous``, ``alias``, or ``target``
    ambiguous: bool  # the name is a symbol or alias of several genes
    #: why ``symbol`` is this gene: ``unique``; ``approved`` (an approved symbol beats previous
    #: symbols and aliases of other genes); ``case`` (the one written exactly so); ``convention``
    #: (:data:`~geoscribe.ontology.targets.CHIP_CONVENTIONS`); ``target``; None when unresolved
    resolved_by: str | None
    genes: tuple[Gene, ...] = ()  # every gene of the organism the name matches
    target: Target | None = None

    def to_dict(self) -> dict:
        out = asdict(self)
        out["span"] = list(self.span)
        return out


def _field_of(line: str) -> list[tuple[int, int, str, str | None]]:
    """``(start, end, field, key)`` of every ``key: value`` item; field is ``antibody`` /
    ``target`` for target keys, else None (the header region's name applies)."""
    spans = []
    for item in _items(line):
        if item.concept == "target":
            field = "antibody" if "antibod" in item.key.lower() else "target"
        else:
            field = None
        spans.append((item.span[0], item.span[1], field, item.key))
    return spans


def _region_at(regions, pos: int) -> str:
    for field, start, end, _bounded in regions:
        if start <= pos <= end:
            return "other" if field == "text" else field
    return "other"


def _pieces(chunk: str, start: int, depth: int = 0):
    """Groups of ``(piece, start, via)`` to try in turn: the chunk; without ``anti-`` or a
    tag; else its parts split at ``_ ( ) /`` (then ``- .``), each the same way."""
    stripped = chunk.strip("().,")
    if not stripped or _CATALOGUE.fullmatch(stripped):
        return
    offset = start + chunk.index(stripped)
    yield [(stripped, offset, "whole")]
    m = _ANTI.match(stripped)
    if m and len(stripped) > m.end():
        yield [(stripped[m.end():], offset + m.end(), "anti")]
        return
    m = _TAG_FUSION.match(stripped)
    if m:
        g = m.group("g1") or m.group("g2")
        yield [(g, offset + stripped.index(g), "tag")]
    if depth >= 2:
        return
    for sep in ("_()/", "-."):
        parts = list(re.finditer(rf"[^{re.escape(sep)}]+", stripped))
        if len(parts) > 1:
            for p in parts:
                yield from (
                    [(piece, s, "part" if via == "whole" else via) for piece, s, via in group]
                    for group in _pieces(p.group(), offset + p.start(), depth + 1)
                )
            return


def _cue(line: str, start: int, end: int, via: str, field: str, title_token: bool) -> str:
    if field in ("antibody", "target"):
        return "key"
    if via == "anti":
        return "anti"
    if via == "tag":
        return "tag"
    after = line[end:end + 20].lstrip(" -_")
    before = line[max(0, start - 20):start].rstrip(" -_").split()
    if _AFTER_CUE.match(after) or (before and _BEFORE_CUE.match(before[-1])):
        return "word"
    if field == "title" and title_token:
        return "title"
    return "plain"


def _needs_cue(piece: str) -> bool:
    has_digit = any(c.isdigit() for c in piece)
    capitals = sum(c.isupper() for c in piece)
    return len(gene_key(piece)) <= SHORT or not (has_digit or capitals >= 2)


def _gene_candidate(piece, span, field, key, cue, organism, index) -> Candidate | None:
    if gene_key(piece) in STOPLIST or STOP_PATTERN.fullmatch(gene_key(piece)) or len(gene_key(piece)) < 2 or gene_key(piece).isdigit():
        return None
    if _needs_cue(piece) and cue == "plain":
        return None
    if piece.islower() and not any(c.isdigit() for c in piece) and cue not in ("key", "anti"):
        return None  # "max", "rest": words, unless a target key or anti- says otherwise
    genes = tuple(chip_relevant(index.lookup(piece, organism)))
    if not genes:
        conv = convention(piece, organism)
        if conv is None:
            return None
        genes = tuple(g for g in index.lookup(conv, organism) if g.kind == "approved")
        if not genes:
            return None
        g = genes[0]
        return Candidate(piece, span, field, key, cue, g.symbol, g.id, "alias", False, "convention", genes)
    gene, tied = best(list(genes), piece)
    if gene is not None:
        several = len({g.id for g in genes}) > 1
        resolved = "case" if tied else "approved" if several else "unique"
        return Candidate(piece, span, field, key, cue, gene.symbol, gene.id, gene.kind, several, resolved, genes)
    conv = convention(piece, organism)
    chosen = next((g for g in genes if g.symbol == conv), None)
    if chosen is not None:
        return Candidate(piece, span, field, key, cue, chosen.symbol, chosen.id, chosen.kind, True, "convention", genes)
    return Candidate(piece, span, field, key, cue, None, None, genes[0].kind, True, None, genes)


def gene_candidates(text: str, organism: str | None = None, *, index: GeneIndex | None = None) -> list[Candidate]:
    """Every span of ``text`` that names a gene of ``organism`` (default human) or a
    non-gene ChIP target, in text order; at most one candidate per span.

    ``text`` is the paper's ``Title: ... - Characteristics: ... - Description: ...`` line
    or unlabelled text (then every span's field is ``other`` unless it is a key's value).
    """
    org = organism_key(organism) or "human"
    index = index or default_index()
    line = str(text or "")
    regions = _regions(line)
    items = _field_of(line)
    out: list[Candidate] = []
    taken: list[tuple[int, int]] = []

    def where(pos: int) -> tuple[str, str | None]:
        for s, e, field, key in items:
            if s <= pos < e:
                return field or _region_at(regions, pos), key
        return _region_at(regions, pos), None

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    for m in _POL2_TEXT.finditer(line):  # multi-word: "RNA polymerase II", "Pol II Ser5P"
        field, key = where(m.start())
        target = parse_target(m.group())
        name, gid = (target.name, target.id) if target else ("POLR2A", None)
        if target is None:  # the organism's own POLR2A (mouse Polr2a); none in fly / worm tables by that name
            hits = [g for g in index.lookup("POLR2A", org) if g.kind == "approved"]
            name, gid = (hits[0].symbol, hits[0].id) if hits else (name, None)
        cue = _cue(line, m.start(), m.end(), "whole", field, False)
        out.append(Candidate(m.group(), (m.start(), m.end()), field, key, cue, name, gid,
                             "target" if target else "alias", False, "target" if target else "convention", (), target))  # fmt: skip
        taken.append((m.start(), m.end()))

    for chunk in _CHUNK.finditer(line):
        field, key = where(chunk.start())
        title_token = field == "title" and "_" in chunk.group()
        for group in _pieces(chunk.group(), chunk.start()):
            for piece, start, via in group:
                span = (start, start + len(piece))
                if not free(*span):
                    continue
                cue = _cue(line, span[0], span[1], via, field, title_token)
                target = parse_target(piece)
                if target is not None:
                    if target.kind in ("control", "tag") and cue not in ("key", "anti"):
                        continue
                    cand = Candidate(piece, span, field, key, cue, target.name, target.id, "target", False,
                                     "target", (), target)  # fmt: skip
                else:
                    cand = _gene_candidate(piece, span, field, key, cue, org, index)
                if cand is not None:
                    out.append(cand)
                    taken.append(span)  # its parts are not tried again
    out.sort(key=lambda c: c.span)
    return out
