"""Rebuild the seed paper's model comparison on one seeded split, as one Markdown report.

Every model sees the same split (``split_pairs(..., dev_fraction=0.1, seed=0)``
of ``<data>/<schema>/pairs.csv``, the split the bundled models were trained
on), is scored by :mod:`geoscribe.evaluate`, and lands in one report with
timings, the per-attribute chart, the condition splits, examples where the
models disagree, and a statement, computed from the figures, of where a
baseline beats a neural model.

Example
-------
>>> result = run_benchmark(schema="cistrome", models=["nearest", "linear"], limit=500)  # doctest: +SKIP
>>> write_benchmark_report(result, "bench/")  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import inspect
import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .errors import InputError, ModelError
from .evaluate import EvaluationReport, compare, evaluate, comparison_form, plot_accuracy
from .schema import Record, get_schema

#: kinds the report treats as the cheap references, and as neural models
BASELINE_KINDS = ("linear", "nearest")
NEURAL_KINDS = ("hybrid", "seq2seq", "lstm", "classifier", "causal-lm")
#: kinds bundled in models/, reused when trained on exactly the benchmark's training split
BUNDLED_KINDS = ("hybrid", "seq2seq")


@dataclass
class ModelRun:
    """One model's predictions on the test split, its scores and its costs."""

    name: str
    kind: str
    report: EvaluationReport
    predictions: list[Record]
    translate_seconds: float
    fit_seconds: float | None = None  # None: reused and its metadata does not say
    epochs: int | None = None  # epochs run
    best_epoch: int | None = None  # epoch whose weights were kept
    reused_from: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def throughput(self) -> float:
        return len(self.predictions) / max(self.translate_seconds, 1e-9)


@dataclass
class BenchmarkResult:
    """Everything the report shows: the split and one :class:`ModelRun` per model."""

    schema: str
    data: str
    seed: int
    dev_fraction: float
    limit: int | None
    train_texts: list[str]
    train_records: list[Record]
    test_texts: list[str]
    test_records: list[Record]
    runs: dict[str, ModelRun]
    threads: int | None = None


def run_benchmark(
    data: str | Path | None = None,
    *,
    schema: str = "cistrome",
    models: Sequence[str] = ("nearest", "linear"),
    reuse: Mapping[str, str | Path] | None = None,
    reuse_bundled: bool = True,
    params: Mapping[str, Mapping[str, Any]] | None = None,
    limit: int | None = None,
    max_minutes: float | None = None,
    dev_fraction: float = 0.1,
    seed: int = 0,
    save_models: str | Path | None = None,
    progress: bool = False,
    log: Callable[[str], None] | None = None,
) -> BenchmarkResult:
    """Train (or reuse) each model on the seeded split and evaluate it on the held-out part.

    ``reuse`` maps a model name to a saved model directory that is evaluated
    instead of trained; with ``reuse_bundled`` the bundled seq2seq model is
    reused when it was trained on exactly this training split (same data hash).
    Freshly trained models hold out their own early-stopping data from the
    training part, never the test part. ``max_minutes`` caps the training time
    of the kinds that take a ``max_minutes`` parameter; ``params`` gives
    per-name constructor overrides.
    """
    from .translate.base import data_hash, load_model, model_class, read_metadata
    from .translate.defaults import default_model_path
    from .translate.training import read_training_pairs, split_pairs

    schema = get_schema(schema).name
    log = log or (lambda _line: None)
    data = Path(data) if data is not None else _default_data(schema)
    texts, records = read_training_pairs(data, schema)
    if limit and limit < len(texts):  # a seeded random subset: the file's order is not random
        keep = np.sort(np.random.default_rng(seed).permutation(len(texts))[:limit])
        texts, records = [texts[i] for i in keep], [records[i] for i in keep]
    split = split_pairs(texts, records, dev_fraction=dev_fraction, seed=seed)
    train_hash = data_hash(split.train_texts, split.train_records)
    reuse = {k: Path(v) for k, v in (reuse or {}).items()}
    names = list(dict.fromkeys([*models, *reuse]))
    if not names:
        raise InputError("no models to benchmark; name at least one with --models.")
    for kind in BUNDLED_KINDS if reuse_bundled else ():
        if kind not in names or kind in reuse:
            continue
        bundled = default_model_path(schema, kind)
        if read_metadata(bundled).get("data_hash") == train_hash:
            reuse[kind] = bundled
            log(f"{kind}: reusing the bundled {bundled} (trained on this exact training split)")
    for name in names:  # fail before hours of training, not after
        if name not in reuse:
            model_class(name)
    log(f"{schema}: {len(split.train_texts)} train, {len(split.dev_texts)} test pairs (seed {seed})")
    runs: dict[str, ModelRun] = {}
    for name in names:
        notes: list[str] = []
        if name in reuse:
            model, meta = load_model(reuse[name]), read_metadata(reuse[name])
            if get_schema(getattr(model, "schema", schema)).name != schema:
                raise ModelError(f"{reuse[name]} translates to the {model.schema!r} set, not {schema!r}; reuse another model.")
            fit_s = next((float(meta[k]) for k in ("fit_seconds", "train_seconds") if k in meta), None)
            notes += _reuse_notes(meta, train_hash, seed, dev_fraction, reuse[name])
        else:
            kwargs = {"schema": schema, "seed": seed, **(params or {}).get(name, {})}
            cls = model_class(name)
            if max_minutes is not None and "max_minutes" in inspect.signature(cls.__init__).parameters:
                kwargs.setdefault("max_minutes", max_minutes)
            elif max_minutes is not None:
                notes.append(f"{name} has no time cap; --max-minutes did not apply to it.")
            model, meta = cls(**kwargs), {}
            log(f"{name}: training")
            tick = time.monotonic()
            model.fit(split.train_texts, split.train_records, progress=progress)
            fit_s = time.monotonic() - tick
            if save_models:
                model.save(Path(save_models) / name)
        log(f"{name}: translating {len(split.dev_texts)} test inputs")
        tick = time.monotonic()
        pred = model.translate(split.dev_texts)
        tr_s = time.monotonic() - tick
        report = evaluate(split.dev_records, pred, inputs=split.dev_texts,
                          train_inputs=split.train_texts, train_records=split.train_records)
        epochs, best = _epochs(model, meta)
        runs[name] = ModelRun(name, getattr(model, "kind", name), report, pred, tr_s, fit_s, epochs, best,
                              str(reuse[name]) if name in reuse else None, notes)
        log(f"{name}: accuracy {report.overall.accuracy:.3f}")
    return BenchmarkResult(schema, str(data), seed, dev_fraction, limit, split.train_texts, split.train_records,
                           split.dev_texts, split.dev_records, runs, _torch_threads())


def _default_data(schema: str) -> Path:
    from .paths import data_dir

    path = data_dir() / schema / "pairs.csv"
    if not path.is_file():
        raise InputError(f"{path} does not exist; set GEOSCRIBE_DATA to the shared data folder or pass a pairs file.")
    return path


def _torch_threads() -> int | None:
    import sys

    torch = sys.modules.get("torch")  # only when some model loaded it
    return torch.get_num_threads() if torch is not None else None


def _reuse_notes(meta: dict, train_hash: str, seed: int, dev_fraction: float, path: Path) -> list[str]:
    """Say how far a reused model's training matches this split (leaks make figures optimistic)."""
    if meta.get("data_hash") != train_hash:
        return [f"reused from {path}, which was NOT trained on this run's training split (data hash differs): "
                "its test inputs may include pairs it was trained on, so its figures may be optimistic."]
    notes = [f"reused from {path}, trained on exactly this training split (same data hash)."]
    if meta.get("history") and meta.get("split_seed") == seed and meta.get("dev_fraction") == dev_fraction:
        notes.append("it chose its best epoch on this same held-out split ('geoscribe train' early-stops on "
                     "its dev split), so its figures are slightly optimistic.")
    return notes


def _epochs(model: Any, meta: dict) -> tuple[int | None, int | None]:
    """(epochs run, best epoch kept) from whatever the kind records; (None, None) when not iterative."""
    history = getattr(model, "history_", None) or meta.get("history") or []
    run = getattr(model, "epochs_trained_", None) or (len(history) or None)
    best = getattr(model, "epochs_", None)
    if best is None and history and all(h.get("dev_accuracy") is not None for h in history):
        best = max(history, key=lambda h: h["dev_accuracy"])["epoch"]
    return run, best


# ------------------------------------------------------------------- the report
def write_benchmark_report(result: BenchmarkResult, out_dir: str | Path, *, examples: int = 10) -> dict[str, Path]:
    """Write ``report.md``, ``accuracy.png``, ``report.json`` and ``predictions/<model>.csv``."""
    out = Path(out_dir)
    try:
        (out / "predictions").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{out}: cannot create the output folder ({exc.strerror}); choose another --out.") from None
    paths = {"markdown": out / "report.md", "png": out / "accuracy.png", "json": out / "report.json"}
    reports = {name: run.report for name, run in result.runs.items()}
    plot_accuracy(reports, paths["png"])
    summary = {name: {**_summary(run), "report": run.report.to_dict()} for name, run in result.runs.items()}
    paths["json"].write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    for name, run in result.runs.items():
        with open(out / "predictions" / f"{name}.csv", "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["input", "gold", "output"])
            w.writerows(zip(result.test_texts, (r.render() for r in result.test_records),
                            (r.render() for r in run.predictions)))
    paths["markdown"].write_text(benchmark_markdown(result, chart=paths["png"].name, examples=examples), encoding="utf-8")
    return paths


def _summary(run: ModelRun) -> dict[str, Any]:
    o = run.report.overall
    return {"kind": run.kind, "accuracy": o.accuracy, "precision": o.precision, "recall": o.recall,
            "epochs": run.epochs, "best_epoch": run.best_epoch, "fit_seconds": run.fit_seconds,
            "translate_seconds": run.translate_seconds, "throughput": run.throughput,
            "reused_from": run.reused_from, "notes": run.notes}


def benchmark_markdown(result: BenchmarkResult, *, chart: str = "accuracy.png", examples: int = 10) -> str:
    """The whole report as Markdown (the chart is referenced by file name)."""
    from . import __version__

    runs = result.runs
    lim = f", a seeded random {result.limit} of its pairs (--limit)" if result.limit else ""
    lines = [
        f"# Model benchmark: {result.schema}", "",
        f"Data: `{result.data}`{lim}. Seeded split (seed {result.seed}, {result.dev_fraction:.0%} held out): "
        f"{len(result.train_texts)} training pairs, {len(result.test_texts)} test pairs; "
        "every model is scored on the same test pairs with the seed paper's metric (lower-cased values, "
        "accuracy and weighted precision / recall per attribute, mean over attributes).",
        f"geoscribe {__version__}, {os.cpu_count()} CPU cores, torch threads: {result.threads or '-'}. "
        "Times are wall-clock on this machine, with whatever else was running on it.", "",
        "## Overall", "",
    ]
    rows = []
    for name, run in runs.items():
        o = run.report.overall
        ep = "-" if run.epochs is None else str(run.epochs) + (f" (best {run.best_epoch})" if run.best_epoch else "")
        fit = "reused" if run.fit_seconds is None else _duration(run.fit_seconds)
        rows.append([name, _f(o.accuracy), _f(o.precision), _f(o.recall), ep, fit, f"{run.throughput:.1f}"])
    lines += _table(["Model", "Accuracy", "Precision (w)", "Recall (w)", "Epochs", "Training time",
                     "Throughput (samples/s)"], rows)
    notes = [f"- **{name}**: {n}" for name, run in runs.items() for n in run.notes]
    if notes:
        lines += ["", *notes]
    lines += ["", "## Where a baseline beats a neural model", "", *verdicts(result), "",
              "## Per-attribute accuracy", "", f"![Per-attribute accuracy, one bar per model]({chart})", ""]
    table = compare({n: r.report for n, r in runs.items()})
    lines += [table.replace("### Split:", "## Split:").rstrip(), ""]
    lines += ["## Examples where the models disagree", "", *_examples(result, examples)]
    return "\n".join(lines).rstrip() + "\n"


def _per_record(result: BenchmarkResult, run: ModelRun) -> np.ndarray:
    """Fraction of attributes right per test record (their mean is the overall accuracy)."""
    attrs = get_schema(result.schema).attributes
    return np.array([np.mean([comparison_form(p[a]) == comparison_form(g[a]) for a in attrs])
                     for g, p in zip(result.test_records, run.predictions)])


def verdicts(result: BenchmarkResult) -> list[str]:
    """Sentences, computed from the figures, on where each baseline beats each neural model (and not)."""
    runs = result.runs
    base = [r for r in runs.values() if r.kind in BASELINE_KINDS]
    neural = [r for r in runs.values() if r.kind in NEURAL_KINDS]
    if not base or not neural:
        return ["This run has no baseline and neural model to set against each other "
                f"(baselines: {', '.join(BASELINE_KINDS)}; neural: {', '.join(NEURAL_KINDS)})."]
    out = []
    for n in neural:
        for b in base:
            out.append("- " + _verdict(result, b, n))
    return out


def _verdict(result: BenchmarkResult, b: ModelRun, n: ModelRun) -> str:
    ab, an = b.report.overall.accuracy or 0.0, n.report.overall.accuracy or 0.0
    diff = _per_record(result, b) - _per_record(result, n)
    se = float(diff.std(ddof=1) / np.sqrt(len(diff))) if len(diff) > 1 else float("nan")
    winner, loser = (b, n) if ab > an else (n, b)
    if ab == an:
        head = f"**{b.name}** and **{n.name}** tie on mean accuracy ({ab:.3f})."
    else:
        clear = abs(ab - an) > 2 * se
        head = (f"**{winner.name} beats {loser.name}** on mean accuracy: {max(ab, an):.3f} vs {min(ab, an):.3f} "
                f"({100 * abs(ab - an):.1f} points; paired standard error {100 * se:.1f} points over "
                f"{len(diff)} samples, so {'a clear' if clear else 'not a clear'} difference).")
    attrs = [(a, s.accuracy, n.report.per_attribute[a].accuracy) for a, s in b.report.per_attribute.items()]
    better = [f"{a} ({x:.3f} vs {y:.3f})" for a, x, y in attrs if x is not None and y is not None and x > y]
    part = (f" Per attribute, {b.name} is more accurate than {n.name} on {', '.join(better)}." if better
            else f" {n.name} is at least as accurate as {b.name} on every attribute.")
    groups = []
    for key, split in b.report.splits.items():
        other = n.report.splits.get(key)
        for g, grp in split.groups.items():
            x, y = grp.overall.accuracy, other.groups[g].overall.accuracy if other and g in other.groups else None
            if not (grp.n and x is not None and y is not None and x > y):
                continue
            line = f"{_GROUPS.get(g, g)} (n={grp.n}: {x:.3f} vs {y:.3f})"
            if line not in groups:  # the "none" group is in two splits
                groups.append(line)
    if groups:
        part += f" {b.name} also scores higher on {'; '.join(groups)}."
    elif not better:
        part += f" No condition split (present / absent, seen / unseen, near-duplicate) favours {b.name} either."
    if b.throughput > n.throughput:
        part += f" It translates {b.throughput / n.throughput:.1f}x faster ({b.throughput:.0f} vs {n.throughput:.1f} samples/s)"
        if b.fit_seconds is not None and n.fit_seconds is not None and b.fit_seconds < n.fit_seconds:
            part += f" and trains in {_duration(b.fit_seconds)} instead of {_duration(n.fit_seconds)}"
        part += "."
    return head + part


_GROUPS = {"present": "values present verbatim in the input", "absent": "values absent from the input",
           "none": "None gold values", "seen": "values seen in training", "unseen": "values unseen in training",
           "near_duplicate": "inputs with a near-duplicate in training", "novel": "inputs without a near-duplicate in training"}


def _examples(result: BenchmarkResult, k: int) -> list[str]:
    """Per model, up to ``k`` test samples where the models disagree: half where it is right and another
    model wrong, half where it is wrong and another right (seeded picks)."""
    names, runs = list(result.runs), result.runs
    if len(names) < 2:
        return ["Only one model in this run: nothing to disagree about."]
    attrs = get_schema(result.schema).attributes
    gold = result.test_records

    def val(name: str, i: int, a: str) -> str:
        return comparison_form(runs[name].predictions[i][a])

    right = {m: _per_record(result, runs[m]) for m in names}
    split_attrs = {i: [a for a in attrs if len({val(m, i, a) for m in names}) > 1] for i in range(len(gold))}
    disagree = [i for i, a in split_attrs.items() if a]
    if not disagree:
        return ["The models agree on every test sample."]
    rng = np.random.default_rng(result.seed)
    out = [f"{len(disagree)} of {len(gold)} test samples get different values from different models. "
           "Only the attributes the models disagree on are shown; a check mark means the value matches the gold one.", ""]
    for m in names:
        wins = [i for i in disagree if any(right[m][i] > right[o][i] for o in names if o != m)]
        losses = [i for i in disagree if any(right[m][i] < right[o][i] for o in names if o != m)]
        pick = [int(i) for i in rng.permutation(wins)[: k // 2]]
        pick += [int(i) for i in rng.permutation(losses) if i not in pick][: k - len(pick)]
        pick += [int(i) for i in rng.permutation(disagree) if i not in pick][: k - len(pick)]
        n_w = sum(i in wins for i in pick)
        out += [f"### {m}", "", f"{len(pick)} samples: {n_w} where {m} gets more attributes right than another model, "
                f"{len(pick) - n_w} where it gets fewer or the same.", ""]
        for j, i in enumerate(pick, 1):
            text = " ".join(result.test_texts[i].split())
            out += [f"**{m} {j}.** `{_cell(text[:240] + ('...' if len(text) > 240 else ''))}`", ""]
            rows = [[a, _cell(gold[i][a])] + [_cell(runs[o].predictions[i][a]) + (" ✓" if val(o, i, a) == comparison_form(gold[i][a]) else " ✗")
                                             for o in names] for a in split_attrs[i]]
            out += _table(["Attribute", "Gold", *names], rows, align="---") + [""]
    return out


def _cell(text: str) -> str:
    return (text or "").replace("|", "\\|").replace("`", "'").replace("\n", " ")


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.1f} s"
    return f"{seconds / 60:.1f} min" if seconds < 5400 else f"{seconds / 3600:.1f} h"


def _f(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def _table(header: list[str], rows: list[list[str]], *, align: str = "---:") -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + [align] * (len(header) - 1)) + "|"]
    return out + ["| " + " | ".join(r) + " |" for r in rows]
