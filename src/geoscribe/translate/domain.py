"""How much an input looks like the translator's training data: a model's belief is only worth
as much as that.

The paper's pairs are ChIP-seq-centric ENCODE and Cistrome texts; most of the archive is
expression arrays and RNA-seq of tissues and patients. A translator fitted on the pairs
carries their world into every answer - ``Project: ENCODE``, ``Assay name: ChIP-seq``,
``Genome assembly: GRCh38,hg19`` - with the confidence it learned in that world. A small
logistic regression over TF-IDF words, fitted to tell the training inputs from real archive
texts, gives ``P(in domain)`` per input; grounding multiplies a ``model`` value's confidence by
it, so the training world's defaults are not emitted for records from another world. Values
that are stated, copied or known about a named entity do not depend on it.

The fitted state is plain numbers and words (``to_dict``), saved as JSON: no pickle.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


class DomainModel:
    """``P(input is like the training inputs)`` from words (see the module docstring).

    ``max_features`` words and word pairs are kept; ``C`` is the logistic regression's inverse
    regularisation; ``max_chars`` bounds what is read of one text.
    """

    def __init__(self, *, max_features: int = 20000, C: float = 1.0, max_chars: int = 4000, seed: int = 0) -> None:
        self.max_features = max_features
        self.C = C
        self.max_chars = max_chars
        self.seed = seed

    def _vectorizer(self, vocabulary: dict[str, int] | None = None):
        from sklearn.feature_extraction.text import TfidfVectorizer

        return TfidfVectorizer(lowercase=True, ngram_range=(1, 2), min_df=2, max_features=self.max_features,
                               sublinear_tf=True, token_pattern=r"(?u)\b[A-Za-z][A-Za-z0-9]+\b",
                               vocabulary=vocabulary, dtype=np.float32)

    def fit(self, inside: Sequence[str], outside: Sequence[str]) -> DomainModel:
        """Learn to tell ``inside`` (the training inputs) from ``outside`` (archive texts);
        both classes get equal weight whatever their sizes."""
        from sklearn.linear_model import LogisticRegression

        texts = [t[: self.max_chars] for t in list(inside) + list(outside)]
        y = np.array([1] * len(inside) + [0] * len(outside))
        vec = self._vectorizer()
        X = vec.fit_transform(texts)
        clf = LogisticRegression(C=self.C, class_weight="balanced", max_iter=2000, random_state=self.seed)
        clf.fit(X, y)
        self.vocabulary_ = {str(k): int(v) for k, v in sorted(vec.vocabulary_.items(), key=lambda kv: kv[1])}
        self.idf_ = vec.idf_.astype(np.float32)
        self.coef_ = clf.coef_[0].astype(np.float32)
        self.intercept_ = float(clf.intercept_[0])
        return self

    def probability(self, texts: Sequence[str]) -> np.ndarray:
        """``P(in domain)`` of each text."""
        if not len(texts):
            return np.zeros(0)
        vec = self._vectorizer(self.vocabulary_)
        vec.fit([""])  # sets up the analyser; the vocabulary is fixed, idf is set below
        vec.idf_ = self.idf_
        X = vec.transform([t[: self.max_chars] for t in texts])
        z = X @ self.coef_ + self.intercept_
        return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=np.float64)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "params": {"max_features": self.max_features, "C": self.C, "max_chars": self.max_chars, "seed": self.seed},
            "vocabulary": list(self.vocabulary_),
            "idf": [round(float(x), 5) for x in self.idf_],
            "coef": [round(float(x), 5) for x in self.coef_],
            "intercept": self.intercept_,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DomainModel:
        obj = cls(**data["params"])
        words = [str(w) for w in data["vocabulary"]]
        obj.vocabulary_ = {w: i for i, w in enumerate(words)}
        obj.idf_ = np.asarray(data["idf"], dtype=np.float32)
        obj.coef_ = np.asarray(data["coef"], dtype=np.float32)
        obj.intercept_ = float(data["intercept"])
        if not (len(words) == len(obj.idf_) == len(obj.coef_)):
            raise ValueError("vocabulary, idf and coef differ in length")
        return obj
