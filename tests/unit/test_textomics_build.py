"""Robust Textomics build (issue 20): log2 detection, normalisation, caps, report, GDS files."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from geoscribe.errors import InputError
from geoscribe.textomics._util import TextomicsWarning
from geoscribe.textomics.dataset import BuildReport, apply_log2, build_dataset, looks_raw, normalise_series

from textomics_support import SUMMARY, write_matrix


def test_log2_detection_and_modes():
    raw, logged = np.array([[50.0, 132, 4000]]), np.array([[2.0, 4.0, 12.5]])
    assert looks_raw(raw) and not looks_raw(logged)
    assert apply_log2(logged, "auto") == (logged, False)
    out, applied = apply_log2(raw, "auto")
    assert applied and np.allclose(out, np.log2(raw))
    assert apply_log2(raw, "off")[1] is False and apply_log2(logged, "on")[1] is True
    with pytest.raises(InputError, match="log2 mode"):
        apply_log2(raw, "sometimes")


def test_quantile_and_rank_normalisation():
    v = np.array([[1.0, 10.0], [2.0, 30.0], [3.0, 20.0]])
    q = normalise_series(v, "quantile")
    assert np.allclose(np.sort(q[:, 0]), np.sort(q[:, 1]))  # same distribution in every sample
    assert np.allclose(q[:, 1], [5.5, 16.5, 11.0])  # ranks kept: means of sorted rows are 5.5, 11, 16.5
    assert np.allclose(normalise_series(v, "rank")[:, 1], [1 / 3, 1, 2 / 3])


def test_mixed_scale_gpl570_is_put_on_one_scale(tmp_path):
    rng = np.random.default_rng(0)
    base = rng.uniform(3, 12, size=(6, 1))  # log2 expression per feature
    logged = base + rng.normal(0, 0.1, size=(6, 4))
    write_matrix(tmp_path, "GSE101", logged)  # processed: log2, median about 7
    write_matrix(tmp_path, "GSE102", 2 ** (base + rng.normal(0, 0.1, size=(6, 3))))  # raw MAS5-like, median 100+
    report = BuildReport()
    (ds,) = build_dataset(tmp_path, report=report).values()
    five = ds.vectors.reshape(2, -1, 5)
    assert np.abs(five[0, :, 2] - five[1, :, 2]).max() < 0.5  # medians agree per feature after log2
    assert ds.info["log2_applied"] == ["GSE102"]
    (off,) = build_dataset(tmp_path, log2="off").values()
    assert np.abs(off.vectors.reshape(2, -1, 5)[1, :, 2] - five[0, :, 2]).max() > 50
    assert any("GSE102" in line and "log2 applied" in line for line in report.lines())


def test_build_report_caps_titles_and_imputation_warning(tmp_path):
    sparse = [[1.0, 2]] + [[np.nan, np.nan]] * 4  # only p0 of 5 features measured
    write_matrix(tmp_path, "GSE201", np.ones((5, 2)), title="Muscle series")
    write_matrix(tmp_path, "GSE202", sparse)
    write_matrix(tmp_path, "GSE206", sparse)
    write_matrix(tmp_path, "GSE203", np.ones((2, 2)), platform="GPL1")
    write_matrix(tmp_path, "GSE204", np.ones((2, 2)), summary="")
    (tmp_path / "notes.txt").write_text("not GEO")
    (tmp_path / "GSE205_series_matrix.txt").write_text("!Series_title\t\"broken\"\n")
    report = BuildReport()
    with pytest.warns(TextomicsWarning, match="GPL570: 53% of the kept feature values were missing and imputed"):
        ds = build_dataset(tmp_path, min_series=2, report=report)
    assert list(ds) == ["GPL570"] and ds["GPL570"].titles == ["Muscle series", "GSE202 title", "GSE206 title"]
    lines = "\n".join(report.lines())
    assert "notes.txt\tnot a series matrix, SOFT or GDS file name" in lines
    assert "GSE205_series_matrix.txt\tnot a GEO series matrix" in lines
    assert "series\tdropped\tGSE204/GPL570\tno summary" in lines
    assert "platform\tdropped\tGPL1\t1 series with a summary < --min-series 2" in lines
    assert "platform\tkept\tGPL570\t3 series, 5 features, 53% of values imputed" in lines
    # --max-missing 0.5: p1..p4 are missing in 4 of 6 sample slots, so only p0 is kept
    capped = build_dataset(tmp_path, max_missing=0.5)["GPL570"]
    assert capped.features == ["p0"] and len(capped) == 3
    # ... and a series missing more than the cap of the kept values is dropped, with its reason
    report = BuildReport()
    build_dataset(tmp_path, n_features=5, max_missing=0.7, report=report)
    assert "series\tdropped\tGSE202/GPL570\t80% of the kept values missing > --max-missing 70%" in report.lines()


def test_build_reads_plain_gse_soft_and_gds_files(tmp_path):
    soft = """^SERIES = GSE301
!Series_title = Soft series
!Series_summary = """ + SUMMARY + """
^SAMPLE = GSM3011
!Sample_platform_id = GPL570
!sample_table_begin
ID_REF\tVALUE
p0\t5
p1\t6
!sample_table_end
"""
    (tmp_path / "GSE301.soft").write_text(soft)
    gds = """^DATASET = GDS401
!dataset_title = A curated data set
!dataset_description = """ + SUMMARY + """
!dataset_platform = GPL570
!dataset_reference_series = GSE402
!dataset_table_begin
ID_REF\tIDENTIFIER\tGSM4021\tGSM4022
p0\tGENE0\t5\t6
p1\tGENE1\t7\tnull
!dataset_table_end
"""
    (tmp_path / "GDS401.soft").write_text(gds)
    (ds,) = build_dataset(tmp_path).values()
    assert ds.ids == ["GSE301", "GDS401"] and ds.samples[1] == ["GSM4021", "GSM4022"]
    np.testing.assert_allclose(ds.vectors[1][:5], [5, 5.25, 5.5, 5.75, 6])
    write_matrix(tmp_path, "GSE402", [[5.0, 6], [7, 8]])  # the GDS's own series: the GDS is a duplicate
    report = BuildReport()
    assert build_dataset(tmp_path, report=report)["GPL570"].ids == ["GSE402", "GSE301"]
    assert any("GDS401.soft\tGDS401/GPL570: GSE402 on GPL570 already read" in line for line in report.lines())


def test_cli_build_prints_the_report_and_writes_it(tmp_path):
    from geoscribe.cli import app

    write_matrix(tmp_path / "geo" if (tmp_path / "geo").mkdir() is None else tmp_path, "GSE501", [[100.0, 300]])
    result = CliRunner().invoke(app, ["textomics", "build", str(tmp_path / "geo"), "-o", str(tmp_path / "out"),
                                      "--log2", "auto", "--normalise", "rank", "--min-series", "1"])
    assert result.exit_code == 0, result.output
    assert "file\tread\t" in result.output and "platform\tkept\tGPL570\t1 series" in result.output
    assert (tmp_path / "out" / "build_report.json").is_file() and (tmp_path / "out" / "GPL570.json").is_file()
    bad = CliRunner().invoke(app, ["textomics", "build", str(tmp_path / "geo"), "-o", str(tmp_path / "o2"),
                                   "--normalise", "zscore"])
    assert bad.exit_code == 1 and "Error: unknown normalisation 'zscore'" in bad.output
