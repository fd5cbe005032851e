"""Fit the grounding part (rule 9) of a bundled hybrid and write its grounding.json.

The bundled hybrids were trained on the seeded 90% split of the shared pairs; grounding
learns from the same training records (values, entity facts, abstention values) and
fits its domain model against archive texts: a seeded random draw of the shared GEOmetadb
subset that leaves out every GSM of the real-GEO benchmark (gold and silver lists in
benchmarks/data/), so the benchmark stays unseen. Run from the project root:

    .venv/bin/python scripts/fit_grounding.py --schema cistrome --model models/cistrome-hybrid
    .venv/bin/python scripts/fit_grounding.py --schema encode --model models/encode-hybrid
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import shutil
import sqlite3
from pathlib import Path

from geoscribe.io.records import read_pairs
from geoscribe.paths import data_dir
from geoscribe.text import Sample, format_sample
from geoscribe.translate.grounding import Grounding
from geoscribe.translate.training import split_pairs

ROOT = Path(__file__).resolve().parents[1]
HELD_OUT = [ROOT / "benchmarks/data/real_geo_heldout_gsms.txt", ROOT / "benchmarks/data/real_geo_silver_gsms.txt"]


def archive_texts(shared: Path, n: int, seed: int) -> list[str]:
    """``n`` formatted GEOmetadb sample texts drawn at random, none of the benchmark's GSMs."""
    cache = Path.home() / ".cache" / "geoscribe" / "geometadb_gsm_subset.sqlite"
    if not cache.is_file():
        cache.parent.mkdir(parents=True, exist_ok=True)
        with gzip.open(shared / "geo_samples" / "geometadb_gsm_subset.sqlite.gz", "rb") as src, open(cache, "wb") as dst:
            shutil.copyfileobj(src, dst)
    skip = {line.strip() for f in HELD_OUT if f.is_file() for line in f.read_text().splitlines()
            if line.strip() and not line.startswith("#")}
    con = sqlite3.connect(cache)
    rows = sorted(con.execute("SELECT gsm, title, characteristics_ch1, source_name_ch1 FROM gsm"))
    con.close()
    rows = [r for r in rows if r[0] not in skip]
    random.Random(seed).shuffle(rows)
    out = []
    for gsm, title, chars, source in rows[:n]:
        line = format_sample(Sample(gsm=gsm, title=title or "", characteristics=(chars or "").replace(";\t", "; "),
                                    source_name=source or ""))
        if line:
            out.append(line)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--schema", required=True, choices=["cistrome", "encode"])
    ap.add_argument("--model", required=True, help="the hybrid's directory; grounding.json is written there")
    ap.add_argument("--n-background", type=int, default=8000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    shared = data_dir()
    pairs = read_pairs(shared / args.schema / "pairs.csv", args.schema)
    split = split_pairs(pairs.inputs, pairs.records)  # the bundled models' training split
    background = archive_texts(shared, args.n_background, args.seed)
    grounding = Grounding(schema=args.schema).fit(split.train_records, split.train_texts, background)
    path = Path(args.model) / "grounding.json"
    path.write_text(json.dumps(grounding.to_dict()) + "\n")
    p_train = grounding.in_domain(split.dev_texts)
    print(f"{path}: {len(grounding.facts_)} entity facts, domain model on {len(split.train_texts)} training and "
          f"{len(background)} archive texts; dev pairs in domain (p >= 0.5): "
          f"{sum(p >= 0.5 for p in p_train)}/{len(p_train)}")


if __name__ == "__main__":
    main()
