"""Every real GEO file under ``geo_files/`` is read correctly or rejected cleanly; plus
the unlabelled sample tables and the GEOmetadb subset."""

from __future__ import annotations

import csv
import gzip
import re

import pytest

from geoscribe.errors import InputError
from geoscribe.io import read_samples
from geoscribe.paths import data_dir

# Files the INDEX counts samples in, but which hold nothing a translator could read.
EXPECTED_REJECTS = {
    "gemma/loader/expression/geo/GSE180363.miniml.xml": "sample stubs without title",
}


def _index_rows():
    root = data_dir(must_exist=False)
    index = root / "geo_files" / "INDEX.tsv"
    if not index.is_file():
        skip = pytest.mark.skip(reason=f"shared data not found at {root}")
        return [pytest.param(None, marks=skip)]
    with open(index, newline="", encoding="utf-8") as fh:
        rows = [
            {k.strip(): (v or "").strip() for k, v in r.items()}
            for r in csv.DictReader(fh, delimiter="\t")
        ]
    return [pytest.param(r, id=r["path"]) for r in rows]


def _gds_sample_count(path) -> int | None:
    with gzip.open(path, "rt", encoding="latin-1") as fh:
        for line in fh:
            if line.startswith("!dataset_sample_count"):
                return int(line.split("=", 1)[1])
            if line.startswith("!dataset_table_begin"):
                return None
    return None


@pytest.mark.parametrize("row", _index_rows())
def test_geo_file_read_or_rejected(shared_data, row):
    path = shared_data / "geo_files" / row["path"]
    expected = int(row["n_samples"]) if row["n_samples"].isdigit() else None
    try:
        samples = list(read_samples(path))
    except InputError as exc:
        message = str(exc)
        assert message.startswith(f"{path}: ") and "\n" not in message
        if row["path"] in EXPECTED_REJECTS:
            assert EXPECTED_REJECTS[row["path"]] in message
        else:  # only files with no samples may be rejected (platform-only, empty series)
            assert expected == 0 and row["kind"] != "GDS", message
        return
    assert row["path"] not in EXPECTED_REJECTS
    if row["kind"] == "GDS":  # INDEX counts ^SAMPLE blocks (none); a GDS lists its samples
        count = _gds_sample_count(path)
        assert len(samples) == count if count is not None else samples
        assert all(s.title or s.characteristics for s in samples)  # '#GSM' lines, subsets
        # every GDS here has subsets but GDS184 (GSE88Short)
        assert any(s.characteristics for s in samples) or "GSE88Short" in row["path"]
        assert all(re.fullmatch(r"GSM\d+", s.gsm) for s in samples)
    else:
        if expected is not None:
            assert len(samples) == expected
        assert all(s.title for s in samples)
        if row["has_characteristics"] == "1":
            assert any(s.characteristics for s in samples)
        if row["kind"] in ("SOFT", "series_matrix", "MINiML") and row["series"].startswith("GSE"):
            assert all(re.fullmatch(r"GSM\d+", s.gsm) for s in samples)
    assert len({s.gsm for s in samples}) == len(samples)


def test_geo_files_folder_read_reports_rejects(shared_data):
    rejected = []
    samples = read_samples(
        shared_data / "geo_files", recursive=True, on_error=lambda p, e: rejected.append(p)
    )
    n = sum(1 for _ in samples)
    names = {p.name for p in rejected}
    assert "INDEX.tsv" in names  # a table, but without sample columns
    assert "GSE180363.miniml.xml" in names
    assert n > 5000


UNLABELLED = ["human_unlabelled_data", "random_geo_200", "unlabelled_chipseq_data", "unlabelled_data"]


@pytest.mark.parametrize("name", UNLABELLED)
def test_unlabelled_csvs(shared_data, name):
    path = shared_data / "geo_unlabelled" / f"{name}.csv"
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    samples = list(read_samples(path))
    assert [(s.gsm, s.text) for s in samples] == [(r["gsm"], r["input"].strip()) for r in rows]


def test_geometadb_subset_gz(shared_data):
    n = titled = with_chars = 0
    for s in read_samples(shared_data / "geo_samples" / "geometadb_gsm_subset.sqlite.gz"):
        n += 1
        titled += bool(s.title)
        with_chars += bool(s.characteristics)
        assert ";\t" not in s.characteristics  # GEOmetadb's joiner, normalised
    assert n == 144_512
    assert titled / n > 0.99 and with_chars / n > 0.5


def test_metasra_platform_files_match_the_geometadb_subset(shared_data, tmp_path):
    """The tarball's per-platform files hold the same 144,512 distinct samples as the
    GEOmetadb subset (91 of them listed under two platforms), with the same titles."""
    import tarfile

    with tarfile.open(shared_data / "geo_samples" / "metasra_geo_samples_by_gpl.tar.gz") as tar:
        tar.extractall(tmp_path, filter="data")
    folder = next(tmp_path.rglob("gpl_files"))
    titles = {}
    n = 0
    for s in read_samples(folder):
        n += 1
        titles.setdefault(s.gsm, s.title)
    reference = {s.gsm: s.title for s in read_samples(shared_data / "geo_samples" / "geometadb_gsm_subset.sqlite.gz")}
    assert n == 144_603 and len(titles) == 144_512
    assert titles.keys() == reference.keys()
    same = sum(titles[g] == reference[g] for g in reference)
    assert same / len(reference) > 0.99
