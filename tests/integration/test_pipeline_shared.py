"""Ingest real GEO samples from ../shared: the GEOmetadb subset (first rows) and a
folder of real GEO files, with a tiny model (the pipeline, not the model, is tested)."""

from __future__ import annotations

import shutil
import sys
from itertools import islice
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "unit"))
from test_pipeline import make_tiny_model  # noqa: E402

from geoscribe.io import read_samples  # noqa: E402
from geoscribe.io.store import Store  # noqa: E402
from geoscribe.pipeline import ingest  # noqa: E402


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Path:
    return make_tiny_model(tmp_path_factory.mktemp("model") / "tiny")


def test_geometadb_subset_first_rows(shared_data, model, tmp_path):
    src = shared_data / "geo_samples" / "geometadb_gsm_subset.sqlite.gz"
    db = tmp_path / "geo.duckdb"
    summary = ingest(src, db, model=model, limit=600, partition_size=250, chunk_size=128)
    gsms = [s.gsm for s in islice(read_samples(src), 600)]
    assert summary.read == 600
    with Store(db) as st:
        assert sorted(r[0] for r in st.execute("SELECT sample_key FROM samples")) == sorted(set(gsms))
        assert st.execute("SELECT count(DISTINCT platform) FROM samples")[0][0] >= 1
        assert {r[0] for r in st.execute("SELECT DISTINCT source_file FROM samples")} == {str(src.resolve())}
    again = ingest(src, db, model=model, limit=600, partition_size=250)
    assert again.read == 0


def test_folder_of_real_geo_files(shared_data, model, tmp_path):
    folder = tmp_path / "geo"
    folder.mkdir()
    for name in ("GSE1828_series_matrix.txt.gz", "GSE42872_series_matrix.txt.gz"):
        shutil.copy(shared_data / "geo_files" / name, folder / name)
    want = {s.gsm for f in sorted(folder.iterdir()) for s in read_samples(f)}
    summary = ingest(folder, tmp_path / "f.sqlite", model=model, partition_size=10)
    assert summary.partitions >= 3 and not summary.unreadable
    with Store(tmp_path / "f.sqlite") as st:
        assert {r[0] for r in st.execute("SELECT sample_key FROM samples")} == want
        assert st.execute("SELECT count(*) FROM annotations")[0][0] == 4 * len(want)
