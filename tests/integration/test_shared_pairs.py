"""The grammar against every row of the real translation pairs."""

import csv

import pytest

from geoscribe.schema import parse


@pytest.mark.parametrize("name", ["cistrome", "encode"])
def test_round_trip_every_row(shared_data, name):
    path = shared_data / name / "pairs.csv"
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) > 1000
    for row in rows:
        rec = parse(row["output"], name)
        assert rec.render() == row["output"], row["output"]
        assert all(v != "" for v in rec.values.values())
