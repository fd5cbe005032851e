"""`geoscribe.benchmark` and `geoscribe benchmark` on the tiny pairs, with the fast baselines."""

import csv
import re

import numpy as np
import pytest
from typer.testing import CliRunner

from geoscribe.benchmark import BenchmarkResult, ModelRun, run_benchmark, verdicts, write_benchmark_report
from geoscribe.cli import app
from geoscribe.errors import ModelError
from geoscribe.evaluate import evaluate
from geoscribe.schema import parse
from geoscribe.translate.training import read_training_pairs, split_pairs


@pytest.fixture(scope="module")
def tiny(test_data):
    return test_data / "translate" / "tiny_pairs.csv"


@pytest.fixture(scope="module")
def result(tiny, tmp_path_factory):
    saved = tmp_path_factory.mktemp("models")
    res = run_benchmark(tiny, schema="cistrome", models=["nearest", "linear"], save_models=saved)
    res.saved = saved
    return res


def test_every_model_is_scored_on_the_seeded_split(tiny, result):
    texts, records = read_training_pairs(tiny, "cistrome")
    split = split_pairs(texts, records, dev_fraction=0.1, seed=0)
    assert result.test_texts == split.dev_texts and result.train_texts == split.train_texts
    for name, run in result.runs.items():
        assert len(run.predictions) == len(split.dev_texts)
        again = evaluate(split.dev_records, run.predictions)
        assert run.report.overall.accuracy == pytest.approx(again.overall.accuracy)
        assert run.fit_seconds is not None and run.fit_seconds >= 0 and run.throughput > 0
        assert run.reused_from is None and run.epochs is None  # non-iterative models


def test_report_has_the_table_chart_splits_and_examples(result, tmp_path):
    paths = write_benchmark_report(result, tmp_path, examples=4)
    md = paths["markdown"].read_text()
    for section in ("## Overall", "## Where a baseline beats a neural model", "## Per-attribute accuracy",
                    "## Examples where the models disagree"):
        assert section in md
    for name, run in result.runs.items():  # the overall row shows this model's figures
        o = run.report.overall
        assert re.search(rf"^\| {name} \| {o.accuracy:.3f} \| {o.precision:.3f} \| {o.recall:.3f} \|", md, re.M)
    for group in ("present", "absent", "seen", "unseen", "near_duplicate", "novel"):
        assert re.search(rf"^\| {group} \| \d+ \|", md, re.M), group
    # the chart is a real PNG with something drawn on it
    import matplotlib.image

    img = matplotlib.image.imread(paths["png"])
    assert img.ndim == 3 and img.shape[0] > 200 and img.std() > 0.05
    assert "](accuracy.png)" in md
    # examples: at most 4 per model, each one a sample where the models disagree
    for name in result.runs:
        block = md.split(f"### {name}\n", 1)[1].split("\n### ", 1)[0]
        shown = re.findall(rf"^\*\*{name} \d+\.\*\* `", block, re.M)
        assert 1 <= len(shown) <= 4
    disagree = [i for i in range(len(result.test_texts))
                if any(result.runs["nearest"].predictions[i][a].lower() != result.runs["linear"].predictions[i][a].lower()
                       for a in ("Cell Line", "Cell Type", "Tissue Type", "Factor"))]
    assert f"{len(disagree)} of {len(result.test_texts)} test samples" in md
    with open(tmp_path / "predictions" / "linear.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["output"] for r in rows] == [r.render() for r in result.runs["linear"].predictions]


def test_reused_model_is_evaluated_not_trained(tiny, result):
    again = run_benchmark(tiny, schema="cistrome", models=["nearest"], reuse={"nearest": result.saved / "nearest"})
    run = again.runs["nearest"]
    assert run.fit_seconds is None and run.reused_from == str(result.saved / "nearest")
    assert run.report.overall.accuracy == pytest.approx(result.runs["nearest"].report.overall.accuracy)
    assert any("exactly this training split" in n for n in run.notes)
    # on another split the same model has seen test pairs: the report must say so
    other = run_benchmark(tiny, schema="cistrome", models=["nearest"], reuse={"nearest": result.saved / "nearest"},
                          limit=100)
    assert any("NOT trained on this run's training split" in n for n in other.runs["nearest"].notes)


def test_unknown_kind_fails_before_any_training(tiny):
    with pytest.raises(ModelError, match="Unknown model kind 'nope'"):
        run_benchmark(tiny, schema="cistrome", models=["nearest", "nope"])


def _fake_result(baseline_factor_right: bool) -> BenchmarkResult:
    """A baseline and a 'neural' model whose predictions differ only in Factor, on 40 samples."""
    gold = [parse(f"Cell Line: K562 - Cell Type: None - Tissue Type: Blood - Factor: F{i}", "cistrome")
            for i in range(40)]
    wrong = [parse(f"Cell Line: K562 - Cell Type: None - Tissue Type: Blood - Factor: G{i}", "cistrome")
             for i in range(40)]
    good, bad = (gold, wrong) if baseline_factor_right else (wrong, gold)
    runs = {
        "nearest": ModelRun("nearest", "nearest", evaluate(gold, good), good, translate_seconds=0.1, fit_seconds=1.0),
        "seq2seq": ModelRun("seq2seq", "seq2seq", evaluate(gold, bad), bad, translate_seconds=4.0, fit_seconds=600.0),
    }
    texts = [f"text {i}" for i in range(40)]
    return BenchmarkResult("cistrome", "fake.csv", 0, 0.1, None, texts, gold, texts, gold, runs)


def test_verdict_says_where_the_baseline_wins():
    (line,) = verdicts(_fake_result(baseline_factor_right=True))
    assert "**nearest beats seq2seq** on mean accuracy: 1.000 vs 0.750" in line
    assert "Factor (1.000 vs 0.000)" in line and "Cell Line" not in line
    assert "a clear difference" in line and "40.0x faster" in line and "trains in 1.0 s instead of 10.0 min" in line


def test_verdict_says_where_the_neural_model_wins():
    (line,) = verdicts(_fake_result(baseline_factor_right=False))
    assert "**seq2seq beats nearest**" in line
    assert "seq2seq is at least as accurate as nearest on every attribute" in line


def test_verdict_without_a_pair_to_compare(result):
    (line,) = verdicts(result)
    assert "no baseline and neural model" in line


def test_cli_writes_the_report(tiny, tmp_path):
    out = tmp_path / "bench"
    res = CliRunner().invoke(app, ["benchmark", "--schema", "cistrome", "--data", str(tiny), "--models", "nearest",
                                   "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert re.search(r"^nearest\s+accuracy 0\.\d{3}", res.stdout, re.M)
    assert (out / "report.md").is_file() and (out / "accuracy.png").stat().st_size > 1000


def test_cli_rejects_a_bad_reuse_spec_in_one_line(tiny, tmp_path):
    res = CliRunner().invoke(app, ["benchmark", "-s", "cistrome", "--data", str(tiny), "--reuse", "seq2seq",
                                   "--out", str(tmp_path)])
    assert res.exit_code != 0
    assert "Error: --reuse 'seq2seq' is not NAME=DIR" in res.output and "Traceback" not in res.output


def test_examples_cover_only_disagreements(result):
    from geoscribe.benchmark import benchmark_markdown

    text = benchmark_markdown(result, examples=10)
    table_rows = re.findall(r"^\| (Cell Line|Cell Type|Tissue Type|Factor) \| ([^|]*) \| ([^|]*) \| ([^|]*) \|$",
                            text, re.M)
    assert table_rows
    for _, _gold, a, b in table_rows:  # every shown attribute is one the two models disagree on
        assert a.rsplit(" ", 1)[0].strip().lower() != b.rsplit(" ", 1)[0].strip().lower()
    assert np.all([mark in "✓✗" for _, _, a, b in table_rows for mark in (a.strip()[-1], b.strip()[-1])])


def test_a_small_lstm_reports_its_epochs_and_a_verdict(tiny):
    import torch

    torch.set_num_threads(1)
    res = run_benchmark(tiny, schema="cistrome", models=["lstm", "nearest"], max_minutes=1,
                        params={"lstm": dict(embed_dim=16, hidden_dim=32, dense_dim=32, max_epochs=2, patience=5)})
    run = res.runs["lstm"]
    assert run.kind == "lstm" and run.epochs == 2 and run.best_epoch in (1, 2) and run.fit_seconds > 0
    (line,) = verdicts(res)
    acc = {n: r.report.overall.accuracy for n, r in res.runs.items()}
    if acc["nearest"] == acc["lstm"]:
        assert "tie on mean accuracy" in line
    else:
        winner, loser = ("nearest", "lstm") if acc["nearest"] > acc["lstm"] else ("lstm", "nearest")
        assert f"**{winner} beats {loser}** on mean accuracy: {acc[winner]:.3f} vs {acc[loser]:.3f}" in line


def test_verdict_names_a_group_shared_by_two_splits_once():
    """The 'none' group is in the present/absent and the seen/unseen splits: listed once."""
    gold = [parse(f"Cell Line: K562 - Cell Type: None - Tissue Type: Blood - Factor: F{i % 4}", "cistrome")
            for i in range(40)]
    wrong = [parse(f"Cell Line: K562 - Cell Type: X - Tissue Type: Blood - Factor: F{i % 4}", "cistrome")
             for i in range(40)]
    texts = [f"K562 F{i % 4} sample {i}" for i in range(40)]

    def run(name, preds):
        report = evaluate(gold, preds, inputs=texts, train_inputs=texts, train_records=gold)
        return ModelRun(name, name, report, preds, translate_seconds=1.0, fit_seconds=1.0)

    runs = {"nearest": run("nearest", gold), "seq2seq": run("seq2seq", wrong)}
    (line,) = verdicts(BenchmarkResult("cistrome", "fake.csv", 0, 0.1, None, texts, gold, texts, gold, runs))
    assert line.count("None gold values (n=40") == 1
