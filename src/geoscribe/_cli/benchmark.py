"""``geoscribe benchmark``: train and compare models on one seeded split, write one report."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from ..errors import InputError
from .common import SchemaName, user_errors


def _reuse_specs(specs: list[str]) -> dict[str, Path]:
    out: dict[str, Path] = {}
    for spec in specs:
        name, sep, path = spec.partition("=")
        if not sep or not name or not path:
            raise InputError(f"--reuse {spec!r} is not NAME=DIR; e.g. --reuse seq2seq=models/cistrome-seq2seq.")
        out[name.strip()] = Path(path)
    return out


def _param_specs(specs: list[str]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for spec in specs:
        key, sep, value = spec.partition("=")
        name, dot, param = key.partition(".")
        if not sep or not dot or not name or not param:
            raise InputError(f"--param {spec!r} is not MODEL.NAME=VALUE; e.g. --param lstm.max_epochs=3.")
        try:
            out.setdefault(name, {})[param] = json.loads(value)
        except json.JSONDecodeError:
            out.setdefault(name, {})[param] = value  # a plain string, e.g. a path
    return out


@user_errors
def benchmark(
    schema: SchemaName = typer.Option(..., "--schema", "-s", help="Attribute set."),
    out: Path = typer.Option(..., "--out", "-o", metavar="DIR", help="Write report.md, accuracy.png, report.json, predictions/ here."),
    models: str = typer.Option(
        "seq2seq,linear,nearest,lstm,classifier", "--models", "-m", metavar="KINDS", help="Comma-separated model kinds."
    ),
    reuse: list[str] = typer.Option(
        [], "--reuse", metavar="NAME=DIR",
        help="Evaluate a saved model instead of training NAME (repeatable). The bundled seq2seq is reused "
        "automatically when it was trained on exactly this split.",
    ),
    data: Path | None = typer.Option(None, "--data", metavar="FILE", help="Pairs file (default: <shared data>/<schema>/pairs.csv)."),
    limit: int | None = typer.Option(None, "--limit", min=20, metavar="N", help="Use a seeded random N of the pairs (quick runs)."),
    max_minutes: float | None = typer.Option(
        None, "--max-minutes", min=0.1, metavar="M", help="Stop training models that support a time cap (lstm) after M minutes."
    ),
    param: list[str] = typer.Option([], "--param", metavar="MODEL.NAME=VALUE", help="Constructor override, e.g. lstm.max_epochs=3."),
    retrain: bool = typer.Option(False, "--retrain", help="Train seq2seq even when the bundled model fits this split."),
    save_models: bool = typer.Option(False, "--save-models", help="Also save every trained model under DIR/models/."),
    threads: int | None = typer.Option(None, "--threads", min=1, metavar="N", help="torch threads (e.g. 1 on a shared machine)."),
    seed: int = typer.Option(0, "--seed", help="Split and training seed."),
) -> None:
    """Train every model on the same seeded 90/10 split, evaluate all of them, and write one Markdown report.

    The report holds the overall table (accuracy, weighted precision / recall,
    epochs, training time, throughput), the per-attribute chart, the condition
    splits, examples where models disagree, and where a baseline beats a neural model.
    """
    from ..benchmark import run_benchmark, write_benchmark_report

    kinds = [m.strip() for m in models.split(",") if m.strip()]
    if threads:
        import torch

        torch.set_num_threads(threads)
    result = run_benchmark(
        data, schema=schema.value, models=kinds, reuse=_reuse_specs(reuse), reuse_bundled=not retrain,
        params=_param_specs(param), limit=limit, max_minutes=max_minutes, seed=seed,
        save_models=out / "models" if save_models else None, log=lambda line: typer.echo(line, err=True),
    )
    paths = write_benchmark_report(result, out)
    for name, run in result.runs.items():
        o = run.report.overall
        typer.echo(f"{name:12s} accuracy {o.accuracy:.3f}  precision {o.precision:.3f}  recall {o.recall:.3f}  "
                   f"{run.throughput:.1f} samples/s")
    typer.echo(f"Wrote {paths['markdown']}", err=True)


def register(app: typer.Typer) -> None:
    app.command("benchmark")(benchmark)
