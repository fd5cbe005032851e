"""Fast non-neural references: what a practitioner would try before any network.

* :class:`LinearBaseline` (kind ``linear``): one linear SVM per attribute over
  TF-IDF word and character n-grams. Each attribute value seen in training is a
  class; the highest-scoring class wins.
* :class:`NearestNeighbourBaseline` (kind ``nearest``): copy the whole output of
  the most similar training input (TF-IDF cosine). Strong when test inputs have
  near-duplicates in training, which GEO series often do.

Both save to plain files (JSON vocabularies and labels, ``.npz`` arrays loaded
with ``allow_pickle=False``): loading never runs code from the model directory.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..errors import InputError, ModelError
from ..estimator import check_fitted, data_hash, new_from_config, write_model_files
from ..schema import Record, Schema
from .base import Translator

FEATURES_FILE = "features.json"

#: the TF-IDF features read at most this prefix of a text, as the seq2seq reads at most
#: 256 tokens (~20,000 characters): n-gram counting costs ~250 bytes of RAM per input
#: character, so an unbounded 20 MB cell would end in MemoryError
MAX_FEATURE_CHARS = 20_000


def _prefixes(texts: Sequence[str]) -> list[str]:
    return [t[:MAX_FEATURE_CHARS] for t in texts]


# -- shared helpers (also used by the neural models) ---------------------------
def check_pairs(texts: Sequence[str], records: Sequence[Record], schema: Schema) -> None:
    """Raise :class:`InputError` unless ``texts``/``records`` are non-empty, aligned and of ``schema``."""
    if len(texts) != len(records):
        raise InputError(
            f"Got {len(texts)} texts but {len(records)} records; pass one record per text."
        )
    if not texts:
        raise InputError("No training pairs given; pass at least one (text, record) pair.")
    for i, rec in enumerate(records):
        if rec.schema.name != schema.name:
            raise InputError(
                f"Record {i} is of the {rec.schema.name} set, the model of {schema.name}; "
                "fit with records of one set."
            )


def make_record(
    schema: Schema, values: dict[str, str], confidence: dict[str, float]
) -> Record:
    """A well-formed record: every attribute once, missing ones ``"None"`` with confidence 0."""
    vals = {a: (values.get(a) or "None") for a in schema.attributes}
    conf = {
        a: float(min(1.0, max(0.0, confidence.get(a, 0.0)))) if values.get(a) else 0.0
        for a in schema.attributes
    }
    return Record(schema, vals, conf)


def save_npz(path: Path, **arrays: np.ndarray) -> None:
    np.savez_compressed(path, **arrays)


def load_npz(path: Path) -> dict[str, np.ndarray]:
    """Arrays of ``path`` (never pickled objects), or a :class:`ModelError`."""
    try:
        with np.load(path, allow_pickle=False) as data:
            return {k: data[k] for k in data.files}
    except FileNotFoundError:
        raise ModelError(f"{path} is missing; the model directory is incomplete, re-save it.") from None
    except Exception as exc:  # zip/format errors, pickled content
        raise ModelError(f"{path} is corrupt ({type(exc).__name__}); re-save the model.") from None


def load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{path} is missing; the model directory is incomplete, re-save it.") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelError(f"{path} is corrupt: {exc}; re-save the model.") from None


def csr_arrays(m: sp.csr_matrix, prefix: str) -> dict[str, np.ndarray]:
    m = sp.csr_matrix(m)
    return {
        f"{prefix}data": m.data.astype(np.float32),
        f"{prefix}indices": m.indices.astype(np.int32),
        f"{prefix}indptr": m.indptr.astype(np.int64),
        f"{prefix}shape": np.asarray(m.shape, dtype=np.int64),
    }


def csr_from(arrays: dict[str, np.ndarray], prefix: str, where: Path) -> sp.csr_matrix:
    try:
        shape = tuple(int(x) for x in arrays[f"{prefix}shape"])
        return sp.csr_matrix(
            (arrays[f"{prefix}data"], arrays[f"{prefix}indices"], arrays[f"{prefix}indptr"]),
            shape=shape,
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise ModelError(f"{where} is corrupt ({exc}); re-save the model.") from None


# -- TF-IDF features --------------------------------------------------------------
class _Features:
    """Word + character n-gram TF-IDF, stored as vocabularies and idf weights (no pickle)."""

    def __init__(self, *, word_ngrams: tuple[int, int], char_ngrams: tuple[int, int],
                 max_features: int | None, min_df: int) -> None:
        self.params = {
            "word": dict(analyzer="word", ngram_range=tuple(word_ngrams), min_df=min_df,
                         max_features=max_features, token_pattern=r"(?u)\b\w+\b"),
            "char": dict(analyzer="char_wb", ngram_range=tuple(char_ngrams), min_df=min_df,
                         max_features=max_features),
        }
        self.vects: dict[str, Any] = {}

    @staticmethod
    def _vectorizer(params: dict, **extra: Any):
        from sklearn.feature_extraction.text import TfidfVectorizer

        return TfidfVectorizer(lowercase=True, sublinear_tf=True, dtype=np.float32, **params, **extra)

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        blocks = []
        for name, params in self.params.items():
            vect = self._vectorizer(params)
            try:
                blocks.append(vect.fit_transform(_prefixes(texts)))
            except ValueError:  # empty vocabulary (e.g. min_df too high for tiny data)
                vect = self._vectorizer({**params, "min_df": 1})
                blocks.append(vect.fit_transform(_prefixes(texts)))
            self.vects[name] = vect
        return sp.hstack(blocks).tocsr() / np.sqrt(len(blocks))

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        texts = _prefixes(texts)
        blocks = [self.vects[n].transform(texts) for n in self.params]
        return sp.hstack(blocks).tocsr() / np.sqrt(len(blocks))

    def save(self, path: Path) -> None:
        out, arrays = {}, {}
        for name, vect in self.vects.items():
            out[name] = vect.get_feature_names_out().tolist()
            arrays[f"idf_{name}"] = vect.idf_.astype(np.float64)
        (path / FEATURES_FILE).write_text(json.dumps(out, ensure_ascii=False))
        save_npz(path / "idf.npz", **arrays)

    def load(self, path: Path) -> _Features:
        vocab = load_json(path / FEATURES_FILE)
        idf = load_npz(path / "idf.npz")
        for name, params in self.params.items():
            terms, weights = vocab.get(name) if isinstance(vocab, dict) else None, idf.get(f"idf_{name}")
            if not isinstance(terms, list) or weights is None or len(terms) != len(weights):
                raise ModelError(f"{path / FEATURES_FILE} does not match idf.npz; re-save the model.")
            vect = self._vectorizer({**params, "min_df": 1, "max_features": None},
                                    vocabulary={t: i for i, t in enumerate(terms)})
            vect.idf_ = weights
            self.vects[name] = vect
        return self


class _TfidfModel(Translator):
    """What both baselines share: params, the feature block, save/load of common files."""

    def _features(self) -> _Features:
        return _Features(word_ngrams=tuple(self.word_ngrams), char_ngrams=tuple(self.char_ngrams),
                         max_features=self.max_features, min_df=self.min_df)

    def _save_common(self, path: str | Path) -> Path:
        check_fitted(self)
        path = write_model_files(self, path, metadata={"data_hash": self.data_hash_})
        self.features_.save(path)
        return path

    @classmethod
    def _load_common(cls, path: str | Path):
        model = new_from_config(cls, path)
        model.features_ = model._features().load(Path(path))
        model.data_hash_ = ""
        return model


class LinearBaseline(_TfidfModel):
    """One linear SVM per attribute over TF-IDF word and character n-grams.

    Weights below ``prune`` in magnitude are dropped after training and the rest
    stored sparse: this keeps a model of ~1,700 classes x 100k features to about
    20 MB (instead of ~500 MB dense) and does not change accuracy measurably (checked on the Cistrome pairs).
    ``confidence`` is a softmax of the SVM scores at ``temperature``: a ranking
    signal, not a calibrated probability.
    """

    kind = "linear"

    def __init__(self, *, schema: str = "cistrome", word_ngrams: tuple[int, int] = (1, 2),
                 char_ngrams: tuple[int, int] = (2, 5), max_features: int | None = 100_000,
                 min_df: int = 2, C: float = 1.0, prune: float = 0.01,
                 temperature: float = 0.1, seed: int = 0) -> None:
        self.schema = schema
        self.word_ngrams, self.char_ngrams = word_ngrams, char_ngrams
        self.max_features, self.min_df = max_features, min_df
        self.C, self.prune, self.temperature, self.seed = C, prune, temperature, seed

    def fit(self, texts: Sequence[str], records: Sequence[Record], *, progress: bool = False,
            dev: Any = None) -> LinearBaseline:
        from sklearn.svm import LinearSVC
        from ..progress import with_progress

        schema = self.record_schema
        check_pairs(texts, records, schema)
        features = self._features()
        X = features.fit_transform(list(texts))
        classes, coefs, intercepts = {}, {}, {}
        for attr in with_progress(schema.attributes, desc="linear", enabled=progress):
            y = np.asarray([r[attr] or "None" for r in records], dtype=object)
            labels = sorted(set(y))
            if len(labels) == 1:  # a constant attribute: nothing to learn
                W, b = sp.csr_matrix((1, X.shape[1]), dtype=np.float32), np.zeros(1)
            else:
                svm = LinearSVC(C=self.C, random_state=self.seed).fit(X, y)
                W = svm.coef_ if len(labels) > 2 else np.vstack([-svm.coef_, svm.coef_])
                b = svm.intercept_ if len(labels) > 2 else np.r_[-svm.intercept_, svm.intercept_]
                labels = [str(c) for c in svm.classes_]
                W = sp.csr_matrix(np.where(np.abs(W) >= self.prune, W, 0).astype(np.float32))
            classes[attr], coefs[attr], intercepts[attr] = labels, W, np.asarray(b, np.float32)
        self.features_, self.classes_ = features, classes
        self.coef_, self.intercept_ = coefs, intercepts
        self.data_hash_ = data_hash(texts, records)
        return self

    def translate(self, texts: Sequence[str], *, batch_size: int = 512,
                  progress: bool = False) -> list[Record]:
        check_fitted(self)
        schema = self.record_schema
        out: list[Record] = []
        for start in range(0, len(texts), batch_size):
            X = self.features_.transform(list(texts[start : start + batch_size]))
            picks: dict[str, tuple[np.ndarray, np.ndarray]] = {}
            for attr in schema.attributes:
                scores = (X @ self.coef_[attr].T).toarray() + self.intercept_[attr]
                z = (scores - scores.max(axis=1, keepdims=True)) / self.temperature
                prob = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
                picks[attr] = (scores.argmax(axis=1), prob.max(axis=1))
            for i in range(X.shape[0]):
                values = {a: self.classes_[a][picks[a][0][i]] for a in schema.attributes}
                conf = {a: float(picks[a][1][i]) for a in schema.attributes}
                out.append(make_record(schema, values, conf))
        return out

    def save(self, path: str | Path) -> Path:
        path = self._save_common(path)
        (path / "classes.json").write_text(json.dumps(self.classes_, ensure_ascii=False))
        arrays: dict[str, np.ndarray] = {}
        for i, attr in enumerate(self.record_schema.attributes):
            arrays.update(csr_arrays(self.coef_[attr], f"coef{i}_"))
            arrays[f"intercept{i}"] = self.intercept_[attr]
        save_npz(path / "weights.npz", **arrays)
        return path

    @classmethod
    def load(cls, path: str | Path) -> LinearBaseline:
        model = cls._load_common(path)
        path = Path(path)
        classes = load_json(path / "classes.json")
        arrays = load_npz(path / "weights.npz")
        model.classes_, model.coef_, model.intercept_ = {}, {}, {}
        for i, attr in enumerate(model.record_schema.attributes):
            labels = classes.get(attr) if isinstance(classes, dict) else None
            W = csr_from(arrays, f"coef{i}_", path / "weights.npz")
            b = arrays.get(f"intercept{i}")
            if not isinstance(labels, list) or b is None or W.shape[0] != len(labels) or len(b) != len(labels):
                raise ModelError(f"{path}/classes.json does not match weights.npz; re-save the model.")
            model.classes_[attr], model.coef_[attr], model.intercept_[attr] = labels, W, b
        return model


class NearestNeighbourBaseline(_TfidfModel):
    """Copy the output of the most similar training input (TF-IDF cosine).

    Every attribute's confidence is that cosine similarity: a copy from a
    near-duplicate is trusted, one from a loose match is not.
    """

    kind = "nearest"

    def __init__(self, *, schema: str = "cistrome", word_ngrams: tuple[int, int] = (1, 2),
                 char_ngrams: tuple[int, int] = (2, 5), max_features: int | None = 100_000,
                 min_df: int = 1, seed: int = 0) -> None:
        self.schema = schema
        self.word_ngrams, self.char_ngrams = word_ngrams, char_ngrams
        self.max_features, self.min_df, self.seed = max_features, min_df, seed

    def fit(self, texts: Sequence[str], records: Sequence[Record], *, progress: bool = False,
            dev: Any = None) -> NearestNeighbourBaseline:
        schema = self.record_schema
        check_pairs(texts, records, schema)
        features = self._features()
        self.matrix_ = features.fit_transform(list(texts)).astype(np.float32)
        self.features_ = features
        self.outputs_ = [{a: r[a] or "None" for a in schema.attributes} for r in records]
        self.data_hash_ = data_hash(texts, records)
        return self

    def translate(self, texts: Sequence[str], *, batch_size: int = 512,
                  progress: bool = False) -> list[Record]:
        check_fitted(self)
        out: list[Record] = []
        for start in range(0, len(texts), batch_size):
            X = self.features_.transform(list(texts[start : start + batch_size]))
            sims = (X @ self.matrix_.T).toarray()
            best = sims.argmax(axis=1)  # ties: the earliest training pair
            for i, j in enumerate(best):
                sim = float(sims[i, j])
                conf = {a: sim for a in self.record_schema.attributes}
                out.append(make_record(self.record_schema, self.outputs_[j], conf))
        return out

    def save(self, path: str | Path) -> Path:
        path = self._save_common(path)
        (path / "outputs.json").write_text(json.dumps(self.outputs_, ensure_ascii=False))
        save_npz(path / "matrix.npz", **csr_arrays(self.matrix_, "m_"))
        return path

    @classmethod
    def load(cls, path: str | Path) -> NearestNeighbourBaseline:
        model = cls._load_common(path)
        path = Path(path)
        outputs = load_json(path / "outputs.json")
        matrix = csr_from(load_npz(path / "matrix.npz"), "m_", path / "matrix.npz")
        if (not isinstance(outputs, list) or matrix.shape[0] != len(outputs)
                or not all(isinstance(o, dict) for o in outputs)):
            raise ModelError(f"{path}/outputs.json does not match matrix.npz; re-save the model.")
        model.outputs_, model.matrix_ = outputs, matrix
        return model
