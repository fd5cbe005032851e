"""The translator contract on top of :mod:`geoscribe.estimator`, and :data:`MODELS`.

A translator is an :class:`~geoscribe.estimator.Estimator` whose ``fit`` takes
texts and :class:`~geoscribe.schema.Record` objects and whose ``translate`` maps
texts to records of its ``schema``. :func:`load_model` reads a saved directory's
``kind``, looks it up in :data:`MODELS` and calls the class's ``load``.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import ModelError
from ..estimator import (  # noqa: F401  (the core names stay importable from here, as before)
    CONFIG_FILE,
    METADATA_FILE,
    Estimator,
    check_fitted,
    data_hash,
    new_from_config,
    read_metadata,
    read_model_config,
    write_model_files,
)
from ..schema import Record, Schema, get_schema


class Translator(Estimator):
    """Base class of every text -> Record model."""

    #: True for a model whose translate() also takes :class:`~geoscribe.text.Sample` objects
    reads_samples = False

    def fit(self, texts: Sequence[str], records: Sequence[Record], **kwargs: Any) -> Translator:
        raise NotImplementedError

    def translate(self, texts: Sequence[str], **kwargs: Any) -> list[Record]:
        raise NotImplementedError

    @property
    def record_schema(self) -> Schema:
        """The :class:`Schema` named by the ``schema`` parameter: the attributes this model fills."""
        return get_schema(self.schema)  # type: ignore[attr-defined]


class _Registry(Mapping[str, type]):
    """kind -> translator class; each class is imported on first use, so that naming
    the kinds (or loading a light model) does not import torch."""

    def __init__(self, targets: dict[str, str]) -> None:
        self._targets = targets  # kind -> "module:Class"

    def __getitem__(self, kind: str) -> type[Translator]:
        try:
            target = self._targets[kind]
        except KeyError:
            raise ModelError(f"Unknown model kind {kind!r}. Known kinds: {', '.join(self._targets)}.") from None
        module, _, name = target.partition(":")
        try:
            return getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError) as exc:
            raise ModelError(f"Model kind {kind!r} is not available in this install: {exc}.") from None

    def __contains__(self, kind: object) -> bool:
        return kind in self._targets

    def __iter__(self) -> Iterator[str]:
        return iter(self._targets)

    def __len__(self) -> int:
        return len(self._targets)


#: The public registry: model kind (the ``kind`` in a saved config.json) -> translator class.
MODELS: Mapping[str, type[Translator]] = _Registry({
    "hybrid": "geoscribe.translate.hybrid:HybridTranslator",
    "seq2seq": "geoscribe.translate.seq2seq:Seq2SeqTranslator",
    "causal-lm": "geoscribe.translate.causal_lm:CausalLMTranslator",
    "lstm": "geoscribe.translate.lstm:LSTMTranslator",
    "classifier": "geoscribe.translate.classifier:MultiLabelClassifier",
    "linear": "geoscribe.translate.baselines:LinearBaseline",
    "nearest": "geoscribe.translate.baselines:NearestNeighbourBaseline",
})


def model_class(kind: str) -> type[Translator]:
    """The class registered under ``kind`` in :data:`MODELS` (a :class:`ModelError` if none)."""
    return MODELS[kind]


def load_model(path: str | Path) -> Translator:
    """Load any saved model directory by its ``kind``."""
    config = read_model_config(path)
    return model_class(config["kind"]).load(path)
