"""Semi-synthetic Textomics platforms: real summaries, *simulated* expression vectors.

Real expression matrices for the GEO series summaries in ``../shared/data`` are
not available here, so the vector side is simulated, with a known and tunable
amount of text-related signal:

1. latent programmes ``z`` (n_series, n_programmes): LSA topics of the real
   summaries (TF-IDF -> truncated SVD, standardised). They come from word
   counts, not from any neural encoder evaluated later;
2. a fixed random nonlinear map turns ``z`` into per-feature shifts of the
   series mean and spread: ``h = tanh(z A)``, ``shift = h B``,
   ``spread = 0.5 * exp(0.3 * tanh(h C))``;
3. each series gets ``n_samples`` simulated samples
   ``x = baseline + signal * shift + series_noise + spread * sample_noise``
   (series_noise ~ N(0, 1) per feature, independent of the text), and its
   vector is the five-number summary of each feature across them.

``signal`` is the standard deviation of the text-driven shift relative to the
text-independent series noise. At ``signal=0`` the vectors carry no
information about the text, so every task must fall to its no-information
baseline: the check that a benchmark measures signal and not leakage.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .dataset import TextomicsDataset, five_number_vector


def latent_programmes(summaries: Sequence[str], *, n_programmes: int = 16, seed: int = 0) -> np.ndarray:
    """Standardised LSA topics (TF-IDF + truncated SVD) of the summaries."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    tfidf = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=2).fit_transform(summaries)
    z = TruncatedSVD(n_components=n_programmes, random_state=seed).fit_transform(tfidf)
    return ((z - z.mean(0)) / (z.std(0) + 1e-8)).astype(np.float32)


def simulate_platform(
    summaries: Sequence[str],
    *,
    ids: Sequence[str] | None = None,
    platform: str = "SIM",
    signal: float = 1.0,
    n_features: int = 2000,
    n_programmes: int = 16,
    n_hidden: int = 64,
    n_samples: tuple[int, int] = (6, 30),
    seed: int = 0,
) -> TextomicsDataset:
    """A semi-synthetic :class:`TextomicsDataset` for real ``summaries`` (see module docstring)."""
    rng = np.random.default_rng(seed)
    n = len(summaries)
    z = latent_programmes(summaries, n_programmes=n_programmes, seed=seed)
    a = rng.normal(size=(n_programmes, n_hidden)) / np.sqrt(n_programmes)
    b = rng.normal(size=(n_hidden, n_features))
    c = rng.normal(size=(n_hidden, n_features)) / np.sqrt(n_hidden)
    h = np.tanh(z @ a * 2.0)
    shift = h @ b
    shift /= shift.std() + 1e-8  # unit standard deviation, so `signal` is a variance ratio's root
    log_spread = 0.3 * np.tanh(h @ c)
    baseline = rng.normal(8.0, 2.0, size=n_features)
    vectors = np.empty((n, 5 * n_features), dtype=np.float32)
    for i in range(n):
        m = int(rng.integers(n_samples[0], n_samples[1] + 1))
        centre = baseline + signal * shift[i] + rng.normal(size=n_features)
        spread = 0.5 * np.exp(signal * log_spread[i])
        x = centre[:, None] + spread[:, None] * rng.normal(size=(n_features, m))
        vectors[i] = five_number_vector(x)
    info = {"semi_synthetic": True, "signal": signal, "n_programmes": n_programmes, "seed": seed,
            "note": "real GEO summaries; simulated expression vectors (geoscribe.textomics.simulate)"}
    return TextomicsDataset(platform, list(ids) if ids is not None else [f"S{i}" for i in range(n)],
                            list(summaries), vectors, [f"f{j}" for j in range(n_features)], info)


def load_geo_summaries(path, *, platform: str = "GPL570", max_words: int = 64, limit: int | None = None,
                       bleu_filter: bool = True, seed: int = 0) -> tuple[list[str], list[str]]:
    """(gse ids, cleaned summaries) of one platform from ``human_array_series.tsv.gz``.

    Cleaned as in the paper (brackets dropped, 64 words, BLEU-1 filter); ``limit``
    takes a seeded random subset *after* filtering.
    """
    import csv
    import gzip

    from ..errors import InputError
    from .dataset import bleu_filter as _bleu_filter
    from .dataset import clean_summary

    ids, texts = [], []
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                if row["gpl"] == platform and row["summary"].strip():
                    ids.append(row["gse"])
                    texts.append(clean_summary(row["summary"], max_words=max_words))
    except (OSError, KeyError) as exc:
        raise InputError(f"{path}: cannot read GEO series summaries ({exc}).") from None
    if not ids:
        raise InputError(f"{path}: no series on platform {platform}.")
    keep = _bleu_filter(texts) if bleu_filter else np.arange(len(ids))
    if limit is not None and limit < len(keep):
        keep = np.sort(np.random.default_rng(seed).choice(keep, size=limit, replace=False))
    return [ids[i] for i in keep], [texts[i] for i in keep]
