"""``geoscribe translate`` and ``geoscribe train``."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from enum import Enum
from pathlib import Path

import typer

from ..errors import InputError
from ..io.atomic import check_output
from ..text import Sample, sanitise_sample
from .common import SchemaName, user_errors


class OutputFormat(str, Enum):
    line = "line"
    jsonl = "jsonl"
    csv = "csv"


def _samples(text: str | None, input: Path | None, fmt: str) -> Iterator[Sample]:
    if text is not None and input is not None:
        raise InputError("Give either a TEXT argument or --input FILE, not both.")
    if input is not None:
        from ..io import read_samples

        return read_samples(input, format=None if fmt == "auto" else fmt)
    if text is not None and text != "-":
        return iter([sanitise_sample(Sample(text=text))])  # undecodable argv bytes -> U+FFFD
    if sys.stdin is None or sys.stdin.isatty():
        raise InputError("Nothing to translate: give a TEXT argument, --input FILE, or pipe text on stdin.")
    return (sanitise_sample(Sample(text=line.rstrip("\r\n"))) for line in _stdin_lines() if line.strip())


def _stdin_lines() -> Iterator[str]:
    """stdin's lines; bytes that are not UTF-8 become lone surrogates, which the sanitiser replaces."""
    raw = getattr(sys.stdin, "buffer", None)
    if raw is None:
        yield from sys.stdin
        return
    for line in raw:
        yield line.decode("utf-8", "surrogateescape")


@user_errors
def translate(
    text: str | None = typer.Argument(None, help="A sample description; '-' or nothing reads lines from stdin."),
    schema: SchemaName = typer.Option(SchemaName.cistrome, "--schema", "-s", help="Attribute set."),
    model: Path | None = typer.Option(None, "--model", "-m", help="A model directory (default: the bundled one)."),
    input: Path | None = typer.Option(
        None, "--input", "-i", help="Samples to translate: CSV/TSV/JSONL with an 'input' column, or any GEO file."
    ),
    input_format: str = typer.Option("auto", "--input-format", help="Format of --input (as for 'geoscribe read')."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write here (.csv, .jsonl or text); default stdout."),
    to: OutputFormat | None = typer.Option(None, "--to", help="Output format; default from --output's suffix, else line."),
    normalise: bool = typer.Option(False, "--normalise", help="Add ontology terms to each value (JSON Lines output)."),
    batch_size: int = typer.Option(64, "--batch-size", min=1, help="Samples decoded together."),
    min_confidence: float | None = typer.Option(
        None, "--min-confidence", min=0.0, max=1.0,
        help="Abstain from values only the model supports when its confidence is lower (default: the model's, 0.5).",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Translate GEO sample text into a 'Key: value - ...' record.

    The batch form `--input samples.csv --output out.csv` writes the columns
    input,output in input order.
    """
    from ..io.tables import write_records
    from ..progress import with_progress
    from ..translate import get_model, translate_stream

    if output is not None:
        check_output(output, inputs=[input], make_parent=True)
    translator = get_model(schema.value, model)
    samples = _samples(text, input, input_format)
    stream = translate_stream(samples, schema=schema.value, model=translator, batch_size=batch_size,
                              min_confidence=min_confidence)
    if normalise:
        stream = _normalised(stream)
    stream = with_progress(stream, desc="translating", unit=" samples", enabled=input is not None and not quiet)
    n = write_records(stream, output, format=to.value if to else None)
    if output is not None and not quiet:
        typer.echo(f"Translated {n} samples to {output}", err=True)


def _normalised(stream):
    try:
        from ..ontology import normalise_translations
    except ImportError:
        raise InputError("Ontology normalisation is not available in this install.") from None
    return normalise_translations(stream)


@user_errors
def train(
    schema: SchemaName = typer.Option(..., "--schema", "-s", help="Attribute set."),
    data: Path = typer.Option(..., "--data", "-d", help="Pairs CSV/JSONL with input,output columns."),
    out: Path = typer.Option(..., "--out", "-o", help="Model directory to write (resumes from out/checkpoint)."),
    kind: str = typer.Option("seq2seq", "--kind", help="Model kind: hybrid (the bundled kind), seq2seq, lstm, classifier, linear, nearest, causal-lm."),
    epochs: int | None = typer.Option(None, "--epochs", min=1, help="Maximum epochs (early stopping on dev accuracy)."),
    dev_fraction: float = typer.Option(0.1, "--dev-fraction", help="Held-out share for early stopping and the report."),
    seed: int = typer.Option(0, "--seed", help="Seed of the split, initialisation and shuffling."),
    param: list[str] = typer.Option([], "--param", "-p", help="Model parameter NAME=VALUE (JSON value), repeatable."),
    limit: int | None = typer.Option(None, "--limit", min=10, help="Use only the first N pairs."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Train a translator on input,output pairs, with early stopping and a dev report."""
    from ..translate.training import train_model

    params = {}
    for item in param:
        name, sep, value = item.partition("=")
        if not sep:
            raise InputError(f"--param {item!r} is not NAME=VALUE.")
        try:
            params[name] = json.loads(value)
        except json.JSONDecodeError:
            params[name] = value
    if epochs is not None:
        params["epochs"] = epochs
    _, report = train_model(
        data, out, schema=schema.value, kind=kind, params=params, dev_fraction=dev_fraction,
        seed=seed, limit=limit, progress=not quiet, log=lambda s: typer.echo(s, err=True),
    )
    overall = report.get("overall", {})
    typer.echo(
        f"Saved {kind} model to {out}; dev accuracy {overall.get('accuracy', float('nan')):.4f}, "
        f"weighted precision {overall.get('precision', float('nan')):.4f}, "
        f"weighted recall {overall.get('recall', float('nan')):.4f} (report in {out / 'report'})"
    )


def register(app: typer.Typer) -> None:
    app.command("translate")(translate)
    app.command("train")(train)
