"""Textomics benchmark on a SEMI-SYNTHETIC platform: real GEO summaries, simulated vectors.

Summaries: real GPL570 series summaries (../shared/data/geo_series), cleaned and
BLEU-filtered as in the paper, then a seeded random subset (--n-series).
Vectors: simulated from the summaries' LSA topics (geoscribe.textomics.simulate)
at each --signal level; signal 0 is the no-information check.

Prints, per signal level: feasibility Spearman, Vec2Text metrics (k-fold CV)
for NN retrieval / MLP baseline / kNN-Vec2Text on --n-series summaries, and
Text2Vec RMSE vs the mean baseline on --t2v-series summaries (default: all of
the platform's; Text2Vec is cheap, Vec2Text's neural models are not).

    .venv/bin/python benchmarks/textomics_benchmark.py --n-series 1000 --signals 1 0
    .venv/bin/python benchmarks/textomics_benchmark.py --tasks text2vec --signals 1 0
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
from geoscribe.textomics.metrics import (
    METEOR_VARIANT, PAPER_METRICS, TEXT_METRICS, paper_text_scores, rmse, text_scores,
)
from geoscribe.textomics.simulate import load_geo_summaries, simulate_platform
from geoscribe.textomics.text2vec import MeanVectorBaseline, Text2Vec, embed
from geoscribe.textomics.vec2text import KNNVec2Text, MLPVec2Text, NearestNeighbourVec2Text


def vec2text_section(args, path, t0: float) -> None:
    """Feasibility and the three Vec2Text methods (plus a random summary) per signal level."""
    ids, summaries = load_geo_summaries(path, platform=args.platform, limit=args.n_series)
    log(f"{len(ids)} {args.platform} summaries after cleaning + BLEU filter (subsampled)")
    emb = encode(summaries)
    log("embedded summaries (all-MiniLM-L6-v2)")
    for signal in args.signals:
        ds = simulate_platform(summaries, ids=ids, platform=args.platform, signal=signal,
                               n_features=args.n_features, seed=0)
        x, s = ds.vectors, np.array(summaries, dtype=object)
        print(f"\n## Vec2Text, signal = {signal}, {len(ids)} series")
        print(f"feasibility Spearman (text cosine vs vector cosine): {feasibility(emb, x):.3f}")
        scores: dict[str, list[dict]] = {}
        for f, (tr, te) in enumerate(kfold(len(x), n_splits=args.folds)):
            models = {"random training summary": None, "NN retrieval": NearestNeighbourVec2Text()}
            if f < args.neural_folds:
                kw = dict(epochs=args.epochs, d_model=args.d_model, n_layers=args.n_layers)
                models["MLP baseline"] = MLPVec2Text(**kw)
                models["kNN-Vec2Text (+copy +gate)"] = KNNVec2Text(copy=True, **kw)
                if args.paper_variant:
                    models["kNN-Vec2Text (paper: every addition off)"] = KNNVec2Text.paper(**kw)
            for name, m in models.items():
                if m is None:
                    rng = np.random.default_rng(f)
                    hyp = list(s[tr][rng.integers(0, len(tr), len(te))])
                else:
                    m.fit(x[tr], list(s[tr]))
                    hyp = m.generate(x[te])
                extra = paper_text_scores(hyp, list(s[te])) if args.paper_metrics else {}
                scores.setdefault(name, []).append({**text_scores(hyp, list(s[te])), **extra})
            log(f"signal {signal} fold {f + 1}/{args.folds} done ({time.time() - t0:.0f}s)")
        for metrics in (TEXT_METRICS, PAPER_METRICS if args.paper_metrics else ()):
            if not metrics:
                continue
            print("\n| Vec2Text | folds | " + " | ".join(metrics) + " |")
            print("|---" * (len(metrics) + 2) + "|")
            for name, runs in scores.items():
                vals = " | ".join(f"{np.mean([r[k] for r in runs]):.3f}" for k in metrics)
                print(f"| {name} | {len(runs)} | {vals} |")


def text2vec_section(args, path, t0: float) -> None:
    """Text2Vec against the mean vector per signal level: geoscribe's default (every layer pooled,
    shrinkage) and, with --t2v-paper, the paper-style head on the last layer without shrinkage."""
    ids, summaries = load_geo_summaries(path, platform=args.platform, limit=args.t2v_series or None)
    variants = {"Text2Vec, all layers + shrinkage (default)": dict()}
    if args.t2v_paper:
        variants["Text2Vec, last layer, no shrinkage (paper-style)"] = dict(pooling="last", shrink=False)
    layers = embed(summaries, pooling="layers")
    # the last block of the layer pooling is the last-layer embedding (tests/unit/test_textomics_models.py)
    dim = encode(["x"]).shape[1]
    emb = {"layers": layers, "last": layers[:, -dim:]}
    log(f"Text2Vec: {len(ids)} {args.platform} summaries embedded ({time.time() - t0:.0f}s)")
    for signal in args.signals:
        x = simulate_platform(summaries, ids=ids, platform=args.platform, signal=signal,
                              n_features=args.n_features, seed=0).vectors
        runs: dict[str, list[float]] = {"mean baseline": [], **{k: [] for k in variants}}
        for tr, te in kfold(len(x), n_splits=args.folds):
            runs["mean baseline"].append(rmse(MeanVectorBaseline().fit(emb["last"][tr], x[tr]).predict(emb["last"][te]), x[te]))
            for name, kw in variants.items():
                model = Text2Vec(**kw)
                e = emb[model.pooling]
                runs[name].append(rmse(model.fit(e[tr], x[tr]).predict(e[te]), x[te]))
        log(f"Text2Vec signal {signal} done ({time.time() - t0:.0f}s)")
        base = np.mean(runs["mean baseline"])
        print(f"\n## Text2Vec, signal = {signal}, {len(ids)} series\n")
        print("| Text2Vec | RMSE | improvement over mean |\n|---|---|---|")
        for name, v in runs.items():
            print(f"| {name} | {np.mean(v):.4f} | {100 * (base - np.mean(v)) / base:+.1f}% |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--platform", default="GPL570")
    ap.add_argument("--n-series", type=int, default=1000, help="summaries for Vec2Text")
    ap.add_argument("--t2v-series", type=int, default=0, help="summaries for Text2Vec (0: all of the platform's)")
    ap.add_argument("--t2v-paper", action="store_true", help="also run Text2Vec on the last layer, no shrinkage")
    ap.add_argument("--tasks", nargs="+", default=["vec2text", "text2vec"], choices=["vec2text", "text2vec"])
    ap.add_argument("--n-features", type=int, default=2000)
    ap.add_argument("--signals", type=float, nargs="+", default=[1.0, 0.0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--neural-folds", type=int, default=5, help="folds (of --folds) on which neural Vec2Text runs")
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--d-model", type=int, default=128)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--n-layers", type=int, default=1)
    ap.add_argument("--paper-variant", action="store_true",
                    help="also run KNNVec2Text.paper(): every geoscribe addition off (copy head, rank bias, "
                         "gap penalty, count budget, retrieval gate)")
    ap.add_argument("--paper-metrics", action="store_true",
                    help="also score as the authors' main.py: ROUGE recall with stemming, single-order BLEU-n")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    t0 = time.time()
    path = data_dir() / "geo_series" / "human_array_series.tsv.gz"
    print(f"# SEMI-SYNTHETIC Textomics benchmark: real {args.platform} summaries, simulated vectors "
          f"({args.n_features} features x 5), {args.folds}-fold CV; METEOR = {METEOR_VARIANT}")
    if "vec2text" in args.tasks:
        vec2text_section(args, path, t0)
    if "text2vec" in args.tasks:
        text2vec_section(args, path, t0)
    print(f"\ntotal time {time.time() - t0:.0f}s on {args.threads} thread(s)")


if __name__ == "__main__":
    main()
