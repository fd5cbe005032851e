"""Build the real-GEO gold set from the hand-written labels (issue 19).

The labeller writes one line per sample in ``benchmarks/data/real_geo_gold_labels.txt``,
in a compact notation (so every value is typed by hand, after reading the text):

    GSM123 | k=array | org=hs/i | bs=LNCaP;;C4-2/s | cls=cell line/s | cl=LNCaP/s | ct=Epithelium/i | tt=Prostate/s # note

``key=value/status`` with status ``s`` stated, ``i`` inferable; ``key=u`` is unknown and
``key=n`` not applicable; ``;;`` separates acceptable spellings. ``k`` is the assay kind,
which sets Assay name / type and the attributes that only apply to some assays (the
rules of docs/curation.md); any attribute may be written explicitly and wins. This
script expands the lines into ``benchmarks/data/real_geo_gold.jsonl`` (one JSON object
per sample, both schemas, all attributes), checks every line, and prints the counts.

    PYTHONPATH=src python benchmarks/real_geo_gold_build.py [--stats-md]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

DATA = Path(__file__).parent / "data"
DRAW_FILE = DATA / "real_geo_gold_draw.jsonl"
LABEL_FILE = DATA / "real_geo_gold_labels.txt"
GOLD_FILE = DATA / "real_geo_gold.jsonl"

CISTROME = {"cl": "Cell Line", "ct": "Cell Type", "tt": "Tissue Type", "f": "Factor"}
ENCODE = {
    "an": "Assay name",
    "at": "Assay type",
    "tg": "Target of assay",
    "ga": "Genome assembly",
    "bs": "Biosample term name",
    "pj": "Project",
    "org": "Organism",
    "ls": "Life stage",
    "age": "Age",
    "au": "Age units",
    "sex": "Sex",
    "eth": "Ethnicity",
    "hs": "Health status",
    "cls": "Classification",
    "inv": "Investigated as",
}
STATUS = {"s": "stated", "i": "inferable", "u": "unknown", "n": "not_applicable"}
ORGANISMS = {"hs": "Homo sapiens", "mm": "Mus musculus", "rn": "Rattus norvegicus"}
REQUIRED = ("org", "bs", "cls", "cl", "ct", "tt")

# Assay kind -> (Assay name, Assay type, Genome assembly, whether a target applies).
KINDS = {
    "array": (["transcription profiling by array assay"], "Transcription", "n", False),
    "mirna_array": (
        ["transcription profiling by array assay", "microRNA profiling by array assay"], "Transcription", "n", False),
    "rnaseq": (["RNA-seq"], "Transcription", "u", False),
    "mirnaseq": (["microRNA-seq"], "Transcription", "u", False),
    "meth_array": (["DNA methylation profiling by array assay"], "DNA methylation", "n", False),
    "snp": (["genotyping array"], "Genotyping", "n", False),
    "cgh": (["comparative genomic hybridization by array", "array CGH", "genotyping array"], "Genotyping", "n", False),
    "chip": (["ChIP-seq"], "DNA binding", "u", True),
    "chipchip": (["ChIP-chip", "ChIP-on-chip"], "DNA binding", "n", True),
    "dnase": (["DNase-seq"], "DNA accessibility", "u", False),
    "atac": (["ATAC-seq"], "DNA accessibility", "u", False),
    "wgbs": (["whole-genome shotgun bisulfite sequencing"], "DNA methylation", "u", False),
    "rrbs": (["RRBS"], "DNA methylation", "u", False),
    "dnaseq": (["whole genome sequencing", "DNA-seq"], "DNA sequencing", "u", False),
    "rna": (None, "Transcription", "u", False),  # an RNA sample, technology not written
    "unk": (None, None, "u", None),
}


def label(value, status: str) -> dict:
    if status == "unknown":
        return {"value": "unknown", "status": status}
    if status == "not_applicable":
        return {"value": "None", "status": status}
    values = value if isinstance(value, list) else [value]
    return {"value": values[0] if len(values) == 1 else values, "status": status}


def parse_item(item: str, line_no: int) -> tuple[str, object, str]:
    key, sep, raw = item.partition("=")
    if not sep:
        raise SystemExit(f"line {line_no}: {item!r} is not key=value")
    key, raw = key.strip(), raw.strip()
    if raw in ("u", "n"):
        return key, None, STATUS[raw]
    if key == "k" and not raw.endswith(("/s", "/i")):
        raw += "/i"  # an assay kind is inferable unless marked stated
    value, slash, status = raw.rpartition("/")
    if not slash or status not in ("s", "i"):
        raise SystemExit(f"line {line_no}: {item!r} needs a /s or /i status (or the value u or n)")
    if key == "org":
        value = ";;".join(ORGANISMS.get(v.strip(), v.strip()) for v in value.split(";;"))
    values = [v.strip() for v in value.split(";;") if v.strip()]
    if not values:
        raise SystemExit(f"line {line_no}: {item!r} has an empty value")
    return key, values if len(values) > 1 else values[0], STATUS[status]


def expand(line: str, line_no: int) -> tuple[str, dict, dict, str]:
    body, _, note = line.partition(" # ")
    parts = [p.strip() for p in body.split(" | ")]
    gsm, items = parts[0], {}
    for part in parts[1:]:
        key, value, status = parse_item(part, line_no)
        if key in items:
            raise SystemExit(f"line {line_no}: {gsm} gives {key} twice")
        items[key] = (value, status)
    missing = [k for k in REQUIRED + ("k",) if k not in items]
    if missing:
        raise SystemExit(f"line {line_no}: {gsm} lacks {', '.join(missing)}")
    kind, kind_status = items.pop("k")
    if kind not in KINDS:
        raise SystemExit(f"line {line_no}: {gsm} has unknown assay kind {kind!r}")
    names, assay_type, assembly, targeted = KINDS[kind]
    defaults: dict[str, tuple] = {
        "an": (names, kind_status) if names else (None, "unknown"),
        "at": (assay_type, kind_status) if assay_type else (None, "unknown"),
        "ga": (None, STATUS[assembly]),
        "pj": (None, "not_applicable"),
        "ls": (None, "unknown"),
        "age": (None, "unknown"),
        "sex": (None, "unknown"),
        "hs": (None, "unknown"),
    }
    if targeted is False:
        defaults.update({k: (None, "not_applicable") for k in ("tg", "inv", "f")})
    elif targeted is None:
        defaults.update({k: (None, "unknown") for k in ("tg", "inv", "f")})
    merged = {**defaults, **items}
    org_value, org_status = merged["org"]
    if "eth" not in merged:
        human = org_status in ("stated", "inferable") and org_value == "Homo sapiens"
        merged["eth"] = (None, "unknown" if human or org_status == "unknown" else "not_applicable")
    if "au" not in merged:
        if merged["age"][1] in ("stated", "inferable"):
            raise SystemExit(f"line {line_no}: {gsm} gives an age without units (au)")
        merged["au"] = (None, "not_applicable")
    unknown_keys = set(merged) - set(CISTROME) - set(ENCODE)
    missing = set(CISTROME) | set(ENCODE)
    missing -= set(merged)
    if unknown_keys or missing:
        raise SystemExit(f"line {line_no}: {gsm}: unknown keys {sorted(unknown_keys)}, missing {sorted(missing)}")
    cistrome = {name: label(*merged[key]) for key, name in CISTROME.items()}
    encode = {name: label(*merged[key]) for key, name in ENCODE.items()}
    return gsm, cistrome, encode, note.strip()


def build() -> list[dict]:
    drawn = {}
    for line in DRAW_FILE.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        drawn[item["gsm"]] = item
    gold, seen = [], set()
    for line_no, line in enumerate(LABEL_FILE.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        gsm, cistrome, encode, note = expand(line, line_no)
        if gsm not in drawn:
            raise SystemExit(f"line {line_no}: {gsm} was not drawn")
        if gsm in seen:
            raise SystemExit(f"line {line_no}: {gsm} labelled twice")
        seen.add(gsm)
        record = {"gsm": gsm, "source": drawn[gsm]["source"], "fields": drawn[gsm]["fields"],
                  "cistrome": cistrome, "encode": encode}
        if note:
            record["note"] = note
        gold.append(record)
    return gold


def stats_markdown(gold: list[dict]) -> str:
    lines = [f"Samples: {len(gold)}.", "", "| source | samples |", "| --- | --- |"]
    sources = Counter(g["source"].split(":")[0] for g in gold)
    lines += [f"| {s} | {n} |" for s, n in sources.most_common()]
    lines += ["", "| schema | attribute | stated | inferable | unknown | not applicable |",
              "| --- | --- | --- | --- | --- | --- |"]
    for schema, names in (("cistrome", CISTROME.values()), ("encode", ENCODE.values())):
        for name in names:
            c = Counter(g[schema][name]["status"] for g in gold)
            lines.append(f"| {schema} | {name} | {c['stated']} | {c['inferable']} | {c['unknown']} | "
                         f"{c['not_applicable']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stats-md", action="store_true", help="print the counts as Markdown tables")
    args = parser.parse_args()
    gold = build()
    with open(GOLD_FILE, "w", encoding="utf-8") as out:
        for record in gold:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"wrote {len(gold)} labelled samples to {GOLD_FILE}")
    if args.stats_md:
        print(stats_markdown(gold))


if __name__ == "__main__":
    main()
