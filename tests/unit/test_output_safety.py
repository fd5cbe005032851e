"""Output safety (issue 22 items 3, 4, 7): an output is never an input, every write error is one
``Error:`` line naming the path, and SIGTERM leaves no temporary file behind."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_pipeline import make_tiny_model
from typer.testing import CliRunner

from geoscribe.cli import app
from geoscribe.errors import OutputError
from geoscribe.io.atomic import atomic_write, check_output

runner = CliRunner()
SRC = Path(__file__).parents[2] / "src"


@pytest.fixture
def table(tmp_path) -> Path:
    path = tmp_path / "x.csv"
    path.write_text("gsm,input\nGSM1,Title: CTCF ChIP-seq in K562\n")
    return path


def one_error_line(result, *needles: str) -> str:
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def no_temp_files(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("command", [
    ["read", "{x}", "--output", "{x}"],
    ["read", "{x}", "--output", "{dir}/./x.csv"],
    ["translate", "--model", "/no/such/model", "--input", "{x}", "--output", "{x}", "--to", "jsonl"],
    ["ingest", "{x}", "--db", "{x}", "--model", "/no/such/model"],
    ["read", "{dir}", "--output", "{dir}/all.csv"],
])
def test_an_output_that_is_an_input_is_refused_before_any_work(table, command):
    before = table.read_bytes()
    args = [a.format(x=table, dir=table.parent) for a in command]
    result = runner.invoke(app, args)
    one_error_line(result, "input")  # and not the model error: refused first
    assert table.read_bytes() == before
    assert sorted(p.name for p in table.parent.iterdir()) == ["x.csv"]


def test_an_output_that_is_a_hard_link_to_the_input_is_refused(table):
    link = table.parent / "link.csv"
    os.link(table, link)
    one_error_line(runner.invoke(app, ["read", str(table), "--output", str(link)]), str(link))


@pytest.mark.parametrize("where, needle", [
    ("{x}/out.csv", "not a folder"),  # under a regular file
    ("{dir}", "folder"),  # on a directory
    ("/proc/geoscribe-test/out.csv", "/proc/geoscribe-test/out.csv"),
])
@pytest.mark.parametrize("verb", ["read", "translate"])
def test_an_unwritable_output_is_one_error_line(table, where, needle, verb):
    target = where.format(x=table, dir=table.parent)
    if verb == "read":
        args = ["read", str(table), "--output", target]
    else:
        args = ["translate", "--model", "/no/such/model", "--input", str(table), "--output", target]
    line = one_error_line(runner.invoke(app, args), needle)
    assert "cannot write" in line


def test_read_only_folder_is_one_error_line(table, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root can write to a read-only folder")
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        one_error_line(runner.invoke(app, ["read", str(table), "--output", str(folder / "o.csv")]), "permission")
    finally:
        folder.chmod(0o755)


def test_disk_full_while_writing_is_one_error_line_and_no_temp(table, tmp_path, monkeypatch):
    import geoscribe.io.tables as tables

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(tables.csv, "DictWriter", full_disk)
    out = tmp_path / "out.csv"
    line = one_error_line(runner.invoke(app, ["read", str(table), "--output", str(out)]), str(out), "No space left")
    assert "free some space" in line
    assert not out.exists() and no_temp_files(tmp_path)


def test_disk_full_on_the_last_flush_is_an_output_error(tmp_path, monkeypatch):
    out = tmp_path / "o.txt"
    with pytest.raises(OutputError, match="No space left"):
        with atomic_write(out) as fh:
            fh.write("x")

            def close():
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

            real_close = fh.close
            monkeypatch.setattr(fh, "close", close)
    real_close()
    assert not out.exists() and no_temp_files(tmp_path)


def test_check_output_creates_a_missing_folder_only_when_asked(tmp_path):
    with pytest.raises(OutputError, match="does not exist"):
        check_output(tmp_path / "a" / "o.csv")
    assert check_output(tmp_path / "a" / "o.csv", make_parent=True).parent.is_dir()


def test_sigterm_during_translate_output_leaves_no_temp_file(tmp_path):
    """SIGTERM while ``translate --output`` waits on stdin, after the temporary file exists."""
    model = make_tiny_model(tmp_path / "model")
    work = tmp_path / "work"
    work.mkdir()
    out = work / "out.jsonl"
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from geoscribe.cli import app; app()", "translate", "--model", str(model),
         "--output", str(out), "-q", "-"],
        stdin=subprocess.PIPE, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env, cwd=tmp_path,
    )
    try:
        proc.stdin.write(b"Title: CTCF ChIP-seq in K562\n" * 10)
        proc.stdin.flush()
        deadline = time.monotonic() + 30
        while no_temp_files(work) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert not no_temp_files(work), "the temporary output file never appeared"
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 128 + signal.SIGTERM
    assert b"Traceback" not in err and b"Terminated." in err
    assert sorted(p.name for p in work.iterdir()) == []


@pytest.mark.parametrize("suffix", ["duckdb", "sqlite"])
def test_disk_full_during_ingest_is_one_error_line(tmp_path, monkeypatch, suffix):
    """DuckDB says ``TransactionException: ... No space left``, SQLite ``database or disk is full``."""
    import sqlite3

    import duckdb

    from geoscribe.io.store import Store
    from test_pipeline import SOURCE

    error = (duckdb.TransactionException("TransactionContext Error: Failed to commit: No space left on device")
             if suffix == "duckdb" else sqlite3.OperationalError("database or disk is full"))
    real_insert = Store.insert

    def insert(self, table, *args, **kwargs):
        if table == "annotations":
            raise error
        return real_insert(self, table, *args, **kwargs)

    monkeypatch.setattr(Store, "insert", insert)
    db = tmp_path / f"out.{suffix}"
    result = runner.invoke(app, ["ingest", str(SOURCE), "--db", str(db), "--model",
                                 str(make_tiny_model(tmp_path / "model")), "-q"])
    line = one_error_line(result, str(db), "no space left")
    assert "free some space" in line
