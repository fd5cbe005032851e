"""Real-GEO benchmark (issue 19): silver checks, gold outcomes, calibration, the paper's pairs.

    PYTHONPATH=src .venv/bin/python benchmarks/real_geo_benchmark.py --out runs/real_geo
    ... --n 600 --seed 0 --model-dir models          # models/<schema>-hybrid
    ... --gold benchmarks/data/real_geo_gold.jsonl   # the default; skipped when absent
    ... --test-pairs cistrome=PATH --test-pairs encode=PATH   # a locked test split

Prints the tables and writes report.json, report.md and reliability_*.png to --out.
What each figure means: docs/benchmarks/real_geo.md.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import shutil
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from geoscribe.errors import GeoscribeError, InputError
from geoscribe.evaluate import comparison_form as normalize, evaluate, read_pairs
from geoscribe.evaluate.realgeo import (
    SilverItem,
    broken_attributes,
    classify,
    plot_reliability,
    gold_part,
    read_gold,
    reliability,
    score_gold,
    silver_outcomes,
    summarise_outcomes,
    training_values,
)
from geoscribe.io import read_geometadb
from geoscribe.paths import data_dir
from geoscribe.schema import Record
from geoscribe.text import Sample, format_sample
from geoscribe.translate import translate

# The bundled models' train/dev split; its home may move (translate/ is being restructured):
# keep this the only import of it.
from geoscribe.translate.training import split_pairs

SCHEMAS = ("cistrome", "encode")
ROOT = Path(__file__).resolve().parents[1]
BENCH_DATA = ROOT / "benchmarks" / "data"
HELDOUT_IDS = BENCH_DATA / "real_geo_heldout_gsms.txt"  # the gold set's GSMs
SILVER_IDS = BENCH_DATA / "real_geo_silver_gsms.txt"  # this benchmark's default silver draw
DEFAULT_GOLD = BENCH_DATA / "real_geo_gold.jsonl"
GEOMETADB = Path("geo_samples") / "geometadb_gsm_subset.sqlite.gz"


# ---------------------------------------------------------------- the translator


def predict(samples: Sequence[Sample], schema: str, model_dir: str | Path | None = None) -> list[Record]:
    """The one place the benchmark calls the translator, with the Sample objects themselves:
    the model reads their formatted line (the paper's rules) and grounding also reads their
    type, library strategy and platform (``model_dir`` None = the bundled default)."""
    return translate(list(samples), schema=schema, model=model_dir)


def source_counts(records: Sequence[Record]) -> dict[str, dict[str, int]] | None:
    """attribute -> source -> count, when the translator reports sources (else None)."""
    if not any(r.source for r in records):
        return None
    out: dict[str, Counter] = {}
    for r in records:
        for attr in r.schema.attributes:
            out.setdefault(attr, Counter())[r.source.get(attr, "none")] += 1
    return {a: dict(c) for a, c in out.items()}


# ---------------------------------------------------------------- silver data


def cached_database(shared: Path, cache_dir: Path) -> Path:
    """The GEOmetadb subset gunzipped once into ``cache_dir`` (outside the repository)."""
    src = shared / GEOMETADB
    if not src.is_file():
        raise InputError(f"{src}: the GEOmetadb subset is missing from the shared data.")
    cache_dir.mkdir(parents=True, exist_ok=True)
    db = cache_dir / src.name.removesuffix(".gz")
    stamp = db.with_suffix(".source")
    key = f"{src.stat().st_size}:{src.stat().st_mtime_ns}"
    if not db.is_file() or not stamp.is_file() or stamp.read_text() != key:
        tmp = db.with_suffix(".tmp")
        with gzip.open(src, "rb") as fin, open(tmp, "wb") as fout:
            shutil.copyfileobj(fin, fout, 1 << 20)
        tmp.replace(db)
        stamp.write_text(key)
    return db


def read_ids(path: Path) -> set[str]:
    if not path.is_file():
        return set()
    return {line.split()[0] for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")}


def excluded_gsms(shared: Path) -> set[str]:
    """GSMs of the shared training pairs and of the gold set: never silver samples.

    The ENCODE pairs carry no GSM (only a GSE); :func:`pairs_input_overlap` checks their
    texts instead."""
    out = read_ids(HELDOUT_IDS)
    for schema in SCHEMAS:
        pairs = read_pairs(shared / schema / "pairs.csv", schema, strict=True)
        out.update(pairs.ids or [])
    return out


def pairs_input_overlap(shared: Path, items: Sequence[SilverItem]) -> int:
    """How many silver input lines occur verbatim (case- and spacing-insensitive) among the
    shared pairs' inputs: a guard for pairs without a GSM id (expected 0)."""
    seen = set()
    for schema in SCHEMAS:
        seen.update(normalize(" ".join(t.split())) for t in read_pairs(shared / schema / "pairs.csv", schema).inputs)
    return sum(normalize(" ".join(i.input_text.split())) in seen for i in items)


def draw_silver(db: Path, n: int, seed: int, exclude: set[str]) -> list[str]:
    """``n`` GSMs ranked by a seeded hash of their id, skipping excluded ones.

    Ranking each id on its own (not shuffling the list) keeps the draw stable: a
    later exclusion (a new gold set) only replaces the ids it removes.
    """
    con = sqlite3.connect(db.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        gsms = [r[0] for r in con.execute("SELECT gsm FROM gsm")]
    finally:
        con.close()
    ranked = sorted(gsms, key=lambda g: hashlib.sha256(f"{seed}:{g}".encode()).hexdigest())
    return [g for g in ranked if g not in exclude][:n]


def load_silver(db: Path, gsms: list[str]) -> tuple[list[SilverItem], list[Sample]]:
    """The drawn records, in draw order: SilverItems for the checks, Samples for the translator."""
    wanted = set(gsms)
    con = sqlite3.connect(db.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        raw = {r[0]: r[1:] for r in con.execute("SELECT gsm, type, characteristics_ch1 FROM gsm")
               if r[0] in wanted}
    finally:
        con.close()
    samples = {s.gsm: s for s in read_geometadb(db) if s.gsm in wanted}
    items, out = [], []
    for g in gsms:
        s = samples[g]
        sample_type, characteristics = raw[g]
        record_text = " ; ".join([s.title, s.source_name, s.characteristics, s.description])
        items.append(SilverItem(g, sample_type or "", characteristics or "", record_text, format_sample(s)))
        out.append(s)
    return items, out


# ---------------------------------------------------------------- sections


def silver_section(items, samples, models, shared: Path, out: Path) -> dict:
    preds = {schema: predict(samples, schema, models.get(schema)) for schema in SCHEMAS}
    outcomes = []
    cells: dict[str, tuple[list[float], list[bool]]] = {schema: ([], []) for schema in SCHEMAS}
    for i, item in enumerate(items):
        records = {schema: preds[schema][i] for schema in SCHEMAS}
        for o in silver_outcomes(item, records):
            outcomes.append(o)
            conf = records[o.schema].confidence.get(o.attribute)
            if conf is not None:  # real-GEO calibration: the value's confidence against the check
                cells[o.schema][0].append(conf)
                cells[o.schema][1].append(o.ok)
    calibration = {}
    for schema, (conf, ok) in cells.items():
        curve = reliability(conf, ok)
        png = plot_reliability(curve, out / f"reliability_silver_{schema}.png", f"{schema}: real-GEO silver checks")
        calibration[schema] = {**curve, "plot": png.name}
    broken = {}
    for schema in SCHEMAS:
        known = training_values(read_pairs(shared / schema / "pairs.csv", schema, strict=True).records)
        per_attr, examples, n_bad = Counter(), [], 0
        for item, rec in zip(items, preds[schema]):
            bad = broken_attributes(rec, item.input_text, known)
            per_attr.update(bad)
            n_bad += bool(bad)
            if bad and len(examples) < 8:
                examples.append({"gsm": item.gsm, **{a: rec[a] for a in bad}})
        broken[schema] = {"n": len(items), "records_with_broken_value": n_bad, "rate": n_bad / len(items),
                          "per_attribute": dict(per_attr.most_common()), "examples": examples}
    return {
        "n": len(items),
        "checks": summarise_outcomes(outcomes),
        "broken": broken,
        "sources": {schema: source_counts(preds[schema]) for schema in SCHEMAS},
        "calibration": calibration,
        "inputs_also_in_pairs": pairs_input_overlap(shared, items),
    }


def dev_section(shared: Path, models, out: Path) -> dict:
    """In-domain: the paper's mean accuracy and calibration on the bundled models' dev split."""
    result = {}
    for schema in SCHEMAS:
        pairs = read_pairs(shared / schema / "pairs.csv", schema, strict=True)
        split = split_pairs(pairs.inputs, pairs.records)
        preds = predict([Sample(text=t) for t in split.dev_texts], schema, models.get(schema))
        report = evaluate(split.dev_records, preds)
        conf, ok = [], []
        for gold, rec in zip(split.dev_records, preds):
            for attr in rec.schema.attributes:
                if attr in rec.confidence and (not rec.source or attr in rec.source):  # emitted values
                    conf.append(rec.confidence[attr])
                    ok.append(normalize(rec[attr]) == normalize(gold[attr]))
        curve = reliability(conf, ok)
        png = plot_reliability(curve, out / f"reliability_dev_{schema}.png", f"{schema}: dev split (in-domain)")
        result[schema] = {
            "n": len(preds),
            "accuracy": report.overall.accuracy,
            "per_attribute": {a: s.accuracy for a, s in report.per_attribute.items()},
            "calibration": {**curve, "plot": png.name},
        }
    return result


def score_pairs_file(path: str | Path, schema: str, model_dir: str | Path | None = None) -> dict:
    """The paper's mean accuracy on a pairs file: the hook for the locked test split."""
    pairs = read_pairs(path, schema, strict=True)
    if pairs.inputs is None:
        raise InputError(f"{path}: no 'input' column; a test split needs input,output pairs.")
    preds = predict([Sample(text=t) for t in pairs.inputs], schema, model_dir)
    report = evaluate(pairs.records, preds)
    return {"path": str(path), "n": len(preds), "accuracy": report.overall.accuracy,
            "per_attribute": {a: s.accuracy for a, s in report.per_attribute.items()}}


def gold_section(path: Path, models, out: Path, errors_out: Path | None = None) -> dict:
    gold = read_gold(path)
    result = {"path": str(path), "n": len(gold)}
    for schema in SCHEMAS:
        labelled = [g for g in gold if schema in g.labels]
        if not labelled:
            continue
        preds = predict([g.sample for g in labelled], schema, models.get(schema))
        labels = [g.labels[schema] for g in labelled]
        scores = score_gold(labels, preds, schema)
        conf, ok = [], []
        for lab, rec in zip(labels, preds):
            for attr, label in lab.items():
                if attr in rec.confidence and (not rec.source or attr in rec.source):  # emitted values
                    conf.append(rec.confidence[attr])
                    ok.append(classify(rec[attr], label) == "correct")
        curve = reliability(conf, ok)
        png = plot_reliability(curve, out / f"reliability_gold_{schema}.png", f"{schema}: real-GEO gold")
        parts = {}
        for part in ("design", "test"):
            keep = [i for i, g in enumerate(labelled) if gold_part(g.gsm) == part]
            part_scores = score_gold([labels[i] for i in keep], [preds[i] for i in keep], schema)
            parts[part] = {k: part_scores[k] for k in ("n_samples", "user_facing", "hallucinated")}
        if errors_out is not None:  # the design half only: the test half is never read error by error
            with open(errors_out / f"gold_design_errors_{schema}.tsv", "w") as fh:
                for g, lab, rec in zip(labelled, labels, preds):
                    if gold_part(g.gsm) != "design":
                        continue
                    for attr, label in lab.items():
                        verdict = classify(rec[attr], label)
                        if verdict != "correct":
                            fh.write("\t".join([g.gsm, attr, verdict, "|".join(label.values) + f" ({label.status})", rec[attr],
                                                 rec.source.get(attr, ""), format_sample(g.sample)[:300]]) + "\n")
        result[schema] = {**scores, "calibration": {**curve, "plot": png.name},
                          "sources": source_counts(preds), "parts": parts}
    return result


# ---------------------------------------------------------------- report


def _pct(x) -> str:
    return "-" if x is None else f"{x:.3f}"


def to_markdown(report: dict) -> str:
    cfg = report["config"]
    lines = [f"# Real-GEO benchmark\n",
             f"Models: {cfg['models']}; silver n={cfg['n']} seed={cfg['seed']}; {cfg['seconds']:.0f} s.\n"]
    s = report["silver"]
    lines += ["## Silver checks (GEOmetadb subset, seeded draw, not in training)\n",
              "Read/assay rows: share correct. Hallucination rows: share with a specific value "
              "where the record gives no cue.\n",
              "Loose: the value may also be a whole-word part of the stated one (`Blood` of `peripheral blood`).\n",
              "| check | schema/attribute | n | rate | loose |", "| --- | --- | ---: | ---: | ---: |"]
    for check, rows in s["checks"].items():
        for where, r in rows.items():
            lines.append(f"| {check} | {where} | {r['n']} | {_pct(r['rate'])} | {_pct(r.get('loose_rate'))} |")
    lines.append(f"\nSilver inputs found verbatim among the shared pairs' inputs: {s['inputs_also_in_pairs']}.")
    lines += ["", "| schema | records with a broken value | rate | top attributes |", "| --- | ---: | ---: | --- |"]
    for schema, b in s["broken"].items():
        top = ", ".join(f"{a} {c}" for a, c in list(b["per_attribute"].items())[:4])
        lines.append(f"| {schema} | {b['records_with_broken_value']} / {b['n']} | {_pct(b['rate'])} | {top} |")
    lines.append("\nBroken examples:\n")
    for schema, b in s["broken"].items():
        lines += [f"- {schema}: `{json.dumps(ex)}`" for ex in b["examples"][:3]]
    lines += ["\nCalibration on the silver checks (a value's confidence against its check's verdict):\n",
              "| schema | cells | ECE (10 bins) |", "| --- | ---: | ---: |"]
    lines += [f"| {schema} | {c['n']} | {_pct(c['ece'])} |" for schema, c in s["calibration"].items()]
    for schema, counts in s["sources"].items():
        if counts:
            lines.append(f"\n{schema} value sources: `{json.dumps(counts)}`")
    d = report["paper_pairs"]
    lines += ["\n## Paper pairs and in-domain calibration (bundled models' seeded dev split)\n",
              "| schema | n | mean accuracy | ECE (10 bins) | calibration cells |", "| --- | ---: | ---: | ---: | ---: |"]
    for schema, r in d["dev"].items():
        c = r["calibration"]
        lines.append(f"| {schema} | {r['n']} | {_pct(r['accuracy'])} | {_pct(c['ece'])} | {c['n']} |")
    if d["test"]:
        lines += ["", "| locked test | n | mean accuracy |", "| --- | ---: | ---: |"]
        lines += [f"| {schema} ({r['path']}) | {r['n']} | {_pct(r['accuracy'])} |" for schema, r in d["test"].items()]
    else:
        lines.append("\nLocked test split: not given (pass --test-pairs SCHEMA=PATH).")
    g = report["gold"]
    lines.append("\n## Gold set\n")
    if "skipped" in g:
        lines.append(g["skipped"])
    else:
        for schema in SCHEMAS:
            if schema not in g:
                continue
            r = g[schema]
            lines += [f"\n### {schema}: {r['n_samples']} samples; user-facing correct {_pct(r['user_facing'])}, "
                      f"hallucinated {_pct(r['hallucinated'])}, ECE {_pct(r['calibration']['ece'])}\n",
                      "| attribute | n | correct | wrong | hallucinated | abstained | share correct |",
                      "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
            for a, t in r["per_attribute"].items():
                lines.append(f"| {a} | {t['n']} | {t['correct']} | {t['wrong']} | {t['hallucinated']} | "
                             f"{t['abstained']} | {_pct(t['correct_rate'])} |")
            if r.get("parts"):
                lines += ["", "| half (fixed by GSM hash) | samples | user-facing correct | hallucinated |",
                          "| --- | ---: | ---: | ---: |"]
                lines += [f"| {part} | {p['n_samples']} | {_pct(p['user_facing'])} | {_pct(p['hallucinated'])} |"
                          for part, p in r["parts"].items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="runs/real_geo", help="report folder (default runs/real_geo)")
    ap.add_argument("--model-dir", help="folder holding <schema>-<kind> models (default: the bundled models)")
    ap.add_argument("--kind", default="hybrid", help="model kind under --model-dir (default hybrid)")
    ap.add_argument("--n", type=int, default=600, help="silver samples (default 600)")
    ap.add_argument("--seed", type=int, default=0, help="silver draw seed (default 0)")
    ap.add_argument("--gold", default=str(DEFAULT_GOLD), help="gold JSONL (skipped when absent)")
    ap.add_argument("--no-gold", action="store_true", help="skip the gold set even when present")
    ap.add_argument("--design-errors", action="store_true",
                    help="write the gold design half's errors to OUT/gold_design_errors_SCHEMA.tsv (never the test half)")
    ap.add_argument("--test-pairs", action="append", default=[], metavar="SCHEMA=PATH",
                    help="a locked test split of the paper's pairs (repeatable)")
    ap.add_argument("--data-dir", help="shared data folder (default ../shared/data or $GEOSCRIBE_DATA)")
    ap.add_argument("--cache-dir", default=str(Path.home() / ".cache" / "geoscribe"),
                    help="where the GEOmetadb subset is gunzipped (default ~/.cache/geoscribe)")
    ap.add_argument("--save-silver-ids", action="store_true",
                    help=f"write the drawn GSMs to {SILVER_IDS.relative_to(ROOT)} (for training to exclude)")
    args = ap.parse_args(argv)
    start = time.perf_counter()
    try:
        shared = data_dir(args.data_dir)
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        models = {s: Path(args.model_dir) / f"{s}-{args.kind}" for s in SCHEMAS} if args.model_dir else {}
        tests = {}
        for spec in args.test_pairs:
            schema, sep, path = spec.partition("=")
            if not sep or schema not in SCHEMAS:
                raise InputError(f"--test-pairs {spec!r}: write SCHEMA=PATH with SCHEMA one of {', '.join(SCHEMAS)}.")
            tests[schema] = path

        db = cached_database(shared, Path(args.cache_dir))
        gsms = draw_silver(db, args.n, args.seed, excluded_gsms(shared))
        (out / "silver_gsms.txt").write_text("\n".join(gsms) + "\n")
        if args.save_silver_ids:
            SILVER_IDS.parent.mkdir(parents=True, exist_ok=True)
            SILVER_IDS.write_text(f"# real-GEO benchmark silver draw: --n {args.n} --seed {args.seed}\n"
                                  + "\n".join(gsms) + "\n")
        elif SILVER_IDS.is_file() and read_ids(SILVER_IDS) != set(gsms):
            print(f"note: this draw differs from {SILVER_IDS.relative_to(ROOT)} (other --n/--seed or exclusions)",
                  file=sys.stderr)
        items, samples = load_silver(db, gsms)
        print(f"silver: {len(items)} samples drawn (seed {args.seed})", file=sys.stderr)
        report = {"silver": silver_section(items, samples, models, shared, out)}
        print("silver done; dev split ...", file=sys.stderr)
        report["paper_pairs"] = {
            "dev": dev_section(shared, models, out),
            "test": {schema: score_pairs_file(path, schema, models.get(schema)) for schema, path in tests.items()},
        }
        gold = Path(args.gold)
        if args.no_gold:
            report["gold"] = {"skipped": "gold set skipped (--no-gold)."}
        elif not gold.is_file():
            report["gold"] = {"skipped": f"no gold set at {gold}; skipped."}
        else:
            report["gold"] = gold_section(gold, models, out, out if args.design_errors else None)
        report["config"] = {"n": args.n, "seed": args.seed, "models": args.model_dir or "bundled defaults",
                            "kind": args.kind, "seconds": time.perf_counter() - start}
    except GeoscribeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    (out / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    md = to_markdown(report)
    (out / "report.md").write_text(md)
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
