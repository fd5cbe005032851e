"""Report serialisation, Markdown tables, the bar chart and write_report."""

from __future__ import annotations

import json

import pytest

from geoscribe.errors import InputError
from geoscribe.evaluate import EvaluationReport, compare, evaluate, plot_accuracy, write_report
from geoscribe.schema import ENCODE, Record

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _encode_report(wrong: int) -> EvaluationReport:
    """Four ENCODE records; the first ``wrong`` attributes are wrong in record 0."""
    gold = [Record(ENCODE, {a: f"{a} {i}" for a in ENCODE.attributes}) for i in range(4)]
    pred = [Record(ENCODE, dict(r.values)) for r in gold]
    for a in ENCODE.attributes[:wrong]:
        pred[0].values[a] = "something else"
    return evaluate(gold, pred, inputs=[f"text {i}" for i in range(4)])


def test_report_json_round_trip():
    report = _encode_report(3)
    again = EvaluationReport.from_json(report.to_json())
    assert again == report
    data = json.loads(report.to_json())
    assert data["per_attribute"]["Assay name"]["accuracy"] == 0.75
    assert data["splits"]["value_in_input"]["groups"]["absent"]["n"] == 4 * 15


def test_report_markdown_lists_every_attribute_and_mean():
    md = _encode_report(3).to_markdown(title="model")
    assert md.startswith("## model\n")
    assert "| Assay name | 0.750 | 0.750 | 0.750 |" in md
    assert "| Sex | 1.000 | 1.000 | 1.000 |" in md
    # mean accuracy = (3 * 0.75 + 12 * 1) / 15 = 0.95
    assert "| **Mean** | 0.950 |" in md
    assert "### Split: gold value present verbatim" in md


def test_compare_one_column_per_model():
    md = compare({"good": _encode_report(0), "bad": _encode_report(15)})
    assert "| Attribute | good | bad |" in md
    assert "| Assay name | 1.000 | 0.750 |" in md
    assert "| **Mean accuracy** | 1.000 | 0.750 |" in md


def test_plot_accuracy_one_bar_per_model_and_attribute(tmp_path):
    reports = {"good": _encode_report(0), "half": _encode_report(7), "bad": _encode_report(15)}
    path = tmp_path / "acc.png"
    fig = plot_accuracy(reports, path)
    assert path.read_bytes()[:8] == PNG_MAGIC
    ax = fig.axes[0]
    assert len(ax.containers) == 3
    assert [len(c) for c in ax.containers] == [15, 15, 15]
    heights = [bar.get_height() for bar in ax.containers[1]]
    assert heights == [0.75] * 7 + [1.0] * 8
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == list(ENCODE.attributes)
    assert all(t.get_rotation() > 0 for t in ax.get_xticklabels())  # 15 names do not fit flat
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["good", "half", "bad"]


def test_plot_accuracy_rejects_empty():
    with pytest.raises(InputError, match="no reports to plot"):
        plot_accuracy({})


def test_write_report_writes_three_files(tmp_path):
    reports = {"a": _encode_report(1), "b": _encode_report(2)}
    paths = write_report(reports, tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["accuracy.png", "report.json", "report.md"]
    data = json.loads(paths["json"].read_text())
    assert set(data) == {"a", "b"}
    assert EvaluationReport.from_dict(data["b"]) == reports["b"]
    md = paths["markdown"].read_text()
    assert "| Attribute | a | b |" in md and "## a" in md and "## b" in md
    assert paths["png"].read_bytes()[:8] == PNG_MAGIC
