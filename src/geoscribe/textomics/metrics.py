"""The paper's metrics: BLEU-1..4, ROUGE-1/2/L, METEOR, NIST (nltk, rouge-score), Spearman, RMSE.

Text scores are means of sentence-level scores over (hypothesis, reference)
pairs, on the lower-cased word/punctuation tokens of :func:`~.dataset.tokenize`.
BLEU-2..4 use nltk's smoothing method 1 so that a missing 4-gram does not zero a
sentence; BLEU-1 is unsmoothed.

METEOR's synonym stage needs the WordNet corpus, which ``nltk.download`` cannot
fetch without internet. When nltk finds no WordNet, METEOR runs its exact and
Porter-stem matching stages only and the result is reported as ``METEOR-nosyn``
(:data:`METEOR_VARIANT` says which one ran); it is then a slight underestimate
of full METEOR.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np

from .dataset import tokenize

TEXT_METRICS = ("BLEU-1", "BLEU-2", "BLEU-3", "BLEU-4", "ROUGE-1", "ROUGE-2", "ROUGE-L", "METEOR", "NIST")


class _NoSynonyms:
    """Stands in for nltk's WordNet reader: no synonyms, so METEOR = exact + stem stages."""

    @staticmethod
    def synsets(word, *args, **kwargs):  # noqa: ARG004 - nltk's call signature
        return []


def _wordnet():
    try:
        from nltk.corpus import wordnet

        wordnet.synsets("gene")
        return wordnet, "METEOR"
    except LookupError:
        return _NoSynonyms(), "METEOR-nosyn"


_WN, METEOR_VARIANT = _wordnet()


def text_scores(hypotheses: Sequence[str], references: Sequence[str]) -> dict[str, float]:
    """Mean BLEU-1..4, ROUGE-1/2/L (F1), METEOR and NIST of ``hypotheses`` against ``references``."""
    from nltk.translate.bleu_score import SmoothingFunction, sentence_bleu
    from nltk.translate.meteor_score import single_meteor_score
    from nltk.translate.nist_score import sentence_nist
    from rouge_score import rouge_scorer

    if len(hypotheses) != len(references):
        raise ValueError(f"{len(hypotheses)} hypotheses but {len(references)} references")
    smooth = SmoothingFunction().method1
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=False)
    weights = {1: (1.0,), 2: (0.5, 0.5), 3: (1 / 3,) * 3, 4: (0.25,) * 4}
    acc: dict[str, list[float]] = {m: [] for m in TEXT_METRICS}
    for hyp, ref in zip(hypotheses, references):
        h, r = tokenize(hyp), tokenize(ref)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # nltk warns about zero n-gram overlaps
            for n, w in weights.items():
                acc[f"BLEU-{n}"].append(sentence_bleu([r], h, weights=w, smoothing_function=None if n == 1 else smooth))
        rs = scorer.score(ref, hyp)
        acc["ROUGE-1"].append(rs["rouge1"].fmeasure)
        acc["ROUGE-2"].append(rs["rouge2"].fmeasure)
        acc["ROUGE-L"].append(rs["rougeL"].fmeasure)
        acc["METEOR"].append(single_meteor_score(r, h, wordnet=_WN) if h and r else 0.0)
        try:
            acc["NIST"].append(sentence_nist([r], h) if h and r else 0.0)
        except ZeroDivisionError:  # hypothesis shorter than every n-gram order
            acc["NIST"].append(0.0)
    return {m: float(np.mean(v)) if v else math.nan for m, v in acc.items()}


PAPER_METRICS = tuple(f"paper {m}" for m in TEXT_METRICS)


def paper_text_scores(hypotheses: Sequence[str], references: Sequence[str]) -> dict[str, float]:
    """The scores as the authors' ``main.py`` computes them, for figures set beside the paper's tables.

    Tokens are the texts split on single spaces (case kept, punctuation attached);
    BLEU-n is the *single* n-gram order (weights ``(0,..,1,..)``, unsmoothed, so one
    missing n-gram order gives 0); ROUGE-1/2/L are *recall* with the Porter stemmer;
    METEOR and NIST (n=5) on the same tokens. Names carry a ``paper`` prefix.
    """
    from nltk.translate.bleu_score import sentence_bleu
    from nltk.translate.meteor_score import single_meteor_score
    from nltk.translate.nist_score import sentence_nist
    from rouge_score import rouge_scorer

    if len(hypotheses) != len(references):
        raise ValueError(f"{len(hypotheses)} hypotheses but {len(references)} references")
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    acc: dict[str, list[float]] = {m: [] for m in PAPER_METRICS}
    for hyp, ref in zip(hypotheses, references):
        h, r = hyp.split(" "), ref.split(" ")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for n in range(1, 5):
                w = tuple(1.0 if i == n - 1 else 0.0 for i in range(4))
                acc[f"paper BLEU-{n}"].append(sentence_bleu([r], h, weights=w))
        rs = scorer.score(ref, hyp)
        for name, key in (("ROUGE-1", "rouge1"), ("ROUGE-2", "rouge2"), ("ROUGE-L", "rougeL")):
            acc[f"paper {name}"].append(rs[key].recall)
        acc["paper METEOR"].append(single_meteor_score(r, h, wordnet=_WN) if hyp.strip() and ref.strip() else 0.0)
        try:
            acc["paper NIST"].append(sentence_nist([r], h))
        except ZeroDivisionError:
            acc["paper NIST"].append(0.0)
    return {m: float(np.mean(v)) if v else math.nan for m, v in acc.items()}


def rmse(pred: np.ndarray, truth: np.ndarray) -> float:
    """Root mean squared error over all entries (the paper's Text2Vec loss, eq. 10)."""
    pred, truth = np.asarray(pred, dtype=np.float64), np.asarray(truth, dtype=np.float64)
    return float(np.sqrt(np.mean((pred - truth) ** 2)))


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman rank correlation (scipy)."""
    from scipy.stats import spearmanr

    return float(spearmanr(np.ravel(a), np.ravel(b)).statistic)


def pairwise_upper(m: np.ndarray) -> np.ndarray:
    """Upper-triangle (i < j) entries of a square pairwise matrix, flattened."""
    i, j = np.triu_indices(len(m), k=1)
    return m[i, j]
