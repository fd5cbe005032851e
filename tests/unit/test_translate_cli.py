"""`geoscribe translate` and `geoscribe train` through the CLI."""

import csv
import json

from translate_support import TINY, tiny_pairs
from typer.testing import CliRunner

from geoscribe.cli import app

runner = CliRunner()


def test_translate_text_prints_one_record_line(tiny_translator_dir):
    result = runner.invoke(app, ["translate", "--model", str(tiny_translator_dir), "Title: CTCF ChIP-seq in K562"])
    assert result.exit_code == 0, result.output
    (line,) = result.stdout.strip().splitlines()
    assert line.startswith("Cell Line: ") and " - Factor: " in line


def test_batch_csv_keeps_input_order(tiny_translator_dir, tmp_path):
    texts, _ = tiny_pairs()
    src = tmp_path / "samples.csv"
    with open(src, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["gsm", "input"])
        w.writerows([[f"GSM{i}", t] for i, t in enumerate(texts[:25])])
        w.writerow(["GSM25", texts[25].replace(" ", "   ", 1)])  # echoed as given, not as the model reads it
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["translate", "-s", "cistrome", "--model", str(tiny_translator_dir),
                                 "--input", str(src), "--output", str(out), "-q"])
    assert result.exit_code == 0, result.output
    with open(out, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["input", "output"]
    assert [r["input"] for r in rows] == texts[:25] + [texts[25].replace(" ", "   ", 1)]
    assert rows[25]["output"] == runner.invoke(app, ["translate", "-s", "cistrome", "--model", str(tiny_translator_dir),
                                                     texts[25]]).stdout.strip()
    assert all(r["output"].startswith("Cell Line: ") for r in rows)


def test_jsonl_output_carries_values_and_confidences(tiny_translator_dir):
    result = runner.invoke(app, ["translate", "--model", str(tiny_translator_dir), "--to", "jsonl", "-"],
                           input="Title: MYC ChIP-seq in HeLa\nTitle: ESR1 ChIP-seq in MCF-7\n")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 2
    assert set(rows[0]["values"]) == {"Cell Line", "Cell Type", "Tissue Type", "Factor"}
    assert all(0 <= c <= 1 for c in rows[0]["confidence"].values())


def test_errors_are_one_line(tiny_translator_dir, tmp_path):
    cases = [
        (["translate", "--model", str(tmp_path / "nope"), "x"], "Error: Model directory"),
        (["translate", "--schema", "encode", "--model", str(tiny_translator_dir), "x"], "translates to the 'cistrome' set"),
        (["translate", "--model", str(tiny_translator_dir), "--input", str(TINY), "x"], "not both"),
        (["translate", "--model", str(tiny_translator_dir), "--input", str(tmp_path / "missing.csv")], "Error:"),
    ]
    for args, message in cases:
        result = runner.invoke(app, args)
        assert result.exit_code == 1, (args, result.output)
        assert message in result.output
        assert "Traceback" not in result.output


def test_train_writes_model_and_dev_report(tmp_path):
    out = tmp_path / "nearest"
    result = runner.invoke(app, ["train", "-s", "cistrome", "--data", str(TINY), "--out", str(out), "--kind", "nearest", "-q"])
    assert result.exit_code == 0, result.output
    assert "dev accuracy" in result.output
    assert (out / "config.json").is_file() and (out / "report" / "report.json").is_file()
    again = runner.invoke(app, ["translate", "--model", str(out), "Title: CTCF ChIP-seq in K562"])
    assert again.exit_code == 0 and again.stdout.startswith("Cell Line: ")


def test_min_confidence_is_checked_and_passed_to_the_model(tmp_path):
    from typer.testing import CliRunner

    from geoscribe.cli import app

    runner = CliRunner()
    bad = runner.invoke(app, ["translate", "--min-confidence", "1.5", "K562 CTCF ChIP-seq"])
    assert bad.exit_code == 2 and "min-confidence" in bad.output.replace("\n", "")
    strict = runner.invoke(app, ["translate", "--schema", "encode", "--min-confidence", "1.0", "--to", "jsonl",
                                 "HNRNPK ChIP-seq in K562"])
    loose = runner.invoke(app, ["translate", "--schema", "encode", "--min-confidence", "0.0", "--to", "jsonl",
                                "HNRNPK ChIP-seq in K562"])
    import json

    strict_rec, loose_rec = json.loads(strict.output), json.loads(loose.output)
    # at 1.0 no value rests on the model alone; at 0.0 at least as many values are emitted
    assert "model" not in strict_rec["source"].values()
    assert len(loose_rec["source"]) >= len(strict_rec["source"])
    assert strict_rec["values"]["Biosample term name"] == "K562" and strict_rec["source"]["Biosample term name"] == "copied"
