"""A damaged ingest database (issue 22 item 6): ``query``, ``serve`` and ``ingest`` say it is
damaged (not "another process is writing it"), and ``ingest`` does not append to it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from test_pipeline import SOURCE, make_tiny_model
from typer.testing import CliRunner

from geoscribe.cli import app
from geoscribe.io.store import DatabaseUnusableError, Store, StoreError
from geoscribe.pipeline import ingest
from geoscribe.serve import create_app

runner = CliRunner()
DUCKDB_BLOCK = 256 * 1024


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("damage")
    model = make_tiny_model(tmp / "model")
    out = {"model": model}
    for suffix in ("duckdb", "sqlite"):
        out[suffix] = tmp / f"good.{suffix}"
        ingest(SOURCE, out[suffix], model=model, progress=False)
    return out


def damage(good: Path, kind: str, into: Path) -> Path:
    data = good.read_bytes()
    if kind == "garbage":
        data = os.urandom(len(data))
    elif kind == "truncated":
        data = data[: len(data) // 2]
    elif kind == "past-256k":  # every byte after the first data block flipped; headers intact
        assert len(data) > 2 * DUCKDB_BLOCK
        data = data[:DUCKDB_BLOCK] + bytes(b ^ 0x5A for b in data[DUCKDB_BLOCK:])
    elif kind == "pages":  # SQLite: its first page intact, the rest scrambled
        data = data[:4096] + bytes(b ^ 0x5A for b in data[4096:])
    path = into / f"{kind}{good.suffix}"
    path.write_bytes(data)
    return path


CASES = [("duckdb", "garbage"), ("duckdb", "truncated"), ("duckdb", "past-256k"), ("sqlite", "garbage"),
         ("sqlite", "pages")]


def one_error(result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


@pytest.mark.parametrize("backend, kind", CASES)
def test_query_reports_a_damaged_database_as_damaged(built, tmp_path, backend, kind):
    db = damage(built[backend], kind, tmp_path)
    line = one_error(runner.invoke(app, ["query", str(db), "samples"]))
    assert "is damaged" in line and "another process" not in line


@pytest.mark.parametrize("backend, kind", CASES)
def test_ingest_refuses_to_append_to_a_damaged_database(built, tmp_path, backend, kind):
    db = damage(built[backend], kind, tmp_path)
    before = db.read_bytes()
    line = one_error(runner.invoke(app, ["ingest", str(SOURCE), "--db", str(db), "--model", str(built["model"]), "-q"]))
    assert "is damaged" in line and "another process" not in line
    assert db.read_bytes() == before


@pytest.mark.parametrize("backend, kind", CASES)
def test_serve_refuses_a_damaged_database_before_the_open_line(built, tmp_path, backend, kind):
    db = damage(built[backend], kind, tmp_path)
    with pytest.raises(StoreError, match="is damaged"):
        create_app(db=db, models={})
    result = runner.invoke(app, ["serve", "--db", str(db), "--model", f"cistrome={built['model']}",
                                 "--no-ontology", "--port", "0"])
    line = one_error(result)
    assert "is damaged" in line and "Open http" not in result.output


def test_a_sound_database_still_opens_and_verifies(built):
    for backend in ("duckdb", "sqlite"):
        with Store(built[backend], verify=True) as st:
            assert st.count() == 47


def test_a_writer_lock_is_still_reported_as_a_writer(built, tmp_path):
    db = tmp_path / "locked.duckdb"
    shutil.copy(built["duckdb"], db)
    with Store(db, read_only=False):
        import subprocess
        import sys

        code = ("from geoscribe.io.store import Store\n"
                f"try:\n    Store({str(db)!r})\nexcept Exception as e:\n    print(e)\n")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                             env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")})
    assert "another process is writing it" in out.stdout and "damaged" not in out.stdout


def test_service_answers_503_when_the_database_turns_out_damaged(built):
    from fastapi.testclient import TestClient

    class DamagedLater:
        def schemas(self):
            return ["cistrome"]

        def count(self):
            return 47

        def search(self, schema, **kwargs):
            raise DatabaseUnusableError("/srv/secret/db.duckdb is damaged")

        facets = search

    client = TestClient(create_app(db=DamagedLater(), models={}))
    response = client.get("/samples")
    assert response.status_code == 503
    assert "damaged" in response.json()["detail"] and "/srv/secret" not in response.text
