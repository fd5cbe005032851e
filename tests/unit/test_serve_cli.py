"""``geoscribe serve``: options reach the app, user errors are one line and exit 1."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("duckdb")
from serve_support import make_store_db, tiny_translator  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

import geoscribe.serve  # noqa: E402
from geoscribe.cli import app  # noqa: E402

runner = CliRunner()


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    return tiny_translator().save(tmp_path_factory.mktemp("cli") / "tiny")


def test_serve_cli_missing_database_is_one_line(tmp_path):
    result = runner.invoke(app, ["serve", "--db", str(tmp_path / "none.duckdb"), "--no-ontology"])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f"Error: Database {tmp_path / 'none.duckdb'} not found; build one with 'geoscribe ingest' or fix --db.")


def test_serve_cli_bad_model_dir_is_one_line(tmp_path):
    result = runner.invoke(app, ["serve", "--model", f"cistrome={tmp_path}", "--no-ontology"])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1].startswith("Error: ")
    assert "Traceback" not in result.output


def test_serve_cli_builds_the_app_and_runs_it(tmp_path, model_dir, monkeypatch):
    db = make_store_db(tmp_path / "store.duckdb")
    calls = {}

    def fake_run(app_, *, host, port, log_level, on_ready):
        calls.update(app=app_, host=host, port=port)
        on_ready(f"http://{host}:{port}/")

    monkeypatch.setattr(geoscribe.serve, "serve", fake_run)
    result = runner.invoke(app, ["serve", "--db", str(db), "--model", str(model_dir), "--port", "8123",
                                 "--max-batch", "4", "--no-ontology"])
    assert result.exit_code == 0, result.output
    service = calls["app"].state.service
    assert (calls["host"], calls["port"]) == ("127.0.0.1", 8123)
    assert service.model_names == {"cistrome": "tiny"}  # schema read from the bare model directory
    assert service.db_count == 40 and service.limits.max_batch == 4
    assert "40 samples" in result.stderr and "http://127.0.0.1:8123/" in result.stderr
