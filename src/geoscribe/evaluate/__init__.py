"""The seed paper's evaluation: per-attribute accuracy and weighted precision /
recall of lower-cased values, averaged over attributes, plus condition splits
(value present in the input or not, near-duplicate of a training input or not,
value seen in training or not), reports and bar charts.

Example
-------
>>> from geoscribe import parse
>>> gold = [parse("Cell Line: HeLa - Cell Type: None - Tissue Type: Cervix - Factor: CTCF", "cistrome")]
>>> line = "Cell Line: hela - Cell Type: None - Tissue Type: Blood - Factor: CTCF"
>>> pred = [parse(line, "cistrome", strict=False)]
>>> evaluate(gold, pred).overall.accuracy
0.75
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..errors import InputError
from ..schema import Schema
from .files import PairsFile, align, read_pairs
from .metrics import comparison_form, evaluate, is_present, near_duplicates, score
from .plot import plot_accuracy
from .report import EvaluationReport, Scores, Split, SplitGroup, compare

__all__ = [
    "EvaluationReport",
    "PairsFile",
    "Scores",
    "Split",
    "SplitGroup",
    "align",
    "compare",
    "comparison_form",
    "evaluate",
    "evaluate_files",
    "is_present",
    "near_duplicates",
    "plot_accuracy",
    "read_pairs",
    "score",
    "write_report",
]


def evaluate_files(
    gold: str | Path,
    predictions: Mapping[str, str | Path],
    *,
    schema: str | Schema,
    train: str | Path | None = None,
    near_duplicate_threshold: float = 0.9,
) -> dict[str, EvaluationReport]:
    """Evaluate one or more prediction files (name -> path) against a gold file.

    Test inputs come from the gold file's ``input`` column (else the first
    prediction file's); ``train`` (a pairs file) adds the near-duplicate and
    seen / unseen splits.
    """
    if not predictions:
        raise InputError("no prediction files; pass at least one --pred FILE.")
    gold_file = read_pairs(gold, schema, strict=True)
    pred_files = {name: read_pairs(path, schema, strict=False) for name, path in predictions.items()}
    aligned = {name: align(gold_file, pf) for name, pf in pred_files.items()}
    inputs = gold_file.inputs
    if inputs is None:
        first = next(iter(pred_files.values()))
        if first.inputs is not None and (gold_file.ids is None or first.ids is None):
            inputs = first.inputs  # row order: same rows as gold
    train_file = read_pairs(train, schema, strict=True) if train is not None else None
    if train_file is not None and train_file.inputs is None:
        raise InputError(f"{train_file.path}: no 'input' column; the train file needs input,output columns.")
    return {
        name: evaluate(
            gold_file.records,
            records,
            inputs=inputs,
            train_inputs=train_file.inputs if train_file and inputs is not None else None,
            train_records=train_file.records if train_file else None,
            near_duplicate_threshold=near_duplicate_threshold,
        )
        for name, records in aligned.items()
    }


def write_report(reports: Mapping[str, EvaluationReport], out_dir: str | Path) -> dict[str, Path]:
    """Write ``report.json`` (name -> report), ``report.md`` and ``accuracy.png`` to ``out_dir``."""
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"{out}: cannot create the output folder ({exc.strerror}); choose another --out."
        ) from None
    paths = {"json": out / "report.json", "markdown": out / "report.md", "png": out / "accuracy.png"}
    import json

    paths["json"].write_text(
        json.dumps({name: r.to_dict() for name, r in reports.items()}, indent=2) + "\n", encoding="utf-8"
    )
    md = compare(reports)
    if len(reports) > 1:  # the comparison, then each model's full tables
        md += "".join("\n" + r.to_markdown(title=name) for name, r in reports.items())
    paths["markdown"].write_text(md, encoding="utf-8")
    plot_accuracy(reports, paths["png"])
    return paths
