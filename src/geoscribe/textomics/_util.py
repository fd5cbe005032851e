"""Small helpers shared by the Textomics modules: logging and CV folds."""

from __future__ import annotations

import sys
import time

import numpy as np


def log(msg: str, *, enabled: bool = True) -> None:
    if enabled:
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def kfold(n: int, *, n_splits: int = 5, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Shuffled k-fold (train, test) index pairs."""
    from sklearn.model_selection import KFold

    return list(KFold(n_splits=n_splits, shuffle=True, random_state=seed).split(np.arange(n)))
