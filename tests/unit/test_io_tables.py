"""Tables, GEOmetadb, format sniffing, folders, and export."""

from __future__ import annotations

import csv
import json
import shutil

import pytest

from geoscribe.errors import InputError
from geoscribe.io import detect_format, read_geometadb, read_samples, supported_files, write_samples
from geoscribe.text import Sample, format_sample


@pytest.fixture
def io_data(test_data):
    return test_data / "io"


@pytest.mark.parametrize(
    "name, fmt",
    [
        ("family.soft", "soft"),
        ("family.soft.gz", "soft"),
        ("gds.soft", "soft"),
        ("gsm_old.txt", "soft"),
        ("GSE9001_series_matrix.txt.gz", "matrix"),
        ("GSE9001_family.xml", "miniml"),
        ("geometadb.sqlite", "geometadb"),
        ("geometadb.sqlite.gz", "geometadb"),
        ("pairs.csv", "csv"),
        ("fields.tsv", "tsv"),
        ("samples.jsonl", "jsonl"),
    ],
)
def test_detect_format(io_data, name, fmt):
    assert detect_format(io_data / name) == fmt


def test_detect_format_sniffs_content_not_name(io_data, tmp_path):
    disguised = tmp_path / "data.csv"
    shutil.copy(io_data / "family.soft.gz", disguised)
    assert detect_format(disguised) == "soft"
    with pytest.raises(InputError, match="is a folder, not a file"):
        detect_format(tmp_path)


def test_csv_input_column_becomes_text(io_data):
    samples = list(read_samples(io_data / "pairs.csv"))
    assert [s.gsm for s in samples] == ["GSM1", "GSM2"]
    assert samples[0].text == "Title: HeLa ChIP - Characteristics: cell line: HeLa"
    assert format_sample(samples[0]) == samples[0].text
    assert samples[0].title == ""


def test_a_quoted_cell_spanning_lines_keeps_its_line_break(tmp_path):
    path = tmp_path / "multi.csv"
    path.write_bytes(b'gsm,description\r\nGSM1,"treated with\r\nDMSO"\r\nGSM2,plain\r\n')
    samples = list(read_samples(path))
    assert [(s.gsm, s.description) for s in samples] == [("GSM1", "treated with\nDMSO"), ("GSM2", "plain")]
    assert "with DMSO" in format_sample(samples[0])  # the words stay apart once formatted


def test_tsv_maps_geometadb_and_case_insensitive_names(io_data):
    s = next(iter(read_samples(io_data / "fields.tsv")))
    assert (s.gsm, s.title, s.source_name, s.platform) == (
        "GSM90001", "HeLa control", "HeLa cells", "GPL9001",
    )  # fmt: skip
    assert s.characteristics == "cell line: HeLa; treatment: none"


def test_jsonl_lists_joined_and_blank_lines_skipped(io_data):
    a, b = read_samples(io_data / "samples.jsonl")
    assert a.characteristics == "a: 1; b: 2"
    assert (b.gsm, b.text) == ("GSM90002", "Title: HeLa IFN")


def test_bad_tables(io_data):
    with pytest.raises(InputError) as err:
        list(read_samples(io_data / "wrong_columns.csv"))
    assert str(err.value) == (
        f"{io_data / 'wrong_columns.csv'}: no sample text column (columns: 'a', 'b', 'c'); "
        "expected 'input', or 'title'/'characteristics'/'description'"
    )
    got = []
    with pytest.raises(InputError) as err:
        got.extend(read_samples(io_data / "bad.jsonl"))
    assert len(got) == 1
    assert str(err.value).startswith(f"{io_data / 'bad.jsonl'}:2: invalid JSON (")


@pytest.mark.parametrize("name", ["geometadb.sqlite", "geometadb.sqlite.gz"])
def test_geometadb_reads_and_tolerates_missing_columns(io_data, name):
    a, b = read_geometadb(io_data / name)
    assert a == Sample(
        gsm="GSM90001",
        title="HeLa control",
        characteristics="cell line: HeLa; treatment: none",  # GEOmetadb's ";\t" joined
        source_name="HeLa cells",
        series="GSE9001",
        platform="GPL9001",
    )
    assert (b.description, b.source_name, b.organism) == ("d2", "", "")


def test_geometadb_opens_read_only(io_data, tmp_path):
    db = tmp_path / "g.sqlite"
    shutil.copy(io_data / "geometadb.sqlite", db)
    before = db.read_bytes()
    assert len(list(read_samples(db))) == 2
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.sqlite"]  # no journal left


def test_geometadb_without_gsm_table(io_data):
    path = io_data / "no_gsm_table.sqlite"
    with pytest.raises(InputError) as err:
        list(read_samples(path))
    assert str(err.value) == (
        f"{path}: no 'gsm' table (tables: gse); expected a GEOmetadb-style database"
    )


def test_folder_reads_sorted_and_reports_rejects(io_data):
    rejected = []
    samples = list(read_samples(io_data, on_error=lambda p, e: rejected.append(p.name)))
    files = [p.name for p in supported_files(io_data)]
    assert files == sorted(files) and "make_fixtures.py" not in files
    assert sorted(rejected) == sorted(
        [
            "bad.jsonl", "empty.soft", "garbage.soft", "malformed.xml", "no_gsm_table.sqlite",
            "not_gzip.soft.gz", "not_miniml.xml", "platform_only.soft", "truncated.soft.gz",
            "wrong_columns.csv",
        ]
    )  # fmt: skip
    # good files: 2 xml + 3 matrix + 3+3 family + 2 tsv + 3 gds + 2+2 db + 1 old + 2 csv + 2 jsonl
    # + the 2 samples before the cut in truncated.soft.gz + 1 valid line of bad.jsonl
    assert len(samples) == 2 + 3 + 3 + 3 + 2 + 3 + 2 + 2 + 1 + 2 + 2 + 2 + 1
    assert samples[0].gsm == "GSM90001"  # GSE9001_family.xml sorts first


def test_folder_without_on_error_raises_naming_the_file(io_data):
    with pytest.raises(InputError, match=r"bad\.jsonl:2: invalid JSON"):
        list(read_samples(io_data))


def test_unknown_format_name(io_data):
    with pytest.raises(InputError, match="unknown format 'xls'; choose one of auto, soft, matrix"):
        read_samples(io_data / "pairs.csv", format="xls")


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".jsonl"])
def test_write_samples_round_trip(io_data, tmp_path, suffix):
    samples = list(read_samples(io_data / "family.soft"))
    out = tmp_path / f"out{suffix}"
    assert write_samples(samples, out) == 3
    back = list(read_samples(out))
    assert [s.gsm for s in back] == [s.gsm for s in samples]
    assert [s.characteristics for s in back] == [s.characteristics for s in samples]
    assert [s.text for s in back] == [format_sample(s) for s in samples]
    if suffix == ".csv":
        with open(out, newline="", encoding="utf-8") as fh:
            assert next(csv.reader(fh))[:4] == ["gsm", "input", "title", "characteristics"]
    if suffix == ".jsonl":
        first = json.loads(out.read_text().splitlines()[0])
        assert first["input"].startswith("Title: HeLa control")


def test_write_samples_leaves_no_partial_file(io_data, tmp_path):
    out = tmp_path / "out.csv"
    with pytest.raises(InputError, match="truncated gzip"):
        write_samples(read_samples(io_data / "truncated.soft.gz"), out)
    assert list(tmp_path.iterdir()) == []
    bad_suffix = r"unknown output format '\.xlsx'; use \.csv, \.tsv or \.jsonl"
    with pytest.raises(InputError, match=bad_suffix):
        write_samples([], tmp_path / "x.xlsx")
