"""Cross-validated scores of the Textomics models on one platform's dataset.

``cross_validate(dataset, "vec2text", model="knn")`` gives the mean BLEU / ROUGE /
METEOR / NIST over the folds; ``cross_validate(dataset, "text2vec")`` the RMSE of
Text2Vec and of the mean-vector baseline (embeddings computed once, outside the folds).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from ._util import MIN_SERIES_FOR_STATS, grouped_kfold, sample_groups, warn
from .dataset import TextomicsDataset

TASKS = ("vec2text", "text2vec")
VEC2TEXT_MODELS = ("knn", "knn-paper", "mlp", "nn")
#: ``encoder`` value that uses a release dataset's precomputed embeddings (the authors' Text2Vec input)
RELEASE_EMBEDDINGS = "release"


def vec2text_model(name: str, *, epochs: int = 12) -> Any:
    """A fresh Vec2Text model: ``knn`` (kNN-Vec2Text), ``knn-paper`` (the paper's plain
    kNN-Vec2Text, :meth:`KNNVec2Text.paper`), ``mlp`` or ``nn`` (nearest-neighbour retrieval)."""
    from .vec2text import KNNVec2Text, MLPVec2Text, NearestNeighbourVec2Text

    if name == "knn":
        return KNNVec2Text(epochs=epochs)
    if name == "knn-paper":
        return KNNVec2Text.paper(epochs=epochs)
    if name == "mlp":
        return MLPVec2Text(epochs=epochs)
    if name == "nn":
        return NearestNeighbourVec2Text()
    raise InputError(f"unknown model {name!r}; choose one of {', '.join(VEC2TEXT_MODELS)}.")


def dataset_folds(ds: TextomicsDataset, folds: int, *, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Shuffled (train, test) folds in which series sharing samples (a SuperSeries and its
    SubSeries) stay together; a dataset without sample lists gets plain shuffled k-fold."""
    groups = sample_groups(ds.samples) if len(ds.samples) == len(ds) else np.arange(len(ds))
    n_groups = len(np.unique(groups))
    if folds < 2 or n_groups < folds:
        what = f"{len(ds)} series" + (f" in {n_groups} groups of series sharing samples" if n_groups < len(ds) else "")
        raise InputError(f"{ds.platform}: {what}; {folds}-fold cross-validation needs at least "
                         f"{max(folds, 2)} (and folds >= 2). Build more series for this platform or lower --folds.")
    if len(ds) < MIN_SERIES_FOR_STATS:
        warn(f"{ds.platform}: only {len(ds)} series; cross-validated scores on fewer than "
             f"{MIN_SERIES_FOR_STATS} series are noise more than signal.")
    return grouped_kfold(groups, n_splits=folds, seed=seed)


def _vec2text(ds: TextomicsDataset, *, model: str, folds: int, epochs: int, paper_metrics: bool) -> dict[str, float]:
    from .metrics import paper_text_scores, text_scores

    s = np.array(ds.summaries, dtype=object)
    runs = []
    for tr, te in dataset_folds(ds, folds):
        m = vec2text_model(model, epochs=epochs).fit(ds.vectors[tr], list(s[tr]))
        hyp, ref = m.generate(ds.vectors[te]), list(s[te])
        runs.append({**text_scores(hyp, ref), **(paper_text_scores(hyp, ref) if paper_metrics else {})})
    return {k: float(np.mean([r[k] for r in runs])) for k in runs[0]}


def _text2vec(ds: TextomicsDataset, *, folds: int, encoder: str | None, pooling: str, shrink: bool,
              text_field: str) -> dict[str, float]:
    from .metrics import rmse
    from .text2vec import MeanVectorBaseline, Text2Vec

    splits = dataset_folds(ds, folds)  # fails on too few series before the encoder loads
    if encoder == RELEASE_EMBEDDINGS:  # the published release's own text embeddings (its field 3)
        if ds.embeddings is None:
            raise InputError(f"{ds.platform}: no precomputed text embeddings; '--encoder release' needs a dataset "
                             "converted from the published release (build --release).")
        make = partial(Text2Vec, encoder=None, pooling=pooling, shrink=shrink)
        emb = ds.embeddings
    else:
        make = partial(Text2Vec, encoder=encoder, pooling=pooling, shrink=shrink)
        emb = make().embed(ds.texts(text_field))
    base, model = [], []
    for tr, te in splits:
        base.append(rmse(MeanVectorBaseline().fit(emb[tr], ds.vectors[tr]).predict(emb[te]), ds.vectors[te]))
        model.append(rmse(make().fit(emb[tr], ds.vectors[tr]).predict(emb[te]), ds.vectors[te]))
    b, m = float(np.mean(base)), float(np.mean(model))
    return {"baseline_rmse": b, "text2vec_rmse": m, "improvement_pct": 100 * (b - m) / b}


def cross_validate(dataset: TextomicsDataset | str | Path, task: str, *, folds: int = 5, model: str = "knn", epochs: int = 12,
                   encoder: str | None = None, pooling: str = "layers", shrink: bool = True,
                   text_field: str = "summary", paper_metrics: bool = False) -> dict[str, float]:
    """Mean scores over ``folds`` shuffled folds (seed 0).

    ``task="vec2text"``: metric name -> mean score of ``model`` (``epochs`` for knn/mlp);
    ``paper_metrics`` adds the authors' forms (``paper BLEU-1`` ..., see :func:`.metrics.paper_text_scores`).
    ``task="text2vec"``: ``baseline_rmse``, ``text2vec_rmse`` and ``improvement_pct``
    (percent) with the given ``encoder``, ``pooling`` and ``shrink``, embedding each series'
    ``text_field`` (``summary``, or ``title+summary`` as in the paper); ``encoder="release"``
    takes the release's precomputed embeddings instead, as the authors' Text2Vec does. ``dataset`` is a
    dataset or the path of a saved one (read after the options are checked).
    """
    if task not in TASKS:
        raise InputError(f"unknown task {task!r}; choose one of {', '.join(TASKS)}.")
    if task == "vec2text":
        vec2text_model(model, epochs=epochs)  # an unknown name fails before any work
    ds = dataset if isinstance(dataset, TextomicsDataset) else TextomicsDataset.load(dataset)
    if task == "vec2text":
        return _vec2text(ds, model=model, folds=folds, epochs=epochs, paper_metrics=paper_metrics)
    ds.texts(text_field)  # an unknown field fails before any work
    return _text2vec(ds, folds=folds, encoder=encoder, pooling=pooling, shrink=shrink, text_field=text_field)


__all__ = ["TASKS", "VEC2TEXT_MODELS", "cross_validate", "dataset_folds", "vec2text_model"]
