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


def test_describe_gse781_with_a_model_built_from_the_gemma_files(shared_data, tmp_path):
    """The tutorial in docs/textomics.md: build from geo_files/gemma, save a model, describe GSE781."""
    from typer.testing import CliRunner

    from geoscribe.cli import app

    geo = shared_data / "geo_files"
    runner = CliRunner()
    res = runner.invoke(app, ["textomics", "build", str(geo / "gemma"), "-o", str(tmp_path / "ds"), "-q"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["textomics", "vec2text", str(tmp_path / "ds" / "GPL96.json"), "--model", "nn",
                              "--folds", "0", "--save", str(tmp_path / "model")])
    assert res.exit_code == 0, res.output
    out = tmp_path / "described.jsonl"
    res = runner.invoke(app, ["textomics", "describe", str(geo / "GSE781_family.soft.gz"), "--model",
                              str(tmp_path / "model"), "-o", str(out)])
    assert res.exit_code == 0, res.output
    import json

    rows = {r["platform"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert rows["GPL97"]["status"] == "skipped" and rows["GPL96"]["status"] == "described"
    gpl96 = rows["GPL96"]
    training = json.loads((tmp_path / "ds" / "GPL96.json").read_text())
    assert "GSE781" not in training["ids"] and set(gpl96["neighbours"]) <= set(training["ids"])
    assert gpl96["summary"] in training["summaries"]  # nearest-neighbour retrieval returns a training summary
    assert gpl96["log2_applied"] and gpl96["missing_fraction"] < 0.05  # GSE781 holds every GPL96 probe
    assert gpl96["distances"] == sorted(gpl96["distances"])
