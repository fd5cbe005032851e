"""``geoscribe read``: show or export the samples of GEO files and sample tables."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from enum import Enum
from pathlib import Path

import typer

from ..errors import InputError
from ..io import read_samples, supported_files, write_samples
from ..io.atomic import check_output
from ..text import FIELDS, Sample, format_sample
from .common import user_errors


class ReadFormat(str, Enum):
    auto = "auto"
    soft = "soft"
    matrix = "matrix"
    miniml = "miniml"
    geometadb = "geometadb"
    csv = "csv"
    tsv = "tsv"
    jsonl = "jsonl"


def _cell(value: str) -> str:
    return re.sub(r"[\t\r\n]+", " ", value)


def _lines(samples: Iterable[Sample], *, formatted: bool) -> Iterator[str]:
    samples = iter(samples)
    first = next(samples, None)  # so that a file failing at once prints no header
    if first is None:
        return
    samples = itertools.chain([first], samples)
    if formatted:
        yield "gsm\tinput"
        for s in samples:
            yield f"{s.gsm}\t{format_sample(s)}"
    else:
        yield "\t".join(FIELDS)
        for s in samples:
            yield "\t".join(_cell(getattr(s, f)) for f in FIELDS)


@user_errors
def read(
    path: Path = typer.Argument(
        ..., metavar="PATH", help="A GEO file, sample table, GEOmetadb .sqlite, or a folder."
    ),
    format: ReadFormat = typer.Option(
        ReadFormat.auto, "--format", "-f", help="Input format; auto sniffs each file."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", metavar="FILE", help="Write FILE.csv, .tsv or .jsonl, not stdout."
    ),
    limit: int | None = typer.Option(
        None, "--limit", "-n", metavar="N", min=1, help="Stop after N samples."
    ),
    formatted: bool = typer.Option(
        False, "--formatted", help="Print gsm and the paper-formatted input line."
    ),
    recursive: bool = typer.Option(
        False, "--recursive", "-r", help="For a folder, also read its subfolders."
    ),
) -> None:
    """Show the samples of GEO files (SOFT, series matrix, MINiML, GEOmetadb, CSV/TSV/JSONL).

    Prints one tab-separated line per sample, or exports them with --output; an
    exported CSV (gsm,input,title,...) feeds `geoscribe translate --input`. For a
    folder, rejected files are reported and skipped, and the exit code is 1.
    """
    if output is not None:
        check_output(output, inputs=[path])
    rejected: list[InputError] = []

    def report(file: Path, exc: InputError) -> None:
        rejected.append(exc)
        typer.echo(f"Skipped: {exc}", err=True)

    folder = path.is_dir()
    samples = read_samples(
        path, format=format.value, recursive=recursive, on_error=report if folder else None
    )
    if limit is not None:
        samples = itertools.islice(samples, limit)
    if output is not None:
        n = write_samples(samples, output)
        typer.echo(f"Wrote {n} samples to {output}", err=True)
    else:
        for line in _lines(samples, formatted=formatted):
            typer.echo(line)
    if rejected:
        n_files = len(supported_files(path, recursive=recursive))
        raise InputError(f"{len(rejected)} of {n_files} files in {path} rejected (see above)")


def register(app: typer.Typer) -> None:
    app.command("read")(read)
