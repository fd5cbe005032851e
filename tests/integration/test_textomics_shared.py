"""Textomics builder on real GEO files and the real GPL570 summaries in ../shared/data."""

from __future__ import annotations

import numpy as np


def test_build_on_real_series_matrix_and_soft(shared_data, tmp_path):
    from geoscribe.textomics.dataset import build_dataset

    geo = shared_data / "geo_files"
    for name in ("GSE42872_series_matrix.txt.gz", "GSE781_family.soft.gz"):
        (tmp_path / name).symlink_to(geo / name)
    ds = build_dataset(tmp_path, n_features=20_000)
    assert {"GPL6244", "GPL96", "GPL97"} <= set(ds)
    g = ds["GPL6244"]
    assert g.ids == ["GSE42872"] and g.vectors.shape == (1, 100_000)
    five = g.vectors[0].reshape(-1, 5)
    assert np.all(np.diff(five, axis=1) >= 0)  # min <= Q1 <= median <= Q3 <= max per feature
    assert len(g.summaries[0].split()) <= 64
    assert ds["GPL96"].vectors.shape[1] == 5 * min(20_000, 22_283)


def test_gpl570_summaries_load_and_filter(shared_data):
    from geoscribe.textomics.simulate import load_geo_summaries

    ids, texts = load_geo_summaries(shared_data / "geo_series" / "human_array_series.tsv.gz", platform="GPL570")
    assert 2000 < len(ids) < 4322  # the BLEU filter drops some of the 4,322 single-platform series
    assert all(len(t.split()) <= 64 for t in texts)
