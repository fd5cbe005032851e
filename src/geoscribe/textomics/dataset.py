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
    feature_means: np.ndarray | None = None  # per feature, the imputation fallback of the builder

    def __len__(self) -> int:
        return len(self.ids)

    def subset(self, index: Sequence[int] | np.ndarray) -> TextomicsDataset:
        index = np.asarray(index, dtype=int)
        pick = lambda xs: [xs[i] for i in index] if xs else []  # noqa: E731
        return TextomicsDataset(
            self.platform, pick(self.ids), pick(self.summaries), self.vectors[index], self.features,
            dict(self.info), pick(self.titles), pick(self.samples),
            None if self.embeddings is None else self.embeddings[index], self.feature_means,
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
        if self.feature_means is not None:
            arrays["feature_means"] = self.feature_means.astype(np.float32)
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
                means = z["feature_means"] if "feature_means" in z.files else None
        except FileNotFoundError as exc:
            raise InputError(f"{exc.filename}: missing; build the dataset with 'geoscribe textomics build'.") from None
        except (ValueError, KeyError, json.JSONDecodeError) as exc:
            raise InputError(f"{path}: not a Textomics dataset ({exc}); rebuild it.") from None
        if len(meta["ids"]) != len(vectors):
            raise InputError(f"{path}: {len(meta['ids'])} ids but {len(vectors)} vectors; rebuild it.")
        return cls(meta["platform"], meta["ids"], meta["summaries"], vectors, meta.get("features", []),
                   meta.get("info", {}), meta.get("titles", []), meta.get("samples", []), embeddings, means)


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


LOG2_MODES = ("auto", "on", "off")
NORMALISATIONS = ("none", "quantile", "rank")


def looks_raw(values: np.ndarray) -> bool:
    """True when a series' values look like raw intensities rather than log2 ones: median
    above 20 or maximum above 100 (log2 expression stays below about 20; MAS5 medians are 100+)."""
    finite = values[np.isfinite(values)]
    return bool(finite.size) and bool(np.median(finite) > 20 or finite.max() > 100)


def apply_log2(values: np.ndarray, mode: str) -> tuple[np.ndarray, bool]:
    """``values`` on the log2 scale per ``mode`` (auto: only when :func:`looks_raw`); values
    below 1 count as 1, so raw zeros and negatives become 0. Returns (values, applied)."""
    if mode not in LOG2_MODES:
        raise InputError(f"unknown log2 mode {mode!r}; choose one of {', '.join(LOG2_MODES)}.")
    if mode == "off" or (mode == "auto" and not looks_raw(values)):
        return values, False
    with np.errstate(invalid="ignore"):
        return np.log2(np.clip(values, 1.0, None)).astype(np.float32), True


def normalise_series(values: np.ndarray, how: str) -> np.ndarray:
    """Per-series normalisation of a (features, samples) table without NaN: ``quantile`` gives
    every sample the same value distribution (the mean of the sorted samples), ``rank`` replaces
    values by their rank in the sample divided by the number of features, ``none`` keeps them."""
    if how not in NORMALISATIONS:
        raise InputError(f"unknown normalisation {how!r}; choose one of {', '.join(NORMALISATIONS)}.")
    if how == "none" or values.size == 0:
        return values
    from scipy.stats import rankdata

    if how == "rank":
        return (rankdata(values, axis=0) / len(values)).astype(np.float32)
    target = np.sort(values, axis=0).mean(1)
    order = np.argsort(np.argsort(values, axis=0, kind="stable"), axis=0, kind="stable")
    return target[order].astype(np.float32)


@dataclass
class Preprocessing:
    """How a platform's series become vectors; saved with a dataset and a model so that a new
    series is vectorised exactly as the training ones were."""

    features: list[str]
    feature_means: np.ndarray  # imputation fallback per feature (after log2)
    log2: str = "auto"
    normalise: str = "none"

    def vector(self, t: SeriesTable) -> tuple[np.ndarray, dict]:
        """(five-number vector, facts): facts say whether log2 was applied and the fraction of
        the kept feature values that were missing (and imputed)."""
        values, logged = apply_log2(t.values, self.log2)
        row = {f: i for i, f in enumerate(t.features)}
        take = np.array([row.get(f, -1) for f in self.features], dtype=int)
        values = np.where(take[:, None] >= 0, values[np.maximum(take, 0)], np.nan) if len(take) \
            else np.zeros((0, values.shape[1]), np.float32)
        missing = float(np.isnan(values).mean()) if values.size else 1.0
        values = normalise_series(impute(values, self.feature_means), self.normalise)
        return five_number_vector(values), {"log2_applied": logged, "missing_fraction": missing,
                                            "features_present": int((take >= 0).sum())}


class _PlatformStats:
    """Pass-1 accumulator: per-feature missing cells, sums and counts over a platform."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.missing: list[float] = []
        self.sums: list[float] = []
        self.counts: list[float] = []
        self.cells = 0  # total sample slots seen (series x samples)
        self.series: list[tuple[str, str, str, str, list[str]]] = []  # (gse, summary, source, title, samples)

    def add(self, t: SeriesTable, values: np.ndarray) -> None:
        n = values.shape[1]
        present = ~np.isnan(values)
        got = np.zeros(len(self.index) + len(t.features), dtype=bool)
        for f, miss, s, c in zip(t.features, n - present.sum(1), np.nansum(values, 1), present.sum(1)):
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

    def select(self, n_features: int, max_missing: float = 1.0) -> tuple[list[str], np.ndarray, np.ndarray]:
        names = list(self.index)
        rate = np.asarray(self.missing) / max(self.cells, 1)
        order = np.argsort(rate, kind="stable")[:n_features]
        order = order[rate[order] <= max_missing]
        with np.errstate(all="ignore"):
            mean = np.asarray(self.sums) / np.asarray(self.counts)
        return [names[i] for i in order], mean[order], rate[order]


@dataclass
class BuildReport:
    """Every file read or skipped (and why), every series used or dropped, every platform kept or dropped."""

    files: list = field(default_factory=list)  # FileReport
    series: list[dict] = field(default_factory=list)  # gse, platform, status, reason, log2_applied, missing_fraction
    platforms: list[dict] = field(default_factory=list)  # platform, status, reason, n_series, n_features, imputed
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The report as short tab-separated lines, files first."""
        out = [f"file\t{f.status}\t{f.path}\t{', '.join(f.tables) or f.reason}" for f in self.files]
        out += [f"series\t{r['status']}\t{r['gse']}/{r['platform']}\t{r['reason']}" for r in self.series
                if r["status"] != "used" or r.get("log2_applied")]
        out += [f"platform\t{r['status']}\t{r['platform']}\t{r['reason']}" for r in self.platforms]
        return out

    def to_json(self) -> dict:
        return {"files": [vars(f) for f in self.files], "series": self.series, "platforms": self.platforms,
                "warnings": self.warnings}


#: above this fraction of imputed values, a platform's vectors say more about the imputation than the data
IMPUTED_WARNING = 0.5


def build_dataset(
    folder: str | Path,
    *,
    n_features: int = 20_000,
    max_words: int = 64,
    bleu_thresholds: Sequence[float] = (0.09, 0.13),
    min_series: int = 1,
    max_missing: float = 1.0,
    log2: str = "auto",
    normalise: str = "none",
    report: BuildReport | None = None,
    progress: bool = False,
) -> dict[str, TextomicsDataset]:
    """Build one :class:`TextomicsDataset` per platform from GEO files in ``folder``.

    Two streaming passes: the first counts each platform's missing values per
    feature, the second turns each series into its five-number vector, so only
    one series table is in memory at a time. ``log2`` (auto|on|off) puts raw
    intensities on the log2 scale (auto: per series, see :func:`looks_raw`) before
    anything else; ``normalise`` (none|quantile|rank) is per series, after imputation.
    ``max_missing`` drops features missing in more than that fraction of a platform's
    sample slots, and series missing more than that fraction of the kept values;
    platforms with fewer than ``min_series`` series are dropped. ``report`` (if given)
    is filled with what happened to every file, series and platform.
    """
    from ._util import warn

    apply_log2(np.zeros((0, 0)), log2)  # bad modes fail before any reading
    normalise_series(np.zeros((0, 0)), normalise)
    rep = report if report is not None else BuildReport()
    stats: dict[str, _PlatformStats] = {}
    for t in with_progress(iter_series_tables(folder, rep.files), desc="scanning series", enabled=progress,
                           leave=False):
        if not t.summary.strip():
            rep.series.append({"gse": t.gse, "platform": t.platform, "status": "dropped", "reason": "no summary"})
            continue
        stats.setdefault(t.platform, _PlatformStats()).add(t, apply_log2(t.values, log2)[0])
    chosen: dict[str, Preprocessing] = {}
    for p, s in sorted(stats.items()):
        if len(s.series) < min_series:
            rep.platforms.append({"platform": p, "status": "dropped", "n_series": len(s.series),
                                  "reason": f"{len(s.series)} series with a summary < --min-series {min_series}"})
            continue
        feats, mean, rate = s.select(n_features, max_missing)
        if not feats:
            rep.platforms.append({"platform": p, "status": "dropped", "n_series": len(s.series),
                                  "reason": f"no feature is missing in at most {max_missing:.0%} of its samples"})
            continue
        chosen[p] = Preprocessing(feats, mean, log2, normalise)
    if not chosen:
        raise InputError(f"{folder}: no platform with enough series that have both a data table and a summary; "
                         "nothing to build (see the report).")
    vecs: dict[str, dict[str, np.ndarray]] = {p: {} for p in chosen}
    facts: dict[str, dict[str, dict]] = {p: {} for p in chosen}
    for t in with_progress(iter_series_tables(folder), desc="five-number vectors", enabled=progress, leave=False):
        if t.platform not in chosen or not t.summary.strip():
            continue
        vecs[t.platform][t.gse], facts[t.platform][t.gse] = chosen[t.platform].vector(t)
    out = {}
    for p, prep in chosen.items():
        s = stats[p]
        rows = []
        for i, r in enumerate(s.series):
            f = facts[p][r[0]]
            entry = {"gse": r[0], "platform": p, "status": "used", "reason": "", **f}
            if f["missing_fraction"] > max_missing:
                entry.update(status="dropped", reason=f"{f['missing_fraction']:.0%} of the kept values missing "
                                                      f"> --max-missing {max_missing:.0%}")
            elif f["log2_applied"] and log2 == "auto":
                entry["reason"] = "raw intensities: log2 applied"
            rep.series.append(entry)
            if entry["status"] == "used":
                rows.append(i)
        ids = [s.series[i][0] for i in rows]
        summaries = [clean_summary(s.series[i][1], max_words=max_words) for i in rows]
        keep = bleu_filter(summaries, thresholds=bleu_thresholds) if len(ids) > 2 else np.arange(len(ids))
        for j in sorted(set(range(len(ids))) - set(keep.tolist())):
            rep.series.append({"gse": ids[j], "platform": p, "status": "dropped",
                               "reason": "summary outlier (median pairwise BLEU-1 filter)"})
        imputed = float(np.mean([facts[p][ids[j]]["missing_fraction"] for j in keep])) if len(keep) else 0.0
        if len(keep) < max(min_series, 1):
            rep.platforms.append({"platform": p, "status": "dropped", "n_series": len(keep),
                                  "reason": f"{len(keep)} series left after the filters < --min-series {min_series}"})
            continue
        logged = [ids[j] for j in keep if facts[p][ids[j]]["log2_applied"]]
        rep.platforms.append({"platform": p, "status": "kept", "n_series": int(len(keep)),
                              "n_features": len(prep.features), "imputed": imputed,
                              "reason": f"{len(keep)} series, {len(prep.features)} features, {imputed:.0%} of values "
                                        f"imputed, log2 applied to {len(logged)}"})
        if imputed > IMPUTED_WARNING:
            msg = (f"{p}: {imputed:.0%} of the kept feature values were missing and imputed; its vectors say "
                   "more about the imputation than the data (lower --n-features or set --max-missing).")
            rep.warnings.append(msg)
            warn(msg)
        info = {"n_series_before_filter": len(ids), "bleu_thresholds": list(bleu_thresholds),
                "mean_missing_rate": imputed, "log2": log2, "normalise": normalise, "log2_applied": logged,
                "sources": [s.series[rows[j]][2] for j in keep]}
        out[p] = TextomicsDataset(
            p, [ids[j] for j in keep], [summaries[j] for j in keep],
            np.stack([vecs[p][ids[j]] for j in keep]), prep.features, info,
            [s.series[rows[j]][3] for j in keep], [s.series[rows[j]][4] for j in keep],
            feature_means=prep.feature_means.astype(np.float32),
        )
    return out


def preprocessing_of(ds: TextomicsDataset) -> Preprocessing:
    """How ``ds`` was vectorised (older datasets: no log2, no normalisation, platform means unknown)."""
    if not ds.features:
        raise InputError(f"{ds.platform}: the dataset has no feature list (a published release?); "
                         "build it from GEO files to describe new series.")
    means = ds.feature_means if ds.feature_means is not None else np.full(len(ds.features), np.nan, np.float32)
    return Preprocessing(list(ds.features), means, ds.info.get("log2", "off"), ds.info.get("normalise", "none"))


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
