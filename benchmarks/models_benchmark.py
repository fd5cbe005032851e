"""Train the seed paper's comparators on the seeded 90/10 split of the shared pairs and print scores.

Usage::

    python benchmarks/models_benchmark.py --schema cistrome --models linear,nearest
    python benchmarks/models_benchmark.py --schema encode --models lstm --limit 1000 --threads 1 \\
        --param lstm.max_epochs=3 --out /tmp/bench

A thin wrapper over :func:`geoscribe.benchmark.run_benchmark` (the API behind
``geoscribe benchmark``): one line per model (mean accuracy and weighted
precision / recall over attributes, as the paper scores them, plus epochs,
training time and throughput), then per-attribute accuracy. ``--out DIR``
writes the full Markdown report there. ``--limit N`` keeps a seeded random N of
the pairs before splitting. This is the script behind the numbers in docs/models.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from geoscribe.benchmark import run_benchmark, write_benchmark_report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--schema", default="cistrome", choices=["cistrome", "encode"])
    ap.add_argument("--models", default="nearest,linear", help="comma-separated kinds")
    ap.add_argument("--reuse", action="append", default=[], help="NAME=DIR: evaluate a saved model instead")
    ap.add_argument("--limit", type=int, default=None, help="use a seeded random N of the pairs (dev runs)")
    ap.add_argument("--max-minutes", type=float, default=None, help="time cap for models that take one")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=None, help="torch threads (1 on a shared CPU)")
    ap.add_argument("--param", action="append", default=[], help="kind.name=JSON, e.g. lstm.max_epochs=3")
    ap.add_argument("--out", type=Path, default=None, help="write the Markdown report here")
    args = ap.parse_args()
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    params: dict[str, dict] = {}
    for p in args.param:
        key, _, value = p.partition("=")
        kind, _, name = key.partition(".")
        params.setdefault(kind, {})[name] = json.loads(value)
    reuse = dict(spec.split("=", 1) for spec in args.reuse)
    result = run_benchmark(
        schema=args.schema, models=args.models.split(","), reuse=reuse, params=params, limit=args.limit,
        max_minutes=args.max_minutes, seed=args.seed, progress=True, log=lambda line: print(line, file=sys.stderr),
    )
    for name, run in result.runs.items():
        o = run.report.overall
        fit = "reused" if run.fit_seconds is None else f"{run.fit_seconds:.0f} s"
        print(f"{name:10s} acc {o.accuracy:.3f}  prec {o.precision:.3f}  rec {o.recall:.3f}  "
              f"epochs {run.epochs or '-'}  fit {fit}  translate {run.throughput:.1f} samples/s", flush=True)
        print("   " + "  ".join(f"{a}: {s.accuracy:.3f}" for a, s in run.report.per_attribute.items()))
    if args.out:
        print(f"wrote {write_benchmark_report(result, args.out)['markdown']}", file=sys.stderr)


if __name__ == "__main__":
    main()
