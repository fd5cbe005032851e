"""Textomics benchmark on a SEMI-SYNTHETIC platform: real GEO summaries, simulated vectors.

Summaries: real GPL570 series summaries (../shared/data/geo_series), cleaned and
BLEU-filtered as in the paper, then a seeded random subset (--n-series).
Vectors: simulated from the summaries' LSA topics (geoscribe.textomics.simulate)
at each --signal level; signal 0 is the no-information check.

Prints, per signal level: feasibility Spearman, Vec2Text metrics (k-fold CV)
for NN retrieval / MLP baseline / kNN-Vec2Text, Text2Vec RMSE vs mean baseline.

    .venv/bin/python benchmarks/textomics_benchmark.py --n-series 1000 --signals 1 0
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from geoscribe.paths import data_dir
from geoscribe.textomics._util import kfold, log
from geoscribe.textomics.applications import feasibility
from geoscribe.textomics.encoders import encode
from geoscribe.textomics.metrics import METEOR_VARIANT, TEXT_METRICS, rmse, text_scores
from geoscribe.textomics.simulate import load_geo_summaries, simulate_platform
from geoscribe.textomics.text2vec import MeanVectorBaseline, Text2Vec
from geoscribe.textomics.vec2text import KNNVec2Text, MLPVec2Text, NearestNeighbourVec2Text


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--platform", default="GPL570")
    ap.add_argument("--n-series", type=int, default=1000)
    ap.add_argument("--n-features", type=int, default=2000)
    ap.add_argument("--signals", type=float, nargs="+", default=[1.0, 0.0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--neural-folds", type=int, default=5, help="folds (of --folds) on which neural Vec2Text runs")
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--d-model", type=int, default=128)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--n-layers", type=int, default=1)
    ap.add_argument("--paper-variant", action="store_true",
                    help="also run kNN-Vec2Text without the copy head (the paper's architecture)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    t0 = time.time()
    ids, summaries = load_geo_summaries(data_dir() / "geo_series" / "human_array_series.tsv.gz",
                                        platform=args.platform, limit=args.n_series)
    log(f"{len(ids)} {args.platform} summaries after cleaning + BLEU filter (subsampled)")
    emb = encode(summaries)
    log("embedded summaries (all-MiniLM-L6-v2)")
    print(f"# SEMI-SYNTHETIC Textomics benchmark: real {args.platform} summaries (n={len(ids)}), "
          f"simulated vectors ({args.n_features} features x 5), {args.folds}-fold CV; METEOR = {METEOR_VARIANT}")
    for signal in args.signals:
        ds = simulate_platform(summaries, ids=ids, platform=args.platform, signal=signal,
                               n_features=args.n_features, seed=0)
        x, s = ds.vectors, np.array(summaries, dtype=object)
        print(f"\n## signal = {signal}")
        print(f"feasibility Spearman (text cosine vs vector cosine): {feasibility(emb, x):.3f}")
        scores: dict[str, list[dict]] = {}
        t2v: dict[str, list[float]] = {"mean baseline": [], "Text2Vec (MiniLM + MLP)": []}
        for f, (tr, te) in enumerate(kfold(len(x), n_splits=args.folds)):
            models = {"random training summary": None, "NN retrieval": NearestNeighbourVec2Text()}
            if f < args.neural_folds:
                kw = dict(epochs=args.epochs, d_model=args.d_model, n_layers=args.n_layers)
                models["MLP baseline"] = MLPVec2Text(**kw)
                models["kNN-Vec2Text (+copy)"] = KNNVec2Text(copy=True, **kw)
                if args.paper_variant:
                    models["kNN-Vec2Text (paper, no copy)"] = KNNVec2Text(copy=False, **kw)
            for name, m in models.items():
                if m is None:
                    rng = np.random.default_rng(f)
                    hyp = list(s[tr][rng.integers(0, len(tr), len(te))])
                else:
                    m.fit(x[tr], list(s[tr]))
                    hyp = m.generate(x[te])
                scores.setdefault(name, []).append(text_scores(hyp, list(s[te])))
            t2v["mean baseline"].append(rmse(MeanVectorBaseline().fit(emb[tr], x[tr]).predict(emb[te]), x[te]))
            t2v["Text2Vec (MiniLM + MLP)"].append(rmse(Text2Vec().fit(emb[tr], x[tr]).predict(emb[te]), x[te]))
            log(f"signal {signal} fold {f + 1}/{args.folds} done ({time.time() - t0:.0f}s)")
        print("\n| Vec2Text | folds | " + " | ".join(TEXT_METRICS) + " |")
        print("|---" * (len(TEXT_METRICS) + 2) + "|")
        for name, runs in scores.items():
            vals = " | ".join(f"{np.mean([r[k] for r in runs]):.3f}" for k in TEXT_METRICS)
            print(f"| {name} | {len(runs)} | {vals} |")
        base = np.mean(t2v["mean baseline"])
        print("\n| Text2Vec | RMSE | improvement over mean |\n|---|---|---|")
        for name, v in t2v.items():
            print(f"| {name} | {np.mean(v):.4f} | {100 * (base - np.mean(v)) / base:+.1f}% |")
    print(f"\ntotal time {time.time() - t0:.0f}s on {args.threads} thread(s)")


if __name__ == "__main__":
    main()
