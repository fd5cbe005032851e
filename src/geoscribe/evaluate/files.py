"""Lining up gold and predicted records (read by :mod:`geoscribe.io.records`)."""

from __future__ import annotations

from ..errors import InputError
from ..io.records import PairsFile, read_pairs
from ..schema import Record


def align(gold: PairsFile, predicted: PairsFile) -> list[Record]:
    """Predicted records in the order of ``gold``: by ``gsm`` when both files have
    an id on every row, else by row order."""
    if gold.ids is not None and predicted.ids is not None:
        if len(set(gold.ids)) != len(gold.ids):
            dup = next(i for i in gold.ids if gold.ids.count(i) > 1)
            raise InputError(f"{gold.path}: gsm {dup} appears more than once; ids must be unique.")
        by_id = dict(zip(predicted.ids, predicted.records))
        missing = [i for i in gold.ids if i not in by_id]
        extra = sorted(set(predicted.ids) - set(gold.ids))
        if missing:
            raise InputError(
                f"{predicted.path}: {len(missing)} gold ids have no prediction (first: {missing[0]}); "
                "predict every gold sample."
            )
        if extra:
            raise InputError(
                f"{predicted.path}: {len(extra)} ids are not in the gold file (first: {extra[0]}); "
                "evaluate against the matching gold file."
            )
        if len(predicted.ids) != len(set(predicted.ids)):
            dup = next(i for i in predicted.ids if predicted.ids.count(i) > 1)
            raise InputError(f"{predicted.path}: gsm {dup} appears more than once; ids must be unique.")
        return [by_id[i] for i in gold.ids]
    if len(gold) != len(predicted):
        raise InputError(
            f"{predicted.path}: {len(predicted)} predictions for {len(gold)} gold rows; "
            "rows are matched by order (no gsm column in both), so the counts must agree."
        )
    return list(predicted.records)


__all__ = ["PairsFile", "align", "read_pairs"]
