"""Train the seed paper's comparators on a seeded 90/10 split of the shared pairs and print scores.

Usage::

    python benchmarks/models_benchmark.py --schema cistrome --models linear,nearest
    python benchmarks/models_benchmark.py --schema encode --models lstm --limit 1000 --threads 1

Prints one line per model (mean accuracy and weighted precision / recall over
attributes, as the paper scores them, plus training time and throughput), then
per-attribute accuracy. ``--out DIR`` also writes each model's evaluation report
(JSON) and saves the trained models. This is the script behind the numbers in
docs/models.md; the ``geoscribe benchmark`` command will wrap the same steps.
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from pathlib import Path

import numpy as np

from geoscribe.evaluate.metrics import evaluate
from geoscribe.paths import data_dir
from geoscribe.schema import parse
from geoscribe.translate.base import model_class


def load_split(schema: str, *, test_fraction: float = 0.1, seed: int = 0, limit: int | None = None):
    """Seeded train/test split of ``<data>/<schema>/pairs.csv``."""
    with open(data_dir() / schema / "pairs.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    perm = np.random.default_rng(seed).permutation(len(rows))
    if limit:
        perm = perm[:limit]
    n_test = int(round(len(perm) * test_fraction))
    pick = lambda idx: ([rows[i]["input"] for i in idx], [parse(rows[i]["output"], schema) for i in idx])  # noqa: E731
    return pick(perm[n_test:]), pick(perm[:n_test])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--schema", default="cistrome", choices=["cistrome", "encode"])
    ap.add_argument("--models", default="nearest,linear", help="comma-separated kinds")
    ap.add_argument("--limit", type=int, default=None, help="use only this many pairs (dev runs)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=None, help="torch threads (1 on a shared CPU)")
    ap.add_argument("--param", action="append", default=[], help="kind.name=JSON, e.g. lstm.max_epochs=3")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    (train_x, train_y), (test_x, test_y) = load_split(args.schema, seed=args.seed, limit=args.limit)
    print(f"{args.schema}: {len(train_x)} train, {len(test_x)} test (seed {args.seed})", flush=True)
    overrides: dict[str, dict] = {}
    for p in args.param:
        key, _, value = p.partition("=")
        kind, _, name = key.partition(".")
        overrides.setdefault(kind, {})[name] = json.loads(value)
    for kind in args.models.split(","):
        model = model_class(kind)(schema=args.schema, seed=args.seed, **overrides.get(kind, {}))
        tick = time.monotonic()
        model.fit(train_x, train_y, progress=True)
        fit_s = time.monotonic() - tick
        tick = time.monotonic()
        pred = model.translate(test_x)
        tr_s = time.monotonic() - tick
        report = evaluate(test_y, pred, inputs=test_x, train_inputs=train_x, train_records=train_y)
        o = report.overall
        epochs = getattr(model, "epochs_", "-")
        print(f"{kind:10s} acc {o.accuracy:.3f}  prec {o.precision:.3f}  rec {o.recall:.3f}  "
              f"epochs {epochs}  fit {fit_s:.0f} s  translate {len(test_x) / tr_s:.1f} samples/s", flush=True)
        print("   " + "  ".join(f"{a}: {s.accuracy:.3f}" for a, s in report.per_attribute.items()))
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / f"{args.schema}-{kind}.json").write_text(report.to_json())
            model.save(args.out / f"{args.schema}-{kind}")


if __name__ == "__main__":
    main()
