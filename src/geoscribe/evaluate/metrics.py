"""The seed paper's metric and the condition splits it discusses.

Per attribute, predicted and gold value strings are compared after lower-casing
and stripping both sides; accuracy and precision / recall weighted by the
number of occurrences of each gold value come from scikit-learn, and the
headline figures are their means over attributes (paper, Tables 5-6).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import accuracy_score, precision_recall_fscore_support

from ..errors import InputError
from ..schema import NONE, Record
from .report import EvaluationReport, Scores, Split, SplitGroup

_NONE = NONE.lower()


def comparison_form(value: str) -> str:
    """The paper's comparison form of a value: stripped and lower-cased."""
    return (value or "").strip().lower()


def score(gold: Sequence[str], predicted: Sequence[str]) -> Scores:
    """Accuracy and weighted precision / recall of one attribute's values.

    Both sides are normalised. As scikit-learn defines the weighted averages, a
    label that never occurs in ``gold`` has weight 0, so a value the model made up
    lowers accuracy and recall but not precision.
    """
    g = [comparison_form(v) for v in gold]
    p = [comparison_form(v) for v in predicted]
    if len(g) != len(p):
        raise InputError(f"{len(p)} predicted values for {len(g)} gold values; give one per sample.")
    if not g:
        return Scores(0, None, None, None)
    # integer codes: scikit-learn is much slower on object arrays of strings, and
    # the weighted figures do not depend on what the labels are called
    codes: dict[str, int] = {}
    gi = np.array([codes.setdefault(v, len(codes)) for v in g])
    pi = np.array([codes.setdefault(v, len(codes)) for v in p])
    # one call for both: the same figures as precision_score / recall_score(average="weighted")
    precision, recall, _, _ = precision_recall_fscore_support(gi, pi, average="weighted", zero_division=0)
    return Scores(len(g), float(accuracy_score(gi, pi)), float(precision), float(recall))


def mean_scores(per_attribute: dict[str, Scores], n: int) -> Scores:
    """Mean of each metric over attributes with at least one value (the paper's overall)."""
    scored = [s for s in per_attribute.values() if s.n]
    if not scored:
        return Scores(n, None, None, None)
    return Scores(
        n,
        sum(s.accuracy for s in scored) / len(scored),
        sum(s.precision for s in scored) / len(scored),
        sum(s.recall for s in scored) / len(scored),
    )


def _record_scores(gold: Sequence[Record], predicted: Sequence[Record], attributes) -> SplitGroup:
    per = {a: score([r[a] for r in gold], [r[a] for r in predicted]) for a in attributes}
    return SplitGroup(len(gold), mean_scores(per, len(gold)), per)


def is_present(value: str, text: str) -> bool:
    """Whether ``value`` occurs verbatim (case- and spacing-insensitive) in ``text``;
    a multi-value (``male,female``) counts as present when every part does."""
    return _present(_squash(value), _squash(text))


def _squash(text: str) -> str:
    return " ".join((text or "").lower().split())


def _present(value: str, text: str) -> bool:
    if value and value in text:
        return True
    parts = [p.strip() for p in value.split(",") if p.strip()]
    return len(parts) > 1 and all(p in text for p in parts)


def cell_split(
    gold: Sequence[Record],
    predicted: Sequence[Record],
    groups: dict[str, list[str]],
    *,
    name: str,
    description: str,
    order: Sequence[str],
) -> Split:
    """Score (record, attribute) cells by group; ``groups[attr][i]`` names cell i's group.

    Per attribute, the paper's metric on that attribute's cells of the group; the
    group's overall is pooled over all its cells (labels kept apart per attribute),
    because some attributes have only a handful of cells in a group.
    """
    out: dict[str, SplitGroup] = {}
    for group in order:
        per, pooled_g, pooled_p = {}, [], []
        for attr, labels in groups.items():
            idx = [i for i, lab in enumerate(labels) if lab == group]
            g = [gold[i][attr] for i in idx]
            p = [predicted[i][attr] for i in idx]
            per[attr] = score(g, p)
            pooled_g += [f"{attr}\x1f{comparison_form(v)}" for v in g]
            pooled_p += [f"{attr}\x1f{comparison_form(v)}" for v in p]
        out[group] = SplitGroup(len(pooled_g), score(pooled_g, pooled_p), per)
    return Split(name, "cells", description, out)


def near_duplicates(
    inputs: Sequence[str], train_inputs: Sequence[str], *, threshold: float = 0.9
) -> list[bool]:
    """Whether each input has a training input with TF-IDF cosine >= ``threshold``.

    The vectoriser is fitted on the training inputs only, as a model would be.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    if not train_inputs or not any(t.strip() for t in train_inputs):
        raise InputError(
            "no training inputs to look for near-duplicates in; give a train file with an input column."
        )
    try:
        vectorizer = TfidfVectorizer().fit(train_inputs)
    except ValueError:  # no token of two or more word characters in any training input
        raise InputError("the training inputs hold no words to compare; check the train file's input column.") from None
    train = vectorizer.transform(train_inputs)
    test = vectorizer.transform(inputs)
    flags: list[bool] = []
    for start in range(0, test.shape[0], 512):  # rows are L2-normalised: dot = cosine
        sims = test[start : start + 512] @ train.T
        best = sims.max(axis=1).toarray().ravel()
        flags += [bool(b >= threshold - 1e-9) for b in best]
    return flags


def evaluate(
    gold: Sequence[Record],
    predicted: Sequence[Record],
    *,
    inputs: Sequence[str] | None = None,
    train_inputs: Sequence[str] | None = None,
    train_records: Sequence[Record] | None = None,
    near_duplicate_threshold: float = 0.9,
) -> EvaluationReport:
    """Score predicted records against gold records of one attribute set.

    Parameters
    ----------
    gold, predicted
        Records in the same order, one per test sample.
    inputs
        The test input texts; adds the split "gold value present in / absent from
        the input" (Table 7 of the paper), with ``None`` gold values as their own group.
    train_inputs
        Training input texts; with ``inputs``, adds the split "test input with /
        without a near-duplicate in training" (TF-IDF cosine >= ``near_duplicate_threshold``).
    train_records
        Training records; adds the split "gold value seen / unseen in the training
        outputs of that attribute".

    Returns
    -------
    The report: overall and per-attribute scores, and one entry per split.
    """
    if len(gold) != len(predicted):
        raise InputError(
            f"{len(predicted)} predicted records for {len(gold)} gold records; give one per sample."
        )
    if not gold:
        raise InputError("no gold records to evaluate; the gold file is empty.")
    schema = gold[0].schema
    for r in list(gold) + list(predicted):
        if r.schema != schema:
            raise InputError(
                f"records mix the {schema.name!r} and {r.schema.name!r} sets; evaluate one set at a time."
            )
    attrs = schema.attributes
    overall = _record_scores(gold, predicted, attrs)
    splits: dict[str, Split] = {}
    if inputs is not None:
        if len(inputs) != len(gold):
            raise InputError(f"{len(inputs)} input texts for {len(gold)} gold records; give one per sample.")
        texts = [_squash(t) for t in inputs]
        groups = {
            a: [
                "none"
                if comparison_form(r[a]) == _NONE
                else ("present" if _present(_squash(r[a]), t) else "absent")
                for r, t in zip(gold, texts)
            ]
            for a in attrs
        }
        splits["value_in_input"] = cell_split(
            gold, predicted, groups, name="value_in_input",
            description="gold value present verbatim in the input text vs absent (None gold values apart)",
            order=("present", "absent", "none"),
        )
    if train_records is not None:
        seen = {a: {comparison_form(r[a]) for r in train_records} for a in attrs}
        groups = {
            a: [
                "none" if comparison_form(r[a]) == _NONE else ("seen" if comparison_form(r[a]) in seen[a] else "unseen")
                for r in gold
            ]
            for a in attrs
        }
        splits["value_seen_in_training"] = cell_split(
            gold, predicted, groups, name="value_seen_in_training",
            description="gold value among the training outputs of that attribute vs not "
            "(None gold values apart)",
            order=("seen", "unseen", "none"),
        )
    if inputs is not None and train_inputs is not None:
        flags = near_duplicates(inputs, train_inputs, threshold=near_duplicate_threshold)
        out = {}
        for group, want in (("near_duplicate", True), ("novel", False)):
            idx = [i for i, f in enumerate(flags) if f is want]
            out[group] = _record_scores([gold[i] for i in idx], [predicted[i] for i in idx], attrs)
        splits["near_duplicate"] = Split(
            "near_duplicate", "records",
            f"test input has a training input with TF-IDF cosine >= {near_duplicate_threshold:g} vs not",
            out,
        )
    return EvaluationReport(
        schema=schema.name,
        n=len(gold),
        overall=overall.overall,
        per_attribute=overall.per_attribute,
        splits=splits,
    )
