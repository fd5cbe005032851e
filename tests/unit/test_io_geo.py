"""GEO-format readers (SOFT, GDS, series matrix, MINiML) on the fixtures in tests/data/io."""

from __future__ import annotations

import sys

import pytest

from geoscribe.errors import InputError
from geoscribe.io import read_miniml, read_samples, read_series_matrix, read_soft

FAMILY = [
    ("GSM90001", "HeLa control rep1", "cell line: HeLa; treatment: none"),
    ("GSM90002", "HeLa IFN 6h rep1", "cell line: HeLa; treatment: IFN-γ 6h"),
    ("GSM90003", "Liver 10 µg rep1", "tissue: liver; age: 3 weeks"),
]


@pytest.fixture
def io_data(test_data):
    return test_data / "io"


@pytest.mark.parametrize("name", ["family.soft", "family.soft.gz"])
def test_read_soft_family_fields(io_data, name):
    samples = list(read_soft(io_data / name))
    assert [(s.gsm, s.title, s.characteristics) for s in samples] == FAMILY
    first = samples[0]
    assert first.description == "First line.; Second line."
    assert (first.source_name, first.organism) == ("HeLa cells", "Homo sapiens")
    assert (first.series, first.platform) == ("GSE9001", "GPL9001")
    assert first.text == ""


def test_read_soft_old_single_record(io_data):
    (s,) = read_soft(io_data / "gsm_old.txt")
    assert (s.gsm, s.title, s.organism) == ("GSM645", "Large Pre-BII cells 8b", "Mus musculus")
    assert s.source_name == "Large Pre-BII cells"  # old !Sample_target_source
    assert (s.series, s.platform) == ("GSE13", "GPL22")


def test_read_soft_gds_subsets_become_characteristics(io_data):
    samples = {s.gsm: s for s in read_soft(io_data / "gds.soft")}
    assert list(samples) == ["GSM90001", "GSM90002", "GSM90003"]
    assert samples["GSM90002"].characteristics == "agent: interferon; time: 6 h"
    assert samples["GSM90002"].title == "HeLa IFN 6h"
    assert samples["GSM90001"].source_name == "HeLa cells"
    assert {s.series for s in samples.values()} == {"GSE9001"}
    assert samples["GSM90003"].title == ""  # no '#GSM90003 = Value for' line


def test_read_series_matrix_columns(io_data):
    samples = list(read_series_matrix(io_data / "GSE9001_series_matrix.txt.gz"))
    assert [s.gsm for s in samples] == ["GSM90001", "GSM90002", "GSM90003"]
    assert samples[1].characteristics == "cell line: HeLa; treatment: IFN, 6h"
    assert samples[2].characteristics == "tissue: liver"  # empty cell skipped
    assert samples[0].series == "GSE9001" and samples[0].description == "d1"


def test_read_miniml_namespace_latin1_and_series(io_data):
    samples = list(read_miniml(io_data / "GSE9001_family.xml"))
    assert [s.gsm for s in samples] == ["GSM90001", "GSM90002"]
    assert samples[1].title == "HeLa IFN µg"  # latin-1 byte in a file declared UTF-8
    assert samples[0].characteristics == "cell line: HeLa; untagged note"
    assert samples[0].description == "first"
    assert {s.series for s in samples} == {"GSE9001"}
    assert {s.platform for s in samples} == {"GPL9001"}


def test_truncated_gzip_says_file_reason_and_count(io_data):
    path = io_data / "truncated.soft.gz"
    got = []
    with pytest.raises(InputError) as err:
        for s in read_samples(path):
            got.append(s.gsm)
    assert got == ["GSM90001", "GSM90002"]  # what came before the cut is kept
    assert str(err.value) == (
        f"{path}: truncated gzip stream (the file ends early) after 2 samples; "
        "re-download or repair the file"
    )


@pytest.mark.parametrize(
    "name, message",
    [
        ("empty.soft", "empty file"),
        ("garbage.soft", "binary data, not a GEO text, XML or SQLite file"),
        ("not_miniml.xml", "XML or HTML but not GEO MINiML (no <MINiML> element)"),
        (
            "platform_only.soft",
            "no samples, only platform (GPL) records; "
            "read a series family file (GSE*_family.soft.gz) instead",
        ),
        ("missing.soft", "no such file"),
    ],
)
def test_bad_geo_files_give_one_line_input_error(io_data, name, message):
    with pytest.raises(InputError) as err:
        list(read_samples(io_data / name))
    assert str(err.value) == f"{io_data / name}: {message}"


def test_not_gzip_and_malformed_xml(io_data):
    not_gzip = r"not_gzip\.soft\.gz: not a valid gzip file \(.*\); re-download it$"
    with pytest.raises(InputError, match=not_gzip):
        list(read_samples(io_data / "not_gzip.soft.gz"))
    malformed = r"malformed\.xml: malformed XML \(.*line \d+.*\) after 0 samples"
    with pytest.raises(InputError, match=malformed):
        list(read_samples(io_data / "malformed.xml"))


def test_explicit_wrong_format_is_rejected(io_data):
    with pytest.raises(InputError, match="no samples found in this SOFT file"):
        list(read_samples(io_data / "GSE9001_family.xml", format="soft"))
    with pytest.raises(InputError, match="binary data, not a matrix file"):
        list(read_samples(io_data / "garbage.soft", format="matrix"))


def test_readers_do_not_import_torch():
    import subprocess

    code = "import sys, geoscribe.io; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
