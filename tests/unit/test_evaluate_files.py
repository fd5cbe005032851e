"""Reading gold / prediction files, aligning them, and the ``geoscribe evaluate`` command."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from geoscribe.cli import app
from geoscribe.errors import InputError
from geoscribe.evaluate import align, evaluate_files, read_pairs


@pytest.fixture()
def ev(test_data):
    return test_data / "evaluate"


def test_read_pairs_csv_with_ids_and_inputs(ev):
    gold = read_pairs(ev / "gold.csv", "cistrome")
    assert len(gold) == 4
    assert gold.ids == ["GSM1", "GSM2", "GSM3", "GSM4"]
    assert gold.inputs[2] == "Title: K562 GATA1"
    assert gold.records[3]["Factor"] == "ESR1"


def test_read_pairs_lenient_keeps_malformed_predictions(ev):
    pred = read_pairs(ev / "pred_shuffled.csv", "cistrome", strict=False)
    assert pred.inputs is None
    assert pred.records[2].values == {"Cell Line": "", "Cell Type": "", "Tissue Type": "", "Factor": ""}
    assert pred.records[3]["Tissue Type"] == ""


def test_read_pairs_strict_rejects_malformed_gold(ev):
    # strict parsing wants the keys exactly as written, so a lower-cased line is not gold
    message = r"pred_shuffled\.csv:2: Line does not start with 'Cell Line:' \(cistrome set\): 'cell line: k562"
    with pytest.raises(InputError, match=message):
        read_pairs(ev / "pred_shuffled.csv", "cistrome")


def test_read_pairs_jsonl_both_forms(ev):
    pred = read_pairs(ev / "pred_records.jsonl", "cistrome", strict=False)
    assert len(pred) == 4  # the blank line is skipped
    assert pred.ids == ["GSM1", "GSM2", "GSM3", "GSM4"]
    assert pred.records[2]["Factor"] == "GATA1"
    assert pred.records[3]["Cell Type"] == "None"


def test_align_by_gsm_reorders(ev):
    gold = read_pairs(ev / "gold.csv", "cistrome")
    pred = read_pairs(ev / "pred_shuffled.csv", "cistrome", strict=False)
    aligned = align(gold, pred)
    assert [r["Cell Line"] for r in aligned] == ["HeLa", "None", "k562", ""]


def test_evaluate_files_by_gsm_and_by_row(ev):
    reports = evaluate_files(
        ev / "gold.csv",
        {"shuffled": ev / "pred_shuffled.csv", "rows": ev / "pred_rows.csv", "jsonl": ev / "pred_records.jsonl"},
        schema="cistrome",
    )
    # shuffled: GSM2 lacks Tissue Type, GSM4 is garbled -> 3/4, 3/4, 2/4, 3/4
    assert reports["shuffled"].overall.accuracy == pytest.approx((0.75 * 3 + 0.5) / 4)
    # rows (no gsm column: row order): Factor wrong twice
    assert reports["rows"].per_attribute["Factor"].accuracy == 0.5
    assert reports["rows"].overall.accuracy == pytest.approx(0.875)
    # jsonl: GSM4 Cell Type None instead of Epithelium
    assert reports["jsonl"].overall.accuracy == pytest.approx((1 + 0.75 + 1 + 1) / 4)
    assert "value_in_input" in reports["rows"].splits  # inputs from the gold file


def test_evaluate_files_with_train_adds_splits(ev):
    reports = evaluate_files(
        ev / "gold.csv", {"m": ev / "pred_rows.csv"}, schema="cistrome", train=ev / "train.csv"
    )
    splits = reports["m"].splits
    assert splits["near_duplicate"].groups["near_duplicate"].n == 1  # GSM1 copies GSM10's input
    assert splits["value_seen_in_training"].groups["seen"].n == 5  # HeLa, Epithelium x2, Cervix, CTCF


@pytest.mark.parametrize(
    ("pred", "message"),
    [
        ("pred_short.csv", "pred_short.csv: 1 predictions for 4 gold rows; rows are matched by order"),
        ("pred_extra_id.csv", "pred_extra_id.csv: 1 gold ids have no prediction (first: GSM4)"),
        ("no_output.csv", "no_output.csv: no 'output' column (columns: gsm, prediction)"),
        ("bad.jsonl", "bad.jsonl:2: not valid JSON; expected one object per line."),
        ("missing.csv", "missing.csv: file not found; check the path."),
    ],
)
def test_evaluate_files_bad_predictions(ev, pred, message):
    with pytest.raises(InputError) as info:
        evaluate_files(ev / "gold.csv", {"m": ev / pred}, schema="cistrome")
    assert str(info.value).startswith(f"{ev}/{message}")


# ---- CLI ----

runner = CliRunner()


def test_cli_evaluate_prints_table_and_writes_files(ev, tmp_path):
    out = tmp_path / "report"
    result = runner.invoke(
        app,
        ["evaluate", "--schema", "cistrome", "--gold", str(ev / "gold.csv"),
         "--pred", str(ev / "pred_rows.csv"), "--pred", f"jsonl={ev / 'pred_records.jsonl'}",
         "--train", str(ev / "train.csv"), "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert "| Attribute | pred_rows | jsonl |" in result.stdout
    assert "| Factor | 0.500 | 1.000 |" in result.stdout
    assert "| **Mean accuracy** | 0.875 | 0.938 |" in result.stdout
    assert sorted(p.name for p in out.iterdir()) == ["accuracy.png", "report.json", "report.md"]
    assert set(json.loads((out / "report.json").read_text())) == {"pred_rows", "jsonl"}


def test_cli_evaluate_single_model_prints_full_report(ev):
    result = runner.invoke(
        app, ["evaluate", "-s", "cistrome", "-g", str(ev / "gold.csv"), "-p", f"m={ev / 'pred_shuffled.csv'}"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("## m\n")
    assert "| Tissue Type | 0.500 |" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-p", "{ev}/pred_short.csv"],
         "Error: {ev}/pred_short.csv: 1 predictions for 4 gold rows; rows are matched by order "
         "(no gsm column in both), so the counts must agree.\n"),
        (["-p", "{ev}/pred_extra_id.csv"],
         "Error: {ev}/pred_extra_id.csv: 1 gold ids have no prediction (first: GSM4); "
         "predict every gold sample.\n"),
        (["-p", "{ev}/no_output.csv"],
         "Error: {ev}/no_output.csv: no 'output' column (columns: gsm, prediction); "
         "expected a CSV with input,output or gsm,input,output columns.\n"),
        (["-p", "{ev}/nope.csv"], "Error: {ev}/nope.csv: file not found; check the path.\n"),
        (["-p", "a={ev}/pred_rows.csv", "-p", "a={ev}/pred_short.csv"],
         "Error: two predictions named 'a'; name them with --pred NAME=FILE.\n"),
        (["-p", "{ev}/pred_rows.csv", "--dup-threshold", "1.5"],
         "Error: --dup-threshold 1.5 is outside (0, 1]; use e.g. 0.9.\n"),
    ],
)
def test_cli_evaluate_errors(ev, args, message):
    args = [a.format(ev=ev) for a in args]
    result = runner.invoke(app, ["evaluate", "-s", "cistrome", "-g", str(ev / "gold.csv"), *args])
    assert result.exit_code == 1
    assert result.stderr == message.format(ev=ev)
    assert result.stdout == ""


def test_cli_evaluate_wrong_schema(ev):
    gold, pred = str(ev / "gold.csv"), str(ev / "pred_rows.csv")
    result = runner.invoke(app, ["evaluate", "-s", "encode", "-g", gold, "-p", pred])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {ev}/gold.csv:2: Line does not start with 'Assay name:' (encode set)")
    result = runner.invoke(app, ["evaluate", "-s", "gcm", "-g", gold, "-p", pred])
    assert result.stderr == "Error: Unknown attribute set 'gcm'. Valid names: cistrome, encode.\n"
