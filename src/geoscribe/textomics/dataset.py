"""The Textomics dataset: one (five-number vector, cleaned summary) pair per GEO series.

Built per platform, as in the paper: keep the ``n_features`` features with the
lowest missing rate across the platform's series, impute missing values with the
feature mean, summarise each feature across a series' samples by its five-number
summary (min, Q1, median, Q3, max), clean the summaries (drop bracketed text,
truncate to 64 words) and drop outlier summaries by the progressive median
pairwise BLEU-1 filter (0.09, then 0.13).

Datasets are stored as ``<platform>.npz`` (numeric arrays, loaded with
``allow_pickle=False``) plus ``<platform>.json`` (ids, summaries, feature names).
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import sparse

from ..progress import with_progress
from ..errors import InputError
from ._tables import SeriesTable, iter_series_tables

STATS = ("min", "q1", "median", "q3", "max")
_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|\{[^{}]*\}")
_WORD = re.compile(r"\w+|[^\w\s]")
_GEO_ID = re.compile(r"G(SE|DS)\d+")


@dataclass
class TextomicsDataset:
    """Summary-vector pairs of one platform; ``vectors[i]`` belongs to ``ids[i]``.

    ``titles`` and ``samples`` (each series' GSM ids, used to keep series that share
    samples in one fold) are empty when unknown, e.g. for the published release;
    ``embeddings`` holds the release's precomputed text embeddings (its Text2Vec input).
    """

    platform: str
    ids: list[str]
    summaries: list[str]
    vectors: np.ndarray  # (n_series, n_features * 5), feature-major: f0 min..max, f1 min..max, ...
    features: list[str] = field(default_factory=list)
    info: dict = field(default_factory=dict)
    titles: list[str] = field(default_factory=list)
    samples: list[list[str]] = field(default_factory=list)
    embeddings: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def subset(self, index: Sequence[int] | np.ndarray) -> TextomicsDataset:
        index = np.asarray(index, dtype=int)
        pick = lambda xs: [xs[i] for i in index] if xs else []  # noqa: E731
        return TextomicsDataset(
            self.platform, pick(self.ids), pick(self.summaries), self.vectors[index], self.features,
            dict(self.info), pick(self.titles), pick(self.samples),
            None if self.embeddings is None else self.embeddings[index],
        )

    def texts(self, field: str = "summary") -> list[str]:
        """The text of each series: ``summary``, or ``title+summary`` (the paper's Text2Vec input)."""
        if field == "summary":
            return list(self.summaries)
        if field == "title+summary":
            titles = self.titles or [""] * len(self)
            return [f"{t}. {s}" if t else s for t, s in zip(titles, self.summaries)]
        raise InputError(f"unknown text field {field!r}; choose summary or title+summary.")

    def save(self, folder: str | Path) -> Path:
        """Write ``<platform>.npz`` and ``<platform>.json`` into ``folder``."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        arrays = {"vectors": self.vectors.astype(np.float32)}
        if self.embeddings is not None:
            arrays["embeddings"] = self.embeddings.astype(np.float32)
        np.savez_compressed(folder / f"{self.platform}.npz", **arrays)
        meta = {"platform": self.platform, "ids": self.ids, "summaries": self.summaries, "titles": self.titles,
                "samples": self.samples, "features": self.features, "stats": list(STATS), "info": self.info}
        (folder / f"{self.platform}.json").write_text(json.dumps(meta))
        return folder / f"{self.platform}.json"

    @classmethod
    def load(cls, path: str | Path) -> TextomicsDataset:
        """Load ``<platform>.json`` (+ its ``.npz``); never unpickles anything."""
        path = Path(path)
        if path.suffix != ".json":
            path = path.with_suffix(".json")
        try:
            meta = json.loads(path.read_text())
            with np.load(path.with_suffix(".npz"), allow_pickle=False) as z:
                vectors = z["vectors"]
                embeddings = z["embeddings"] if "embeddings" in z.files else None
        except FileNotFoundError as exc:
            raise InputError(f"{exc.filename}: missing; build the dataset with 'geoscribe textomics build'.") from None
        except (ValueError, KeyError, json.JSONDecodeError) as exc:
            raise InputError(f"{path}: not a Textomics dataset ({exc}); rebuild it.") from None
        if len(meta["ids"]) != len(vectors):
            raise InputError(f"{path}: {len(meta['ids'])} ids but {len(vectors)} vectors; rebuild it.")
        return cls(meta["platform"], meta["ids"], meta["summaries"], vectors, meta.get("features", []),
                   meta.get("info", {}), meta.get("titles", []), meta.get("samples", []), embeddings)


def load_datasets(folder: str | Path) -> dict[str, TextomicsDataset]:
    """Every platform dataset saved in ``folder``."""
    files = sorted(Path(folder).glob("*.json"))
    if not files:
        raise InputError(f"{folder}: no <platform>.json datasets; build one with 'geoscribe textomics build'.")
    return {d.platform: d for d in map(TextomicsDataset.load, files)}


# -- summaries ------------------------------------------------------------------
def clean_summary(text: str, *, max_words: int = 64) -> str:
    """Drop text in brackets (innermost first) and keep the first ``max_words`` words."""
    prev = None
    while prev != text:
        prev, text = text, _BRACKETS.sub(" ", text)
    words = text.split()
    return " ".join(words[:max_words])


def tokenize(text: str) -> list[str]:
    """Lower-cased word and punctuation tokens (the tokenization every metric here uses)."""
    return _WORD.findall(text.lower())


def median_pairwise_bleu1(texts: Sequence[str], *, block: int = 512) -> np.ndarray:
    """Median over all other texts of sentence BLEU-1 (text as hypothesis, other as reference).

    Exact and vectorised: clipped unigram matches are ``sum_t [a>=t][b>=t]``
    (sparse products), times the brevity penalty. Equals nltk's ``sentence_bleu``
    with weights (1,); the unit tests check it.
    """
    toks = [tokenize(t) for t in texts]
    vocab: dict[str, int] = {}
    rows, cols, vals = [], [], []
    for i, ts in enumerate(toks):
        counts: dict[int, int] = {}
        for w in ts:
            j = vocab.setdefault(w, len(vocab))
            counts[j] = counts.get(j, 0) + 1
        rows += [i] * len(counts)
        cols += list(counts)
        vals += list(counts.values())
    n = len(toks)
    if n < 2:
        return np.zeros(n)
    counts = sparse.csr_matrix((vals, (rows, cols)), shape=(n, max(len(vocab), 1)), dtype=np.float32)
    levels = [(counts >= t).astype(np.float32) for t in range(1, int(counts.max()) + 1)]
    lengths = np.array([len(t) for t in toks], dtype=np.float64)
    out = np.zeros(n)
    for start in range(0, n, block):
        stop = min(start + block, n)
        match = sum((lv[start:stop] @ lv.T).toarray() for lv in levels)  # (b, n) clipped matches
        c = lengths[start:stop, None]
        r = lengths[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            prec = np.where(c > 0, match / np.maximum(c, 1), 0.0)
            bp = np.where(c >= r, 1.0, np.exp(1 - r / np.maximum(c, 1)))
        score = prec * bp
        score[np.arange(stop - start), np.arange(start, stop)] = np.nan  # not against itself
        out[start:stop] = np.nanmedian(score, axis=1)
    return out


def bleu_filter(texts: Sequence[str], *, thresholds: Iterable[float] = (0.09, 0.13)) -> np.ndarray:
    """Indices of the texts kept by the progressive median pairwise BLEU-1 filter."""
    keep = np.arange(len(texts))
    for th in thresholds:
        med = median_pairwise_bleu1([texts[i] for i in keep])
        keep = keep[med >= th]
    return keep


# -- vectors --------------------------------------------------------------------
def five_number_vector(values: np.ndarray) -> np.ndarray:
    """(n_features, n_samples) without NaN -> flat feature-major five-number summary."""
    q = np.percentile(values, [0, 25, 50, 75, 100], axis=1).T  # (n_features, 5)
    return q.reshape(-1).astype(np.float32)


def impute(values: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """Replace NaN by the feature's mean in this series, else ``fallback`` (platform mean), else 0."""
    values = values.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows are handled below
        mean = np.nanmean(values, axis=1)
    mean = np.where(np.isnan(mean), fallback, mean)
    mean = np.where(np.isnan(mean), 0.0, mean)
    rows, cols = np.nonzero(np.isnan(values))
    values[rows, cols] = mean[rows]
    return values


class _PlatformStats:
    """Pass-1 accumulator: per-feature missing cells, sums and counts over a platform."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.missing: list[float] = []
        self.sums: list[float] = []
        self.counts: list[float] = []
        self.cells = 0  # total sample slots seen (series x samples)
        self.series: list[tuple[str, str, str, str, list[str]]] = []  # (gse, summary, source, title, samples)

    def add(self, t: SeriesTable) -> None:
        n = t.values.shape[1]
        present = ~np.isnan(t.values)
        got = np.zeros(len(self.index) + len(t.features), dtype=bool)
        for f, miss, s, c in zip(t.features, n - present.sum(1), np.nansum(t.values, 1), present.sum(1)):
            i = self.index.setdefault(f, len(self.index))
            if i == len(self.missing):
                self.missing.append(self.cells)  # absent from all earlier series
                self.sums.append(0.0)
                self.counts.append(0.0)
            self.missing[i] += miss
            self.sums[i] += s
            self.counts[i] += c
            got[i] = True
        for i in np.nonzero(~got[: len(self.index)])[0]:
            self.missing[i] += n  # feature absent from this series
        self.cells += n
        self.series.append((t.gse, t.summary, t.source, t.title, list(t.samples)))

    def select(self, n_features: int) -> tuple[list[str], np.ndarray, np.ndarray]:
        names = list(self.index)
        rate = np.asarray(self.missing) / max(self.cells, 1)
        order = np.argsort(rate, kind="stable")[:n_features]
        with np.errstate(all="ignore"):
            mean = np.asarray(self.sums) / np.asarray(self.counts)
        return [names[i] for i in order], mean[order], rate[order]


def build_dataset(
    folder: str | Path,
    *,
    n_features: int = 20_000,
    max_words: int = 64,
    bleu_thresholds: Sequence[float] = (0.09, 0.13),
    min_series: int = 1,
    progress: bool = False,
) -> dict[str, TextomicsDataset]:
    """Build one :class:`TextomicsDataset` per platform from GEO files in ``folder``.

    Two streaming passes: the first counts each platform's missing values per
    feature, the second turns each series into its five-number vector, so only
    one series table is in memory at a time.
    """
    stats: dict[str, _PlatformStats] = {}
    for t in with_progress(iter_series_tables(folder), desc="scanning series", enabled=progress, leave=False):
        if t.summary.strip():
            stats.setdefault(t.platform, _PlatformStats()).add(t)
    stats = {p: s for p, s in stats.items() if len(s.series) >= min_series}
    if not stats:
        raise InputError(f"{folder}: no series with both a data table and a summary; nothing to build.")
    chosen = {p: s.select(n_features) for p, s in stats.items()}
    vecs: dict[str, dict[str, np.ndarray]] = {p: {} for p in stats}
    for t in with_progress(iter_series_tables(folder), desc="five-number vectors", enabled=progress, leave=False):
        if t.platform not in chosen or not t.summary.strip():
            continue
        feats, mean, _ = chosen[t.platform]
        row = {f: i for i, f in enumerate(t.features)}
        take = np.array([row.get(f, -1) for f in feats])
        values = np.where(take[:, None] >= 0, t.values[np.maximum(take, 0)], np.nan)
        vecs[t.platform][t.gse] = five_number_vector(impute(values, mean))
    out = {}
    for p, s in stats.items():
        ids = [r[0] for r in s.series]
        summaries = [clean_summary(r[1], max_words=max_words) for r in s.series]
        keep = bleu_filter(summaries, thresholds=bleu_thresholds) if len(ids) > 2 else np.arange(len(ids))
        feats, _, rate = chosen[p]
        info = {"n_series_before_filter": len(ids), "bleu_thresholds": list(bleu_thresholds),
                "mean_missing_rate": float(rate.mean()) if len(rate) else 0.0,
                "sources": [r[2] for r in s.series]}
        out[p] = TextomicsDataset(
            p, [ids[i] for i in keep], [summaries[i] for i in keep],
            np.stack([vecs[p][ids[i]] for i in keep]) if len(keep) else np.zeros((0, 5 * len(feats)), np.float32),
            feats, info, [s.series[i][3] for i in keep], [s.series[i][4] for i in keep],
        )
    return out


def load_release(path: str | Path, *, platform: str | None = None, trust_pickle: bool = False) -> TextomicsDataset:
    """Convert one published Textomics ``<platform>.npy`` (an object array of records).

    The layout is the one the authors' ``main.py`` (github amos814/Textomics) reads:
    Vec2Text pairs are ``(record[0], record[2])`` (the five-number vector and the
    summary) and Text2Vec pairs ``(record[0], record[3])`` (the vector and a
    precomputed text embedding, 768-d). Their code never reads ``record[1]``; it is
    used here as the series id only when it is a GEO accession.

    Object arrays are pickles, and unpickling runs code from the file, so this
    refuses them unless ``trust_pickle=True`` (only for a file from a source you trust).
    """
    path = Path(path)
    try:
        arr = np.load(path, allow_pickle=trust_pickle)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file.") from None
    except ValueError as exc:
        if "pickle" in str(exc).lower():
            raise InputError(f"{path}: holds pickled Python objects, which can run code when loaded; "
                             "pass --trust-pickle only if you trust where it came from.") from None
        raise InputError(f"{path}: not a NumPy .npy file ({exc}).") from None
    name = platform or path.stem
    ids, summaries, vectors, embeddings = [], [], [], []
    for k, item in enumerate(arr):
        try:
            n_fields = len(item)
        except TypeError:
            n_fields = 0
        if n_fields < 3 or not isinstance(item[2], str):
            raise InputError(f"{path}: record {k} is not (vector, id, summary[, text embedding]); the authors' "
                             "main.py reads the vector from field 0, the summary from field 2 and the "
                             "embedding from field 3.")
        try:
            vectors.append(np.asarray([float(x) for x in item[0]], dtype=np.float32))
            if n_fields > 3:
                embeddings.append(np.asarray([float(x) for x in item[3]], dtype=np.float32))
        except (TypeError, ValueError):
            raise InputError(f"{path}: record {k}: field 0 (vector) or 3 (embedding) is not numeric.") from None
        summaries.append(item[2])
        tag = str(item[1]).strip() if isinstance(item[1], str) else ""
        ids.append(tag if _GEO_ID.fullmatch(tag) else f"{name}:{k}")
    for what, rows in (("vectors", vectors), ("embeddings", embeddings)):
        if len({len(v) for v in rows}) > 1:
            raise InputError(f"{path}: {what} of different lengths; expected one platform per file.")
    if embeddings and len(embeddings) != len(vectors):
        raise InputError(f"{path}: only some records have a text embedding (field 3).")
    return TextomicsDataset(name, ids, summaries,
                            np.stack(vectors) if vectors else np.zeros((0, 0), np.float32),
                            info={"source": str(path), "format": "textomics-release"},
                            embeddings=np.stack(embeddings) if embeddings else None)
