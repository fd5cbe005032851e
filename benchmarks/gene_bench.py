"""Gene grounding figures on the shared pairs (issue 23).

    python benchmarks/gene_bench.py coverage            # Factor / Target ontology coverage, gene terms on and off
    python benchmarks/gene_bench.py sample --n 60       # random new gene terms to hand-check (CSV on stdout)
    python benchmarks/gene_bench.py grounding           # text -> gold approved symbol, TRAIN part of the 90/10 split

``grounding`` reads only the train part of ``geoscribe.translate.training.split_pairs``
(defaults: seed 0, 10% dev): the dev part is kept for design, a locked split for the
final figures. For each record whose gold Factor / Target is a gene, it asks:
does any candidate that :func:`geoscribe.gene_candidates.gene_candidates` finds in
the input text resolve to the gold value (by approved symbol, or by the gene ID the
gold value maps to)? It also counts, among candidates in antibody / target fields,
how often the value written differs from the gold symbol (``LSD1`` -> ``KDM1A``).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from collections import Counter

from geoscribe.gene_candidates import gene_candidates
from geoscribe.ontology import TermMapper, coverage, read_pairs_records
from geoscribe.paths import data_dir

SETS = (("cistrome", "Factor"), ("encode", "Target of assay"))


def _coverage(args) -> None:
    with_genes, without = TermMapper(), TermMapper(genes=False)
    for schema, attribute in SETS:
        records = read_pairs_records(data_dir() / schema / "pairs.csv", schema)
        for name, mapper in (("gene terms off", without), ("with gene terms", with_genes)):
            cov = next(c for c in coverage(records, mapper=mapper) if c.attribute == attribute)
            print(f"{schema:<9} {attribute:<16} {name:<30} {cov.mapped:>4}/{cov.distinct:<4} = {cov.share:.1%}")
        by = Counter()
        seen = set()
        for r in records:
            for v in r.split(attribute):
                if v in seen or v in ("None", "unknown"):
                    continue
                seen.add(v)
                m = with_genes.map(attribute, v, r["Organism"] if "Organism" in r.schema else None)
                by[m.ontology if m else "unmapped"] += 1
        total = sum(by.values())
        standard = total - by["unmapped"] - by["geoscribe"]
        print(f"          distinct values by source: {dict(by.most_common())}")
        print(f"          with a standard term (gene ID or ontology; geoscribe.target terms left out): "
              f"{standard}/{total} = {standard / total:.1%}")


def _sample(args) -> None:
    """``n`` distinct (schema, value) pairs whose new term is a gene ID, drawn with a fixed seed."""
    mapper = TermMapper()
    pool = []
    for schema, attribute in SETS:
        records = read_pairs_records(data_dir() / schema / "pairs.csv", schema)
        seen = set()
        for r in records:
            ctx = r["Organism"] if "Organism" in r.schema else ""
            for v in r.split(attribute):
                if (v, ctx) in seen or v in ("None", "unknown"):
                    continue
                seen.add((v, ctx))
                m = mapper.map(attribute, v, ctx or None)
                if m is not None and m.ontology not in ("UniProt", "EFO", "geoscribe"):
                    pool.append((schema, attribute, v, ctx, m))
    rng = random.Random(args.seed)
    rows = rng.sample(pool, min(args.n, len(pool)))
    w = csv.writer(sys.stdout)
    w.writerow(["schema", "attribute", "value", "context", "curie", "label", "matched", "match", "score",
                "judgement", "note"])  # fmt: skip
    for schema, attribute, v, ctx, m in rows:
        w.writerow([schema, attribute, v, ctx, m.curie, m.label, m.matched, m.match, m.score, "", ""])
    print(f"# {len(rows)} of {len(pool)} distinct values with a gene term (seed {args.seed})", file=sys.stderr)


def _grounding(args) -> None:
    from geoscribe.errors import InputError
    from geoscribe.ontology.genes import gene_key
    from geoscribe.translate.training import read_training_pairs, split_pairs

    mapper = TermMapper()
    for schema, attribute in SETS:
        texts, records = read_training_pairs(data_dir() / schema / "pairs.csv", schema)
        split = split_pairs(texts, records)
        t = time.perf_counter()
        counts = {kind: Counter() for kind in ("gene", "target")}
        values = {kind: {} for kind in ("gene", "target")}  # distinct gold value -> found in any record
        renamings, missed = Counter(), Counter()
        for text, record in zip(split.train_texts, split.train_records):
            gold = record[attribute]
            if gold in (None, "None", "unknown"):
                continue
            organism = record["Organism"] if "Organism" in record.schema else None
            term = mapper.map(attribute, gold, organism)
            if term is None or term.ontology in ("UniProt", "EFO"):
                counts["gene"]["gold has no gene or target term"] += 1
                continue
            kind = "target" if term.ontology == "geoscribe" else "gene"
            c = counts[kind]
            c["records"] += 1
            try:
                cands = gene_candidates(text, organism or "human")
            except InputError:  # an organism with no gene table (yeast)
                c["organism without a gene table"] += 1
                continue
            hit = [x for x in cands if x.id == term.curie or (x.symbol and x.symbol == term.label)
                   or (x.target is not None and x.target.gene == term.label)]  # Pol II S5P for POLR2A
            values[kind].setdefault(gold, False)
            if not hit:
                c["missed"] += 1
                missed[gold] += 1
                continue
            c["found"] += 1
            values[kind][gold] = True
            if all(gene_key(x.text) != gene_key(gold) for x in hit):
                c["found, written under another name"] += 1
                renamings[(hit[0].text, gold)] += 1
        dt = time.perf_counter() - t
        print(f"{schema} {attribute}: train part of the seeded 90/10 split, {len(split.train_texts)} records")
        for kind in ("gene", "target"):
            c, v = counts[kind], values[kind]
            n = c["records"]
            print(f"  gold is a {kind}: {n} records; found among the text's candidates {c['found']} = "
                  f"{c['found'] / max(n, 1):.1%}; of them written under another name "
                  f"{c['found, written under another name']} = {c['found, written under another name'] / max(n, 1):.1%}; "
                  f"distinct gold values found {sum(v.values())}/{len(v)}; other: "
                  f"{ {k: x for k, x in c.items() if k not in ('records', 'found', 'found, written under another name')} }")  # fmt: skip
        print(f"  most common renamings: {renamings.most_common(20)}")
        print(f"  most missed gold values: {missed.most_common(15)}")
        print(f"  {len(split.train_texts) / dt:,.0f} records/s")


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("coverage")
    p = sub.add_parser("sample")
    p.add_argument("--n", type=int, default=60)
    p.add_argument("--seed", type=int, default=23)
    sub.add_parser("grounding")
    args = parser.parse_args()
    {"coverage": _coverage, "sample": _sample, "grounding": _grounding}[args.command](args)


if __name__ == "__main__":
    main()
