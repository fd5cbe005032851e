"""Describe a new GEO series: its data table -> a five-number vector -> a summary, with evidence.

A describe model is a saved Vec2Text model directory that also holds the
platform it was trained on (``platform.json`` + ``platform.npz``: the feature
list, the imputation means and the log2 / normalisation settings of the build),
written by :func:`save_platform` (``geoscribe textomics vec2text --save``). A new
series is vectorised exactly as the training series were, and the nearest
training series (Euclidean distance between vectors, as kNN-Vec2Text uses) are
returned beside the summary, so a user can see what the summary rests on.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from ..errors import InputError, ModelError
from ..io import atomic_write
from ._tables import read_series_file
from .dataset import STATS, Preprocessing, TextomicsDataset, preprocessing_of

PLATFORM_FILE, PLATFORM_ARRAYS = "platform.json", "platform.npz"
#: below this share of the model's features present in a series, its vector is mostly imputed
LOW_COVERAGE = 0.5
COLUMNS = ("file", "series", "platform", "status", "summary", "neighbours", "neighbour_titles", "distances",
           "typical_distance", "log2_applied", "missing_fraction", "note")


def save_platform(ds: TextomicsDataset, folder: str | Path, *, text_field: str = "summary") -> None:
    """Store how ``ds`` was vectorised, and its series ids and titles, beside a model fitted on it
    (``text_field``: the text a Text2Vec model was fitted on)."""
    prep = preprocessing_of(ds)
    folder = Path(folder)
    meta = {"platform": ds.platform, "features": prep.features, "log2": prep.log2, "normalise": prep.normalise,
            "ids": ds.ids, "titles": ds.titles or [""] * len(ds), "text_field": text_field}
    (folder / PLATFORM_FILE).write_text(json.dumps(meta))
    np.savez_compressed(folder / PLATFORM_ARRAYS, feature_means=np.asarray(prep.feature_means, np.float32))


def load_platform(folder: str | Path) -> tuple[str, Preprocessing, list[str], list[str]]:
    """(platform, preprocessing, training ids, training titles) saved by :func:`save_platform`."""
    folder = Path(folder)
    try:
        meta = json.loads((folder / PLATFORM_FILE).read_text())
        with np.load(folder / PLATFORM_ARRAYS, allow_pickle=False) as z:
            means = z["feature_means"]
    except FileNotFoundError:
        raise ModelError(f"{folder}: no {PLATFORM_FILE}; save the model with 'geoscribe textomics vec2text DS.json "
                         "--save DIR' from a dataset built by 'textomics build'.") from None
    except (ValueError, KeyError, json.JSONDecodeError) as exc:
        raise ModelError(f"{folder}/{PLATFORM_FILE}: corrupt ({exc}); save the model again.") from None
    prep = Preprocessing(meta["features"], means, meta.get("log2", "off"), meta.get("normalise", "none"))
    return meta["platform"], prep, meta["ids"], meta["titles"]


def _training_vectors(model) -> np.ndarray:
    return model.train_vectors_ if hasattr(model, "train_vectors_") else model.vectors_


def describe_files(files: Sequence[str | Path], model_dir: str | Path, *, neighbours: int = 3) -> list[dict]:
    """One row per series (per platform) in ``files``: the generated summary, the nearest
    training series with their distances, and how the vector was made. Series on another
    platform than the model's, and unreadable files, get a ``skipped`` row with the reason."""
    from .vec2text import load_vec2text, nearest

    platform, prep, ids, titles = load_platform(model_dir)
    model = load_vec2text(model_dir)
    train = _training_vectors(model)
    if len(ids) != len(train):
        raise ModelError(f"{model_dir}: {len(ids)} series ids but {len(train)} training vectors; save the model again.")
    typical = float(np.median(nearest(train, train, 1, exclude_self=True)[1])) if len(train) > 1 else float("nan")
    rows, todo = [], []
    for f in files:
        try:
            tables = read_series_file(f)
        except InputError as exc:
            rows.append(_row(f, status="skipped", note=str(exc).removeprefix(f"{f}: ")))
            continue
        for t in tables:
            if t.platform != platform:
                rows.append(_row(f, t.gse, t.platform, "skipped", note=f"platform {t.platform}; the model is for {platform}"))
                continue
            vector, facts = prep.vector(t)
            if facts["features_present"] == 0:
                rows.append(_row(f, t.gse, t.platform, "skipped", note="none of the model's features in the table"))
                continue
            coverage = facts["features_present"] / len(prep.features)
            note = (f"only {coverage:.0%} of the model's features present; the rest imputed from training means"
                    if coverage < LOW_COVERAGE else "")
            rows.append(_row(f, t.gse, t.platform, "described", note=note, typical_distance=typical,
                             log2_applied=facts["log2_applied"], missing_fraction=round(facts["missing_fraction"], 4)))
            todo.append((len(rows) - 1, vector))
    if todo:
        x = np.stack([v for _, v in todo])
        summaries = model.generate(x)
        idx, dist = nearest(x, train, min(neighbours, len(train)))
        for (r, _), text, ii, dd in zip(todo, summaries, idx, dist):
            rows[r].update(summary=text, neighbours=[ids[i] for i in ii], neighbour_titles=[titles[i] for i in ii],
                           distances=[round(float(d), 4) for d in dd])
    return rows


def _row(file, series="", platform="", status="", *, note="", **extra) -> dict:
    row = {c: "" for c in COLUMNS}
    row.update(file=str(file), series=series, platform=platform, status=status, note=note, **extra)
    return row


def write_rows(rows: Iterable[dict], path: str | Path) -> int:
    """Write describe rows to ``.csv`` (lists joined by ``;``) or ``.jsonl``; returns the count."""
    path = Path(path)
    kind = path.suffix.lower()
    if kind not in (".csv", ".jsonl"):
        raise InputError(f"{path}: unknown output format {kind or '(no suffix)'!r}; use .csv or .jsonl.")
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with atomic_write(path) as out:
        writer = csv.DictWriter(out, COLUMNS) if kind == ".csv" else None
        if writer:
            writer.writeheader()
        for row in rows:
            if writer:
                writer.writerow({k: ";".join(map(str, v)) if isinstance(v, list) else v for k, v in row.items()})
            else:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    return n


def format_row(row: dict) -> str:
    """A described series as a few readable lines."""
    head = f"{row['series'] or '-'} ({row['platform'] or '?'}) {row['file']}"
    if row["status"] != "described":
        return f"{head}\n  skipped: {row['note']}"
    lines = [head, f"  summary: {row['summary']}"]
    for i, t, d in zip(row["neighbours"], row["neighbour_titles"], row["distances"]):
        lines.append(f"  nearest: {i}  distance {d:.4g}  {t}")
    lines.append(f"  (typical nearest distance between training series: {row['typical_distance']:.4g}; "
                 f"log2 applied: {'yes' if row['log2_applied'] else 'no'}; "
                 f"missing values imputed: {row['missing_fraction']:.0%})")
    if row["note"]:
        lines.append(f"  note: {row['note']}")
    return "\n".join(lines)


# -- Text2Vec: text -> vector table --------------------------------------------------------
def read_texts(path: str | Path) -> tuple[list[str], list[tuple[str, str]]]:
    """(ids, (title, summary) items) from a .txt file (one summary per line) or a CSV/TSV with a
    ``summary`` column and optional ``id`` and ``title`` columns."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror}).") from None
    if path.suffix.lower() not in (".csv", ".tsv"):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        return [str(i + 1) for i in range(len(lines))], [("", line) for line in lines]
    rows = list(csv.DictReader(text.splitlines(), delimiter="\t" if path.suffix.lower() == ".tsv" else ","))
    if not rows or "summary" not in rows[0]:
        raise InputError(f"{path}: needs a 'summary' column (and optionally 'id', 'title').")
    ids = [r.get("id") or str(i + 1) for i, r in enumerate(rows)]
    return ids, [(r.get("title") or "", r["summary"] or "") for r in rows]


def predict_vectors(model_dir: str | Path, items: Sequence[tuple[str, str]]) -> tuple[list[str], np.ndarray]:
    """(column names, predicted vectors) of a saved Text2Vec model for (title, summary) items."""
    from .text2vec import Text2Vec

    if not items:
        raise InputError("no texts to predict from.")
    model = Text2Vec.load(model_dir)
    field, features = "summary", []
    if (Path(model_dir) / PLATFORM_FILE).is_file():
        meta = json.loads((Path(model_dir) / PLATFORM_FILE).read_text())
        field, features = meta.get("text_field", "summary"), meta["features"]
    texts = [f"{t}. {s}" if field == "title+summary" and t else s for t, s in items]
    vectors = model.predict(model.embed(texts))
    columns = [f"{f}:{st}" for f in features for st in STATS]
    if len(columns) != vectors.shape[1]:
        columns = [f"d{i}" for i in range(vectors.shape[1])]
    return columns, vectors


def write_vectors(path: str | Path, ids: Sequence[str], columns: Sequence[str], vectors: np.ndarray) -> int:
    """One row per text: ``id`` then one column per vector value (.csv, .tsv or .jsonl)."""
    path = Path(path)
    kind = path.suffix.lower()
    if kind not in (".csv", ".tsv", ".jsonl"):
        raise InputError(f"{path}: unknown output format {kind or '(no suffix)'!r}; use .csv, .tsv or .jsonl.")
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path) as out:
        if kind == ".jsonl":
            for i, v in zip(ids, vectors):
                out.write(json.dumps({"id": i, **dict(zip(columns, map(float, v)))}) + "\n")
        else:
            writer = csv.writer(out, delimiter="\t" if kind == ".tsv" else ",")
            writer.writerow(["id", *columns])
            for i, v in zip(ids, vectors):
                writer.writerow([i, *(f"{x:.6g}" for x in v)])
    return len(ids)
