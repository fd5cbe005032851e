"""How often real GEO RNA samples state sex, age, cell line, tissue and disease, by the
deterministic reader (geoscribe.stated), and a seeded draw of reads to check by hand.

    PYTHONPATH=src python benchmarks/stated_coverage.py /tmp/geometadb_gsm_subset.sqlite \
        --n 600 --seed 7 --check 40

The database is the shared GEOmetadb subset, gunzipped (table gsm). GSMs listed in
--exclude (the hand-curated gold set) are never drawn.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
from pathlib import Path

from geoscribe.assay import assay_evidence
from geoscribe.stated import read_concepts
from geoscribe.text import Sample, format_sample

CONCEPTS = ("sex", "age", "age_unit", "cell_line", "cell_type", "tissue", "disease", "ethnicity", "strain")


def draw(db: Path, n: int, seed: int, exclude: set[str]) -> list[Sample]:
    con = sqlite3.connect(db.resolve().as_uri() + "?mode=ro", uri=True)
    rows = con.execute(
        "SELECT gsm, title, characteristics_ch1, source_name_ch1, gpl, type FROM gsm "
        "WHERE type = 'RNA' ORDER BY gsm"
    ).fetchall()
    con.close()
    rows = [r for r in rows if r[0] not in exclude]
    picked = random.Random(seed).sample(rows, n)
    return [
        Sample(gsm=g, title=t or "", characteristics=(c or "").replace(";\t", "; "),
               source_name=s or "", platform=p or "", sample_type=ty or "")
        for g, t, c, s, p, ty in picked
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", type=Path)
    ap.add_argument("--n", type=int, default=600)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--check", type=int, default=40, help="reads to print for a hand check")
    ap.add_argument("--exclude", type=Path, default=None, help="file of GSM ids never to draw")
    args = ap.parse_args()
    exclude = set()
    if args.exclude and args.exclude.exists():
        exclude = {line.strip() for line in args.exclude.read_text().split() if line.strip()}
    samples = draw(args.db, args.n, args.seed, exclude)
    reads = []
    counts = dict.fromkeys(CONCEPTS, 0)
    for s in samples:
        found = read_concepts(s)
        for c in CONCEPTS:
            if c in found:
                counts[c] += 1
                reads.append((s, c, found[c]))
    assays = [assay_evidence(s) for s in samples]
    transcription = sum(1 for a in assays if a and a.type == "Transcription")
    print(f"{len(samples)} RNA samples (seed {args.seed}), {len(exclude)} GSMs excluded")
    print(f"  assay type Transcription: {transcription} ({transcription / len(samples):.1%}); "
          f"ChIP: {sum(1 for a in assays if a and a.is_chip)}")
    for c in CONCEPTS:
        print(f"  {c:10s} stated in {counts[c]:4d}  ({counts[c] / len(samples):.1%})")
    if args.check:
        print(f"\n{args.check} random reads (seed {args.seed}) to check by hand:")
        for s, c, st in random.Random(args.seed).sample(reads, min(args.check, len(reads))):
            line = format_sample(s)
            print(f"- {s.gsm} {c} = {st.value!r}  [{st.key}: {st.text!r}]\n    {line[:300]}")


if __name__ == "__main__":
    main()
