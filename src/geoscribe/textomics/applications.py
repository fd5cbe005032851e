"""The paper's analyses over a Textomics dataset.

* :func:`feasibility` - Spearman correlation between text similarity (sentence
  embeddings, cosine) and vector similarity (cosine) over all pairs (Table S2);
* :func:`paper_embedding_score` - Spearman correlation between pairwise
  Euclidean distances of summary embeddings and of paired paper-text embeddings,
  for any encoder (section 6.1);
* :func:`masked_keyword` - mask one vocabulary keyword in each summary and
  predict it from the masked summary plus the paired text (section 6.2), with
  an MLP on concatenated embeddings; accuracy vs the majority-class baseline.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from ..errors import InputError
from ._util import MIN_SERIES_FOR_STATS, warn
from .metrics import pairwise_upper, spearman


def _warn_if_few(n: int, what: str, unit: str = "series") -> None:
    if n < MIN_SERIES_FOR_STATS:
        warn(f"{what} rests on {n} {unit} ({n * (n - 1) // 2} pairwise comparisons); below {MIN_SERIES_FOR_STATS} "
             "a Spearman correlation over their pairs is mostly chance.")


def _cosine(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float64)
    m = m / (np.linalg.norm(m, axis=1, keepdims=True) + 1e-12)
    return m @ m.T


def feasibility(text_embeddings: np.ndarray, vectors: np.ndarray, *, max_pairs_from: int = 2000, seed: int = 0) -> float:
    """Spearman(text cosine similarity, vector cosine similarity) over pairs of series.

    Vectors are centred per dimension first (the five-number values share a large
    common offset that would make every cosine close to 1).
    """
    if len(text_embeddings) != len(vectors) or len(vectors) < 3:
        raise InputError("feasibility needs at least 3 paired summaries and vectors.")
    _warn_if_few(len(vectors), "feasibility")
    idx = np.arange(len(vectors))
    if len(idx) > max_pairs_from:
        idx = np.sort(np.random.default_rng(seed).choice(idx, max_pairs_from, replace=False))
    v = np.asarray(vectors, np.float64)[idx]
    return spearman(pairwise_upper(_cosine(text_embeddings[idx])), pairwise_upper(_cosine(v - v.mean(0))))


def paper_embedding_score(summary_embeddings: np.ndarray, text_embeddings: np.ndarray) -> float:
    """Spearman(pairwise summary distances, pairwise paper-text distances) (eqs. 11-14)."""
    from scipy.spatial.distance import pdist

    if len(summary_embeddings) != len(text_embeddings) or len(text_embeddings) < 3:
        raise InputError("paper-eval needs at least 3 (summary, paper text) pairs.")
    _warn_if_few(len(text_embeddings), "paper-eval", "summary-text pairs")
    return spearman(pdist(summary_embeddings), pdist(text_embeddings))


def mask_keywords(summaries: Sequence[str], vocabulary: Sequence[str], *, mask: str = "[PAD]"):
    """(row index, masked summary, keyword) for each summary holding a vocabulary word.

    The keyword is the first vocabulary word in the summary; *every* occurrence of it
    is masked (case-insensitive, whole words), or a repeat would give the answer away.
    """
    vocab = {w.lower() for w in vocabulary}
    word = re.compile(r"\w[\w-]*")
    out = []
    for i, s in enumerate(summaries):
        first = next((m.group(0).lower() for m in word.finditer(s) if m.group(0).lower() in vocab), None)
        if first is not None:
            masked = word.sub(lambda m: mask if m.group(0).lower() == first else m.group(0), s)
            out.append((i, masked, first))
    return out


def masked_keyword(
    summaries: Sequence[str],
    texts: Sequence[str],
    vocabulary: Sequence[str],
    *,
    encoder: str | None = None,
    n_splits: int = 5,
    seed: int = 0,
) -> dict[str, float]:
    """Cross-validated accuracy of predicting the masked keyword from (masked summary, text)."""
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.neural_network import MLPClassifier

    from .encoders import encode

    items = mask_keywords(summaries, vocabulary)
    if len(items) < 2 * n_splits:
        raise InputError(f"only {len(items)} summaries contain a vocabulary keyword; need at least {2 * n_splits}.")
    labels = np.array([k for _, _, k in items])
    values, counts = np.unique(labels, return_counts=True)
    keep = np.isin(labels, values[counts >= n_splits])  # classes CV can stratify
    items = [it for it, k in zip(items, keep) if k]
    labels = labels[keep]
    x = np.hstack([encode([m for _, m, _ in items], encoder=encoder),
                   encode([texts[i] for i, _, _ in items], encoder=encoder)])
    clf = MLPClassifier(hidden_layer_sizes=(256,), max_iter=300, random_state=seed)
    pred = cross_val_predict(clf, x, labels, cv=StratifiedKFold(n_splits, shuffle=True, random_state=seed))
    _, counts = np.unique(labels, return_counts=True)
    return {"accuracy": float((pred == labels).mean()), "majority_baseline": float(counts.max() / len(labels)),
            "n_masked": len(items), "n_classes": int(len(counts))}
