"""Draw the samples of the real-GEO gold set (issue 19), reproducibly.

Draws at random (fixed seed) from the shared real GEO sources, skipping every
GSM of the training pairs, and writes:

- ``benchmarks/data/real_geo_gold_draw.jsonl``: one drawn sample a line
  (``gsm``, ``source``, ``fields``), the text the labeller reads;
- ``benchmarks/data/real_geo_heldout_gsms.txt``: the drawn GSM ids, to be kept
  out of any training.

It prints what it drew. Labels are written by hand (see docs/curation.md), not
here. Run from the project root::

    PYTHONPATH=src python benchmarks/real_geo_gold_draw.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
import sqlite3
import tempfile
from pathlib import Path

from geoscribe.errors import InputError
from geoscribe.io import read_samples

SEED = 19
QUOTAS = {"geometadb": 170, "random_geo_200": 50, "geo_sample_desc": 50, "geo_files": 35}
OUT_DIR = Path(__file__).parent / "data"
DRAW_FILE = OUT_DIR / "real_geo_gold_draw.jsonl"
HELDOUT_FILE = OUT_DIR / "real_geo_heldout_gsms.txt"
GEO_FILE_KINDS = ("SOFT", "matrix", "MINiML")


def training_gsms(data: Path) -> set[str]:
    """GSM ids of the paper's pairs: these must never be in the gold set."""
    gsms = set()
    for name in ("cistrome/pairs.csv", "encode/pairs.csv"):
        with open(data / name, newline="", encoding="utf-8") as handle:
            gsms.update(row["gsm"].strip() for row in csv.DictReader(handle) if row["gsm"].strip())
    return gsms


def from_geometadb(data: Path, rng: random.Random, n: int, skip: set[str]) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "gsm.sqlite"
        with gzip.open(data / "geo_samples/geometadb_gsm_subset.sqlite.gz") as src, open(db, "wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
        con = sqlite3.connect(db)
        rows = con.execute(
            "SELECT gsm, title, gpl, type, source_name_ch1, characteristics_ch1 FROM gsm ORDER BY gsm"
        ).fetchall()
        con.close()
    rows = [r for r in rows if r[0] not in skip]
    drawn = []
    for gsm, title, gpl, sample_type, source_name, characteristics in rng.sample(rows, n):
        fields = {
            "title": title or "",
            "source_name": source_name or "",
            "characteristics": (characteristics or "").replace(";\t", "; "),
            "sample_type": sample_type or "",
            "platform": gpl or "",
        }
        drawn.append({"gsm": gsm, "source": "geometadb", "fields": fields})
    return drawn


def from_random_geo_200(data: Path, rng: random.Random, n: int, skip: set[str]) -> list[dict]:
    with open(data / "geo_unlabelled/random_geo_200.csv", newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["gsm"] not in skip]
    return [
        {"gsm": r["gsm"], "source": "random_geo_200", "fields": {"text": r["input"]}}
        for r in rng.sample(rows, n)
    ]


def from_geo_sample_desc(data: Path, rng: random.Random, n: int, skip: set[str]) -> list[dict]:
    """``geo_sample_desc.tsv`` holds one text a line; ``_ID.tsv`` the GSM and GSE of the same line."""
    texts = (data / "geo_samples/geo_sample_desc.tsv").read_text(encoding="utf-8").splitlines()
    ids = (data / "geo_samples/geo_sample_desc_ID.tsv").read_text(encoding="utf-8").splitlines()
    if len(texts) != len(ids):
        raise SystemExit(f"geo_sample_desc.tsv has {len(texts)} lines but its _ID.tsv {len(ids)}")
    rows = []
    for text, id_line in zip(texts, ids):
        gsm, _, gse = id_line.partition("\t")
        if gsm not in skip:
            rows.append((gsm.strip(), gse.strip(), text))
    seen, unique = set(), []
    for row in rows:  # a GSM listed twice is drawn at most once
        if row[0] not in seen:
            seen.add(row[0])
            unique.append(row)
    return [
        {"gsm": gsm, "source": "geo_sample_desc", "fields": {"text": text, "series": gse}}
        for gsm, gse, text in rng.sample(unique, n)
    ]


def sample_types(path: Path) -> dict[str, str]:
    """GEO sample type (``RNA``, ``genomic``, ...) per GSM, read from a SOFT or series matrix file."""
    opener = gzip.open if path.read_bytes()[:2] == b"\x1f\x8b" else open
    types, current, gsms = {}, "", []
    with opener(path, "rt", encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if line.startswith("^SAMPLE"):
                current = line.split("=", 1)[1].strip()
            elif line.startswith("!Sample_type =") and current:
                types[current] = line.split("=", 1)[1].strip()
            elif line.startswith("!Sample_geo_accession\t"):
                gsms = [c.strip('"\n') for c in line.split("\t")[1:]]
            elif line.startswith("!Sample_type\t"):
                values = [c.strip('"\n') for c in line.split("\t")[1:]]
                types.update(zip(gsms, values))
            elif line.startswith("!series_matrix_table_begin"):
                break
    return types


def from_geo_files(data: Path, rng: random.Random, n: int, skip: set[str]) -> list[dict]:
    root = data / "geo_files"
    with open(root / "INDEX.tsv", newline="", encoding="utf-8") as handle:
        index = [r for r in csv.DictReader(handle, delimiter="\t") if r["kind"] in GEO_FILE_KINDS]
    pool: dict[str, dict] = {}
    for row in sorted(index, key=lambda r: r["path"]):
        path = root / row["path"]
        try:
            types = sample_types(path) if row["kind"] in ("SOFT", "matrix") else {}
            samples = list(read_samples(str(path)))
        except (InputError, OSError, UnicodeError) as err:  # the corpus has deliberately broken files
            print(f"skipped {row['path']}: {err}")
            continue
        for s in samples:
            if not s.gsm.startswith("GSM") or s.gsm in skip or s.gsm in pool:
                continue
            fields = {
                k: v
                for k, v in {
                    "title": s.title,
                    "source_name": s.source_name,
                    "characteristics": s.characteristics,
                    "description": s.description,
                    "sample_type": types.get(s.gsm, ""),
                    "platform": s.platform,
                    "organism": s.organism,
                }.items()
                if v
            }
            pool[s.gsm] = {"gsm": s.gsm, "source": f"geo_files:{row['path']}", "fields": fields}
    # One draw per series first would favour small files; draw samples uniformly but at most
    # three from one file, so a few big series do not fill the quota.
    order = rng.sample(sorted(pool), len(pool))
    drawn, per_file = [], {}
    for gsm in order:
        item = pool[gsm]
        if per_file.get(item["source"], 0) >= 3:
            continue
        per_file[item["source"]] = per_file.get(item["source"], 0) + 1
        drawn.append(item)
        if len(drawn) == n:
            break
    return drawn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(Path(__file__).resolve().parents[1] / "../shared/data"))
    args = parser.parse_args()
    data = Path(args.data)
    skip = training_gsms(data)
    rng = random.Random(SEED)
    drawn: list[dict] = []
    seen = set(skip)
    for name, draw in (
        ("geometadb", from_geometadb),
        ("random_geo_200", from_random_geo_200),
        ("geo_sample_desc", from_geo_sample_desc),
        ("geo_files", from_geo_files),
    ):
        items = [i for i in draw(data, rng, QUOTAS[name], seen) if i["gsm"] not in seen]
        seen.update(i["gsm"] for i in items)
        drawn.extend(items)
        print(f"{name}: {len(items)} drawn")
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    with open(DRAW_FILE, "w", encoding="utf-8") as out:
        for item in drawn:
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
    with open(HELDOUT_FILE, "w", encoding="utf-8") as out:
        out.write(f"# real-GEO gold set (issue 19): {len(drawn)} GSMs drawn by benchmarks/real_geo_gold_draw.py "
                  f"(seed {SEED}); keep them out of any training or tuning data\n")
        out.writelines(item["gsm"] + "\n" for item in drawn)
    for item in drawn:
        print(item["gsm"], item["source"])
    print(f"total {len(drawn)}; wrote {DRAW_FILE} and {HELDOUT_FILE}")


if __name__ == "__main__":
    main()
