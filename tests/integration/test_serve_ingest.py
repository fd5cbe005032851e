"""The service over a database made by ``geoscribe ingest`` (not by hand): the pipeline's
store and the service agree on the contract."""

from __future__ import annotations

import csv

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("duckdb")
from fastapi.testclient import TestClient  # noqa: E402
from serve_support import tiny_translator  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from geoscribe.cli import app  # noqa: E402
from geoscribe.serve import create_app  # noqa: E402


def test_serve_over_an_ingested_database(tmp_path, test_data):
    source = test_data / "evaluate" / "gold.csv"
    model = tiny_translator()
    model_dir = model.save(tmp_path / "tiny")
    db = tmp_path / "out.duckdb"
    result = CliRunner().invoke(app, ["ingest", str(source), "--db", str(db), "--model", str(model_dir)])
    assert result.exit_code == 0, result.output
    with source.open(newline="") as f:
        rows = list(csv.DictReader(f))

    with TestClient(create_app(db=db, models={"cistrome": model})) as client:
        assert client.get("/info").json()["samples"] == len(rows)
        page = client.get("/samples", params={"limit": 200}).json()
        assert page["total"] == len(rows)
        by_gsm = {s["gsm"]: s for s in page["samples"]}
        assert set(by_gsm) == {r["gsm"] for r in rows}
        # what ingest stored is what the model gives for the stored input line
        sample = by_gsm[rows[0]["gsm"]]
        assert sample["values"] == model.translate([sample["input"]])[0].values
        facets = client.get("/facets").json()["facets"]
        assert all(sum(v["count"] for v in values) == len(rows) for values in facets.values())
        value = facets["Factor"][0]["value"]
        filtered = client.get("/samples", params={"filter": f"Factor:{value}"}).json()
        assert filtered["total"] == facets["Factor"][0]["count"]
