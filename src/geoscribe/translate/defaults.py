"""The bundled default models and the one-call translation API."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path

from ..errors import ModelError
from ..paths import models_dir
from ..schema import Record, get_schema
from ..text import Sample, TextFormat, clean_input, format_sample, sanitise_sample
from .base import Translator, load_model

#: the kind of the bundled default model; ``models/<schema>-<kind>`` holds each bundled model
DEFAULT_KIND = "hybrid"


def default_model_path(schema: str, kind: str = DEFAULT_KIND) -> Path:
    """Directory of the bundled ``kind`` model for ``schema`` (the default translator unless named)."""
    schema = get_schema(schema).name
    return models_dir() / f"{schema}-{kind}"


_LOADED: dict[str, Translator] = {}


def get_model(schema: str, model: str | Path | Translator | None = None) -> Translator:
    """``model`` if given (a Translator or a saved model directory), else the bundled default."""
    if isinstance(model, Translator):
        return model
    path = Path(model) if model is not None else default_model_path(schema)
    if model is None and not path.is_dir():
        raise ModelError(
            f"No bundled {schema} model at {path}. Train one with "
            f"'geoscribe train --schema {schema} --data PAIRS.csv --out DIR' and pass --model DIR."
        )
    key = str(path.resolve())
    if key not in _LOADED:
        _LOADED[key] = load_model(path)
    loaded = _LOADED[key]
    if get_schema(getattr(loaded, "schema", schema)).name != get_schema(schema).name:
        raise ModelError(
            f"Model {path} translates to the {loaded.schema!r} set, not {schema!r}; "
            f"pass --schema {loaded.schema} or another --model."
        )
    return loaded


def translate(
    texts: Sequence[str | Sample],
    *,
    schema: str = "cistrome",
    model: str | Path | Translator | None = None,
    fmt: TextFormat | None = None,
    batch_size: int = 64,
    progress: bool = False,
    min_confidence: float | None = None,
) -> list[Record]:
    """Translate texts (or :class:`Sample` objects, formatted with the paper's rules).

    A translator that reads samples (the default hybrid) gets the :class:`Sample` itself,
    so that grounding can read its type, library strategy and platform; ``min_confidence``
    is its abstention threshold for values that only the model supports."""
    translator = get_model(schema, model)
    inputs = [_prepare(t, fmt, translator) for t in texts]
    if getattr(translator, "reads_samples", False):
        return translator.translate(inputs, batch_size=batch_size, progress=progress, min_confidence=min_confidence)
    return translator.translate(inputs, batch_size=batch_size, progress=progress)


def _prepare(item: str | Sample, fmt: TextFormat | None, translator: Translator) -> str | Sample:
    """One input cleaned (invalid characters, size cap: geoscribe.text), as the translator reads it."""
    if isinstance(item, Sample):
        if fmt is None and getattr(translator, "reads_samples", False):
            return sanitise_sample(item)
        return clean_input(format_sample(item, fmt) if fmt else format_sample(item))
    return clean_input(item if isinstance(item, str) else "")


def translate_stream(
    samples: Iterable[Sample],
    *,
    schema: str = "cistrome",
    model: str | Path | Translator | None = None,
    chunk_size: int = 2048,
    batch_size: int = 64,
    min_confidence: float | None = None,
) -> Iterator[tuple[Sample, str, Record]]:
    """Translate a stream of samples chunk by chunk, in input order, in bounded memory.

    Yields ``(sample, formatted input line, record)``.
    """
    translator = get_model(schema, model)
    it = iter(samples)
    while chunk := list(islice(it, chunk_size)):
        lines = [clean_input(format_sample(s)) for s in chunk]  # see geoscribe.text.sanitise
        if getattr(translator, "reads_samples", False):
            records = translator.translate([sanitise_sample(s) for s in chunk], batch_size=batch_size,
                                           min_confidence=min_confidence)
        else:
            records = translator.translate(lines, batch_size=batch_size)
        for s, line, rec in zip(chunk, lines, records):
            yield s, line, rec
