"""``geoscribe read``: output, export, limits and exact error lines."""

from __future__ import annotations

import csv

import pytest
from typer.testing import CliRunner

from geoscribe.cli import app
from geoscribe.io import read_samples

runner = CliRunner()


@pytest.fixture
def io_data(test_data):
    return test_data / "io"


def test_read_prints_one_tab_line_per_sample(io_data):
    result = runner.invoke(app, ["read", str(io_data / "GSE9001_series_matrix.txt.gz")])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split("\t")[:3] == ["gsm", "title", "characteristics"]
    assert len(lines) == 4
    assert lines[2].split("\t")[:3] == [
        "GSM90002", "HeLa IFN", "cell line: HeLa; treatment: IFN, 6h",
    ]  # fmt: skip


def test_read_formatted_and_limit(io_data):
    path = str(io_data / "family.soft.gz")
    result = runner.invoke(app, ["read", path, "--formatted", "-n", "1"])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "gsm\tinput",
        "GSM90001\tTitle: HeLa control rep1 - Characteristics: cell line: HeLa; treatment: none"
        " - Description: First line.; Second line.",
    ]


def test_read_export_csv_feeds_back(io_data, tmp_path):
    out = tmp_path / "samples.csv"
    result = runner.invoke(app, ["read", str(io_data / "GSE9001_family.xml"), "-o", str(out)])
    assert result.exit_code == 0
    assert result.stderr == f"Wrote 2 samples to {out}\n"
    with open(out, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["gsm"] for r in rows] == ["GSM90001", "GSM90002"]
    assert rows[0]["input"].startswith("Title: HeLa control - Characteristics: cell line: HeLa")
    assert [s.text for s in read_samples(out)] == [r["input"] for r in rows]


@pytest.mark.parametrize(
    "name, message",
    [
        ("missing.soft", "no such file"),
        ("empty.soft", "empty file"),
        ("garbage.soft", "binary data, not a GEO text, XML or SQLite file"),
        (
            "no_gsm_table.sqlite",
            "no 'gsm' table (tables: gse); expected a GEOmetadb-style database",
        ),
        (
            "truncated.soft.gz",
            "truncated gzip stream (the file ends early) after 2 samples; "
            "re-download or repair the file",
        ),
    ],
)
def test_read_bad_input_one_error_line_exit_1(io_data, name, message):
    result = runner.invoke(app, ["read", str(io_data / name)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {io_data / name}: {message}\n"
    if name != "truncated.soft.gz":
        assert result.stdout == ""


def test_read_bad_output_suffix(io_data, tmp_path):
    out = tmp_path / "x.parquet"
    result = runner.invoke(app, ["read", str(io_data / "pairs.csv"), "-o", str(out)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {out}: unknown output format '.parquet'; use .csv, .tsv or .jsonl\n"
    )


def test_read_unknown_format_is_usage_error(io_data):
    result = runner.invoke(app, ["read", str(io_data / "pairs.csv"), "--format", "xls"])
    assert result.exit_code == 2


def test_read_folder_skips_rejects_and_exits_1(io_data):
    result = runner.invoke(app, ["read", str(io_data), "--formatted"])
    assert result.exit_code == 1
    skipped = [ln for ln in result.stderr.splitlines() if ln.startswith("Skipped: ")]
    assert len(skipped) == 10
    assert f"Skipped: {io_data / 'empty.soft'}: empty file" in skipped
    last = result.stderr.splitlines()[-1]
    assert last == f"Error: 10 of 21 files in {io_data} rejected (see above)"
    assert len(result.stdout.splitlines()) == 1 + 28
