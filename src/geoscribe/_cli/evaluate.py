"""``geoscribe evaluate``: score prediction files against a gold file."""

from __future__ import annotations

from pathlib import Path

import typer

from ..errors import InputError
from .common import user_errors


def _parse_pred_specs(specs: list[str]) -> dict[str, Path]:
    """``NAME=PATH`` or ``PATH`` (named after the file) -> {name: path}."""
    out: dict[str, Path] = {}
    for spec in specs:
        name, sep, rest = spec.partition("=")
        if sep and name and rest and not Path(spec).exists():
            path = Path(rest)
        else:
            name, path = Path(spec).stem, Path(spec)
        if name in out:
            raise InputError(f"two predictions named {name!r}; name them with --pred NAME=FILE.")
        out[name] = path
    return out


@user_errors
def evaluate_command(
    schema: str = typer.Option(..., "--schema", "-s", metavar="SET", help="Attribute set: cistrome or encode."),
    gold: Path = typer.Option(
        ..., "--gold", "-g", metavar="FILE",
        help="Gold file: CSV with gsm,input,output or input,output columns, or JSONL.",
    ),
    pred: list[str] = typer.Option(
        ..., "--pred", "-p", metavar="FILE|NAME=FILE", help="Predictions: FILE or NAME=FILE; repeat to compare models."
    ),
    train: Path | None = typer.Option(
        None, "--train", metavar="FILE", help="Training pairs file; adds near-duplicate and seen/unseen splits."
    ),
    out: Path | None = typer.Option(
        None, "--out", "-o", metavar="DIR", help="Write report.json, report.md, accuracy.png here."
    ),
    threshold: float = typer.Option(
        0.9,
        "--dup-threshold",
        metavar="COSINE",
        help="TF-IDF cosine at or above which a test input has a near-duplicate.",
    ),
) -> None:
    """Score predictions with the seed paper's metric and print a Markdown table.

    Values are compared per attribute after lower-casing and stripping; accuracy
    and weighted precision / recall are averaged over attributes. Rows are matched
    by gsm when both files have one on every row, else by order.
    """
    from ..evaluate import compare, evaluate_files, write_report

    if not 0.0 < threshold <= 1.0:
        raise InputError(f"--dup-threshold {threshold:g} is outside (0, 1]; use e.g. 0.9.")
    reports = evaluate_files(
        gold, _parse_pred_specs(pred), schema=schema, train=train, near_duplicate_threshold=threshold
    )
    typer.echo(compare(reports), nl=False)
    if out is not None:
        paths = write_report(reports, out)
        typer.echo(f"\nWrote {', '.join(str(p) for p in paths.values())}", err=True)


def register(app: typer.Typer) -> None:
    app.command("evaluate")(evaluate_command)
