"""Ontology normalisation figures: index build time, coverage per attribute on the
shared pairs, hand-checked precision, and mapping speed.

    python benchmarks/ontology_bench.py [--rebuild]
"""

from __future__ import annotations

import argparse
import csv
import time
from collections import Counter
from pathlib import Path

from geoscribe.ontology import OntologyIndex, TermMapper, build_index, coverage, default_index_path, read_pairs_records
from geoscribe.paths import data_dir

FIXTURE = Path(__file__).parents[1] / "tests" / "data" / "ontology" / "precision_hand_checked.csv"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rebuild", action="store_true", help="time a fresh index build")
    args = parser.parse_args()
    path = default_index_path()
    if args.rebuild or not path.is_file():
        t = time.perf_counter()
        build_index(path, progress=True)
        print(f"index build: {time.perf_counter() - t:.1f} s, {path.stat().st_size / 1e6:.0f} MB")
    t = time.perf_counter()
    mapper = TermMapper(OntologyIndex(path))
    print(f"index open: {(time.perf_counter() - t) * 1000:.1f} ms")

    values = []
    for schema in ("cistrome", "encode"):
        records = read_pairs_records(data_dir() / schema / "pairs.csv", schema)
        print(f"\n{schema}: distinct non-None gold values mapped")
        for c in coverage(records, mapper=mapper):
            share = f"{c.share:.1%}" if c.share is not None else "n/a (no ontology)"
            print(f"  {c.attribute:<22} {c.mapped:>4}/{c.distinct:<4} {share:>8}  {c.by_match}")
        ctx = "Organism" in records[0].schema
        values += [(a, v, r["Organism"] if ctx else None) for r in records for a in r.schema.attributes for v in r.split(a)]

    rows = list(csv.DictReader(open(FIXTURE, encoding="utf-8")))
    judged = Counter(r["judgement"] for r in rows)
    print(f"\nhand-checked precision: {judged['correct']}/{judged['correct'] + judged['wrong']} = "
          f"{judged['correct'] / (judged['correct'] + judged['wrong']):.1%} ({judged['unsure']} unsure left out, {len(rows)} rows)")  # fmt: skip

    cold = TermMapper(mapper.index)
    distinct = list(dict.fromkeys(values))
    t = time.perf_counter()
    for a, v, c in distinct:
        cold.map(a, v, c)
    dt = time.perf_counter() - t
    print(f"\nspeed, distinct values (cold cache, incl. fuzzy): {len(distinct) / dt:,.0f} values/s ({len(distinct)} values)")
    t = time.perf_counter()
    for a, v, c in values:
        cold.map(a, v, c)
    dt = time.perf_counter() - t
    print(f"speed, all gold values (warm cache): {len(values) / dt:,.0f} values/s ({len(values)} values)")
    nofuzzy = TermMapper(mapper.index, fuzzy=False)
    t = time.perf_counter()
    for a, v, c in distinct:
        nofuzzy.map(a, v, c)
    print(f"speed, distinct values, no fuzzy (cold): {len(distinct) / (time.perf_counter() - t):,.0f} values/s")


if __name__ == "__main__":
    main()
