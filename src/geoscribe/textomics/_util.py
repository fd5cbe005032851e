"""Small helpers shared by the Textomics modules: logging, warnings and CV folds."""

from __future__ import annotations

import sys
import time
import warnings
from collections.abc import Sequence

import numpy as np

#: below this many series, a correlation or a cross-validated score says little (a warning says so)
MIN_SERIES_FOR_STATS = 20


class TextomicsWarning(UserWarning):
    """A result that stands but rests on too little data, or data a user should look at."""


def warn(msg: str) -> None:
    warnings.warn(msg, TextomicsWarning, stacklevel=3)


def log(msg: str, *, enabled: bool = True) -> None:
    if enabled:
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def kfold(n: int, *, n_splits: int = 5, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Shuffled k-fold (train, test) index pairs."""
    from sklearn.model_selection import KFold

    return list(KFold(n_splits=n_splits, shuffle=True, random_state=seed).split(np.arange(n)))


def sample_groups(samples: Sequence[Sequence[str]]) -> np.ndarray:
    """Group label per series: series that share a sample (directly or through others) share a group.

    A SuperSeries holds its SubSeries' samples, and the same samples give near-identical
    vectors, so such series must stay on one side of a fold.
    """
    parent = list(range(len(samples)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, names in enumerate(samples):
        for s in names:
            j = owner.setdefault(s, i)
            if j != i:
                parent[root(i)] = root(j)
    roots = [root(i) for i in range(len(samples))]
    _, labels = np.unique(roots, return_inverse=True)
    return labels


def grouped_kfold(groups: Sequence[int], *, n_splits: int = 5, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Shuffled k-fold over groups: every group falls wholly in one test fold.

    With one series per group this is exactly :func:`kfold` (same seed, same folds).
    Otherwise the groups, in a seeded random order, are dealt largest first to the
    fold holding the fewest series.
    """
    groups = np.asarray(groups)
    ids, sizes = np.unique(groups, return_counts=True)
    if len(ids) == len(groups):
        return kfold(len(groups), n_splits=n_splits, seed=seed)
    order = np.random.default_rng(seed).permutation(len(ids))
    order = order[np.argsort(-sizes[order], kind="stable")]
    load = np.zeros(n_splits, dtype=int)
    fold_of = {}
    for g in order:
        f = int(np.argmin(load))
        fold_of[ids[g]] = f
        load[f] += sizes[g]
    fold = np.array([fold_of[g] for g in groups])
    return [(np.nonzero(fold != f)[0], np.nonzero(fold == f)[0]) for f in range(n_splits)]
