"""Set two real-GEO benchmark reports side by side (report.json of real_geo_benchmark.py).

    .venv/bin/python benchmarks/real_geo_compare.py runs/before/report.json runs/after/report.json
"""

import json
import sys


def rows(before: dict, after: dict) -> list[str]:
    out = ["| figure | split | before | after | target |", "| --- | --- | ---: | ---: | ---: |"]

    def add(name, split, get, target=""):
        vals = []
        for r in (before, after):
            try:
                v = get(r)
                vals.append("-" if v is None else f"{v:.3f}")
            except KeyError:
                vals.append("-")
        out.append(f"| {name} | {split} | {vals[0]} | {vals[1]} | {target} |")

    silver = "silver (600 GEOmetadb, seed 0)"
    chk = lambda c, w: lambda r: r["silver"]["checks"][c][w]["rate"]  # noqa: E731
    add("RNA sample -> Transcription", silver, chk("assay:rna", "encode/Assay type"), ">= 0.95")
    add("stated sex read", silver, chk("read:sex", "encode/Sex"), ">= 0.95")
    add("stated age read", silver, chk("read:age", "encode/Age"), ">= 0.95")
    add("stated cell line read (ENCODE biosample)", silver, chk("read:cell line", "encode/Biosample term name"), ">= 0.95")
    add("stated cell line read (Cistrome)", silver, chk("read:cell line", "cistrome/Cell Line"), ">= 0.95")
    add("stated tissue read (Cistrome Tissue Type, strict)", silver, chk("read:tissue", "cistrome/Tissue Type"), ">= 0.95")
    add("stated tissue read (Cistrome Tissue Type, loose)", silver,
        lambda r: r["silver"]["checks"]["read:tissue"]["cistrome/Tissue Type"]["loose_rate"], "")
    add("stated disease read (ENCODE Health status)", silver, chk("read:disease", "encode/Health status"), ">= 0.95")
    add("hallucination, sex (no cue)", silver, chk("hallucination:sex", "encode/Sex"), "<= 0.05")
    add("hallucination, sex (no cue; known facts allowed)", silver,
        chk("hallucination unless known:sex", "encode/Sex"), "")
    add("hallucination, age (no cue)", silver, chk("hallucination:age", "encode/Age"), "<= 0.05")
    add("hallucination, ENCODE target (no cue)", silver, chk("hallucination:target", "encode/Target of assay"), "<= 0.05")
    add("hallucination, Cistrome Factor (no cue)", silver, chk("hallucination:target", "cistrome/Factor"), "<= 0.05")
    for schema in ("cistrome", "encode"):
        add(f"records with a broken value, {schema}", silver, lambda r, s=schema: r["silver"]["broken"][s]["rate"], "<= 0.01")
    for schema in ("cistrome", "encode"):
        for part in ("design", "test"):
            add(f"gold user-facing correct, {schema}", f"gold {part} half",
                lambda r, s=schema, p=part: r["gold"][s]["parts"][p]["user_facing"], ">= 0.85")
            add(f"gold hallucinated, {schema}", f"gold {part} half",
                lambda r, s=schema, p=part: r["gold"][s]["parts"][p]["hallucinated"], "<= 0.03")
        add(f"gold ECE (emitted values), {schema}", "gold, both halves",
            lambda r, s=schema: r["gold"][s]["calibration"]["ece"], "")
    for schema in ("cistrome", "encode"):
        add(f"paper pairs mean accuracy, {schema}", "dev split (design)",
            lambda r, s=schema: r["paper_pairs"]["dev"][s]["accuracy"], "")
        add(f"paper pairs ECE, {schema}", "dev split (design)",
            lambda r, s=schema: r["paper_pairs"]["dev"][s]["calibration"]["ece"], "")
    return out


if __name__ == "__main__":
    a, b = (json.load(open(p)) for p in sys.argv[1:3])
    print("\n".join(rows(a, b)))
