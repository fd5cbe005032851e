"""Describe a new series with a saved model; Text2Vec --save and predict (issue 20)."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from textomics_support import write_matrix
from typer.testing import CliRunner

from geoscribe.cli import app
from geoscribe.errors import ModelError

MUSCLE = "Expression profiling of skeletal muscle biopsies from diabetic subjects after exercise training, study {}."
LIVER = "Expression profiling of liver biopsies from obese subjects after a fasting diet, study {}."


def _profile(kind: str, rng, n_samples=3) -> np.ndarray:
    """Six features on the log2 scale: muscle series are high on p0-p2, liver series on p3-p5."""
    high = np.r_[np.full(3, 11.0), np.full(3, 4.0)] if kind == "muscle" else np.r_[np.full(3, 4.0), np.full(3, 11.0)]
    return high[:, None] + rng.normal(0, 0.2, size=(6, n_samples))


@pytest.fixture
def model_dir(tmp_path):
    """A nearest-neighbour Vec2Text model on 8 tiny GPL570 series, saved with its platform."""
    rng = np.random.default_rng(0)
    geo = tmp_path / "geo"
    geo.mkdir()
    for i in range(8):
        kind = "muscle" if i % 2 == 0 else "liver"
        write_matrix(geo, f"GSE70{i}", _profile(kind, rng), summary=(MUSCLE if kind == "muscle" else LIVER).format(i),
                     title=f"{kind} series {i}")
    runner = CliRunner()
    res = runner.invoke(app, ["textomics", "build", str(geo), "-o", str(tmp_path / "ds"), "-q"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["textomics", "vec2text", str(tmp_path / "ds" / "GPL570.json"), "--model", "nn",
                              "--folds", "0", "--save", str(tmp_path / "model")])
    assert res.exit_code == 0, res.output
    return tmp_path / "model"


def test_describe_a_new_raw_scale_series(model_dir, tmp_path):
    rng = np.random.default_rng(1)
    new = write_matrix(tmp_path, "GSE799", 2 ** _profile("muscle", rng, 4), title="new")  # raw intensities
    other = write_matrix(tmp_path, "GSE798", _profile("liver", rng), platform="GPL96")
    res = CliRunner().invoke(app, ["textomics", "describe", str(new), str(other), "--model", str(model_dir)])
    assert res.exit_code == 0, res.output
    assert "GSE799 (GPL570)" in res.output and "summary: Expression profiling of skeletal muscle" in res.output
    assert "nearest: GSE70" in res.output and "log2 applied: yes" in res.output
    assert "skipped: platform GPL96; the model is for GPL570" in res.output
    out = tmp_path / "described.jsonl"
    res = CliRunner().invoke(app, ["textomics", "describe", str(new), "-m", str(model_dir), "-o", str(out),
                                   "--neighbours", "2"])
    assert res.exit_code == 0, res.output
    (row,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert row["status"] == "described" and len(row["neighbours"]) == 2
    assert all(int(g[-1]) % 2 == 0 for g in row["neighbours"])  # both nearest are muscle series
    assert row["neighbour_titles"][0].startswith("muscle series") and row["distances"][0] <= row["distances"][1]
    assert row["distances"][0] < row["typical_distance"] * 3


def test_describe_csv_and_a_model_without_platform(model_dir, tmp_path):
    from geoscribe.textomics.describe import describe_files, write_rows

    new = write_matrix(tmp_path, "GSE797", _profile("liver", np.random.default_rng(2)))
    rows = describe_files([new, tmp_path / "nothing.txt"], model_dir)
    assert [r["status"] for r in rows] == ["described", "skipped"]
    assert rows[0]["summary"].startswith("Expression profiling of liver")
    write_rows(rows, tmp_path / "d.csv")
    with open(tmp_path / "d.csv", newline="") as fh:
        first = next(csv.DictReader(fh))
    assert first["series"] == "GSE797" and first["neighbours"].count(";") == 2
    (model_dir / "platform.json").unlink()
    with pytest.raises(ModelError, match="no platform.json"):
        describe_files([new], model_dir)


def test_describe_with_a_knn_model(model_dir, tmp_path):
    from geoscribe.textomics.dataset import TextomicsDataset
    from geoscribe.textomics.describe import describe_files, save_platform
    from geoscribe.textomics.vec2text import KNNVec2Text

    ds = TextomicsDataset.load(model_dir.parent / "ds" / "GPL570.json")
    knn = KNNVec2Text(k=2, d_model=16, n_layers=1, n_heads=2, epochs=1, max_len=24).fit(ds.vectors, ds.summaries)
    save_platform(ds, knn.save(tmp_path / "knn"))
    new = write_matrix(tmp_path, "GSE796", _profile("muscle", np.random.default_rng(3)))
    (row,) = describe_files([new], tmp_path / "knn")
    assert row["status"] == "described" and isinstance(row["summary"], str) and len(row["neighbours"]) == 3


def test_text2vec_save_and_predict(model_dir, tmp_path):
    ds = model_dir.parent / "ds" / "GPL570.json"
    res = CliRunner().invoke(app, ["textomics", "text2vec", str(ds), "--folds", "0", "--save", str(tmp_path / "t2v"),
                                   "--text", "title+summary"])
    assert res.exit_code == 0, res.output
    texts = tmp_path / "texts.csv"
    texts.write_text("id,title,summary\nq1,muscle,Skeletal muscle after exercise\nq2,liver,Liver after fasting\n")
    out = tmp_path / "vectors.csv"
    res = CliRunner().invoke(app, ["textomics", "predict", str(tmp_path / "t2v"), str(texts), "-o", str(out)])
    assert res.exit_code == 0, res.output
    with open(out, newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:3] == ["id", "p0:min", "p0:q1"] and len(rows[0]) == 1 + 6 * 5
    assert [r[0] for r in rows[1:]] == ["q1", "q2"]
    values = np.array([[float(x) for x in r[1:]] for r in rows[1:]])
    assert np.all(np.isfinite(values)) and np.all((values > 0) & (values < 20))  # on the training (log2) scale
    bad = CliRunner().invoke(app, ["textomics", "predict", str(tmp_path / "t2v"), str(texts), "-o", str(tmp_path / "v.xlsx")])
    assert bad.exit_code == 1 and "Error:" in bad.output
