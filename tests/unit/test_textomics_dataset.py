"""Textomics dataset builder, cleaning, BLEU filter and storage on tiny real-format files."""

from __future__ import annotations

import numpy as np
import pytest

from geoscribe.textomics._tables import read_series_matrix, read_soft_family
from geoscribe.textomics.dataset import (
    TextomicsDataset, bleu_filter, build_dataset, clean_summary, median_pairwise_bleu1, tokenize,
)


@pytest.fixture
def geo_dir(test_data):
    return test_data / "textomics"


def test_read_series_matrix_values_and_missing(geo_dir):
    t = read_series_matrix(geo_dir / "GSE900001_series_matrix.txt")
    assert (t.gse, t.platform, t.samples) == ("GSE900001", "GPL9999", ["GSM1", "GSM2", "GSM3"])
    assert t.features == ["p1", "p2", "p3"]
    assert np.isnan(t.values[1, 1]) and t.values[1, 2] == 30
    assert "Keywords" not in t.summary and t.summary.startswith("We profiled liver")


def test_read_soft_family_per_sample_tables(geo_dir):
    (t,) = read_soft_family(geo_dir / "GSE900002_family.soft")
    assert (t.gse, t.platform, t.samples) == ("GSE900002", "GPL9999", ["GSM4", "GSM5"])
    assert t.features == ["p1", "p2", "p4"]
    np.testing.assert_array_equal(t.values[0], [4, 6])
    assert np.isnan(t.values[1, 1])


def test_build_dataset_selects_imputes_and_summarises(geo_dir, tmp_path):
    (ds,) = build_dataset(geo_dir, n_features=2).values()
    assert ds.platform == "GPL9999" and ds.ids == ["GSE900001", "GSE900002"]
    assert ds.features == ["p1", "p2"]  # lowest missing rate: p1 0/5, p2 2/5 (p3 2/5 later, p4 3/5)
    np.testing.assert_allclose(ds.vectors[0], [1, 1.5, 2, 2.5, 3, 10, 15, 20, 25, 30])
    np.testing.assert_allclose(ds.vectors[1], [4, 4.5, 5, 5.5, 6, 40, 40, 40, 40, 40])
    assert "[control]" not in ds.summaries[1]
    back = TextomicsDataset.load(ds.save(tmp_path))
    assert back.summaries == ds.summaries and np.array_equal(back.vectors, ds.vectors)


def test_clean_summary_brackets_and_truncation():
    assert clean_summary("A (with (nested) note) B [x] C {y} D") == "A B C D"
    assert clean_summary(" ".join(map(str, range(100))), max_words=64).split()[-1] == "63"


def test_median_pairwise_bleu1_matches_nltk():
    from nltk.translate.bleu_score import sentence_bleu

    texts = ["the cells were treated with drug", "cells cells were grown", "a mouse liver time course of the drug",
             "the the the", "expression profiling of treated cells"]
    want = [np.median([sentence_bleu([tokenize(r)], tokenize(h), weights=(1.0,))
                       for j, r in enumerate(texts) if j != i]) for i, h in enumerate(texts)]
    np.testing.assert_allclose(median_pairwise_bleu1(texts, block=2), want, atol=1e-6)


def test_bleu_filter_drops_outlier():
    texts = [f"gene expression profiling of {w} cells treated with the drug" for w in "abcdefgh"]
    texts.append("Please see our data below")
    assert 8 not in bleu_filter(texts) and len(bleu_filter(texts)) == 8
