"""Textomics correctness fixes (issue 20): each test failed before its fix."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from typer.testing import CliRunner

from geoscribe.errors import InputError
from geoscribe.textomics._tables import read_series_matrix, read_soft_family
from geoscribe.textomics._util import TextomicsWarning, grouped_kfold, kfold, sample_groups
from geoscribe.textomics.applications import feasibility, mask_keywords
from geoscribe.textomics.crossval import cross_validate, dataset_folds
from geoscribe.textomics.dataset import TextomicsDataset, load_release

SOFT = """^SERIES = GSE900781
!Series_title = Kidney series
!Series_summary = Normal and tumour kidney tissue.
!Series_summary = 
!Series_summary = Keywords = kidney
!Series_summary = Keywords = renal
^SAMPLE = GSM1
!Sample_platform_id = GPL1
!sample_table_begin
ID_REF\tVALUE
p1\t1
!sample_table_end
"""


def test_soft_summary_drops_keywords_lines(tmp_path):
    (tmp_path / "GSE900781_family.soft").write_text(SOFT)
    (t,) = read_soft_family(tmp_path / "GSE900781_family.soft")
    assert t.summary == "Normal and tumour kidney tissue."
    matrix = ('!Series_geo_accession\t"GSE1"\n!Series_summary\t"Some prose."\n!Series_summary\t"Keywords = renal"\n'
              '!series_matrix_table_begin\n"ID_REF"\t"GSM1"\n"p1"\t1\n!series_matrix_table_end\n')
    (tmp_path / "GSE1_series_matrix.txt").write_text(matrix)
    assert read_series_matrix(tmp_path / "GSE1_series_matrix.txt").summary == "Some prose."


def _ds(n: int, samples=None) -> TextomicsDataset:
    rng = np.random.default_rng(0)
    return TextomicsDataset("GPL1", [f"GSE{i}" for i in range(n)], [f"summary number {i} of cells" for i in range(n)],
                            rng.normal(size=(n, 10)).astype(np.float32), samples=samples or [])


def test_vec2text_on_one_series_is_a_clear_error(tmp_path):
    from geoscribe.cli import app

    path = _ds(1).save(tmp_path)
    with pytest.raises(InputError, match="1 series"):
        cross_validate(path, "vec2text", model="nn")
    result = CliRunner().invoke(app, ["textomics", "vec2text", str(path), "--model", "nn"])
    assert result.exit_code == 1 and "Error:" in result.output and "Traceback" not in result.output


def test_knn_vec2text_refuses_one_training_series():
    from geoscribe.textomics.vec2text import KNNVec2Text

    with pytest.raises(InputError, match="at least 2"):
        KNNVec2Text(epochs=1).fit(np.ones((1, 5)), ["only one"])


def test_statistics_on_few_series_warn():
    rng = np.random.default_rng(0)
    with pytest.warns(TextomicsWarning, match="3 series"):
        feasibility(rng.normal(size=(3, 4)), rng.normal(size=(3, 10)))
    with warnings.catch_warnings():
        warnings.simplefilter("error", TextomicsWarning)
        feasibility(rng.normal(size=(40, 4)), rng.normal(size=(40, 10)))  # enough series: no warning
    with pytest.warns(TextomicsWarning, match="only 6 series"):
        cross_validate(_ds(6), "vec2text", model="nn", folds=3)


def test_mask_keywords_masks_every_occurrence():
    (row,) = mask_keywords(["Kidney tumours: kidney cells from the KIDNEY cortex, not kidneys."], ["kidney"])
    assert row[1] == "[PAD] tumours: [PAD] cells from the [PAD] cortex, not kidneys."
    assert row[2] == "kidney"


def test_load_release_reads_the_authors_fields(test_data):
    path = test_data / "textomics_release" / "GPL9999.npy"
    with pytest.raises(InputError, match="trust-pickle"):
        load_release(path)
    ds = load_release(path, trust_pickle=True)
    raw = np.load(path, allow_pickle=True)
    assert ds.summaries == [r[2] for r in raw]  # Vec2Text: fields 0 and 2
    np.testing.assert_allclose(ds.vectors, np.array([r[0] for r in raw], dtype=np.float32))
    np.testing.assert_allclose(ds.embeddings, np.stack([r[3] for r in raw]))  # Text2Vec: fields 0 and 3
    assert ds.ids == ["GSE900000", "GSE900001", "GSE900002", "GPL9999:3"]


def test_load_release_refuses_two_field_records(tmp_path):
    arr = np.empty(1, dtype=object)
    arr[0] = [np.arange(3.0), "summary"]
    np.save(tmp_path / "GPL1.npy", arr, allow_pickle=True)
    with pytest.raises(InputError, match="field 2"):
        load_release(tmp_path / "GPL1.npy", trust_pickle=True)


def test_sample_groups_join_superseries_and_subseries():
    groups = sample_groups([["GSM1", "GSM2"], ["GSM3"], ["GSM1", "GSM2", "GSM3", "GSM4"], ["GSM9"]])
    assert groups[0] == groups[1] == groups[2] != groups[3]


@pytest.mark.filterwarnings("ignore::geoscribe.textomics._util.TextomicsWarning")
def test_folds_keep_series_sharing_samples_together():
    # series 0..9 are singletons; 10 (a SuperSeries) holds the samples of 11 and 12
    samples = [[f"GSM{i}"] for i in range(10)] + [["GSM100", "GSM101"], ["GSM100"], ["GSM101"]]
    ds = _ds(13, samples)
    for train, test in dataset_folds(ds, 3):
        together = {10, 11, 12}
        assert together <= set(test) or not together & set(test)
        assert not set(train) & set(test)
    assert sorted(np.concatenate([te for _, te in dataset_folds(ds, 3)])) == list(range(13))


def test_grouped_kfold_is_plain_kfold_for_singletons():
    a, b = grouped_kfold(np.arange(12), n_splits=3), kfold(12, n_splits=3)
    assert all(np.array_equal(x[1], y[1]) for x, y in zip(a, b))


def test_too_few_groups_for_the_folds_is_an_error():
    ds = _ds(4, [["GSM1"], ["GSM1"], ["GSM1"], ["GSM2"]])  # 4 series, 2 groups
    with pytest.raises(InputError, match="2 groups"):
        dataset_folds(ds, 3)


def test_cli_prints_the_few_series_warning_on_one_line(tmp_path):
    from geoscribe.cli import app

    path = _ds(6).save(tmp_path)
    result = CliRunner().invoke(app, ["textomics", "vec2text", str(path), "--model", "nn", "--folds", "3"])
    assert result.exit_code == 0
    assert "Warning: GPL1: only 6 series" in result.output and "BLEU-1" in result.output


def test_text2vec_on_the_release_embeddings(test_data, tmp_path):
    ds = load_release(test_data / "textomics_release" / "GPL9999.npy", trust_pickle=True)
    back = TextomicsDataset.load(ds.save(tmp_path))
    np.testing.assert_array_equal(back.embeddings, ds.embeddings)
    with pytest.warns(TextomicsWarning):
        r = cross_validate(back, "text2vec", folds=2, encoder="release")
    assert r["baseline_rmse"] > 0 and np.isfinite(r["text2vec_rmse"])
    with pytest.raises(InputError, match="precomputed text embeddings"):
        cross_validate(_ds(4), "text2vec", folds=2, encoder="release")
