"""io.atomic: all-or-nothing writes with the ordinary file mode; io.tables.write_records."""

from __future__ import annotations

import json
import os
import sqlite3
import stat

import pytest

from geoscribe.io.atomic import atomic_write
from geoscribe.io.store import SAMPLE_COLUMNS, Store
from geoscribe.io.tables import EXPORT_COLUMNS, write_records
from geoscribe.schema import parse
from geoscribe.text import FIELDS, Sample


def test_atomic_write_gives_the_umask_mode(tmp_path):
    old = os.umask(0o027)
    try:
        with atomic_write(tmp_path / "out.txt") as fh:
            fh.write("x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out.txt").stat().st_mode) == 0o640
    assert (tmp_path / "out.txt").read_text() == "x"


def test_atomic_write_failure_keeps_the_old_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_write(target) as fh:
            fh.write("half")
            raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def _translations():
    rec = parse("Cell Line: K562 - Cell Type: None - Tissue Type: Blood - Factor: CTCF", "cistrome")
    return [(Sample(gsm="GSM1", text="a  b"), "a b", rec)]


@pytest.mark.parametrize("suffix, first", [(".csv", "input,output"), (".jsonl", '{"gsm": "GSM1"'), (".txt", "Cell Line")])
def test_write_records_format_from_suffix(tmp_path, suffix, first):
    path = tmp_path / "sub" / f"out{suffix}"
    assert write_records(_translations(), path) == 1
    text = path.read_text()
    assert text.startswith(first)
    if suffix == ".jsonl":
        row = json.loads(text)
        assert row["input"] == "a  b" and row["values"]["Factor"] == "CTCF"


def test_sample_columns_follow_the_sample_fields():
    others = tuple(f for f in FIELDS if f not in ("gsm", "text"))
    assert "sample_type" in others  # a field added to Sample flows through without more edits
    assert EXPORT_COLUMNS == ("gsm", "input", *others)
    assert SAMPLE_COLUMNS[1:-4] == ("gsm", *others)


def test_an_older_database_gets_the_missing_sample_columns(tmp_path):
    path = tmp_path / "old.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE samples (sample_key VARCHAR PRIMARY KEY, gsm VARCHAR, title VARCHAR, input VARCHAR, "
                "source_file VARCHAR, position BIGINT, read_at VARCHAR)")
    con.execute("INSERT INTO samples VALUES ('k', 'GSM1', 't', 'i', 'f', 0, 'now')")
    con.commit()
    con.close()
    with Store(path, read_only=False) as st:
        assert set(SAMPLE_COLUMNS) <= set(st.columns("samples"))
        assert st.execute("SELECT gsm, platform FROM samples") == [("GSM1", None)]
