"""Train any registered model on a pairs file, with a seeded dev split and a report.

One function serves ``geoscribe train``, the benchmarks and the bundled defaults,
so every figure comes from the same split.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from ..schema import Record, get_schema
from .base import Translator, model_class


@dataclass
class Split:
    train_texts: list[str]
    train_records: list[Record]
    dev_texts: list[str]
    dev_records: list[Record]


def split_pairs(
    texts: list[str], records: list[Record], *, dev_fraction: float = 0.1,
    seed: int | np.random.Generator = 0,
) -> Split:
    """A seeded random train/dev split (the benchmarks' fixed 90/10 split with the defaults).

    ``seed`` may be a generator: a model that draws more numbers from it after the
    split (batch order) then gets the same stream as if it had cut the split itself.
    """
    if not 0 < dev_fraction < 1:
        raise InputError(f"dev fraction must be between 0 and 1, got {dev_fraction}.")
    order = np.random.default_rng(seed).permutation(len(texts))
    n_dev = max(1, int(round(dev_fraction * len(texts))))
    dev, train = order[:n_dev], order[n_dev:]
    return Split(
        [texts[i] for i in train],
        [records[i] for i in train],
        [texts[i] for i in dev],
        [records[i] for i in dev],
    )


def train_and_dev(
    texts: list[str], records: list[Record], dev: tuple | None, *, dev_fraction: float,
    seed: int | np.random.Generator,
) -> tuple[list[str], list[Record], tuple | None]:
    """``(train texts, train records, dev pairs)`` for a model's ``fit``: ``dev`` as given,
    else a :func:`split_pairs` cut of ``dev_fraction`` (none when 0, or under 10 pairs)."""
    if dev is None and dev_fraction > 0 and len(texts) >= 10:
        split = split_pairs(texts, records, dev_fraction=dev_fraction, seed=seed)
        return split.train_texts, split.train_records, (split.dev_texts, split.dev_records)
    return texts, records, dev


def read_training_pairs(path: str | Path, schema: str) -> tuple[list[str], list[Record]]:
    """``input``/``output`` columns of a pairs CSV or JSONL, outputs parsed strictly."""
    from ..evaluate import read_pairs

    pairs = read_pairs(path, schema, strict=True)
    if pairs.inputs is None:
        raise InputError(f"{path}: no 'input' column; training needs input,output pairs.")
    return pairs.inputs, pairs.records


def _add_metadata(path: Path, extra: dict[str, Any]) -> None:
    """Merge ``extra`` into a saved model's metadata.json (every model kind writes one)."""
    import json

    from ..estimator import METADATA_FILE, read_metadata

    meta = {**read_metadata(path), **extra}
    (path / METADATA_FILE).write_text(json.dumps(meta, indent=2, default=str) + "\n")


def train_model(
    data: str | Path,
    out: str | Path,
    *,
    schema: str = "cistrome",
    kind: str = "seq2seq",
    params: dict[str, Any] | None = None,
    dev_fraction: float = 0.1,
    seed: int = 0,
    limit: int | None = None,
    progress: bool = False,
    log: Callable[[str], None] | None = None,
) -> tuple[Translator, dict]:
    """Train a ``kind`` model on ``data``, save it to ``out``, and evaluate it on the dev split.

    The checkpoint folder ``out/checkpoint`` makes an interrupted run resumable
    (for models that support it); the dev report lands in ``out/report``.
    Returns the model and the report's dict form.
    """
    from ..evaluate import evaluate, write_report

    schema = get_schema(schema).name
    texts, records = read_training_pairs(data, schema)
    if limit:
        texts, records = texts[:limit], records[:limit]
    split = split_pairs(texts, records, dev_fraction=dev_fraction, seed=seed)
    cls = model_class(kind)
    model = cls(**{"schema": schema, "seed": seed, **(params or {})})
    out = Path(out)
    fit_kwargs: dict[str, Any] = {"dev": (split.dev_texts, split.dev_records), "progress": progress}
    if kind in ("seq2seq", "hybrid"):
        fit_kwargs.update(checkpoint_dir=out / "checkpoint", log=log)
    model.fit(split.train_texts, split.train_records, **fit_kwargs)
    predicted = model.translate(split.dev_texts, progress=progress)
    report = evaluate(
        split.dev_records,
        predicted,
        inputs=split.dev_texts,
        train_inputs=split.train_texts,
        train_records=split.train_records,
    )
    model.save(out)
    _add_metadata(out, {
        "dev_report": report.to_dict()["overall"],
        "training_data": str(data),
        "dev_fraction": dev_fraction,
        "split_seed": seed,
    })
    write_report({kind: report}, out / "report")
    return model, report.to_dict()
