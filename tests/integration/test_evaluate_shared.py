"""The evaluator on the real translation pairs: gold against itself, and against
a copy with known damage."""

from __future__ import annotations

import csv
import json
from collections import Counter

import pytest
from typer.testing import CliRunner

from geoscribe.cli import app
from geoscribe.evaluate import EvaluationReport, evaluate_files, read_pairs
from geoscribe.schema import parse


def test_cistrome_gold_against_itself_is_perfect(shared_data):
    gold = shared_data / "cistrome" / "pairs.csv"
    report = evaluate_files(gold, {"gold": gold}, schema="cistrome")["gold"]
    assert report.n == 5951
    assert (report.overall.accuracy, report.overall.precision, report.overall.recall) == (1.0, 1.0, 1.0)
    groups = report.splits["value_in_input"].groups
    assert groups["present"].n + groups["absent"].n + groups["none"].n == 5951 * 4
    assert groups["present"].n > groups["absent"].n > 0


def test_cistrome_perturbed_copy_scores_known_figures(shared_data, tmp_path):
    gold_path = shared_data / "cistrome" / "pairs.csv"
    with open(gold_path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    n = len(rows)
    damaged = set(range(0, n, 4))  # every 4th sample gets a made-up Factor
    pred_path = tmp_path / "pred.csv"
    with open(pred_path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["gsm", "output"])
        for i in reversed(range(n)):  # reversed: aligned back by gsm
            record = parse(rows[i]["output"], "cistrome")
            if i in damaged:
                record.values["Factor"] = "NOT-A-FACTOR"
            writer.writerow([rows[i]["gsm"], record.render().upper()])  # case must not matter

    report = evaluate_files(gold_path, {"damaged": pred_path}, schema="cistrome")["damaged"]

    factor_acc = 1 - len(damaged) / n
    for attr in ("Cell Line", "Cell Type", "Tissue Type"):
        assert report.per_attribute[attr].accuracy == 1.0
    assert report.per_attribute["Factor"].accuracy == pytest.approx(factor_acc)
    assert report.per_attribute["Factor"].recall == pytest.approx(factor_acc)
    # precision: a gold factor keeps precision 1 unless all its samples were damaged
    # (then 0); the made-up value has no gold support and weight 0
    factors = [parse(r["output"], "cistrome")["Factor"].strip().lower() for r in rows]
    support = Counter(factors)
    hit = Counter(f for i, f in enumerate(factors) if i not in damaged)
    factor_precision = sum(s for value, s in support.items() if hit[value]) / n
    assert report.per_attribute["Factor"].precision == pytest.approx(factor_precision)
    assert factor_precision < 1.0
    assert report.overall.accuracy == pytest.approx((3 + factor_acc) / 4)
    assert report.overall.precision == pytest.approx((3 + factor_precision) / 4)


def test_encode_near_duplicate_split_on_a_train_test_cut(shared_data, tmp_path):
    pairs = read_pairs(shared_data / "encode" / "pairs.csv", "encode")
    assert pairs.ids is None  # many ENCODE rows have no gsm: matched by row order
    path = shared_data / "encode" / "pairs.csv"
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for name, part in (("train", rows[:2500]), ("test", rows[2500:])):
        with open(tmp_path / f"{name}.csv", "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, ["gsm", "input", "output"], extrasaction="ignore")
            writer.writeheader()
            writer.writerows(part)
    out = tmp_path / "report"
    result = CliRunner().invoke(
        app,
        ["evaluate", "-s", "encode", "-g", str(tmp_path / "test.csv"),
         "-p", f"self={tmp_path / 'test.csv'}", "--train", str(tmp_path / "train.csv"), "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert "| Biosample term name | 1.000 |" in result.stdout
    report = EvaluationReport.from_dict(json.loads((out / "report.json").read_text())["self"])
    near = report.splits["near_duplicate"].groups
    assert near["near_duplicate"].n + near["novel"].n == len(rows) - 2500
    assert near["near_duplicate"].n > 0 and near["novel"].n > 0
    assert (out / "accuracy.png").read_bytes()[:4] == b"\x89PNG"
